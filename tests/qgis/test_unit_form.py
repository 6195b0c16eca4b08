"""The unit form: status with its decision, criteria, hotspot and clusters, read with `anttmap unit show` and
saved through the tool; audited with the editor's name and tool qgis; the map shows the new colour."""
import pytest

from helpers import (OS_ACCOUNT, STATUS_FILL, anttmap, audit_rows, colour_at, exported_units, feature_by_code, inner_point,
                     lasts_to_the_reform, newest_audit_id, unit)


def test_status_change_is_audited_with_the_editor_and_recoloured(panel, tmp_path):
    from anttmap_qgis.ui.unit_form import UnitForm

    db = panel.backend.db_path
    communes = panel.group.layers["communes"]
    code = next(u["code"] for u in exported_units(db, "commune", 2020, tmp_path)
                if u.get("status") == "recognised" and lasts_to_the_reform(u))
    feature = feature_by_code(communes, code)
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL["recognised"]

    form = UnitForm(panel.unit_editor(), code, 2020, panel)
    assert form.status.currentData() == "recognised"
    assert form.status.itemText(form.status.findData("proposed")) == "Proposed for recognition"
    # The criteria of the current row are shown (and sent back with the new status).
    shown = unit(db, code, 2020)["status"]
    assert shown["pledge_share"] is not None and form.pledge.value() == pytest.approx(shown["pledge_share"])
    form.status.setCurrentIndex(form.status.findData("proposed"))
    form.pledge.setValue(87.5)
    before = newest_audit_id(db)
    form.save()
    assert form.result() == form.Accepted
    rows = audit_rows(db, "unit_status", before)
    assert len(rows) == 1
    assert (rows[0]["operation"], rows[0]["user"], rows[0]["tool"]) == ("INSERT", OS_ACCOUNT, "qgis")
    assert rows[0]["key"] == "%s/2020" % code
    assert rows[0]["after"]["pledge_share"] == 87.5
    assert rows[0]["after"]["police_rating"] == shown["police_rating"]  # kept, not dropped
    status = unit(db, code, 2020)["status"]
    assert (status["status"], status["recorded_by"]) == ("proposed", OS_ACCOUNT)

    panel.group.refresh()
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
    assert saved["status"]["recorded_by"] == OS_ACCOUNT
    history = [row for row in anttmap(db, "status", "show", "04792")["history"] if row["year"] == 2020]
    assert (history[-1]["year"], history[-1]["status"], history[-1]["decision"]) == (2020, "revoked", "15/QĐ-UBND")


def test_hotspot_and_cluster_membership_are_audited(panel, tmp_path):
    from anttmap_qgis.core.unit_edit import UnitChanges

    db = panel.backend.db_path
    editor = panel.unit_editor()
    designated = {h["commune_code"] for h in anttmap(db, "hotspot", "list")["hotspots"]}
    code = sorted(u["code"] for u in exported_units(db, "commune", 2020, tmp_path)
                  if lasts_to_the_reform(u) and u["code"] not in designated)[0]
    cluster = sorted(c["code"] for c in anttmap(db, "cluster", "list", "--year", 2020)["clusters"])[0]
    before = newest_audit_id(db)
    editor.save(UnitChanges(code=code, year=2020, hotspot=True, hotspot_date="2020-06-01",
                            hotspot_decision="77/QĐ-UBND", clusters=[cluster]))
    hotspot = audit_rows(db, "hotspot", before)
    member = audit_rows(db, "cluster_member", before)
    assert [(r["operation"], r["user"], r["tool"]) for r in hotspot] == [("INSERT", OS_ACCOUNT, "qgis")]
    assert [(r["operation"], r["user"], r["tool"]) for r in member] == [("INSERT", OS_ACCOUNT, "qgis")]
    assert editor.current(code, 2020)["hotspot"]["decision"] == "77/QĐ-UBND"
    members = {c["code"]: c["members"] for c in anttmap(db, "cluster", "list", "--year", 2020)["clusters"]}
    assert code in members[cluster]
    # The hotspot layer of 2020 now includes the commune.
    panel.group.refresh()
    codes = {f["code"] for f in panel.group.layers["hotspots"].getFeatures()}
    assert code in codes
    editor.save(UnitChanges(code=code, year=2020, hotspot=False, hotspot_date="2020-12-01", clusters=[]))
    assert [h["valid_to"] for h in anttmap(db, "hotspot", "list", "--code", code)["hotspots"]] == ["2020-12-01"]
    assert [r["operation"] for r in audit_rows(db, "cluster_member", before)] == ["INSERT", "DELETE"]
    assert {(r["user"], r["tool"]) for r in audit_rows(db, "hotspot", before)} == {(OS_ACCOUNT, "qgis")}


def test_form_shows_hotspot_and_clusters_and_saves_only_what_changed(panel, tmp_path):
    from qgis.PyQt.QtCore import Qt

    from anttmap_qgis.ui.unit_form import UnitForm

    db = panel.backend.db_path
    clusters = anttmap(db, "cluster", "list", "--year", 2020)["clusters"]
    current = {u["code"] for u in exported_units(db, "commune", 2020, tmp_path) if lasts_to_the_reform(u)}
    member = sorted(code for c in clusters for code in c["members"] if code in current)[0]
    form = UnitForm(panel.unit_editor(), member, 2020, panel)
    assert form.hotspot is not None  # communes can be designated
    checked = {form.clusters.item(i).data(Qt.UserRole) for i in range(form.clusters.count())
               if form.clusters.item(i).checkState() == Qt.Checked}
    assert checked == {c["code"] for c in clusters if member in c["members"]} != set()
    assert form.clusters.count() == len(clusters)
    pending = form.pending()
    assert pending.status is None and pending.hotspot is None and pending.clusters is None
    before = newest_audit_id(db)
    form.save()
    assert newest_audit_id(db) == before  # nothing changed, nothing written


def test_the_form_shows_what_a_unit_was_made_from_and_what_it_became(panel):
    """Phường Hoà Bình (04795) of 2026 was made from seven wards of 2020 (lineage, read-only in the form)."""
    from qgis.PyQt.QtWidgets import QLabel

    from anttmap_qgis.ui.unit_form import UnitForm

    form = UnitForm(panel.unit_editor(), "04795", 2026, panel)
    assert form.lineage is not None
    made_from = form.lineage.findChild(QLabel, "lineage_before").text()
    for code in ("04798", "04801", "04804", "04807"):
        assert code in made_from, made_from
    old = UnitForm(panel.unit_editor(), "04798", 2020, panel)
    assert "04795" in old.lineage.findChild(QLabel, "lineage_after").text()


def test_the_programmes_indicators_are_entered_in_the_form_and_recorded_through_the_tool(panel):
    """The form lists what a commune reports (its catalogue's indicators), records only what changed as new
    values (audited with the editor and tool qgis) and refuses a value that does not read, writing nothing."""
    from qgis.PyQt.QtWidgets import QComboBox, QLineEdit

    from anttmap_qgis.core.backend import BackendError
    from anttmap_qgis.core.unit_edit import UnitChanges
    from anttmap_qgis.ui.unit_form import UnitForm

    db = panel.backend.db_path
    code = "04846"  # Xã Mường Chiềng, huyện Đà Bắc
    form = UnitForm(panel.unit_editor(), code, 2020, panel)
    assert form.indicator_box is not None
    reported = set(form.indicator_fields)
    assert {"propaganda_sessions", "pledge_share", "movement_grade", "budget_spent_vnd"} <= reported
    sessions = form.findChild(QLineEdit, "indicator_propaganda_sessions")
    grade = form.findChild(QComboBox, "indicator_movement_grade")
    assert sessions.text() == "" and grade.currentData() == ""
    sessions.setText("12")
    grade.setCurrentIndex(grade.findData("khá"))
    form.findChild(QLineEdit, "indicator_pledge_share").setText("85,5")
    form.indicator_note.setText("Báo cáo 6 tháng — ỹ ữ ẵ ộ")
    pending = form.pending()
    assert pending.status is None, "only the indicators changed"
    assert pending.indicators == {"propaganda_sessions": "12", "movement_grade": "khá", "pledge_share": "85,5"}
    before = newest_audit_id(db)
    form.save()
    assert form.result() == form.Accepted
    rows = audit_rows(db, "indicator_value", before)
    assert len(rows) == 3 and {(row["user"], row["tool"]) for row in rows} == {(OS_ACCOUNT, "qgis")}
    shown = {item["indicator"]: item for item in anttmap(db, "record", "show", code, "--year", 2020)["indicators"]}
    assert shown["propaganda_sessions"]["value"] == 12 and shown["movement_grade"]["value"] == "kha"
    assert shown["pledge_share"]["value"] == 85.5 and shown["pledge_share"]["note"] == "Báo cáo 6 tháng — ỹ ữ ẵ ộ"

    # Opened again, the form shows them; unchanged, nothing is written.
    again = UnitForm(panel.unit_editor(), code, 2020, panel)
    assert again.findChild(QLineEdit, "indicator_propaganda_sessions").text() == "12"
    assert again.findChild(QLineEdit, "indicator_pledge_share").text() == "85,5"
    assert again.findChild(QComboBox, "indicator_movement_grade").currentData() == "khá"
    assert again.pending().indicators is None
    # A value that does not read is refused by the core, with nothing written.
    before = newest_audit_id(db)
    with pytest.raises(BackendError) as refused:
        panel.unit_editor().save(UnitChanges(code=code, year=2020, indicators={"propaganda_sessions": "13",
                                                                               "pledge_share": "nhiều"}))
    assert "pledge_share" in str(refused.value)
    assert newest_audit_id(db) == before
