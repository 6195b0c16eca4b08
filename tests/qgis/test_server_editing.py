"""Editing on a server from real QGIS (docs/qgis-plugin.md, "Editing on a server"): the plugin signed in with an
editor's key (QGIS' authentication database) edits a commune's boundary with QGIS' own editing and saves it
through POST /api/boundaries, and its status through the unit form (PUT /api/units/{code}/status/{year}):
accepted, in the server's tiles within a second, audited with that account and client qgis. An editor of
another district is refused (403) with nothing written; a stale copy (409) and a server that is gone keep
the edits in QGIS' edit buffer. No anttmap binary is used by the plugin here: only the server."""
import json
import time
import urllib.request

import pytest

from conftest import make_key, serving
from helpers import anttmap, feature_by_code

COMMUNE = "04846"  # Xã Mường Chiềng, huyện Đà Bắc (150)
DISTRICT_A, DISTRICT_B = "150", "148"
REASON = "Biên bản điều chỉnh địa giới số 7 — thử nghiệm ỹ ữ ẵ ộ"


@pytest.fixture(scope="module")
def editing_server(stores, tmp_path_factory):
    store = str(stores.sample_copy(tmp_path_factory.mktemp("server-edits") / "hoabinh.sqlite"))
    keys = {"a": make_key(store, "can.bo.da.bac", "editor", "--scope", DISTRICT_A),
            "b": make_key(store, "can.bo.thanh.pho", "editor", "--scope", DISTRICT_B)}
    with serving(store) as (url, process):
        yield url, store, keys, process


def _tile_png(url, lon, lat, zoom=14):
    import math

    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    with urllib.request.urlopen("%s/tiles/communes/%d/%d/%d.png?year=2020" % (url, zoom, x, y), timeout=30) as answer:
        return answer.read()


def _connect(canvas, url, key):
    from qgis.core import QgsProject

    from anttmap_qgis.core.server_key import save_key
    from anttmap_qgis.ui.panel import AnttmapPanel

    panel = AnttmapPanel(canvas, QgsProject.instance())
    panel.key.setConfigId(save_key(key, url))
    panel.connect_server(url, 2020)
    return panel


def _close(panel):
    from qgis.core import QgsProject

    for name in (panel.group.editable if panel.group else []):
        layer = panel.group.layers[name]
        if layer.isEditable():
            layer.rollBack()
    panel.disconnect_store()
    QgsProject.instance().clear()
    panel.deleteLater()


def _move_first_vertex(layer, code, by):
    """Moves the first vertex of the unit's outer ring by `by` degrees (lon and lat); returns the new (lon, lat)."""
    feature = feature_by_code(layer, code)
    vertex = feature.geometry().vertexAt(0)
    moved = (vertex.x() + by, vertex.y() + by)
    assert layer.moveVertex(moved[0], moved[1], feature.id(), 0)
    return moved


def _audit_of(store, table, code):
    return [row for row in anttmap(store, "audit", "--table", table)["entries"] if row["key"].startswith(code)]


def test_an_editor_saves_a_boundary_and_a_status_through_the_server(plugin, auth_db, canvas, editing_server):
    from anttmap_qgis.core.unit_edit import UnitChanges, UnitEditor

    url, store, keys, _process = editing_server
    panel = _connect(canvas, url, keys["a"])
    try:
        assert not panel.backend.read_only and panel.edit_button.isEnabled()
        assert "can.bo.da.bac" in panel.identity.text()
        communes = panel.group.layers["communes"]
        assert communes.providerType() == "anttmap"
        assert panel.group.underlays["communes"].providerType() == "wms"  # the server's colours below
        version = feature_by_code(communes, COMMUNE)["version"]
        assert version.startswith('"unit-')

        assert panel.start_editing("communes") is communes
        lon, lat = _move_first_vertex(communes, COMMUNE, 0.004)
        before = _tile_png(url, lon, lat)
        assert panel.save_edits() is False  # it leaves its district and overlaps: refused, kept
        assert communes.isModified() and "validation found" in panel.message.text()
        report = panel.save_edits(REASON)
        assert report is not False, panel.message.text()
        saved_at = time.monotonic()
        while _tile_png(url, lon, lat) == before and time.monotonic() - saved_at < 5:
            time.sleep(0.05)
        assert time.monotonic() - saved_at < 1.0, "the server's tile did not change within a second"

        rows = _audit_of(store, "unit", COMMUNE)
        assert (rows[-1]["operation"], rows[-1]["user"], rows[-1]["tool"]) == ("UPDATE", "can.bo.da.bac", "qgis")
        assert anttmap(store, "audit", "--table", "validation_override")["entries"][-1]["user"] == "can.bo.da.bac"
        # The copy moved on with the save: the next save is checked against it, not refused as stale.
        reloaded = feature_by_code(panel.group.layers["communes"], COMMUNE)
        assert reloaded["version"] != version

        editor = UnitEditor(panel.backend)
        current = editor.current(COMMUNE, 2020)
        assert current["unit"]["name"] == "Xã Mường Chiềng"
        changes = UnitChanges(code=COMMUNE, year=2020, status="recognised", decision="21/QĐ-UBND",
                              date="2020-12-28", authority="UBND huyện Đà Bắc", note="Đạt chuẩn — ỹ ữ ẵ ộ")
        saved = editor.save(changes)["status"]
        assert saved["status"] == "recognised" and saved["recorded_by"] == "can.bo.da.bac"
        shown = anttmap(store, "unit", "show", COMMUNE, "--year", 2020)["status"]
        assert shown["status"] == "recognised" and shown["recorded_by"] == "can.bo.da.bac"
        assert _audit_of(store, "unit_status", COMMUNE)[-1]["tool"] == "qgis"

        # The programme's indicators through the same form, over PUT /api/units/{code}/indicators/{year}.
        from anttmap_qgis.ui.unit_form import UnitForm

        form = UnitForm(editor, COMMUNE, 2020, panel)
        assert form.indicator_box is not None and "propaganda_sessions" in form.indicator_fields
        saved = editor.save(UnitChanges(code=COMMUNE, year=2020, indicators={"propaganda_sessions": "9"},
                                        indicator_note="Báo cáo số 7"))["indicators"]
        recorded = {item["indicator"]: item for item in saved["indicators"]}
        assert recorded["propaganda_sessions"]["value"] == 9
        assert recorded["propaganda_sessions"]["recorded_by"] == "can.bo.da.bac"
        assert _audit_of(store, "indicator_value", COMMUNE)[-1]["tool"] == "qgis"
    finally:
        _close(panel)


def test_an_editor_of_another_district_is_refused_and_nothing_is_written(plugin, auth_db, canvas, editing_server):
    from anttmap_qgis.core.backend import BackendError
    from anttmap_qgis.core.unit_edit import UnitChanges, UnitEditor

    url, store, keys, _process = editing_server
    panel = _connect(canvas, url, keys["b"])
    try:
        audit_before = anttmap(store, "audit", "--limit", 1)["entries"]
        communes = panel.start_editing("communes")
        _move_first_vertex(communes, COMMUNE, -0.002)
        assert panel.save_edits(REASON) is False
        assert "outside your editing scope" in panel.message.text()
        assert communes.isEditable() and communes.isModified()  # kept in the edit buffer
        editor = UnitEditor(panel.backend)
        editor.current(COMMUNE, 2020)
        with pytest.raises(BackendError) as refused:
            editor.save(UnitChanges(code=COMMUNE, year=2020, status="registered"))
        assert "403" in str(refused.value) or "scope" in str(refused.value)
        assert anttmap(store, "audit", "--limit", 1)["entries"] == audit_before
    finally:
        _close(panel)


def test_a_stale_copy_is_refused_and_the_edits_stay_in_the_buffer(plugin, auth_db, canvas, editing_server):
    url, store, keys, _process = editing_server
    panel = _connect(canvas, url, keys["a"])
    try:
        communes = panel.start_editing("communes")
        _move_first_vertex(communes, COMMUNE, 0.001)
        # Meanwhile another client saves the same commune from its own fresh copy.
        request = urllib.request.Request(url + "/api/boundaries?layer=communes&year=2020",
                                         headers={"Authorization": "Bearer " + keys["a"]})
        with urllib.request.urlopen(request, timeout=60) as answer:
            theirs = next(f for f in json.loads(answer.read())["features"] if f["properties"]["code"] == COMMUNE)
        ring = theirs["geometry"]["coordinates"][0][0]
        ring[0] = ring[-1] = [ring[0][0] - 0.001, ring[0][1] - 0.001]
        body = {"year": 2020, "override_reason": "người khác sửa trước",
                "boundaries": {"type": "FeatureCollection", "features": [theirs]}}
        request = urllib.request.Request(url + "/api/boundaries", data=json.dumps(body).encode("utf-8"), method="POST",
                                         headers={"Authorization": "Bearer " + keys["a"],
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["written"]

        assert panel.save_edits(REASON) is False
        assert COMMUNE in panel.message.text() and "changed on the server" in panel.message.text()
        assert communes.isEditable() and communes.isModified()
        stored = anttmap(store, "unit", "show", COMMUNE, "--year", 2020, "--geometry")["geometry"]
        assert stored["coordinates"][0][0][0] == pytest.approx(ring[0])  # theirs stands
    finally:
        _close(panel)


def test_edits_are_kept_when_the_server_is_gone(plugin, auth_db, canvas, stores, tmp_path):
    store = str(stores.sample_copy(tmp_path / "hoabinh.sqlite"))
    key = make_key(store, "can.bo.da.bac", "editor", "--scope", DISTRICT_A)
    with serving(store) as (url, process):
        panel = _connect(canvas, url, key)
        try:
            communes = panel.start_editing("communes")
            _move_first_vertex(communes, COMMUNE, 0.001)
            process.kill()
            process.wait(30)
            assert panel.save_edits(REASON) is False
            assert communes.isEditable() and communes.isModified()
            assert panel.message.text()
        finally:
            _close(panel)


def test_a_merge_is_recorded_through_the_server_for_the_keys_account(processing_ready, auth_db, stores, tmp_path):
    """Processing's lineage algorithm with a server's address (SERVER): the merge goes through POST
    /api/lineage as the key's account (audited with client qgis); an editor whose scope is a district that no
    longer exists in 2026 is refused (403) and nothing is written."""
    import processing
    from qgis.core import QgsProcessingException

    from anttmap_qgis.core import settings
    from anttmap_qgis.core.server_key import save_key

    store = str(stores.sample_copy(tmp_path / "hoabinh.sqlite"))
    province_key = make_key(store, "can.bo.tinh", "editor", "--scope", "25")
    district_key = make_key(store, "can.bo.da.bac", "editor", "--scope", DISTRICT_A)
    merge = {"KIND": 0, "CODES": "05287,05290", "DATE": "2026-09-01", "DECISION": "99/NQ-UBTVQH15 (thử nghiệm)",
             "INTO": "05287", "NAME": "Xã Mường Vang Nhân Nghĩa"}
    with serving(store) as (url, process):
        try:
            before = len(anttmap(store, "audit", "--limit", "100000")["entries"])
            settings.set_server_authcfg(save_key(district_key, url))
            with pytest.raises(QgsProcessingException) as refused:
                processing.run("anttmap:lineage", dict(merge, SERVER=url))
            assert "scope" in str(refused.value)
            assert len(anttmap(store, "audit", "--limit", "100000")["entries"]) == before

            settings.set_server_authcfg(save_key(province_key, url))
            result = processing.run("anttmap:lineage", dict(merge, SERVER=url))
            assert result["EVENT"] > 0
            shown = anttmap(store, "lineage", "show", "05290")
            assert shown["after"][0]["code"] == "05287"
            rows = _audit_of(store, "lineage_event", "")
            assert rows and (rows[-1]["user"], rows[-1]["tool"]) == ("can.bo.tinh", "qgis")
        finally:
            settings.set_server_authcfg("")
