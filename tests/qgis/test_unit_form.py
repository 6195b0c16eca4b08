"""The unit form: status with its decision, criteria, hotspot and clusters; audited with the editor's name;
the map shows the new colour."""
import sqlite3

import pytest

from helpers import STATUS_FILL, audit_rows, colour_at, feature_by_code, inner_point, newest_audit_id, scalar


def test_status_change_is_audited_with_the_editor_and_recoloured(panel):
    from anttmap_qgis.ui.unit_form import UnitForm

    db = panel.backend.db_path
    communes = panel.group.layers["communes"]
    code = scalar(db, "SELECT unit_code FROM unit_status s WHERE year = 2020 AND status = 'recognised' AND id = "
                      "(SELECT max(id) FROM unit_status t WHERE t.unit_code = s.unit_code AND t.year = 2020) "
                      "AND unit_code IN (SELECT code FROM unit WHERE kind = 'commune' AND valid_to IS NULL) LIMIT 1")
    feature = feature_by_code(communes, code)
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL["recognised"]

    form = UnitForm(panel.unit_editor(), code, 2020, panel)
    assert form.status.currentData() == "recognised"
    assert form.status.itemText(form.status.findData("proposed")) == "Proposed for recognition"
    form.status.setCurrentIndex(form.status.findData("proposed"))
    form.pledge.setValue(87.5)
    before = newest_audit_id(db)
    form.save()
    assert form.result() == form.Accepted
    rows = audit_rows(db, "unit_status", before)
    assert len(rows) == 1
    assert (rows[0]["operation"], rows[0]["user"], rows[0]["tool"]) == ("INSERT", "Nguyễn Thị Hoa", "qgis")
    assert rows[0]["row_key"] == "%s/2020" % code
    assert '"pledge_share":87.5' in rows[0]["after_json"].replace(" ", "")
    assert scalar(db, "SELECT recorded_by FROM unit_status WHERE unit_code = ? AND year = 2020 ORDER BY id DESC "
                      "LIMIT 1", code) == "Nguyễn Thị Hoa"

    panel.group.refresh_status()
    feature = feature_by_code(communes, code)
    assert feature["class"] == "proposed"
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL["proposed"]


def test_recognised_needs_decision_date_and_authority(panel):
    from anttmap_qgis.core.backend import BackendError
    from anttmap_qgis.core.unit_edit import UnitChanges

    editor = panel.unit_editor()
    db = panel.backend.db_path
    before = newest_audit_id(db)
    with pytest.raises(BackendError) as refused:
        editor.save(UnitChanges(code="04792", year=2020, status="revoked"))
    assert "decision number" in str(refused.value)
    assert newest_audit_id(db) == before
    saved = editor.save(UnitChanges(code="04792", year=2020, status="revoked", decision="15/QĐ-UBND",
                                    date="2020-12-30", authority="UBND thành phố Hòa Bình"))
    assert saved["status"]["status"] == "revoked"
    assert saved["status"]["recorded_by"] == "Nguyễn Thị Hoa"


def test_hotspot_and_cluster_membership_are_audited(panel):
    from anttmap_qgis.core.unit_edit import UnitChanges

    db = panel.backend.db_path
    editor = panel.unit_editor()
    code = scalar(db, "SELECT code FROM unit WHERE kind = 'commune' AND valid_to IS NULL AND code NOT IN "
                      "(SELECT commune_code FROM hotspot) ORDER BY code LIMIT 1")
    cluster = scalar(db, "SELECT code FROM cluster ORDER BY code LIMIT 1")
    before = newest_audit_id(db)
    editor.save(UnitChanges(code=code, year=2020, hotspot=True, hotspot_date="2020-06-01",
                            hotspot_decision="77/QĐ-UBND", clusters=[cluster]))
    hotspot = audit_rows(db, "hotspot", before)
    member = audit_rows(db, "cluster_member", before)
    assert [(r["operation"], r["user"], r["tool"]) for r in hotspot] == [("INSERT", "Nguyễn Thị Hoa", "qgis")]
    assert [(r["operation"], r["user"], r["tool"]) for r in member] == [("INSERT", "Nguyễn Thị Hoa", "qgis")]
    assert editor.current(code, 2020)["hotspot"]["decision"] == "77/QĐ-UBND"
    # The hotspot layer of 2020 now includes the commune.
    panel.group.refresh_status()
    codes = {f["code"] for f in panel.group.layers["hotspots"].getFeatures()}
    assert code in codes
    editor.save(UnitChanges(code=code, year=2020, hotspot=False, hotspot_date="2020-12-01", clusters=[]))
    assert scalar(db, "SELECT valid_to FROM hotspot WHERE commune_code = ?", code) == "2020-12-01"
    assert [r["operation"] for r in audit_rows(db, "cluster_member", before)] == ["INSERT", "DELETE"]


def test_form_shows_hotspot_and_clusters_and_saves_only_what_changed(panel):
    from qgis.PyQt.QtCore import Qt

    from anttmap_qgis.ui.unit_form import UnitForm

    db = panel.backend.db_path
    member = scalar(db, "SELECT unit_code FROM cluster_member WHERE year = 2020 AND unit_code IN "
                        "(SELECT code FROM unit WHERE kind = 'commune' AND valid_to IS NULL) ORDER BY unit_code LIMIT 1")
    form = UnitForm(panel.unit_editor(), member, 2020, panel)
    assert form.hotspot is not None  # communes can be designated
    checked = {form.clusters.item(i).data(Qt.UserRole) for i in range(form.clusters.count())
               if form.clusters.item(i).checkState() == Qt.Checked}
    with sqlite3.connect(db) as connection:
        expected = {row[0] for row in connection.execute(
            "SELECT cluster_code FROM cluster_member WHERE year = 2020 AND unit_code = ?", (member,))}
    assert checked == expected != set()
    assert form.clusters.count() == scalar(db, "SELECT count(*) FROM cluster")
    pending = form.pending()
    assert pending.status is None and pending.hotspot is None and pending.clusters is None
    before = newest_audit_id(db)
    form.save()
    assert newest_audit_id(db) == before  # nothing changed, nothing written
