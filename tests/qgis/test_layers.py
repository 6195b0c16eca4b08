"""Loading the sample province: one group, the generated styles, the year's colours; the year selector."""
from helpers import STATUS_FILL, colour_at, feature_by_code, inner_point, scalar


def test_group_has_every_layer_styled_on_class(panel):
    group = panel.group
    assert set(group.layers) == {"districts", "communes", "villages", "units", "hotspots", "clusters", "models"}
    for name, layer in group.layers.items():
        assert layer.isValid(), name
        assert layer.renderer().type() == "categorizedSymbol", name
        assert layer.renderer().classAttribute() == "class", name
        assert layer.fields().indexOf("class") >= 0, name
    db = panel.backend.db_path
    communes_2020 = scalar(db, "SELECT count(*) FROM unit WHERE kind = 'commune' AND valid_from <= '2020-12-31' "
                               "AND COALESCE(valid_to, '9999-12-31') > '2020-12-31'")
    assert group.layers["communes"].featureCount() == communes_2020
    assert group.layers["communes"].name() == "Communes by ANTT status"
    # The communes layer is the store's own table, editable.
    assert group.layers["communes"].dataProvider().name() == "ogr"
    assert group.layers["communes"].startEditing()
    group.layers["communes"].rollBack()


def test_commune_drawn_in_the_colour_of_its_2020_status(panel):
    communes = panel.group.layers["communes"]
    feature = feature_by_code(communes, "04792")
    status = scalar(panel.backend.db_path, "SELECT status FROM unit_status WHERE unit_code = '04792' AND year = 2020 "
                                           "ORDER BY id DESC LIMIT 1")
    assert feature["class"] == status
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL[status]


def test_districts_graded_like_the_server(panel):
    districts = panel.group.layers["districts"]
    stats = panel.backend.stats(2020)
    by_code = {d["code"]: d["pooled"]["share_recognised"] for d in stats["districts"]}
    seen = 0
    for feature in districts.getFeatures():
        share = by_code.get(feature["code"])
        if share is None:
            continue
        expected = "above_90" if share > 90 else "above_70" if share > 70 else "below_70"
        assert feature["class"] == expected, feature["code"]
        seen += 1
    assert seen == len(by_code) == 10


def test_year_selector_shows_the_units_and_colours_of_that_year(panel):
    db = panel.backend.db_path
    clusters_2020 = panel.group.layers["clusters"].featureCount()
    panel.year.setCurrentIndex(panel.year.findData(2012))  # what the year selector does
    assert panel.group.year == 2012
    communes = panel.group.layers["communes"]
    expected = scalar(db, "SELECT count(*) FROM unit WHERE kind = 'commune' AND valid_from <= '2012-12-31' "
                          "AND COALESCE(valid_to, '9999-12-31') > '2012-12-31'")
    assert communes.featureCount() == expected != 0
    code = scalar(db, "SELECT unit_code FROM unit_status s WHERE year = 2012 AND status = 'registered' "
                      "AND unit_code IN (SELECT code FROM unit WHERE kind = 'commune') LIMIT 1")
    feature = feature_by_code(communes, code)
    assert feature["class"] == "registered"
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL["registered"]
    assert "(2012)" in panel.group.group.name()
    hotspots = scalar(db, "SELECT count(DISTINCT commune_code) FROM hotspot WHERE valid_from <= '2012-12-31' "
                          "AND COALESCE(valid_to, '9999-12-31') > '2012-01-01'")
    assert panel.group.layers["hotspots"].featureCount() == hotspots
    clusters = scalar(db, "SELECT count(DISTINCT cluster_code) FROM cluster_member WHERE year = 2012")
    assert panel.group.layers["clusters"].featureCount() == clusters
    assert [child.name() for child in panel.group.group.children()][4:6] == [
        "Residential areas by ANTT status", "Communes by ANTT status"]
    assert clusters_2020 == scalar(db, "SELECT count(DISTINCT cluster_code) FROM cluster_member WHERE year = 2020")


def test_year_change_refused_while_editing(panel):
    panel.start_editing("communes")
    panel.year.setCurrentIndex(panel.year.findData(2015))
    assert panel.group.year == 2020
    assert panel.year.currentData() == 2020
    assert "2020" in panel.group.group.name()
    panel.layer("communes").rollBack()
