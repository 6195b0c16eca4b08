"""The plugin's settings (QGIS profile, group anttmap/): tool path, store, server, and the id of the server
key's authentication configuration (the key itself is only in QGIS' authentication database). No editor name:
the audit records the account (the server's, or the OS account running the tool), never a typed name."""
import getpass

from qgis.core import QgsSettings

GROUP = "anttmap/"


def _get(key, default=""):
    return QgsSettings().value(GROUP + key, default) or default


def _set(key, value):
    QgsSettings().setValue(GROUP + key, value)


def binary_setting():
    return _get("binary")


def set_binary_setting(path):
    _set("binary", path)


def login_name():
    """The OS account, as the panel shows it (the tool records the account it runs as)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (service accounts on Windows)
        return "?"


def last_store():
    return _get("store")


def set_last_store(path):
    _set("store", path)


def server_url():
    return _get("server")


def set_server_url(url):
    _set("server", url.strip())


def server_authcfg():
    """The id of the authentication configuration holding the server key ("" for none), never the key."""
    return _get("server_authcfg")


def set_server_authcfg(authcfg):
    _set("server_authcfg", (authcfg or "").strip())
