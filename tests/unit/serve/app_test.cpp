// `anttmap serve` assembled (serve/app.cpp), in-process: a layer registered by the test alone
// reaches every endpoint that publishes layers from its one descriptor. Its own test binary: the
// map engine is one per process (its msCleanup ends GDAL for the whole process).
#include "serve/app.hpp"
#include "serve/web.hpp"

#include <gdal.h>
#include <cpl_vsi.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "antt/cli/cli.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

using Json = nlohmann::json;

constexpr const char* kLayer = "test_markers";
constexpr int kYear = 2020;
// The z12 tile over the test communes (105.78-105.82 E, 21.00-21.03 N): 105.732-105.820 E, 20.96-21.04 N.
constexpr int kZ = 12, kX = 3251, kY = 1803;


/// A tiny province: one district, two communes (names with every tone mark), statuses of 2020.
void make_store(const std::string& path) {
  auto store = store::open_store(path, true);
  store->write({"test", "app_test"}, [&] {
    testing::add_tiny_province(*store, kYear);
  });
}

/// The test's own layer: a marker at each commune that has a status in the year, classed by it.
layers::LayerDescriptor test_layer() {
  layers::LayerDescriptor layer;
  layer.name = kLayer;
  layer.title_vi = "Lớp thử nghiệm";
  layer.title_en = "Test markers";
  layer.abstract = "Registered by the test only.";
  layer.geometry = layers::GeometryType::point;
  layer.rows_name = "test";
  layer.rows = [](layers::RowSource& source, int year) {
    const auto statuses = source.store().statuses_of_year(year);
    std::vector<layers::LayerRow> rows;
    for (const auto& version : source.units().versions()) {
      auto status = statuses.find(version.code);
      if (version.kind != store::UnitKind::commune || status == statuses.end()) continue;
      layers::LayerRow row;
      row.key = row.code = version.code;
      row.name = "Mốc " + version.name;
      row.kind = "agency";
      row.class_key = std::string(store::to_string(status->second.status));
      row.label = "thử";
      row.geometry = source.point(version);
      if (row.geometry) rows.push_back(std::move(row));
    }
    return rows;
  };
  layer.depends_on = {{store::ChangeTopic::status, {store::UnitKind::commune}, false}};
  layer.style = "unit_status_point";
  layer.label_field = "name";
  layer.attributes = {"code", "name", "class", "label"};
  return layer;
}

class ServeAppTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    db_ = dir_->store("store.sqlite");
    make_store(db_);
    auto registry = std::make_shared<layers::LayerRegistry>(*layers::LayerRegistry::standard());
    registry->add(test_layer());
    registry_ = registry;
    ServeConfig config;
    config.port = 0;
    config.work_dir = dir_->file("work");
    app_ = new ServeApp(db_, config, registry_);
  }
  static void TearDownTestSuite() {
    delete app_;
    delete dir_;
    registry_.reset();
  }

  static http::Response get(const std::string& path, std::multimap<std::string, std::string> params = {}) {
    http::Request request;
    request.path = path;
    request.params = std::move(params);
    return app_->router().dispatch(request);
  }

  static testing::TempDir* dir_;
  inline static std::string db_;
  static std::shared_ptr<const layers::LayerRegistry> registry_;
  static ServeApp* app_;
};

testing::TempDir* ServeAppTest::dir_ = nullptr;
std::shared_ptr<const layers::LayerRegistry> ServeAppTest::registry_;
ServeApp* ServeAppTest::app_ = nullptr;

/// Pixels of a PNG that are not fully transparent.
int drawn_pixels(const std::string& png) {
  const std::string name = "/vsimem/app_test_" + std::to_string(reinterpret_cast<std::uintptr_t>(&png)) + ".png";
  VSIFCloseL(VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())),
                                  static_cast<vsi_l_offset>(png.size()), FALSE));
  GDALDatasetH dataset = GDALOpen(name.c_str(), GA_ReadOnly);
  int drawn = 0;
  if (dataset) {
    const int width = GDALGetRasterXSize(dataset), height = GDALGetRasterYSize(dataset);
    const int bands = GDALGetRasterCount(dataset);
    std::vector<unsigned char> alpha(static_cast<std::size_t>(width) * height, 255);
    if ((bands == 4 || bands == 2) &&
        GDALRasterIO(GDALGetRasterBand(dataset, bands), GF_Read, 0, 0, width, height, alpha.data(), width, height,
                     GDT_Byte, 0, 0) != CE_None)
      drawn = -1;
    if (drawn == 0)
      for (unsigned char value : alpha) drawn += value > 0;
    GDALClose(dataset);
  }
  VSIUnlink(name.c_str());
  return drawn;
}

TEST_F(ServeAppTest, TheTestLayerIsInWmsCapabilitiesAndDrawsOnGetMap) {
  const auto capabilities = get("/wms", {{"SERVICE", "WMS"}, {"VERSION", "1.3.0"}, {"REQUEST", "GetCapabilities"}});
  ASSERT_EQ(capabilities.status, 200) << *capabilities.body;
  EXPECT_NE(capabilities.body->find(std::string("<Name>") + kLayer + "</Name>"), std::string::npos);
  EXPECT_NE(capabilities.body->find("Lớp thử nghiệm"), std::string::npos);

  const auto map = get("/wms", {{"SERVICE", "WMS"},   {"VERSION", "1.1.1"},       {"REQUEST", "GetMap"},
                                {"LAYERS", kLayer},   {"STYLES", ""},            {"SRS", "EPSG:4326"},
                                {"BBOX", "105.77,20.99,105.83,21.04"},           {"WIDTH", "300"},
                                {"HEIGHT", "250"},    {"FORMAT", "image/png"},    {"TRANSPARENT", "TRUE"},
                                {"TIME", "2020"}});
  ASSERT_EQ(map.status, 200) << *map.body;
  EXPECT_EQ(map.content_type, "image/png");
  EXPECT_GT(drawn_pixels(*map.body), 20);  // two markers

  const auto legend = get("/wms", {{"SERVICE", "WMS"}, {"VERSION", "1.1.1"}, {"REQUEST", "GetLegendGraphic"},
                                   {"LAYER", kLayer},   {"FORMAT", "image/png"}});
  EXPECT_EQ(legend.status, 200) << *legend.body;
  EXPECT_EQ(legend.content_type, "image/png");
}

TEST_F(ServeAppTest, TheTestLayerAnswersGetFeatureInfo) {
  const auto info = get("/wms", {{"SERVICE", "WMS"},     {"VERSION", "1.1.1"},    {"REQUEST", "GetFeatureInfo"},
                                 {"LAYERS", kLayer},     {"QUERY_LAYERS", kLayer}, {"STYLES", ""},
                                 {"SRS", "EPSG:4326"},   {"BBOX", "105.77,20.99,105.83,21.04"},
                                 {"WIDTH", "300"},       {"HEIGHT", "250"},        {"X", "100"},
                                 {"Y", "125"},           {"INFO_FORMAT", "application/json"},
                                 {"FEATURE_COUNT", "5"}, {"TIME", "2020"}});
  ASSERT_EQ(info.status, 200) << *info.body;
  EXPECT_NE(info.body->find("Mốc Xã Hòa Bình Ngãi"), std::string::npos) << *info.body;
}

TEST_F(ServeAppTest, TheTestLayerIsInWmtsCapabilitiesAndItsTilesDraw) {
  const auto capabilities = get("/wmts", {{"SERVICE", "WMTS"}, {"REQUEST", "GetCapabilities"}});
  ASSERT_EQ(capabilities.status, 200);
  EXPECT_NE(capabilities.body->find(std::string("<ows:Identifier>") + kLayer + "</ows:Identifier>"),
            std::string::npos);

  const auto wmts = get("/wmts", {{"SERVICE", "WMTS"},   {"REQUEST", "GetTile"},  {"VERSION", "1.0.0"},
                                  {"LAYER", kLayer},      {"STYLE", "default"},    {"FORMAT", "image/png"},
                                  {"TILEMATRIXSET", "GoogleMapsCompatible"},       {"TILEMATRIX", std::to_string(kZ)},
                                  {"TILEROW", std::to_string(kY)},                 {"TILECOL", std::to_string(kX)},
                                  {"TIME", std::to_string(kYear)}});
  ASSERT_EQ(wmts.status, 200) << *wmts.body;
  EXPECT_GT(drawn_pixels(*wmts.body), 20);

  // The statuses are of 2020; the map opens on this year, where the test layer has no marker.
  const auto tile = get("/tiles/" + std::string(kLayer) + "/" + std::to_string(kZ) + "/" + std::to_string(kX) + "/" +
                        std::to_string(kY) + ".png", {{"year", std::to_string(kYear)}});
  ASSERT_EQ(tile.status, 200) << *tile.body;
  EXPECT_GT(drawn_pixels(*tile.body), 20);
}

TEST_F(ServeAppTest, TheTestLayerHasVectorTilesAndTileJson) {
  const auto mvt = get("/tiles/" + std::string(kLayer) + "/" + std::to_string(kZ) + "/" + std::to_string(kX) + "/" +
                       std::to_string(kY) + ".mvt", {{"year", std::to_string(kYear)}});
  ASSERT_EQ(mvt.status, 200) << *mvt.body;
  EXPECT_NE(mvt.body->find(kLayer), std::string::npos);  // the MVT layer is named after it
  EXPECT_NE(mvt.body->find("Mốc Xã Đồng Tâm Lũy"), std::string::npos);

  for (const std::string path : {"/tiles/test_markers.json", "/tiles/test_markers/vector.json"}) {
    const auto tilejson = get(path);
    ASSERT_EQ(tilejson.status, 200) << path << ": " << *tilejson.body;
    const auto document = Json::parse(*tilejson.body);
    EXPECT_NE(document.at("tiles").at(0).get<std::string>().find("/tiles/test_markers/"), std::string::npos);
  }
}

TEST_F(ServeAppTest, TheTestLayerIsAnOgcCollectionWithItsRowsAsItems) {
  const auto collections = Json::parse(*get("/ogc/collections").body);
  bool listed = false;
  for (const auto& collection : collections.at("collections")) listed = listed || collection.at("id") == kLayer;
  EXPECT_TRUE(listed) << collections.dump();

  const auto items = get("/ogc/collections/test_markers/items", {{"year", "2020"}});
  ASSERT_EQ(items.status, 200) << *items.body;
  const auto document = Json::parse(*items.body);
  ASSERT_EQ(document.at("features").size(), 2u) << document.dump();
  const auto& feature = document.at("features").at(0);
  EXPECT_EQ(feature.at("geometry").at("type"), "Point");
  EXPECT_EQ(feature.at("properties").at("class"), "recognised");
  const auto one = get("/ogc/collections/test_markers/items/99002", {{"year", "2020"}});
  ASSERT_EQ(one.status, 200) << *one.body;
  EXPECT_EQ(Json::parse(*one.body).at("properties").at("name"), "Mốc Xã Đồng Tâm Lũy");
}

TEST_F(ServeAppTest, TheTestLayerIsInTheLegendTheLayerListAndTheViewer) {
  const auto legend = get("/api/legend", {{"layer", kLayer}});
  ASSERT_EQ(legend.status, 200) << *legend.body;
  EXPECT_EQ(Json::parse(*legend.body).at("id"), "unit_status_point");

  const auto list = Json::parse(*get("/api/layers").body);
  bool listed = false;
  for (const auto& layer : list.at("layers")) listed = listed || layer.at("name") == kLayer;
  EXPECT_TRUE(listed);

  const auto embed = get("/embed", {{"layers", kLayer}});  // refused for a layer the viewer does not know
  EXPECT_EQ(embed.status, 200) << *embed.body;
  if (web_assets().empty()) GTEST_SKIP() << "this build has no web viewer (npm was missing at build time)";
  const auto page = get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body->find("\"name\":\"test_markers\""), std::string::npos);
}

TEST_F(ServeAppTest, TheCliListsTheTestLayerFromTheSameRegistry) {
  std::ostringstream out, err;
  ASSERT_EQ(cli::run_cli({"--db", db_, "--json", "layers"}, out, err, registry_), 0)
      << err.str();
  const auto document = Json::parse(out.str());
  bool listed = false;
  for (const auto& layer : document.at("layers")) listed = listed || layer.at("name") == kLayer;
  EXPECT_TRUE(listed);

  std::ostringstream exported, export_err;
  const auto path = dir_->file("rows.geojson");
  ASSERT_EQ(cli::run_cli({"--db", db_, "layers", "export", path, "--year", "2020", "--layers",
                          kLayer},
                         exported, export_err, registry_),
            0)
      << export_err.str();
  const auto rows = Json::parse(testing::read_file(path));
  EXPECT_EQ(rows.at("features").size(), 2u);
}

TEST_F(ServeAppTest, AStatusChangeRedrawsTheTestLayerThroughItsDependency) {
  const std::string path = "/tiles/test_markers/" + std::to_string(kZ) + "/" + std::to_string(kX) + "/" +
                           std::to_string(kY) + ".mvt";
  const std::multimap<std::string, std::string> of_year{{"year", std::to_string(kYear)}};
  const auto before = get(path, of_year);
  ASSERT_EQ(before.status, 200);
  {
    auto store = store::open_store(db_);
    store->write({"test", "app_test"}, [&] {
      store::StatusRecord record;
      record.unit_code = "99001";
      record.year = kYear;
      record.status = store::StatusValue::not_recognised;
      store->add_status(record);
    });
  }
  const auto result = app_->refresh();
  bool dirty = false;
  for (const auto& area : result.dirty) dirty = dirty || area.layer == kLayer;
  EXPECT_TRUE(dirty);
  const auto after = get(path, of_year);
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(*after.body, *before.body);
  EXPECT_NE(after.body->find("not_recognised"), std::string::npos);
}

}  // namespace
}  // namespace antt::serve
