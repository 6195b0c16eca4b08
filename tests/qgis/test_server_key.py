"""The server key (docs/qgis-plugin.md, "A server key"): kept in QGIS' authentication database, sent as
`Authorization: Bearer KEY` by the HTTP backend's requests and QGIS' tile requests to the server, and to
nothing else. Against the real `anttmap serve` of conftest.py (keys made with `anttmap key add`) and a small
echo server (header_echo.py) that reports the header each request brought."""
import json
import os
import subprocess
import sys

import pytest

from helpers import anttmap, drawn_pixels, unit_geometry

HOTSPOT = "05392"  # a hotspot commune of the sample province from 2016 on (`anttmap hotspot list`)
HOTSPOT_STROKE = "#b2182b"  # styles/anttmap-styles.json, hotspot


def _keep(key, base_url):
    from anttmap_qgis.core.server_key import save_key

    return save_key(key, base_url)


def _hotspot_extent(store, crs, year):
    """The hotspot commune's box in `crs`, with a margin."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    box = unit_geometry(store, HOTSPOT, year).boundingBox().buffered(0.01)
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), crs, QgsProject.instance())
    return transform.transformBoundingBox(box)


def _hotspot_red(colours):
    red = HOTSPOT_STROKE
    target = (int(red[1:3], 16), int(red[3:5], 16), int(red[5:7], 16))
    return [c for c in colours if abs(c.red() - target[0]) < 40 and abs(c.green() - target[1]) < 40
            and abs(c.blue() - target[2]) < 40]


def _wait_for(condition, seconds=10):
    import time

    from qgis.core import QgsApplication

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.02)
    return condition()


# -- against anttmap serve ---------------------------------------------------------------------------
def test_a_viewer_key_lists_the_internal_layers_and_their_tiles_draw(plugin, server, auth_db):
    from qgis.core import QgsRasterLayer

    from anttmap_qgis.core.backend import HttpBackend

    backend = HttpBackend(server.url, _keep(server.keys["viewer"], server.url))
    try:
        everything = [d["name"] for d in anttmap(server.store, "layers")["layers"]]
        assert [d["name"] for d in backend.layers()] == everything
        assert {"hotspots", "clusters", "models"} <= set(everything)
        hotspots = QgsRasterLayer(backend.tile_uri("hotspots", 2020), "hotspots", "wms")
        assert hotspots.isValid()
        drawn = drawn_pixels(hotspots, _hotspot_extent(server.store, hotspots.crs(), 2020))
        # The hatched outline of the hotspot commune, in the hotspot style's red.
        assert len(_hotspot_red(drawn)) > 100, (len(drawn), [c.name() for c in drawn[:5]])
    finally:
        backend.close()


def test_without_a_key_the_internal_tiles_are_refused_with_a_clear_message(plugin, server, auth_db, canvas):
    from qgis.core import QgsProject, QgsRasterLayer

    from anttmap_qgis.ui.panel import AnttmapPanel

    panel = AnttmapPanel(canvas, QgsProject.instance())
    panel.key.setConfigId("")
    try:
        panel.connect_server(server.url, 2019)
        assert "hotspots" not in panel.group.layers  # the public's layers only
        # A hotspots layer the project still holds (saved when a key was given): QGIS asks, the server refuses.
        hotspots = QgsRasterLayer(panel.backend.tile_uri("hotspots", 2019), "hotspots", "wms")
        assert drawn_pixels(hotspots, _hotspot_extent(server.store, hotspots.crs(), 2019)) == []
        assert _wait_for(lambda: "a key is needed" in panel.message.text()), panel.message.text()
        message = panel.message.text()
        assert "Máy chủ từ chối: cần khóa truy cập" in message and "The server refused: a key is needed" in message
        assert "Traceback" not in message
    finally:
        panel.disconnect_store()
        QgsProject.instance().clear()
        panel.deleteLater()


def test_a_partner_key_sees_the_public_only_and_the_refusal_names_its_role(plugin, server, auth_db):
    from qgis.core import QgsRasterLayer

    from anttmap_qgis.core.backend import HttpBackend

    backend = HttpBackend(server.url, _keep(server.keys["partner"], server.url))
    refusals = []
    backend.access.refused.connect(refusals.append)
    try:
        public = [d["name"] for d in anttmap(server.store, "layers")["layers"] if d["access"] == "public"]
        assert [d["name"] for d in backend.layers()] == public
        clusters = QgsRasterLayer(backend.tile_uri("clusters", 2018), "clusters", "wms")
        assert drawn_pixels(clusters, _hotspot_extent(server.store, clusters.crs(), 2018)) == []
        assert _wait_for(lambda: refusals)
        assert "vai trò của khóa này không được xem" in refusals[0] and "this key's role may not see it" in refusals[0]
    finally:
        backend.close()


def test_a_revoked_key_is_a_clear_message_in_the_panel_not_a_traceback(plugin, server, auth_db, canvas):
    from qgis.core import QgsProject

    from anttmap_qgis.ui.panel import AnttmapPanel

    panel = AnttmapPanel(canvas, QgsProject.instance())
    try:
        panel.store.setFilePath("")
        panel.server.setText(server.url)
        panel.key.setConfigId(_keep(server.keys["revoked"], server.url))
        panel.connect_button.click()
        message = panel.message.text()
        assert "Máy chủ từ chối khóa: khóa sai hoặc đã bị thu hồi" in message, message
        assert "The server refused the key: it is unknown or revoked" in message
        assert "Traceback" not in message and server.keys["revoked"] not in message
        assert panel.backend is None and panel.group is None
    finally:
        panel.disconnect_store()
        QgsProject.instance().clear()
        panel.deleteLater()


def test_the_panel_keeps_the_key_in_the_authentication_database_not_in_settings(plugin, server, auth_db, canvas,
                                                                                 monkeypatch):
    from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsProject, QgsSettings
    from qgis.PyQt.QtCore import QSettings

    from anttmap_qgis.core import settings
    from anttmap_qgis.core.server_key import read_key
    from anttmap_qgis.ui import panel as panel_module
    from anttmap_qgis.ui.panel import AnttmapPanel

    key = server.keys["viewer"]
    panel = AnttmapPanel(canvas, QgsProject.instance())
    try:
        panel.store.setFilePath("")
        panel.server.setText(server.url)
        monkeypatch.setattr(panel_module.QInputDialog, "getText", lambda *args, **kwargs: (key, True))
        panel.paste_key_button.click()
        authcfg = settings.server_authcfg()
        assert authcfg and panel.key.configId() == authcfg
        assert read_key(authcfg) == key
        # Pasting again (a new key for the same server) updates that configuration, no second one.
        count = len(QgsApplication.authManager().configIds())
        panel.paste_key_button.click()
        assert settings.server_authcfg() == authcfg and len(QgsApplication.authManager().configIds()) == count

        # The settings hold the configuration's id, nowhere the key; the database holds it encrypted.
        stored = QgsSettings()
        stored.sync()
        assert stored.value("anttmap/server_authcfg") == authcfg
        assert not [name for name in stored.allKeys() if key in str(stored.value(name))]
        with open(QSettings().fileName(), encoding="utf-8", errors="replace") as ini:
            assert key not in ini.read()
        with open(QgsApplication.authManager().authenticationDatabasePath(), "rb") as database:
            assert key.encode() not in database.read()

        # A Basic configuration the user made for something else is never overwritten by a pasted key.
        other = QgsAuthMethodConfig("Basic")
        other.setName("another WMS")
        other.setConfig("username", "someone")
        other.setConfig("password", "not-a-key")
        ok, other = QgsApplication.authManager().storeAuthenticationConfig(other)
        assert ok
        panel.key.setConfigId(other.id())
        panel.paste_key_button.click()
        assert settings.server_authcfg() not in ("", other.id())
        ok, kept = QgsApplication.authManager().loadAuthenticationConfig(other.id(), QgsAuthMethodConfig(), True)
        assert kept.config("password") == "not-a-key"

        # With the pasted key the panel shows the internal layers too.
        panel.key.setConfigId(authcfg)
        panel.connect_server(server.url, 2020)
        assert "hotspots" in panel.group.layers and panel.group.layers["hotspots"].isValid()
    finally:
        panel.disconnect_store()
        QgsProject.instance().clear()
        panel.deleteLater()
        settings.set_server_authcfg("")


# -- where the key goes -----------------------------------------------------------------------------
@pytest.fixture
def echo(tmp_path):
    """Two echo servers (two ports of this machine: two different servers for the key's rule): start(name)
    gives (url, log)."""
    started = []

    def start(name):
        log = str(tmp_path / (name + ".log"))
        process = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "header_echo.py"), log],
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        return "http://127.0.0.1:%d" % int(process.stdout.readline()), log

    yield start
    for process in started:
        process.kill()
        process.wait(10)


def _authorization_seen(url, authorization=None):
    """GETs `url` through QGIS' network manager (the JSON requests' way), with an `authorization` header of its
    own if given; the header the echo server got."""
    from qgis.core import QgsBlockingNetworkRequest
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtNetwork import QNetworkRequest

    request = QNetworkRequest(QUrl(url))
    if authorization:
        request.setRawHeader(b"Authorization", authorization.encode())
    blocking = QgsBlockingNetworkRequest()
    assert blocking.get(request, True) == QgsBlockingNetworkRequest.NoError, blocking.errorMessage()
    return json.loads(bytes(blocking.reply().content()).decode())["authorization"]


def test_the_key_goes_to_the_server_and_nowhere_else(plugin, auth_db, echo):
    from anttmap_qgis.core.backend import HttpBackend

    server, _log = echo("server")
    elsewhere, _other_log = echo("elsewhere")
    port = server.rsplit(":", 1)[1]
    base = server + "/anttmap"  # a server behind a proxy's sub-path
    key = "antt_only-for-the-server"
    backend = HttpBackend(base, _keep(key, base))
    try:
        assert _authorization_seen(base + "/api/years") == "Bearer " + key
        assert _authorization_seen(base) == "Bearer " + key
        for url in (elsewhere + "/anttmap/api/years",  # another port: another server
                    "http://localhost:%s/anttmap/api/years" % port,  # another host name for the same machine
                    server + "/api/years",  # outside the base path
                    server + "/anttmap-other/api/years",
                    server + "/anttmap/../admin"):
            assert _authorization_seen(url) is None, url
        # A redirect is decided again: followed to another server, it arrives without the key.
        assert _authorization_seen(base + "/redirect?to=" + elsewhere + "/anttmap/x") is None
        assert _authorization_seen(base + "/redirect?to=" + base + "/x") == "Bearer " + key
        # A copy of one of the server's requests sent elsewhere leaves without the key; another server's own
        # credentials (a layer with its own authentication) are left alone.
        assert _authorization_seen(elsewhere + "/x", "Bearer " + key) is None
        assert _authorization_seen(elsewhere + "/x", "Basic c29tZW9uZTpwYXNz") == "Basic c29tZW9uZTpwYXNz"
    finally:
        backend.close()
    # Closed (the panel disconnects, the plugin unloads): no key any more.
    assert _authorization_seen(base + "/api/years") is None


def _xyz(url):
    from qgis.core import QgsDataSourceUri, QgsRasterLayer

    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", url)
    layer = QgsRasterLayer(bytes(uri.encodedUri()).decode(), url, "wms")
    assert layer.isValid()
    return layer


def _logged(log):
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as seen:
        return [json.loads(line) for line in seen]


def test_tiles_get_the_key_from_the_server_only_and_not_through_a_redirect(plugin, auth_db, echo):
    from qgis.core import QgsRectangle

    from anttmap_qgis.core.backend import HttpBackend

    server, server_log = echo("server")
    elsewhere, elsewhere_log = echo("elsewhere")
    key = "antt_tiles-key"
    backend = HttpBackend(server, _keep(key, server))
    around_hoa_binh = QgsRectangle(11600000, 2300000, 11800000, 2450000)  # EPSG:3857
    try:
        drawn_pixels(_xyz(server + "/tiles/own/{z}/{x}/{y}.png"), around_hoa_binh)
        drawn_pixels(_xyz(elsewhere + "/tiles/other/{z}/{x}/{y}.png"), around_hoa_binh)
        drawn_pixels(_xyz(server + "/redirect?to=" + elsewhere + "/tiles/redirected/{z}/{x}/{y}.png"), around_hoa_binh)
    finally:
        backend.close()
    own = [r for r in _logged(server_log) if r["path"].startswith("/tiles/own/")]
    assert own and all(r["authorization"] == "Bearer " + key for r in own), own
    seen_elsewhere = _logged(elsewhere_log)
    assert {r["path"].split("/")[2] for r in seen_elsewhere} == {"other", "redirected"}, seen_elsewhere
    assert [r for r in seen_elsewhere if r["authorization"]] == []
