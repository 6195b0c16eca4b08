"""Boundary edits: saved through `anttmap unit reshape` at commit, refused with the finding (the edits stay
in QGIS' edit buffer), overridable with a recorded reason, and audited with the editor's name."""
import json

import pytest
from qgis.core import QgsGeometry, QgsPoint, QgsPointXY, QgsProject

from helpers import OS_ACCOUNT, audit_rows, feature_by_code, newest_audit_id, unit


def neighbours(layer):
    """Two communes sharing a boundary and one vertex of the first that lies on the second's boundary."""
    features = list(layer.getFeatures())
    for first in features:
        geometry = first.geometry()
        for second in features:
            if second.id() == first.id() or not geometry.touches(second.geometry()):
                continue
            boundary = QgsGeometry(second.geometry().constGet().boundary())
            for index, vertex in enumerate(geometry.vertices()):
                point = QgsGeometry.fromPointXY(QgsPointXY(vertex.x(), vertex.y()))
                if boundary.distance(point) < 1e-9:
                    return first, second, index
    raise AssertionError("no neighbouring communes")


def test_overlap_refused_with_the_finding_then_saved_with_a_reason(panel):
    from anttmap_qgis.core.editing import CommitRefused

    db = panel.backend.db_path
    communes = panel.start_editing("communes")
    assert QgsProject.instance().topologicalEditing()
    assert QgsProject.instance().snappingConfig().enabled()
    first, second, vertex = neighbours(communes)
    stored = unit(db, first["code"], 2020, geometry=True)["geometry"]
    inside = second.geometry().pointOnSurface().asPoint()
    assert communes.moveVertex(inside.x(), inside.y(), first.id(), vertex)
    audit_before = newest_audit_id(db)

    with pytest.raises(CommitRefused) as refused:
        panel.guard.commit(communes)
    overlaps = [f for f in refused.value.report["findings"] if f["problem"] == "overlap"]
    assert overlaps, refused.value.report
    assert {first["code"], second["code"]} <= set(overlaps[0]["units"])
    # Nothing reached the store; the edit is still there to fix.
    assert communes.isEditable() and communes.isModified()
    assert unit(db, first["code"], 2020, geometry=True)["geometry"] == stored
    assert newest_audit_id(db) == audit_before

    # The panel lists the finding; a click zooms to it.
    assert panel.save_edits() is False
    assert "validation found" in panel.message.text()
    assert communes.isEditable() and communes.isModified()
    assert panel.findings.topLevelItemCount() >= 1
    index = [f["problem"] for f in panel.report["findings"]].index("overlap")
    item = panel.findings.topLevelItem(index)
    assert item.text(1) == "overlap" and first["code"] in item.text(2)
    extent = panel.zoom_to_finding(index)
    assert extent is not None
    assert panel.canvas.extent().contains(QgsGeometry.fromWkt(panel.report["findings"][index]["where"])
                                          .boundingBox()) or panel.canvas.extent().intersects(extent)

    # Override with a reason: saved, the reason recorded with the findings, both attributed to the editor.
    reason = "Quyết định điều chỉnh địa giới số 12/NQ-HĐND chưa số hóa"
    panel.save_edits(reason)
    assert not communes.isEditable() and not communes.isModified()
    saved = unit(db, first["code"], 2020, geometry=True)["geometry"]
    assert saved != stored
    unit_rows = audit_rows(db, "unit", audit_before)
    assert [(r["operation"], r["user"], r["tool"]) for r in unit_rows] == [("UPDATE", OS_ACCOUNT, "qgis")]
    assert unit_rows[0]["key"].startswith(first["code"] + "@")
    override = audit_rows(db, "validation_override", audit_before)
    assert [(r["operation"], r["user"], r["tool"]) for r in override] == [("INSERT", OS_ACCOUNT, "qgis")]
    record = override[0]["after"]
    assert record["reason"] == reason and record["recorded_by"] == OS_ACCOUNT
    assert first["code"] in json.loads(record["units"])
    assert "overlap" in {finding["problem"] for finding in json.loads(record["findings"])}
    assert panel.guard.last_result["override"] == int(override[0]["key"])
    # The map shows what was saved: the moved vertex, in the re-exported communes.
    moved = feature_by_code(panel.group.layers["communes"], first["code"]).geometry()
    assert moved.vertexAt(vertex).distance(QgsPoint(inside.x(), inside.y())) < 1e-6


def test_a_failing_tool_refuses_the_save_and_keeps_the_edits(panel, tmp_path):
    """When the tool cannot save (here: a store it cannot write), QGIS keeps the edit buffer."""
    db = panel.backend.db_path
    communes = panel.start_editing("communes")
    first, second, vertex = neighbours(communes)
    inside = second.geometry().pointOnSurface().asPoint()
    communes.moveVertex(inside.x(), inside.y(), first.id(), vertex)
    stored = unit(db, first["code"], 2020, geometry=True)["geometry"]
    broken = tmp_path / "anttmap"
    broken.write_text("#!/bin/sh\necho '{\"error\": \"store is read-only / CSDL chỉ đọc\", \"exit_code\": 3}' >&2\n"
                      "exit 3\n")
    broken.chmod(0o755)
    working, panel.backend.binary = panel.backend.binary, str(broken)
    try:
        assert panel.save_edits("a reason does not help") is False
    finally:
        panel.backend.binary = working
    assert "store is read-only" in panel.message.text()
    assert communes.isEditable() and communes.isModified()
    assert unit(db, first["code"], 2020, geometry=True)["geometry"] == stored
    # With the tool back, the same edits are saved.
    panel.save_edits("Nghị quyết 12/NQ-HĐND")
    assert not communes.isEditable()
    assert unit(db, first["code"], 2020, geometry=True)["geometry"] != stored


def inner_shared_vertex(communes, districts):
    """A vertex two communes of one district share, away from the district's boundary."""
    outlines = {d["code"]: QgsGeometry(d.geometry().constGet().boundary()) for d in districts.getFeatures()}
    features = list(communes.getFeatures())
    for first in features:
        for second in features:
            if second.id() <= first.id() or second["parent_code"] != first["parent_code"] or \
                    first["parent_code"] not in outlines or not first.geometry().touches(second.geometry()):
                continue
            shared = first.geometry().intersection(second.geometry())
            for vertex in shared.vertices():
                point = QgsGeometry.fromPointXY(QgsPointXY(vertex.x(), vertex.y()))
                if outlines[first["parent_code"]].distance(point) > 0.003:
                    return first, second, QgsPointXY(vertex.x(), vertex.y())
    raise AssertionError("no inner shared vertex")


def move_everywhere(layer, old, new):
    """Moves every vertex of `layer` at `old` to `new`, as QGIS' topological editing does; returns the codes."""
    target = QgsGeometry.fromPointXY(old)
    codes = set()
    request = QgsGeometry.fromPointXY(old).buffer(1e-6, 4).boundingBox()
    for feature in layer.getFeatures(request):
        for index, point in enumerate(feature.geometry().vertices()):
            if target.distance(QgsGeometry.fromPointXY(QgsPointXY(point.x(), point.y()))) < 1e-10:
                assert layer.moveVertex(new.x(), new.y(), feature.id(), index)
                codes.add(feature["code"])
    return codes


def test_shared_vertex_moved_with_topological_editing_is_saved_with_the_editor(panel):
    """The shared vertex moves in both communes and in the villages that meet there: no overlap, no gap."""
    db = panel.backend.db_path
    communes = panel.start_editing("communes")
    villages = panel.start_editing("villages")
    first, second, old = inner_shared_vertex(communes, panel.group.layers["districts"])
    inner = first.geometry().pointOnSurface().asPoint()
    new = QgsPointXY(old.x() + (inner.x() - old.x()) * 0.01, old.y() + (inner.y() - old.y()) * 0.01)
    moved_communes = move_everywhere(communes, old, new)
    moved_villages = move_everywhere(villages, old, new)
    assert {first["code"], second["code"]} <= moved_communes and len(moved_villages) >= 2
    audit_before = newest_audit_id(db)
    report = panel.guard.commit(communes)
    assert not [f for f in report["findings"] if f["severity"] == "error"], report
    report = panel.guard.commit(villages)
    assert not [f for f in (report or {}).get("findings", []) if f["severity"] == "error"], report
    assert not communes.isEditable() and not villages.isEditable()
    rows = audit_rows(db, "unit", audit_before)
    assert {r["key"].split("@")[0] for r in rows} == moved_communes | moved_villages
    assert {(r["operation"], r["user"], r["tool"]) for r in rows} == {("UPDATE", OS_ACCOUNT, "qgis")}
    assert not audit_rows(db, "validation_override", audit_before)  # no error: nothing overridden
    for code in moved_communes | moved_villages:
        geometry = unit(db, code, 2020, geometry=True)["geometry"]
        assert [round(new.x(), 7), round(new.y(), 7)] in [[round(x, 7), round(y, 7)] for polygon in
                                                          geometry["coordinates"] for ring in polygon
                                                          for x, y in ring], code


def test_standard_qgis_save_is_checked_too(panel):
    """commitChanges() from QGIS' own Save button goes through the same check."""
    db = panel.backend.db_path
    communes = panel.start_editing("communes")
    first, second, vertex = neighbours(communes)
    inside = second.geometry().pointOnSurface().asPoint()
    communes.moveVertex(inside.x(), inside.y(), first.id(), vertex)
    refused = []
    panel.guard.refused.connect(lambda layer, report: refused.append(report))
    audit_before = newest_audit_id(db)
    assert communes.commitChanges() is False
    assert refused and any(f["problem"] == "overlap" for f in refused[0]["findings"])
    # QGIS reports the refusal among the commit errors and keeps the edits.
    assert any("validation found" in error for error in communes.commitErrors()), communes.commitErrors()
    assert communes.isEditable() and communes.isModified()
    assert newest_audit_id(db) == audit_before
    # The panel shows the findings of QGIS' own Save too.
    assert any(f["problem"] == "overlap" for f in panel.report["findings"])
    communes.rollBack()


def test_plain_sql_edits_are_audited_by_the_store(store):
    from stores import is_postgis, plain_sql

    plain_sql(store, "UPDATE unit SET name = name || ' ' WHERE code = '04792'")
    rows = audit_rows(store, "unit", newest_audit_id(store) - 1)
    # SpatiaLite knows no account: "sql"; PostgreSQL names the role the client signed in as.
    account = plain_sql(store, "SELECT session_user")[0][0] if is_postgis(store) else "sql"
    assert rows[-1]["user"] == account and rows[-1]["tool"] == "sql" and rows[-1]["key"].startswith("04792@")
