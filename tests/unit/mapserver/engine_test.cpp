#include "mapserver/engine.hpp"

#include <gdal.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "test_support.hpp"

namespace antt::mapserver {
namespace {

/// A caller that sees every layer (the engine tests are about drawing, not about access).
const mapserver::WmsAudience kStaff{true, true};


// A z14 tile near Hà Nội (105.8 E, 21.0 N) and the z9 tile holding it.
constexpr int kZ = 14, kX = 13007, kY = 7214;

Box tile_box(int z, int x, int y) {
  const auto box = geo::tile_box(z, x, y);
  return Box{box.minx, box.miny, box.maxx, box.maxy};
}

/// A point of the test tile given as fractions of its width (from the left) and height (from the top).
std::pair<double, double> tile_point(double fx, double fy) {
  const auto box = tile_box(kZ, kX, kY);
  return {box.minx + fx * (box.maxx - box.minx), box.maxy - fy * (box.maxy - box.miny)};
}

std::string square_wkt(double fx0, double fy0, double fx1, double fy1) {
  const auto [x0, y0] = tile_point(fx0, fy1);
  const auto [x1, y1] = tile_point(fx1, fy0);
  char text[512];
  std::snprintf(text, sizeof text, "MULTIPOLYGON(((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)))", x0, y0, x1, y0,
                x1, y1, x0, y1, x0, y0);
  return text;
}

struct Row {
  std::string table_layer;
  int year, vfrom, vto;
  std::string code, cls, wkt;
};

// Communes: A recognised in 2015, not recognised in 2016; B recognised both years; C not
// recognised both years; D exists only from 2016-07-01; E (in the middle) was dissolved on 2015-06-01.
const std::vector<Row>& fixture_rows() {
  static const std::vector<Row> rows = {
      {"communes", 2015, 20000101, 99991231, "A", "recognised", square_wkt(0.10, 0.10, 0.40, 0.40)},
      {"communes", 2016, 20000101, 99991231, "A", "not_recognised", square_wkt(0.10, 0.10, 0.40, 0.40)},
      {"communes", 2015, 20000101, 99991231, "B", "recognised", square_wkt(0.60, 0.10, 0.90, 0.40)},
      {"communes", 2016, 20000101, 99991231, "B", "recognised", square_wkt(0.60, 0.10, 0.90, 0.40)},
      {"communes", 2015, 20000101, 99991231, "C", "not_recognised", square_wkt(0.10, 0.60, 0.40, 0.90)},
      {"communes", 2016, 20000101, 99991231, "C", "not_recognised", square_wkt(0.10, 0.60, 0.40, 0.90)},
      {"communes", 2016, 20160701, 99991231, "D", "recognised", square_wkt(0.60, 0.60, 0.90, 0.90)},
      {"communes", 2015, 20000101, 20150601, "E", "recognised", square_wkt(0.45, 0.45, 0.55, 0.55)},
  };
  return rows;
}

/// Builds a render file with the schema of antt/mapdata/mapdata.hpp: every layer, every level.
void write_render_file(const std::string& path) {
  GDALAllRegister();
  auto* driver = GetGDALDriverManager()->GetDriverByName("SQLite");
  ASSERT_NE(driver, nullptr);
  const char* creation_options[] = {"SPATIALITE=YES", nullptr};
  std::unique_ptr<GDALDataset> dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, const_cast<char**>(creation_options)));
  ASSERT_NE(dataset, nullptr);
  OGRSpatialReference mercator;
  mercator.importFromEPSG(3857);
  for (const auto& layer : layers::LayerRegistry::standard()->layers()) {
    for (int level = 0; level < 4; ++level) {
      const auto table = layer.name + "_g" + std::to_string(level);
      const char* layer_options[] = {"GEOMETRY_NAME=geometry", "FID=fid", "SPATIAL_INDEX=YES", nullptr};
      const bool points = layer.geometry == layers::GeometryType::point;
      auto* ogr_layer = dataset->CreateLayer(table.c_str(), &mercator, points ? wkbPoint : wkbMultiPolygon,
                                             const_cast<char**>(layer_options));
      ASSERT_NE(ogr_layer, nullptr);
      for (const char* name : {"year", "vfrom", "vto", "recognised", "total", "effective"}) {
        OGRFieldDefn field(name, OFTInteger);
        ogr_layer->CreateField(&field);
      }
      for (const char* name : {"code", "name", "kind", "parent_code", "class", "label", "decision", "members"}) {
        OGRFieldDefn field(name, OFTString);
        ogr_layer->CreateField(&field);
      }
      OGRFieldDefn share("share", OFTReal);
      ogr_layer->CreateField(&share);
      ASSERT_EQ(ogr_layer->StartTransaction(), OGRERR_NONE);
      for (const auto& row : fixture_rows()) {
        if (row.table_layer != layer.name) continue;
        OGRFeature feature(ogr_layer->GetLayerDefn());
        feature.SetField("year", row.year);
        feature.SetField("vfrom", row.vfrom);
        feature.SetField("vto", row.vto);
        feature.SetField("code", row.code.c_str());
        feature.SetField("name", ("Xã " + row.code).c_str());
        feature.SetField("kind", "commune");
        feature.SetField("class", row.cls.c_str());
        feature.SetField("label", row.cls.c_str());
        OGRGeometry* geometry = nullptr;
        OGRGeometryFactory::createFromWkt(row.wkt.c_str(), &mercator, &geometry);
        feature.SetGeometryDirectly(geometry);
        ASSERT_EQ(ogr_layer->CreateFeature(&feature), OGRERR_NONE);
      }
      ASSERT_EQ(ogr_layer->CommitTransaction(), OGRERR_NONE);
      dataset->ExecuteSQL(("CREATE INDEX " + table + "_time ON " + table + " (year, vfrom, vto)").c_str(), nullptr,
                          nullptr);
    }
  }
}

/// The fixture rows of (layer, year) as the render store holds them: every level at full detail.
std::vector<std::shared_ptr<const layers::LayerRow>> fixture_layer_rows(const std::string& layer, int year) {
  std::vector<std::shared_ptr<const layers::LayerRow>> rows;
  for (const auto& fixture : fixture_rows()) {
    if (fixture.table_layer != layer || fixture.year != year) continue;
    OGRGeometry* geometry = nullptr;
    OGRGeometryFactory::createFromWkt(fixture.wkt.c_str(), nullptr, &geometry);
    auto levels = std::make_shared<layers::LevelGeometries>();
    std::string wkb(static_cast<std::size_t>(geometry->WkbSize()), '\0');
    geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    OGREnvelope envelope;
    geometry->getEnvelope(&envelope);
    OGRGeometryFactory::destroyGeometry(geometry);
    levels->wkb.fill(wkb);
    levels->box = {envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY};
    layers::LayerRow row;
    row.key = fixture.code;
    row.vfrom = fixture.vfrom;
    row.vto = fixture.vto;
    row.code = fixture.code;
    row.name = "Xã " + fixture.code;
    row.kind = "commune";
    row.class_key = fixture.cls;
    row.label = fixture.cls;
    row.geometry = levels;
    rows.push_back(std::make_shared<const layers::LayerRow>(std::move(row)));
  }
  return rows;
}

/// One engine for the whole test binary: msCleanup() (in ~MapEngine) ends GDAL for the
/// process, so the engine is destroyed once, after every test has run.
struct SharedEngine {
  antt::testing::TempDir dir;
  std::unique_ptr<mapdata::RenderShapefiles> shapefiles;
  std::unique_ptr<MapEngine> engine;
};

std::unique_ptr<SharedEngine>& shared_slot() {
  static std::unique_ptr<SharedEngine> slot;
  return slot;
}

MapEngine& engine() {
  auto& slot = shared_slot();
  if (!slot) {
    slot = std::make_unique<SharedEngine>();
    const auto render_path = slot->dir.file("render.sqlite");
    write_render_file(render_path);
    slot->shapefiles =
        std::make_unique<mapdata::RenderShapefiles>(layers::LayerRegistry::standard(), slot->dir.file("shapefiles"));
    std::vector<std::pair<std::string, int>> targets;
    for (const auto& layer : layers::LayerRegistry::standard()->layers())
      for (int year : {2015, 2016}) targets.emplace_back(layer.name, year);
    slot->shapefiles->update(targets, fixture_layer_rows);
    EngineConfig config;
    config.layers = layers::LayerRegistry::standard();
    config.render_path = render_path;
    config.work_dir = slot->dir.file("work");
    config.online_resource = "http://127.0.0.1:8080/wms";
    config.max_image_size = 2048;
    config.years = {2015, 2016};
    config.default_year = 2016;
    config.shapefiles = [files = slot->shapefiles.get()] { return files->current(); };
    slot->engine = std::make_unique<MapEngine>(config);
  }
  return *slot->engine;
}

class EngineEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { shared_slot().reset(); }
};
[[maybe_unused]] ::testing::Environment* const kEngineEnvironment =
    ::testing::AddGlobalTestEnvironment(new EngineEnvironment);

// ---- Decoding helpers --------------------------------------------------------------------------

struct Raster {
  int width = 0, height = 0, bands = 0;
  std::vector<std::array<int, 4>> pixels;  // RGBA (alpha 255 when the image has none)
  std::array<int, 4> at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  /// Mean colour of a 9x9 block: robust to hatching and anti-aliased edges.
  std::array<int, 4> around(int cx, int cy) const {
    std::array<long, 4> sum{};
    for (int y = cy - 4; y <= cy + 4; ++y)
      for (int x = cx - 4; x <= cx + 4; ++x)
        for (int b = 0; b < 4; ++b) sum[b] += at(x, y)[b];
    return {static_cast<int>(sum[0] / 81), static_cast<int>(sum[1] / 81), static_cast<int>(sum[2] / 81),
            static_cast<int>(sum[3] / 81)};
  }
  int opaque_pixels() const {
    return static_cast<int>(std::count_if(pixels.begin(), pixels.end(), [](const auto& p) { return p[3] > 0; }));
  }
};

Raster decode(const std::string& bytes) {
  static std::atomic<int> counter{0};
  const auto name = "/vsimem/engine_test_" + std::to_string(counter++);
  VSIFCloseL(VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(bytes.data())),
                                  static_cast<vsi_l_offset>(bytes.size()), FALSE));
  Raster raster;
  GDALDatasetH dataset = GDALOpen(name.c_str(), GA_ReadOnly);
  if (dataset) {
    raster.width = GDALGetRasterXSize(dataset);
    raster.height = GDALGetRasterYSize(dataset);
    raster.bands = GDALGetRasterCount(dataset);
    raster.pixels.assign(static_cast<std::size_t>(raster.width) * raster.height, {0, 0, 0, 255});
    std::vector<GByte> band(static_cast<std::size_t>(raster.width) * raster.height);
    GDALRasterBandH first = GDALGetRasterBand(dataset, 1);
    GDALColorTableH palette = GDALGetRasterColorTable(first);
    for (int b = 0; b < (palette ? 1 : std::min(raster.bands, 4)); ++b) {
      if (GDALRasterIO(GDALGetRasterBand(dataset, b + 1), GF_Read, 0, 0, raster.width, raster.height, band.data(),
                       raster.width, raster.height, GDT_Byte, 0, 0) != CE_None) {
        break;
      }
      for (std::size_t i = 0; i < band.size(); ++i) {
        if (palette) {
          const GDALColorEntry* entry = GDALGetColorEntry(palette, band[i]);
          raster.pixels[i] = {entry->c1, entry->c2, entry->c3, entry->c4};
        } else if (raster.bands == 1) {
          raster.pixels[i] = {band[i], band[i], band[i], 255};
        } else {
          raster.pixels[i][b] = band[i];
        }
      }
    }
    GDALClose(dataset);
  }
  VSIUnlink(name.c_str());
  return raster;
}

int colour_distance(const std::array<int, 4>& a, const std::array<int, 4>& b) {
  int distance = 0;
  for (int i = 0; i < 4; ++i) distance += std::abs(a[i] - b[i]);
  return distance;
}

ImageRequest tile_request(const std::vector<std::string>& layer_names, int year, int date = 0) {
  ImageRequest request;
  request.layers = layer_names;
  request.bbox = tile_box(kZ, kX, kY);
  request.time = TimeFilter{year, date ? date : year * 10000 + 1231};
  return request;
}

std::string tile_bbox_text() {
  const auto box = tile_box(kZ, kX, kY);
  char text[200];
  std::snprintf(text, sizeof text, "%.6f,%.6f,%.6f,%.6f", box.minx, box.miny, box.maxx, box.maxy);
  return text;
}

std::multimap<std::string, std::string> wms_get_map(const std::string& version, const std::string& crs,
                                                    const std::string& bbox, const std::string& time = "2015") {
  return {{"SERVICE", "WMS"},   {"VERSION", version}, {"REQUEST", "GetMap"},   {"LAYERS", "communes"},
          {"STYLES", ""},       {version == "1.3.0" ? "CRS" : "SRS", crs},   {"BBOX", bbox},
          {"WIDTH", "256"},     {"HEIGHT", "256"},    {"FORMAT", "image/png"}, {"TIME", time}};
}

// Pixel centres of the squares in the 256 px test tile.
constexpr int kAx = 64, kAy = 64, kBx = 192, kBy = 64, kCx = 64, kCy = 192, kDx = 192, kDy = 192;

// ---- Direct renders --------------------------------------------------------------------------

TEST(EngineRender, PngTileShowsClassColours) {
  const auto response = engine().render_image(tile_request({"communes"}, 2015));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "image/png");
  const auto image = decode(response.body);
  ASSERT_EQ(image.width, 256);
  const auto a = image.around(kAx, kAy), b = image.around(kBx, kBy), c = image.around(kCx, kCy);
  EXPECT_GT(a[3], 200);
  EXPECT_LT(colour_distance(a, b), 30) << "two recognised communes share a colour";
  EXPECT_GT(colour_distance(a, c), 60) << "recognised and not recognised differ";
  EXPECT_EQ(image.at(128, 5)[3], 0) << "no commune there: transparent";
  EXPECT_EQ(image.around(kDx, kDy)[3], 0) << "D does not exist in 2015";
}

TEST(EngineRender, YearAndDateFilterSwitchColours) {
  const auto year2015 = decode(engine().render_image(tile_request({"communes"}, 2015)).body);
  const auto year2016 = decode(engine().render_image(tile_request({"communes"}, 2016)).body);
  EXPECT_LT(colour_distance(year2016.around(kAx, kAy), year2015.around(kCx, kCy)), 30)
      << "A is not recognised in 2016";
  EXPECT_LT(colour_distance(year2016.around(kBx, kBy), year2015.around(kBx, kBy)), 30);
  EXPECT_GT(year2016.around(kDx, kDy)[3], 200) << "D exists at the end of 2016";
  const auto march2016 = decode(engine().render_image(tile_request({"communes"}, 2016, 20160301)).body);
  EXPECT_EQ(march2016.around(kDx, kDy)[3], 0) << "D starts on 2016-07-01";
  // A year whose file has a row ended within it: the year-end draw filters it out, an earlier date keeps it.
  EXPECT_EQ(year2015.around(128, 128)[3], 0) << "E was dissolved on 2015-06-01";
  const auto march2015 = decode(engine().render_image(tile_request({"communes"}, 2015, 20150301)).body);
  EXPECT_GT(march2015.around(128, 128)[3], 200) << "E exists on 2015-03-01";
  EXPECT_LT(colour_distance(march2015.around(128, 128), year2015.around(kBx, kBy)), 30) << "E is recognised";
  // And back: the same thread's map must not keep the filter of the previous request.
  const auto again2016 = decode(engine().render_image(tile_request({"communes"}, 2016)).body);
  EXPECT_GT(again2016.around(kDx, kDy)[3], 200);
  EXPECT_EQ(decode(engine().render_image(tile_request({"communes"}, 2015)).body).around(128, 128)[3], 0);
}

TEST(EngineRender, OutlinesAreDrawnWithAndWithoutTheBoundaryFile) {
  // 2016 at year end: every row valid, fills then the boundary lines. 2015 at year end: E ended in
  // June, so the date filter applies and each polygon draws its own outline. Both show A's edge
  // (x = 0.10 of the tile) in the outline grey of its class (#737373).
  for (const auto& [year, date] : {std::pair{2016, 20161231}, {2015, 20151231}, {2015, 20150301}}) {
    const auto image = decode(engine().render_image(tile_request({"communes"}, year, date)).body);
    int first = 0;  // the first drawn pixel coming from the left: only the outline reaches past the fill
    while (first < kAx && image.at(first, kAy)[3] == 0) ++first;
    ASSERT_LT(first, kAx) << year << "-" << date;
    const auto pixel = image.at(first, kAy);
    EXPECT_GT(pixel[3], 40) << year << "-" << date << ": A's outline";
    for (int band = 0; band < 3; ++band) EXPECT_NEAR(pixel[band], 115, 8) << year << "-" << date << ": outline grey";
    EXPECT_GT(colour_distance(image.around(kAx, kAy), {115, 115, 115, 255}), 80) << "A's fill is not the outline grey";
  }
}

TEST(EngineRender, RetinaTileHasTwiceThePixels) {
  auto request = tile_request({"communes"}, 2015);
  request.width = request.height = 512;
  request.resolution = 144;
  const auto response = engine().render_image(request);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto image = decode(response.body);
  EXPECT_EQ(image.width, 512);
  const auto normal = decode(engine().render_image(tile_request({"communes"}, 2015)).body);
  EXPECT_LT(colour_distance(image.around(2 * kAx, 2 * kAy), normal.around(kAx, kAy)), 45);
}

TEST(EngineRender, Png8AndJpegHaveTheirMagicBytes) {
  auto request = tile_request({"communes"}, 2015);
  request.format = ImageFormat::png8;
  const auto png8 = engine().render_image(request);
  ASSERT_EQ(png8.status, 200) << png8.body;
  EXPECT_EQ(png8.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png8.content_type, "image/png; mode=8bit");
  EXPECT_EQ(static_cast<unsigned char>(png8.body[25]), 3) << "colour type 3: palette";
  request.format = ImageFormat::jpeg;
  const auto jpeg = engine().render_image(request);
  ASSERT_EQ(jpeg.status, 200) << jpeg.body;
  EXPECT_EQ(jpeg.body.substr(0, 3), std::string("\xff\xd8\xff", 3));
}

TEST(EngineRender, RefusesBadImageRequests) {
  auto request = tile_request({"communes"}, 2015);
  request.width = 5000;
  EXPECT_THROW(engine().render_image(request), RequestError);
  request = tile_request({"communes"}, 2015);
  request.bbox.maxx = request.bbox.minx;
  EXPECT_THROW(engine().render_image(request), RequestError);
  request = tile_request({"communes"}, 2015);
  request.bbox.miny = std::nan("");
  EXPECT_THROW(engine().render_image(request), RequestError);
  request = tile_request({"communes"}, 2015);
  request.epsg = 2154;
  EXPECT_THROW(engine().render_image(request), RequestError);
  EXPECT_THROW(engine().render_image(tile_request({"nope"}, 2015)), RequestError);
  EXPECT_THROW(engine().render_image(tile_request({"communes"}, 1999)), RequestError);
  EXPECT_THROW(engine().render_image(tile_request({"communes"}, 2015, 20150230)), RequestError);
  EXPECT_EQ(engine().render_image(tile_request({"communes"}, 2015)).status, 200) << "still working";
}

TEST(EngineRender, ProjectedCrsRendersTheSameArea) {
  for (const int epsg : {9211, 3405, 4326}) {
    OGRSpatialReference mercator, target;
    mercator.importFromEPSG(3857);
    target.importFromEPSG(epsg);
    mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&mercator, &target));
    ASSERT_NE(transform, nullptr);
    auto box = tile_box(kZ, kX, kY);
    double xs[2] = {box.minx, box.maxx}, ys[2] = {box.miny, box.maxy};
    ASSERT_TRUE(transform->Transform(2, xs, ys));
    auto request = tile_request({"communes"}, 2015);
    request.epsg = epsg;
    request.bbox = Box{xs[0], ys[0], xs[1], ys[1]};
    const auto response = engine().render_image(request);
    ASSERT_EQ(response.status, 200) << response.body;
    const auto image = decode(response.body);
    EXPECT_GT(image.around(kAx, kAy)[3], 200) << "EPSG:" << epsg;
    EXPECT_GT(image.opaque_pixels(), 256 * 256 / 4) << "EPSG:" << epsg;
  }
}

// ---- Vector tiles -------------------------------------------------------------------------------

TEST(EngineMvt, TileHasTheLayerNameAndAttributes) {
  const auto response = engine().render_mvt("communes", kZ, kX, kY, TimeFilter{2015, 20151231});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/vnd.mapbox-vector-tile");
  antt::testing::TempDir dir;
  const auto path = dir.file("tile.mvt");
  antt::testing::write_file(path, response.body);
  GDALDatasetH dataset = GDALOpenEx(("MVT:" + path).c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(dataset, nullptr);
  OGRLayerH layer = GDALDatasetGetLayerByName(dataset, "communes");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(layer, TRUE), 3);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  for (const char* field : {"code", "name", "class", "label"}) {
    EXPECT_GE(OGR_FD_GetFieldIndex(definition, field), 0) << field;
  }
  std::vector<std::string> codes;
  OGR_L_ResetReading(layer);
  while (OGRFeatureH feature = OGR_L_GetNextFeature(layer)) {
    codes.emplace_back(OGR_F_GetFieldAsString(feature, OGR_FD_GetFieldIndex(definition, "code")));
    OGR_F_Destroy(feature);
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"A", "B", "C"}));
  GDALClose(dataset);
}

TEST(EngineMvt, EmptyAndOutOfRangeTiles) {
  // A tile without features may come back as 200 with an empty layer (MapServer writes the layer
  // once the spatial filter ran) or 204; either way the client draws nothing.
  const auto elsewhere = engine().render_mvt("communes", kZ, kX + 5, kY, TimeFilter{2015, 20151231});
  EXPECT_TRUE(elsewhere.status == 204 || elsewhere.status == 200);
  EXPECT_EQ(engine().render_mvt("villages", 5, 25, 14, TimeFilter{2015, 20151231}).status, 204) << "below min_zoom";
  EXPECT_THROW(engine().render_mvt("nope", kZ, kX, kY, TimeFilter{2015, 20151231}), RequestError);
  EXPECT_THROW(engine().render_mvt("communes", 3, 8, 0, TimeFilter{2015, 20151231}), RequestError);
}

// ---- WMS ------------------------------------------------------------------------------------

TEST(EngineWms, CapabilitiesListLayersTimeAndNoSld) {
  for (const std::string version : {"1.1.1", "1.3.0"}) {
    const auto response = engine().wms({{"SERVICE", "WMS"}, {"VERSION", version}, {"REQUEST", "GetCapabilities"}}, kStaff);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_NE(response.content_type.find("xml"), std::string::npos);
    for (const auto& layer : layers::LayerRegistry::standard()->layers()) {
      EXPECT_NE(response.body.find("<Name>" + layer.name + "</Name>"), std::string::npos) << layer.name;
    }
    EXPECT_NE(response.body.find("2015,2016"), std::string::npos);
    EXPECT_NE(response.body.find(version == "1.3.0" ? "<Dimension name=\"time\" units=\"ISO8601\" default=\"2016\""
                                                    : "<Extent name=\"time\" default=\"2016\""),
              std::string::npos);
    EXPECT_EQ(response.body.find("SupportSLD=\"1\""), std::string::npos) << version;
    EXPECT_EQ(response.body.find("GetStyles"), std::string::npos);
    EXPECT_EQ(response.body.find("DescribeLayer"), std::string::npos);
    EXPECT_NE(response.body.find("EPSG:9211"), std::string::npos);
    EXPECT_NE(response.body.find("http://127.0.0.1:8080/wms?"), std::string::npos);
  }
}

TEST(EngineWms, GetMapAxisOrderOf130MatchesThe111Image) {
  const auto lonlat = engine().wms(wms_get_map("1.1.1", "EPSG:4326", "105.78,20.99,105.82,21.03"), kStaff);
  const auto latlon = engine().wms(wms_get_map("1.3.0", "EPSG:4326", "20.99,105.78,21.03,105.82"), kStaff);
  ASSERT_EQ(lonlat.status, 200) << lonlat.body;
  ASSERT_EQ(latlon.status, 200) << latlon.body;
  EXPECT_EQ(lonlat.content_type, "image/png");
  EXPECT_GT(decode(lonlat.body).opaque_pixels(), 1000);
  EXPECT_EQ(lonlat.body, latlon.body);
}

TEST(EngineWms, GetMapMatchesTheDirectRender) {
  // WMS default TRANSPARENT=FALSE: an opaque white background, else the same pixels as a tile.
  const auto wms = engine().wms(wms_get_map("1.3.0", "EPSG:3857", tile_bbox_text()), kStaff);
  ASSERT_EQ(wms.status, 200) << wms.body;
  auto opaque = tile_request({"communes"}, 2015);
  opaque.transparent = false;
  EXPECT_EQ(wms.body, engine().render_image(opaque).body);
  EXPECT_EQ(decode(wms.body).opaque_pixels(), 256 * 256);

  auto transparent_query = wms_get_map("1.3.0", "EPSG:3857", tile_bbox_text());
  transparent_query.emplace("TRANSPARENT", "TRUE");
  const auto transparent = engine().wms(transparent_query, kStaff);
  EXPECT_EQ(transparent.body, engine().render_image(tile_request({"communes"}, 2015)).body);
}

TEST(EngineWms, GetMapInVn2000NotBlank) {
  for (const std::string crs : {"EPSG:9211", "EPSG:3405"}) {
    OGRSpatialReference mercator, target;
    mercator.importFromEPSG(3857);
    target.importFromEPSG(std::stoi(crs.substr(5)));
    mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&mercator, &target));
    auto box = tile_box(kZ, kX, kY);
    double xs[2] = {box.minx, box.maxx}, ys[2] = {box.miny, box.maxy};
    ASSERT_TRUE(transform->Transform(2, xs, ys));
    char bbox[200];
    std::snprintf(bbox, sizeof bbox, "%.3f,%.3f,%.3f,%.3f", xs[0], ys[0], xs[1], ys[1]);
    const auto response = engine().wms(wms_get_map("1.1.1", crs, bbox), kStaff);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_GT(decode(response.body).around(kAx, kAy)[3], 200) << crs;
  }
}

std::multimap<std::string, std::string> feature_info(const std::string& format) {
  auto params = wms_get_map("1.1.1", "EPSG:3857", tile_bbox_text());
  params.erase("REQUEST");
  params.emplace("REQUEST", "GetFeatureInfo");
  params.emplace("QUERY_LAYERS", "communes");
  params.emplace("INFO_FORMAT", format);
  params.emplace("X", std::to_string(kAx));
  params.emplace("Y", std::to_string(kAy));
  return params;
}

TEST(EngineWms, GetFeatureInfoHtmlAndGeoJson) {
  const auto html = engine().wms(feature_info("text/html"), kStaff);
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_NE(html.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("<td>Xã A</td>"), std::string::npos) << html.body;
  EXPECT_NE(html.body.find("<td>recognised</td>"), std::string::npos) << html.body;

  const auto json = engine().wms(feature_info("application/json"), kStaff);
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_NE(json.content_type.find("application/json"), std::string::npos);
  const auto document = nlohmann::json::parse(json.body);
  ASSERT_EQ(document.at("features").size(), 1u) << json.body;
  EXPECT_EQ(document["features"][0]["properties"]["code"], "A");
  EXPECT_EQ(document["features"][0]["properties"]["class"], "recognised");

  auto later = feature_info("application/json");
  later.erase("TIME");
  later.emplace("TIME", "2016");
  const auto in2016 = nlohmann::json::parse(engine().wms(later, kStaff).body);
  EXPECT_EQ(in2016["features"][0]["properties"]["class"], "not_recognised");

  const auto gml = engine().wms(feature_info("application/vnd.ogc.gml"), kStaff);
  EXPECT_EQ(gml.status, 200);
  EXPECT_NE(gml.body.find("Xã A"), std::string::npos);
}

TEST(EngineWms, GetLegendGraphicIsAPng) {
  const auto response = engine().wms(
      {{"SERVICE", "WMS"}, {"VERSION", "1.3.0"}, {"REQUEST", "GetLegendGraphic"}, {"LAYER", "communes"},
       {"FORMAT", "image/png"}, {"SLD_VERSION", "1.1.0"}}, kStaff);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "image/png");
  EXPECT_EQ(response.body.substr(0, 4), "\x89PNG");
}

TEST(EngineWms, BadRequestsAreServiceExceptionsAndTheEngineGoesOn) {
  const auto good = wms_get_map("1.3.0", "EPSG:3857", tile_bbox_text());
  const auto with = [&](const std::string& key, const std::string& value) {
    auto params = good;
    params.erase(key);
    params.emplace(key, value);
    return params;
  };
  const std::vector<std::multimap<std::string, std::string>> bad = {
      with("SLD", "http://127.0.0.1:9/evil.sld"), with("SLD_BODY", "<StyledLayerDescriptor/>"),
      with("MAP", "/etc/passwd"),                 with("SERVICE", "WFS"),
      with("REQUEST", "GetFeature"),              with("FORMAT", "image/tiff"),
      with("WIDTH", "99999"),                     with("BBOX", "1,2,3"),
      with("BBOX", "nan,1,2,3"),                  with("CRS", "EPSG:99999"),
      with("LAYERS", "nope"),                     with("TIME", "abc"),
      with("TIME", "2015-02-30"),
  };
  for (const auto& params : bad) {
    const auto response = engine().wms(params, kStaff);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(response.body.find("ServiceException"), std::string::npos);
  }
  const auto wfs = engine().wms({{"SERVICE", "WFS"}, {"REQUEST", "GetCapabilities"}}, kStaff);
  EXPECT_EQ(wfs.status, 400);
  EXPECT_NE(wfs.body.find("not enabled"), std::string::npos);
  const auto response = engine().wms(good, kStaff);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "image/png");
}

// ---- Threads and timing ---------------------------------------------------------------------

TEST(EngineConcurrency, ParallelRequestsMatchSingleThreadReferences) {
  std::vector<std::function<EngineResponse()>> kinds = {
      [] { return engine().render_image(tile_request({"communes"}, 2015)); },
      [] { return engine().render_image(tile_request({"communes", "units"}, 2016)); },
      [] { return engine().render_mvt("communes", kZ, kX, kY, TimeFilter{2016, 20161231}); },
      [] { return engine().wms(wms_get_map("1.3.0", "EPSG:4326", "20.99,105.78,21.03,105.82"), kStaff); },
      [] { return engine().wms({{"SERVICE", "WMS"}, {"VERSION", "1.3.0"}, {"REQUEST", "GetCapabilities"}}, kStaff); },
      [] { return engine().wms(feature_info("application/json"), kStaff); },
  };
  std::vector<std::string> references;
  for (const auto& kind : kinds) {
    const auto response = kind();
    ASSERT_EQ(response.status, 200) << response.body;
    references.push_back(response.body);
  }
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const auto kind = static_cast<std::size_t>(t + i) % kinds.size();
        try {
          const auto response = kinds[kind]();
          if (response.status != 200) ++failures;
          else if (response.body != references[kind]) ++mismatches;
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(EngineBenchmark, MedianTileRenderTimes) {
  const auto median_ms = [](int z, int x, int y) {
    ImageRequest request;
    request.layers = {"districts", "communes", "villages", "units", "hotspots", "clusters", "models"};
    request.bbox = tile_box(z, x, y);
    request.time = TimeFilter{2016, 20161231};
    std::vector<double> times;
    for (int i = 0; i < 30; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const auto response = engine().render_image(request);
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      EXPECT_EQ(response.status, 200);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
  };
  const double z9 = median_ms(9, kX >> 5, kY >> 5);
  const double z14 = median_ms(kZ, kX, kY);
  std::printf("[ benchmark ] render_image all layers, 256 px PNG: z9 median %.2f ms, z14 median %.2f ms\n", z9, z14);
}

}  // namespace
}  // namespace antt::mapserver
