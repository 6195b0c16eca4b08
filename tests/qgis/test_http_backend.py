"""The read-only HTTP backend against a real `anttmap serve`: /api/years, /api/stats, /api/validate and the
server's tiles as the layer group. The server has the JSON API (docs/api.md): /api/stats answering anything but
200 fails the run (the `server` fixture is in conftest.py). Keys: test_server_key.py."""
import json
import os
import subprocess
import urllib.parse

from helpers import anttmap, colour_at, unit_geometry


def test_stats_and_years_are_the_cores(plugin, server):
    from anttmap_qgis.core.backend import HttpBackend

    url, store = server.url, server.store
    backend = HttpBackend(url)
    years = backend.years()
    assert 2020 in years.years and years.default == anttmap(store, "years")["default"]
    # Without a key the server is the public's: the registry's public layers, in its order.
    public = [d for d in anttmap(store, "layers")["layers"] if d["access"] == "public"]
    assert backend.layers() == public
    stats = backend.stats(2020)
    cli = json.loads(subprocess.run([os.environ["ANTTMAP"], "--db", store, "--json", "stats", "--year", "2020"],
                                    capture_output=True, text=True, check=True).stdout)
    assert [(d["code"], d["pooled"]["share_recognised"]) for d in stats["districts"]] == \
        [(d["code"], d["pooled"]["share_recognised"]) for d in cli["districts"]]


def test_validate_posts_the_candidate(plugin, server):
    from anttmap_qgis.core.backend import HttpBackend

    url, store = server.url, server.store
    moved = unit_geometry(store, "04792", 2020)
    moved.translate(0.02, 0.0)  # onto its eastern neighbours
    candidate = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "04792"}, "geometry": json.loads(moved.asJson())}]}
    report = HttpBackend(url).validate(candidate, 2020)
    assert any(f["problem"] == "overlap" and "04792" in f["units"] for f in report["findings"]), report


def test_panel_shows_the_servers_tiles(plugin, server, canvas):
    from qgis.core import QgsProject

    from anttmap_qgis.ui.panel import AnttmapPanel

    url, store = server.url, server.store
    panel = AnttmapPanel(canvas, QgsProject.instance())
    panel.key.setConfigId("")  # no key: the public's layers
    try:
        panel.connect_server(url, 2020)
        assert panel.backend.read_only and not panel.edit_button.isEnabled()
        # The server's layer registry, in its order.
        assert list(panel.group.layers) == [d["name"] for d in anttmap(store, "layers")["layers"]
                                            if d["access"] == "public"]
        communes = panel.group.layers["communes"]
        assert communes.isValid() and communes.providerType() == "wms"
        assert "year=2020" in urllib.parse.unquote(communes.source())
        from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY

        inside = unit_geometry(store, "04792", 2020).pointOnSurface().asPoint()
        point = QgsPointXY(inside.x(), inside.y())

        to_3857 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                         QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
        projected = QgsPointXY(to_3857.transform(point))
        colour = colour_at(communes, projected, half_size=200)
        assert colour not in ("#ffffff", "#000000"), colour
        panel.set_year(2012)
        assert "year=2012" in urllib.parse.unquote(panel.group.layers["communes"].source())
    finally:
        panel.disconnect_store()
        panel.deleteLater()
