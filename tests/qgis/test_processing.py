"""The Processing provider `anttmap`, each algorithm end to end with processing.run on the sample store."""
import json
import os
import subprocess

from helpers import OS_ACCOUNT, anttmap, audit_rows, exported_units, lasts_to_the_reform, unit, unit_geometry


def test_provider_lists_its_algorithms(processing_ready):
    from qgis.core import QgsApplication

    provider = QgsApplication.processingRegistry().providerById("anttmap")
    assert provider is not None
    assert sorted(a.id() for a in provider.algorithms()) == [
        "anttmap:export", "anttmap:import", "anttmap:lineage", "anttmap:stats", "anttmap:validate"]
    for algorithm in provider.algorithms():
        assert algorithm.parameterDefinition("DATABASE") is not None, algorithm.id()


def test_stats_writes_a_table_per_district(processing_ready, store):
    import processing

    result = processing.run("anttmap:stats", {"DATABASE": store, "YEAR": 2020, "OUTPUT": "memory:"})
    table = result["OUTPUT"]
    rows = {f["code"]: f for f in table.getFeatures()}
    assert table.wkbType() == 100  # no geometry
    districts = [f for f in rows.values() if f["level"] == "district"]
    assert len(districts) == 10
    assert rows["17"]["level"] == "province"
    cli = json.loads(subprocess.run([os.environ["ANTTMAP"], "--db", store, "--json", "stats", "--year", "2020"],
                                    capture_output=True, text=True, check=True).stdout)
    first = cli["districts"][0]
    assert rows[first["code"]]["recognised"] == first["pooled"]["recognised"]
    assert abs(rows[first["code"]]["share"] - first["pooled"]["share_recognised"]) < 1e-9


def test_validate_writes_findings_with_severity_problem_units(processing_ready, store, tmp_path):
    import processing

    # Make one sure finding: a village moved far outside its commune (saved over the errors, as another
    # client of the store could).
    code = sorted(u["code"] for u in exported_units(store, "village", 2020, tmp_path) if lasts_to_the_reform(u))[0]
    geometry = unit(store, code, 2020, geometry=True)["geometry"]

    def moved(coordinates):
        if isinstance(coordinates[0], (int, float)):
            return [coordinates[0] + 0.5, coordinates[1] + 0.5]
        return [moved(part) for part in coordinates]
    edited = tmp_path / "moved.geojson"
    edited.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code},
         "geometry": {"type": geometry["type"], "coordinates": moved(geometry["coordinates"])}}]}))
    anttmap(store, "unit", "reshape", str(edited), "--year", 2020, "--override-reason", "test: a misplaced village")
    result = processing.run("anttmap:validate", {"DATABASE": store, "YEAR": 2020, "OUTPUT": "memory:"})
    layer = result["OUTPUT"]
    assert {"severity", "problem", "units"} <= set(layer.fields().names())
    findings = [f for f in layer.getFeatures() if code in (f["units"] or "").split(",")]
    assert findings, [f.attributes() for f in layer.getFeatures()][:5]
    assert any(f["severity"] == "error" for f in findings)
    assert any(not f.geometry().isNull() for f in findings)
    assert result["ERRORS"] >= 1


def test_export_then_import_through_vn2000(processing_ready, stores, store, tmp_path):
    """Province, districts and communes out as VN-2000 shapefiles without .prj, back into a new store."""
    import processing

    fresh = str(stores.new_store(tmp_path / "fresh.sqlite"))
    subprocess.run([os.environ["ANTTMAP"], "--db", fresh, "init"], check=True, capture_output=True)
    for kind, name in ((0, "province"), (1, "district"), (2, "commune")):
        shapefile = str(tmp_path / ("%s_vn2000.shp" % name))
        exported = processing.run("anttmap:export", {"DATABASE": store, "KIND": kind, "YEAR": 2020,
                                                     "TARGET_CRS": "EPSG:9211", "OUTPUT": shapefile})
        assert exported["FEATURES"] == len(exported_units(store, name, 2020, tmp_path))
        # The .prj is dropped, as in many offices' files: the VN-2000 preset says what the numbers are.
        os.unlink(shapefile[:-4] + ".prj")
        imported = processing.run("anttmap:import", {
            "DATABASE": fresh, "INPUT": shapefile, "KIND": kind, "VN2000": 4, "ENCODING": 0,
            "VALID_FROM": "2020-01-01", "CODE_FIELD": "code", "NAME_FIELD": "name",
            "PARENT_FIELD": "parent" if kind else ""})
        assert imported["IMPORTED"] == exported["FEATURES"]

    a, b = unit_geometry(store, "04792", 2020).boundingBox(), unit_geometry(fresh, "04792", 2020).boundingBox()
    assert abs(a.xMinimum() - b.xMinimum()) < 1e-5 and abs(a.yMinimum() - b.yMinimum()) < 1e-5  # within a metre
    assert audit_rows(fresh, "unit")[-1]["user"] == OS_ACCOUNT  # the account running QGIS, never typed


def test_lineage_records_a_merge_as_an_event_and_moves_the_villages(processing_ready, store):
    """A merge of two 2026 communes is a lineage event: the old versions end, the merged one starts with the
    union of their boundaries, their villages follow; audited as the OS account with tool qgis."""
    import processing

    result = processing.run("anttmap:lineage", {
        "DATABASE": store, "KIND": 0, "CODES": "05287,05290", "DATE": "2026-09-01",
        "DECISION": "99/NQ-UBTVQH15 (thử nghiệm)", "INTO": "05287", "NAME": "Xã Mường Vang Nhân Nghĩa"})
    assert result["EVENT"] > 0
    shown = json.loads(subprocess.run([os.environ["ANTTMAP"], "--db", store, "--json", "lineage", "show", "05290"],
                                      capture_output=True, text=True, check=True).stdout)
    assert shown["after"][0]["code"] == "05287"
    assert shown["versions"][-1]["valid_to"] == "2026-09-01"
    merged = unit(store, "05287", 2026)
    assert merged["unit"]["name"] == "Xã Mường Vang Nhân Nghĩa"
    rows = audit_rows(store, "lineage_event", 0)
    assert rows and rows[-1]["user"] == OS_ACCOUNT and rows[-1]["tool"] == "qgis"
