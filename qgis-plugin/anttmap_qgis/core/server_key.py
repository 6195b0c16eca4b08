"""The server key (docs/serve.md, "roles and keys"): kept in QGIS' authentication database, sent as
`Authorization: Bearer KEY` to the anttmap server and to nothing else.

Where it is kept. QGIS 3.22 offers the authentication methods Basic, EsriToken, Identity-Cert, PKI-Paths and
PKI-PKCS#12; "API Header" came with 3.24, and none of 3.22's puts a Bearer token in `Authorization` (Basic
sends `Basic user:password`, which the server refuses). So the key is the password of a "Basic"
configuration: encrypted with the master password in qgis-auth.db, made and edited with QGIS' own widgets.
The plugin's settings hold only the configuration's id.

How it is sent. The JSON requests could set the header themselves, but the tiles are fetched by QGIS' wms
provider (type=xyz), whose 3.22 URI takes no custom header, and an `authcfg` in that URI would send the Basic
header. A request preprocessor of QGIS' network manager (QgsNetworkAccessManager.setRequestPreprocessor, new
in 3.22) sees every request QGIS makes, from any thread, just before it leaves: one rule then decides for the
API and the tiles alike, and it adds the key only to URLs below the server's base URL (same scheme, host and
port, a path under the base path). Another layer's server, a link or a redirect elsewhere never get it; a
redirect is a new request and is decided again. The key is read from the database once, on the main thread
(reading may ask for the master password); the preprocessor, called from the tile threads, only uses that
copy. It is removed when the panel disconnects and when the plugin unloads.
"""
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsNetworkAccessManager
from qgis.PyQt.QtCore import QByteArray, QObject, QUrl, pyqtSignal
from qgis.PyQt.QtNetwork import QNetworkRequest

from .backend import BackendError

KEY_METHOD = "Basic"
KEY_USER = "anttmap"  # Basic wants a user name; the server reads only the key (the password)
NAME_PREFIX = "anttmap key — "
REFUSED = (401, 403)


def both(vietnamese, english):
    """A message in both languages, as the core writes its own: often read by someone setting QGIS up."""
    return vietnamese + "\n" + english


def refusal_message(status, key_sent):
    if status == 403:
        return both("Máy chủ từ chối: vai trò của khóa này không được xem nội dung này.",
                    "The server refused: this key's role may not see it.")
    if key_sent:
        return both("Máy chủ từ chối khóa: khóa sai hoặc đã bị thu hồi; nhập khóa mới trong bảng anttmap (Khóa).",
                    "The server refused the key: it is unknown or revoked; give a new one in the anttmap panel "
                    "(Key).")
    return both("Máy chủ từ chối: cần khóa truy cập; nhập khóa trong bảng anttmap (Khóa).",
                "The server refused: a key is needed; give it in the anttmap panel (Key).")


def _manager():
    manager = QgsApplication.authManager()
    if manager.isDisabled():
        raise BackendError(both("Hệ thống xác thực của QGIS đang tắt: không đọc được khóa máy chủ.",
                                "QGIS' authentication system is disabled: the server key cannot be read."))
    return manager


def _is_key(text):
    """Printable ASCII without spaces: what `anttmap key add` prints, and all an HTTP header may carry."""
    return bool(text) and all(33 <= ord(c) <= 126 for c in text)


def read_key(authcfg):
    """The key held by the authentication configuration `authcfg` (a Basic one: its password)."""
    manager = _manager()
    ok, config = manager.loadAuthenticationConfig(authcfg, QgsAuthMethodConfig(), True)
    if not ok or not config.isValid(True):
        raise BackendError(both(
            "Không đọc được cấu hình xác thực {id} (không có, hoặc chưa nhập mật khẩu chính của QGIS).",
            "The authentication configuration {id} cannot be read (it does not exist, or QGIS' master password "
            "was not given).").format(id=authcfg))
    key = (config.config("password") or "").strip()
    if config.method() != KEY_METHOD or not _is_key(key):
        raise BackendError(both(
            "Cấu hình xác thực {id} phải là loại Basic, mật khẩu là khóa máy chủ (anttmap key add).",
            "The authentication configuration {id} must be of type Basic with the server key as its password "
            "(anttmap key add).").format(id=authcfg))
    return key


def key_config_name(base_url):
    return NAME_PREFIX + base_url.rstrip("/")


def save_key(key, base_url, authcfg=""):
    """Keeps `key` for the server at `base_url` in the authentication database; returns the configuration id.
    Updates `authcfg` when it is the one this function made for that server, else makes a new one (a
    configuration the user made for something else is never overwritten)."""
    key = key.strip()
    if not _is_key(key):
        raise BackendError(both("Khóa không hợp lệ: dán đúng dòng cuối mà `anttmap key add` in ra.",
                                "Not a key: paste the last line `anttmap key add` printed."))
    manager = _manager()
    if not manager.masterPasswordIsSet() and not manager.setMasterPassword(True):
        raise BackendError(both("Cần mật khẩu chính của QGIS để cất khóa.",
                                "QGIS' master password is needed to keep the key."))
    config = QgsAuthMethodConfig(KEY_METHOD)
    overwrite = False
    if authcfg:
        ok, existing = manager.loadAuthenticationConfig(authcfg, QgsAuthMethodConfig(), False)
        if ok and existing.method() == KEY_METHOD and existing.name() == key_config_name(base_url):
            config.setId(authcfg)
            overwrite = True
    config.setName(key_config_name(base_url))
    config.setUri(base_url.rstrip("/"))
    config.setConfig("username", KEY_USER)
    config.setConfig("password", key)
    ok, stored = (manager.updateAuthenticationConfig(config), config) if overwrite \
        else manager.storeAuthenticationConfig(config)
    if not ok:
        raise BackendError(both("Không cất được khóa vào cơ sở dữ liệu xác thực của QGIS.",
                                "The key could not be kept in QGIS' authentication database."))
    return stored.id()


def _default_port(scheme):
    return 443 if scheme == "https" else 80


class ServerKey(QObject):
    """The key of one server while it is installed: the preprocessor that adds it, and a watcher that turns
    the server's refusals of QGIS' own requests (the tiles) into a message."""

    refused = pyqtSignal(str)

    def __init__(self, base_url, key=None, parent=None):
        super().__init__(parent)
        self.base = QUrl(base_url.rstrip("/"))
        self._header = QByteArray(b"Bearer " + key.encode("ascii")) if key else None
        self._preprocessor_id = None
        self._watching = False

    @property
    def has_key(self):
        return self._header is not None

    def covers(self, url):
        """True for a URL below the base URL: same scheme, host and port, a path under the base path (no dot
        segments, which a server could resolve to a path outside it)."""
        url = QUrl(url)
        scheme = url.scheme().lower()
        if not url.isValid() or scheme != self.base.scheme().lower() or scheme not in ("http", "https"):
            return False
        if url.host().lower() != self.base.host().lower():
            return False
        if url.port(_default_port(scheme)) != self.base.port(_default_port(scheme)):
            return False
        path = url.path(QUrl.FullyDecoded)
        if any(segment in (".", "..") for segment in path.split("/")):
            return False
        prefix = self.base.path(QUrl.FullyDecoded).rstrip("/")
        return path == prefix or path.startswith(prefix + "/")

    def install(self):
        if self._header is not None and self._preprocessor_id is None:
            self._preprocessor_id = QgsNetworkAccessManager.setRequestPreprocessor(self._preprocess)
        if not self._watching:
            # The network managers of the tile threads pass their `finished` on to the main one.
            QgsNetworkAccessManager.instance().finished.connect(self._reply_finished)
            self._watching = True

    def remove(self):
        if self._preprocessor_id is not None:
            QgsNetworkAccessManager.removeRequestPreprocessor(self._preprocessor_id)
            self._preprocessor_id = None
        if self._watching:
            try:
                QgsNetworkAccessManager.instance().finished.disconnect(self._reply_finished)
            except TypeError:
                pass
            self._watching = False

    def _preprocess(self, request):
        # Called from any thread: reads only what install() fixed.
        if self.covers(request.url()):
            request.setRawHeader(b"Authorization", self._header)
        elif request.rawHeader(b"Authorization") == self._header:
            # A copy of one of our requests sent elsewhere: it leaves without the key (a null value removes it).
            request.setRawHeader(b"Authorization", QByteArray())

    def _reply_finished(self, content):
        status = content.attribute(QNetworkRequest.HttpStatusCodeAttribute)
        if status is not None and int(status) in REFUSED and self.covers(content.request().url()):
            self.refused.emit(refusal_message(int(status), self.has_key))
