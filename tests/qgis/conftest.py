"""Fixtures of the QGIS plugin tests: real QGIS (Debian python3-qgis, offscreen), a temporary QGIS profile,
the plugin installed from the zip scripts/package-qgis-plugin.sh builds, and sample stores made by
`anttmap sample`. Run with /usr/bin/python3 -m pytest tests/qgis (ctest: qgis_plugin)."""
import atexit
import collections
import contextlib
import faulthandler
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.append("/usr/share/qgis/python/plugins")  # Processing
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))  # stores.py: SpatiaLite or PostGIS stores

PROFILE = tempfile.mkdtemp(prefix="anttmap-qgis-profile-")
atexit.register(shutil.rmtree, PROFILE, True)
# Settings (QgsSettings) and caches go into the throw-away profile, never into the user's ~/.config.
os.environ["XDG_CONFIG_HOME"] = os.path.join(PROFILE, "config")
os.environ["XDG_CACHE_HOME"] = os.path.join(PROFILE, "cache")
os.environ.setdefault("XDG_RUNTIME_DIR", PROFILE)

from qgis.core import QgsApplication  # noqa: E402

APP = QgsApplication([], True, PROFILE)
APP.initQgis()


def anttmap_binary():
    configured = os.environ.get("ANTTMAP")
    if configured:
        return configured
    for build in ("build-qgis", "build"):
        path = os.path.join(ROOT, build, "server", "anttmap")
        if os.path.exists(path):
            return path
    pytest.exit("no anttmap binary: build it or set ANTTMAP", 2)


ANTTMAP = anttmap_binary()
os.environ["ANTTMAP"] = ANTTMAP  # the plugin finds the tool through the environment, as an installed one


# A test stuck this long prints every thread's stack on the real stderr (the run uses --capture=sys, so fd 2 is
# not a capture file) and ends the run, rather than waiting for ctest's timeout with nothing said about where.
STUCK_AFTER_S = int(os.environ.get("ANTTMAP_TEST_STUCK_AFTER_S", "300"))


@pytest.fixture(autouse=True)
def nobody_answers_dialogs(request):
    """Offscreen nobody answers a modal dialog, so one opened by the plugin (an error box, a prompt) is closed
    here and fails the test naming it, instead of blocking the run."""
    from qgis.PyQt.QtCore import QTimer
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    opened = []

    def close_modal_dialog():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        text = dialog.text() if isinstance(dialog, QMessageBox) else ""
        opened.append("%s %r: %s" % (type(dialog).__name__, dialog.windowTitle(), text))
        dialog.reject()

    watcher = QTimer()
    watcher.setInterval(200)
    watcher.timeout.connect(close_modal_dialog)
    watcher.start()
    faulthandler.dump_traceback_later(STUCK_AFTER_S, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()
    watcher.stop()
    if opened:
        pytest.fail("%s opened a modal dialog nobody can answer: %s" % (request.node.name, "; ".join(opened)))


@pytest.fixture(scope="session", autouse=True)
def clean_profile():
    yield
    shutil.rmtree(PROFILE, ignore_errors=True)


@pytest.fixture(scope="session")
def plugin_zip():
    """The zip a user installs with "Install from ZIP", built by the project's script."""
    out = tempfile.mkdtemp(prefix="anttmap-qgis-zip-")
    result = subprocess.run(["bash", os.path.join(ROOT, "scripts", "package-qgis-plugin.sh"), out],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    yield result.stdout.strip().splitlines()[-1]
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def plugin(plugin_zip):
    """The plugin package extracted into the profile's plugin folder, as QGIS' installer does."""
    plugins = os.path.join(PROFILE, "python", "plugins")
    os.makedirs(plugins, exist_ok=True)
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(plugins)
    sys.path.insert(0, plugins)
    import anttmap_qgis

    assert anttmap_qgis.__file__.startswith(plugins)
    return anttmap_qgis


@pytest.fixture(scope="session")
def processing_ready(plugin):
    from processing.core.Processing import Processing

    Processing.initialize()
    from anttmap_qgis.plugin import AnttmapPlugin

    instance = AnttmapPlugin(None)
    instance.initProcessing()
    yield instance
    instance.unload()


@pytest.fixture(scope="session")
def stores(tmp_path_factory):
    """Makes stores of the kind the run tests (tests/support/stores.py: SpatiaLite files, or PostGIS databases
    with ANTT_TEST_STORE=postgis) and drops the PostGIS ones at the end."""
    from stores import Stores

    made = Stores(ANTTMAP, tmp_path_factory.mktemp("stores"))
    yield made
    made.drop_all()


@pytest.fixture
def store(stores, tmp_path):
    """A fresh copy of the sample province for one test (a path or a postgresql:// URI)."""
    return str(stores.sample_copy(tmp_path / "hoabinh.sqlite"))


@pytest.fixture
def canvas():
    from qgis.gui import QgsMapCanvas

    from helpers import settle

    widget = QgsMapCanvas()
    widget.resize(800, 600)
    yield widget
    settle(widget)
    widget.deleteLater()


@pytest.fixture
def panel(plugin, canvas, store):
    from qgis.core import QgsProject

    from anttmap_qgis.ui.panel import AnttmapPanel

    widget = AnttmapPanel(canvas, QgsProject.instance())
    widget.connect_store(store, 2020)
    yield widget
    widget.disconnect_store()
    QgsProject.instance().clear()
    widget.deleteLater()


@pytest.fixture(scope="session")
def auth_db(plugin):
    """QGIS' authentication database of the test profile, unlocked with its master password (QGIS asks the
    user for it; here it is set once). The plugin's server key setting is cleared afterwards."""
    from qgis.core import QgsApplication

    manager = QgsApplication.authManager()
    assert not manager.isDisabled()
    assert manager.setMasterPassword("anttmap-tests-master", True)
    yield manager
    from anttmap_qgis.core import settings

    settings.set_server_authcfg("")


# -- a real `anttmap serve` --------------------------------------------------------------------------
Served = collections.namedtuple("Served", ["url", "store", "keys"])
KEY_ROLES = {"viewer": "viewer", "partner": "partner", "revoked": "viewer"}  # key name -> role


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def serving(store):
    """`anttmap serve` on `store` until the block ends: yields (url, process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from stores import is_postgis

    log = tempfile.NamedTemporaryFile("w", prefix="anttmap-serve-", suffix=".log", delete=False) if is_postgis(
        store) else open(store + ".log", "w")
    process = subprocess.Popen([ANTTMAP, "--db", store, "--quiet", "serve", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail("anttmap serve exited: " + open(log.name).read())
            try:
                if _get(url + "/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("anttmap serve did not become healthy within 120 s")
            time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
        log.close()


def make_key(store, name, role, *extra):
    """`anttmap key add NAME --role ROLE EXTRA...`: the key it prints."""
    made = subprocess.run([ANTTMAP, "--db", store, "--json", "--quiet", "key", "add", name, "--role", role, *extra],
                          capture_output=True, text=True, check=True)
    return json.loads(made.stdout.strip().splitlines()[-1])["key"]


@pytest.fixture(scope="session")
def server(stores, tmp_path_factory):
    """`anttmap serve` on a copy of the sample province, with keys made by `anttmap key add` (viewer, partner,
    and one revoked at once): Served(url, store, keys {name: key})."""
    store = str(stores.sample_copy(tmp_path_factory.mktemp("serve") / "hoabinh.sqlite"))
    keys = {name: make_key(store, name, role) for name, role in KEY_ROLES.items()}
    subprocess.run([ANTTMAP, "--db", store, "--quiet", "key", "revoke", "revoked"], capture_output=True, check=True)
    with serving(store) as (url, _process):
        status, body = _get(url + "/api/stats?year=2020")
        if status != 200:
            pytest.fail("anttmap serve answered /api/stats?year=2020 with %d, not 200: the JSON API the HTTP "
                        "backend reads (docs/api.md) is broken: %r" % (status, body[:300]))
        yield Served(url, store, keys)
