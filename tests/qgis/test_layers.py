"""Loading the sample province: the registry's layers in its order, the generated styles, the year's colours;
the year selector."""
from helpers import STATUS_FILL, anttmap, colour_at, exported_units, feature_by_code, inner_point, unit


def test_group_has_exactly_the_registry_layers_in_its_order_styled_on_class(panel, tmp_path):
    group = panel.group
    db = panel.backend.db_path
    registry = anttmap(db, "layers")["layers"]
    names = [descriptor["name"] for descriptor in registry]
    assert list(group.layers) == names
    # The layer tree lists the top of the drawing order first.
    tree = [node.layer().customProperty("anttmap/layer") for node in group.group.findLayers()]
    assert tree == list(reversed(names))
    for descriptor in registry:
        layer = group.layers[descriptor["name"]]
        assert layer.isValid(), descriptor["name"]
        assert layer.name() == descriptor["title_en"]
        assert layer.renderer().type() == "categorizedSymbol", descriptor["name"]
        assert layer.renderer().classAttribute() == "class", descriptor["name"]
        assert layer.fields().indexOf("class") >= 0, descriptor["name"]
    communes_2020 = exported_units(db, "commune", 2020, tmp_path)
    assert group.layers["communes"].featureCount() == len(communes_2020)
    assert group.layers["communes"].name() == "Communes by ANTT status"


def test_editable_layers_are_drawn_by_the_anttmap_provider_and_the_others_read_only(panel):
    from qgis.core import QgsVectorDataProvider

    group = panel.group
    registry = {d["name"]: d for d in anttmap(panel.backend.db_path, "layers")["layers"]}
    assert sorted(group.editable) == sorted(name for name, d in registry.items() if d["editable"]) == \
        ["communes", "villages"]
    for name, layer in group.layers.items():
        if registry[name]["editable"]:
            provider = layer.dataProvider()
            assert layer.providerType() == "anttmap", name
            # Only boundaries change: no unit is added, deleted or renamed from QGIS.
            capabilities = provider.capabilities()
            assert capabilities & QgsVectorDataProvider.ChangeGeometries, name
            for refused in (QgsVectorDataProvider.AddFeatures, QgsVectorDataProvider.DeleteFeatures,
                            QgsVectorDataProvider.ChangeAttributeValues):
                assert not capabilities & refused, name
            assert layer.startEditing(), name
            layer.rollBack()
        else:
            assert layer.readOnly() and not layer.startEditing(), name
    # Villages, many small polygons, are drawn from the registry's zoom level 11 on, as on the web map.
    villages = group.layers["villages"]
    assert villages.hasScaleBasedVisibility()
    assert villages.isInScaleRange(50000) and not villages.isInScaleRange(1000000)


def test_titles_follow_the_interface_language(plugin, canvas, store):
    from qgis.core import QgsProject

    from anttmap_qgis.core.i18n import install_translator, remove_translator
    from anttmap_qgis.ui.panel import AnttmapPanel

    registry = {d["name"]: d for d in anttmap(store, "layers")["layers"]}
    translator = install_translator("vi_VN")
    panel = AnttmapPanel(canvas, QgsProject.instance())
    try:
        panel.connect_store(store, 2020)
        assert {name: layer.name() for name, layer in panel.group.layers.items()} == \
            {name: d["title_vi"] for name, d in registry.items()}
    finally:
        panel.disconnect_store()
        panel.deleteLater()
        remove_translator(translator)


def test_commune_drawn_in_the_colour_of_its_2020_status(panel):
    communes = panel.group.layers["communes"]
    feature = feature_by_code(communes, "04792")
    status = unit(panel.backend.db_path, "04792", 2020)["status"]["status"]
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


def test_year_selector_shows_the_units_and_colours_of_that_year(panel, tmp_path):
    db = panel.backend.db_path
    clusters_2020 = panel.group.layers["clusters"].featureCount()
    panel.year.setCurrentIndex(panel.year.findData(2012))  # what the year selector does
    assert panel.group.year == 2012
    communes = panel.group.layers["communes"]
    expected = exported_units(db, "commune", 2012, tmp_path)
    assert communes.featureCount() == len(expected) != 0
    code = next(u["code"] for u in expected if u["status"] == "registered")
    feature = feature_by_code(communes, code)
    assert feature["class"] == "registered"
    assert colour_at(communes, inner_point(feature)) == STATUS_FILL["registered"]
    assert "(2012)" in panel.group.group.name()
    hotspots = {h["commune_code"] for h in anttmap(db, "hotspot", "list", "--year", 2012)["hotspots"]}
    assert {f["code"] for f in panel.group.layers["hotspots"].getFeatures()} == hotspots != set()

    def clusters_with_members(year):
        return {c["code"] for c in anttmap(db, "cluster", "list", "--year", year)["clusters"] if c["members"]}
    assert {f["code"] for f in panel.group.layers["clusters"].getFeatures()} == clusters_with_members(2012)
    assert [child.name() for child in panel.group.group.children()][4:6] == [
        "Residential areas by ANTT status", "Communes by ANTT status"]
    assert clusters_2020 == len(clusters_with_members(2020)) > len(clusters_with_members(2012))
    # The style survives the change of data source.
    assert communes.renderer().classAttribute() == "class"


def test_year_change_refused_while_editing(panel):
    panel.start_editing("communes")
    panel.year.setCurrentIndex(panel.year.findData(2015))
    assert panel.group.year == 2020
    assert panel.year.currentData() == 2020
    assert "2020" in panel.group.group.name()
    assert "Save or discard the edits of Communes by ANTT status" in panel.message.text()
    panel.layer("communes").rollBack()
