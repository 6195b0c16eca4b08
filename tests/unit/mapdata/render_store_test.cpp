#include "antt/mapdata/mapdata.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/sqlite.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::mapdata {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A read-only view of a render file with SpatiaLite loaded, for ST_NPoints and friends.
class RenderQuery {
 public:
  explicit RenderQuery(const std::string& path)
      : db_(store::Database::open(path, SQLITE_OPEN_READONLY)) {
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
    EXPECT_EQ(sqlite3_load_extension(db_.get(), "mod_spatialite", nullptr, nullptr), SQLITE_OK);
  }
  std::int64_t integer(const std::string& sql) const {
    auto statement = db_.prepare(sql);
    statement.step();
    return statement.integer(0);
  }
  /// code → (class, share) of the rows of `table` valid on `date` of `year`.
  std::map<std::string, std::string> classes(const std::string& table, int year, int date) const {
    auto statement = db_.prepare("SELECT code, class FROM " + table + " WHERE year = ? AND vfrom <= ? AND ? < vto");
    statement.bind(1, year).bind(2, date).bind(3, date);
    std::map<std::string, std::string> out;
    while (statement.step()) out[statement.text(0)] = statement.text(1);
    return out;
  }
  const store::Database& db() const { return db_; }

 private:
  store::Database db_;
};

/// The sample province store, created once for the suite and copied for tests that edit it.
class RenderStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    sample_ = dir_->store("sample.sqlite");
    testing::copy_sample_store(sample_);
    // With drawing shapefiles: the tests that read them without editing share this build.
    shared_ = new RenderStore(store::open_store(sample_), layers::LayerRegistry::standard(), dir_->file("render.sqlite"),
                              dir_->file("shapefiles"));
    auto start = Clock::now();
    double last_progress = -1;
    bool monotonic = true;
    shared_->build_all([&](double done) {
      monotonic = monotonic && done >= last_progress;
      last_progress = done;
    });
    std::cout << "[ timing   ] build_all on the sample store: " << seconds_since(start) << " s\n";
    EXPECT_TRUE(monotonic);
    EXPECT_DOUBLE_EQ(last_progress, 1.0);
  }
  static void TearDownTestSuite() {
    delete shared_;
    delete dir_;
    shared_ = nullptr;
    dir_ = nullptr;
  }

  /// Hòa Bình's communes (the sample also stores neighbouring provinces' border communes).
  static std::set<std::string> home_communes(const store::Store& store, const std::string& date) {
    std::set<std::string> districts, communes;
    for (const auto& unit : store.units({date, {store::UnitKind::district}, {}, false}))
      if (unit.parent_code == "17") districts.insert(unit.code);
    for (const auto& unit : store.units({date, {store::UnitKind::commune}, {}, false}))
      if (districts.count(unit.parent_code)) communes.insert(unit.code);
    return communes;
  }

  static testing::TempDir* dir_;
  static std::string sample_;
  static RenderStore* shared_;
};

testing::TempDir* RenderStoreTest::dir_ = nullptr;
std::string RenderStoreTest::sample_;
RenderStore* RenderStoreTest::shared_ = nullptr;

/// A private copy of the sample store with its own render file, for tests that change the store. It
/// holds the years those tests edit and one beside them (every year is the shared store's business).
struct EditableCopy {
  testing::TempDir dir;
  std::string store_path = dir.store("store.sqlite");
  std::string shapefile_dir = dir.file("shapefiles");
  std::unique_ptr<RenderStore> render;
  explicit EditableCopy(const std::string& sample, bool with_shapefiles = false) {
    (void)sample;  // the suite's store is the sample unchanged
    testing::copy_sample_store(store_path);
    render = std::make_unique<RenderStore>(store::open_store(store_path), layers::LayerRegistry::standard(),
                                           dir.file("render.sqlite"), with_shapefiles ? shapefile_dir : std::string());
    render->keep_only_years({2015, 2016, 2017});
    render->build_all();
  }
};

/// (name, class) of every feature of a drawing shapefile, and its field names.
struct ShapefileContent {
  std::multiset<std::pair<std::string, std::string>> rows;
  std::vector<std::string> fields;
};

ShapefileContent read_shapefile(const std::string& path) {
  ShapefileContent content;
  GDALAllRegister();
  GDALDatasetH dataset = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  EXPECT_NE(dataset, nullptr) << path;
  if (!dataset) return content;
  OGRLayerH layer = GDALDatasetGetLayer(dataset, 0);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
    content.fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)));
  const int name = OGR_FD_GetFieldIndex(definition, "name");
  const int klass = OGR_FD_GetFieldIndex(definition, "class");
  while (OGRFeatureH feature = OGR_L_GetNextFeature(layer)) {
    content.rows.insert({OGR_F_GetFieldAsString(feature, name), OGR_F_GetFieldAsString(feature, klass)});
    OGR_F_Destroy(feature);
  }
  GDALClose(dataset);
  return content;
}

/// (name, class) of the render file's rows of `table` in `year` (every version of the year).
std::multiset<std::pair<std::string, std::string>> render_rows(const RenderQuery& render, const std::string& table,
                                                               int year) {
  auto statement = render.db().prepare("SELECT name, class FROM " + table + " WHERE year = ?");
  statement.bind(1, year);
  std::multiset<std::pair<std::string, std::string>> out;
  while (statement.step()) out.insert({statement.text(0), statement.text(1)});
  return out;
}

bool dirty_for(const RefreshResult& result, const std::string& layer, int year) {
  for (const auto& area : result.dirty)
    if (area.layer == layer && area.year == year) return true;
  return false;
}

TEST(MapDataLevels, ZoomBandsAndTolerances) {
  EXPECT_EQ(level_for_zoom(0), 0);
  EXPECT_EQ(level_for_zoom(8), 0);
  EXPECT_EQ(level_for_zoom(9), 1);
  EXPECT_EQ(level_for_zoom(11), 1);
  EXPECT_EQ(level_for_zoom(14), 2);
  EXPECT_EQ(level_for_zoom(15), 3);
  EXPECT_EQ(level_for_zoom(22), 3);
  EXPECT_EQ(zoom_range_of_level(1), (std::pair<int, int>{9, 11}));
  EXPECT_NEAR(tolerance_of_level(0), 489.2, 0.1);  // 0.8 of a z8 pixel (611.5 m)
  EXPECT_NEAR(tolerance_of_level(1), 61.2, 0.1);
  EXPECT_NEAR(tolerance_of_level(2), 7.64, 0.01);
  EXPECT_EQ(tolerance_of_level(3), 0.0);
  EXPECT_EQ(table_name("communes", 2), "communes_g2");
}

TEST_F(RenderStoreTest, HoldsEveryYearFromTheFirstStatusToTheLatest) {
  auto store = store::open_store(sample_, false);
  auto with_status = store->years_with_status();
  ASSERT_FALSE(with_status.empty());
  auto years = shared_->years();
  ASSERT_FALSE(years.empty());
  EXPECT_EQ(years.front(), with_status.front());
  EXPECT_EQ(years.back(), with_status.back());
  EXPECT_EQ(shared_->latest_status_year(), with_status.back());
  auto extent = shared_->extent();
  ASSERT_TRUE(extent);
  // Hòa Bình lies around 105°E 20.8°N: about 11.7e6 m east, 2.37e6 m north in web mercator.
  EXPECT_GT(extent->minx, 11.4e6);
  EXPECT_LT(extent->maxx, 12.0e6);
  EXPECT_GT(extent->miny, 2.2e6);
  EXPECT_LT(extent->maxy, 2.5e6);
}

TEST_F(RenderStoreTest, Communes2015CarryTheStatusOfEachUnitValidAtYearEnd) {
  auto store = store::open_store(sample_, false);
  auto statuses = store->statuses_of_year(2015);
  std::map<std::string, std::string> expected;
  for (const auto& unit : store->units({"2015-12-31", {store::UnitKind::commune}, {}, false})) {
    auto status = statuses.find(unit.code);
    expected[unit.code] = status == statuses.end() ? "no_data" : std::string(to_string(status->second.status));
  }
  RenderQuery render(shared_->path());
  EXPECT_EQ(render.classes("communes_g3", 2015, 20151231), expected);
  EXPECT_GT(expected.size(), 200u);
}

TEST_F(RenderStoreTest, CommunesFollowThe2020Mergers) {
  auto store = store::open_store(sample_, false);
  RenderQuery render(shared_->path());
  for (auto [year, count] : {std::pair{2019, 210u}, std::pair{2020, 151u}}) {
    auto home = home_communes(*store, year_end(year));
    EXPECT_EQ(home.size(), count);
    auto rows = render.classes("communes_g3", year, year * 10000 + 1231);
    size_t shown = 0;
    for (const auto& code : home) shown += rows.count(code);
    EXPECT_EQ(shown, count) << year;
  }
}

TEST_F(RenderStoreTest, GeneralisedLevelsHaveFewerVertices) {
  RenderQuery render(shared_->path());
  std::int64_t previous = 0;
  std::int64_t rows_g3 = render.integer("SELECT count(*) FROM communes_g3 WHERE year = 2020");
  for (int level = 0; level < kLevels; ++level) {
    const std::string table = table_name("communes", level);
    auto vertices = render.integer("SELECT sum(ST_NPoints(geometry)) FROM " + table + " WHERE year = 2020");
    auto rows = render.integer("SELECT count(*) FROM " + table + " WHERE year = 2020");
    auto invalid = render.integer("SELECT count(*) FROM " + table + " WHERE year = 2020 AND ST_IsValid(geometry) != 1");
    std::cout << "[ vertices ] " << table << " 2020: " << vertices << " vertices in " << rows << " rows\n";
    EXPECT_EQ(rows, rows_g3) << table;
    EXPECT_EQ(invalid, 0) << table;
    EXPECT_GT(vertices, previous) << table;
    previous = vertices;
  }
  EXPECT_EQ(render.integer("SELECT count(*) FROM geometry_columns WHERE f_table_name = 'communes_g0' AND srid = 3857"), 1);
}

TEST_F(RenderStoreTest, DistrictShareMatchesTheStatistics) {
  auto store = store::open_store(sample_, false);
  auto stats = stats::compute_stats(*store, 2015);
  ASSERT_FALSE(stats.districts.empty());
  const auto& district = stats.districts.front();
  RenderQuery render(shared_->path());
  auto row = render.db().prepare(
      "SELECT share, recognised, total, class, label FROM districts_g3 WHERE year = 2015 AND code = ? AND vto > 20151231");
  row.bind(1, district.code);
  ASSERT_TRUE(row.step());
  EXPECT_NEAR(row.real(0), district.pooled.share_recognised(), 1e-9);
  EXPECT_EQ(row.integer(1), district.pooled.recognised);
  EXPECT_EQ(row.integer(2), district.pooled.total);
  double share = district.pooled.share_recognised();
  EXPECT_EQ(row.text(3), share > 90 ? "above_90" : share > 70 ? "above_70" : "below_70");
  EXPECT_EQ(row.text(4).rfind("Đạt ", 0), 0u) << row.text(4);
}

TEST_F(RenderStoreTest, OtherLayersHaveRows) {
  RenderQuery render(shared_->path());
  int year = *shared_->latest_status_year();
  for (const char* layer : {"villages", "units", "models"})
    EXPECT_GT(render.integer("SELECT count(*) FROM " + std::string(layer) + "_g3 WHERE year = " + std::to_string(year)), 0)
        << layer;
  // Districts until the two-tier reform of 2025-07-01, none after.
  EXPECT_GT(render.integer("SELECT count(*) FROM districts_g3 WHERE year = 2024"), 0);
  EXPECT_EQ(render.integer("SELECT count(*) FROM districts_g3 WHERE year = 2026"), 0);
  // Clusters and hotspots exist only when the sample holds some.
  auto store = store::open_store(sample_, false);
  auto cluster_count = store->cluster_years(year).size();
  EXPECT_EQ(static_cast<size_t>(render.integer("SELECT count(*) FROM clusters_g3 WHERE year = " + std::to_string(year))),
            cluster_count);
  if (cluster_count > 0) {
    EXPECT_EQ(render.integer("SELECT count(*) FROM clusters_g3 WHERE members IS NULL OR GeometryType(geometry) != 'MULTIPOLYGON'"), 0);
  }
}

TEST_F(RenderStoreTest, RefreshWithoutChangeChangesNothing) {
  auto start = Clock::now();
  auto result = shared_->refresh();
  double took = seconds_since(start);
  std::cout << "[ timing   ] refresh without change: " << took * 1000 << " ms\n";
  EXPECT_FALSE(result.changed);
  EXPECT_TRUE(result.dirty.empty());
}

TEST_F(RenderStoreTest, StatusSetThroughTheCliIsPickedUpForItsYearOnly) {
  EditableCopy copy(sample_);
  RenderQuery render(copy.render->path());
  auto before = render.classes("communes_g3", 2015, 20151231);
  std::string code;
  for (const auto& [candidate, klass] : before)
    if (klass != "proposed" && home_communes(*store::open_store(copy.store_path, false), "2015-12-31").count(candidate)) {
      code = candidate;
      break;
    }
  ASSERT_FALSE(code.empty());
  auto set = testing::run_anttmap({"--db", copy.store_path, "status", "set", code, "--year", "2015", "--status", "proposed"});
  ASSERT_EQ(set.exit_code, 0) << set.err;

  auto start = Clock::now();
  auto result = copy.render->refresh();
  // A figure, not a bound (benchmarks bound speed): what it costs shows in the log.
  std::cout << "[ timing   ] refresh after one status change: " << seconds_since(start) * 1000 << " ms\n";
  EXPECT_TRUE(result.changed);
  EXPECT_TRUE(dirty_for(result, "communes", 2015));
  EXPECT_TRUE(dirty_for(result, "districts", 2015));
  for (const auto& area : result.dirty) {
    EXPECT_EQ(area.year, 2015) << area.layer;
    EXPECT_LT(area.box.minx, area.box.maxx);
  }
  EXPECT_EQ(render.classes("communes_g3", 2015, 20151231).at(code), "proposed");
  EXPECT_EQ(render.classes("communes_g0", 2015, 20151231).at(code), "proposed");

  auto again = copy.render->refresh();
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(again.position, result.position);
}

TEST_F(RenderStoreTest, PlainSqlEditFromAnotherClientIsPickedUp) {
  EditableCopy copy(sample_);
  RenderQuery render(copy.render->path());
  auto villages = render.classes("villages_g3", 2016, 20161231);
  std::string code;
  for (const auto& [candidate, klass] : villages)
    if (klass != "not_recognised") {
      code = candidate;
      break;
    }
  ASSERT_FALSE(code.empty());
  {
    // A foreign client: plain SQL (sqlite3 or psql), no SpatiaLite, no anttmap; the store's triggers audit it.
    testing::plain_sql(copy.store_path, "INSERT INTO unit_status (unit_code, year, status, note) VALUES ('" + code +
                                            "', 2016, 'not_recognised', 'sql edit')");
  }
  auto result = copy.render->refresh();
  EXPECT_TRUE(result.changed);
  EXPECT_TRUE(dirty_for(result, "villages", 2016));
  for (const auto& area : result.dirty) EXPECT_EQ(area.year, 2016) << area.layer;
  EXPECT_EQ(render.classes("villages_g3", 2016, 20161231).at(code), "not_recognised");
}

TEST_F(RenderStoreTest, DrawingShapefilesHoldEachYearOfEachLevelWithTheDrawingFields) {
  RenderQuery render(shared_->path());
  const auto files = shared_->shapefiles();
  ASSERT_NE(files, nullptr);
  EXPECT_EQ(RenderStore(store::open_store(sample_), layers::LayerRegistry::standard(), dir_->file("render-plain.sqlite"))
                .shapefiles(),
            nullptr);
  for (const int year : shared_->years()) {
    for (const auto* layer : {"communes", "villages", "districts"}) {
      for (int level = 0; level < kLevels; ++level) {
        const auto table = table_name(layer, level);
        const auto expected = render_rows(render, table, year);
        const std::string* path = files->path(layer, level, year);
        if (expected.empty()) {
          EXPECT_EQ(path, nullptr) << table << " " << year;
          continue;
        }
        ASSERT_NE(path, nullptr) << table << " " << year;
        EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(*path).replace_extension(".qix"))) << *path;
        const auto content = read_shapefile(*path);
        EXPECT_EQ(content.fields, kDrawingFields) << *path;
        std::vector<std::pair<std::string, std::string>> only_render, only_file;
        std::set_difference(expected.begin(), expected.end(), content.rows.begin(), content.rows.end(),
                            std::back_inserter(only_render));
        std::set_difference(content.rows.begin(), content.rows.end(), expected.begin(), expected.end(),
                            std::back_inserter(only_file));
        EXPECT_EQ(content.rows.size(), expected.size()) << table << " " << year << " only in the render file: "
                                                        << ::testing::PrintToString(only_render)
                                                        << "; only in the shapefile: " << ::testing::PrintToString(only_file);
        if (content.rows.size() == expected.size()) EXPECT_EQ(content.rows, expected) << table << " " << year;
      }
    }
  }
  // Feature envelopes let the engine skip a layer with nothing near the view.
  const auto* communes = files->find("communes", 3, 2020);
  ASSERT_NE(communes, nullptr);
  const auto extent = shared_->extent().value();
  EXPECT_TRUE(communes->any_feature_in({extent.minx, extent.miny, extent.maxx, extent.maxy}));
  EXPECT_FALSE(communes->any_feature_in({0, 0, 1000, 1000}));  // the Gulf of Guinea
  const double middle_x = (extent.minx + extent.maxx) / 2, middle_y = (extent.miny + extent.maxy) / 2;
  EXPECT_TRUE(communes->any_feature_in({middle_x, middle_y, middle_x + 1, middle_y + 1}));
  EXPECT_FALSE(communes->any_feature_in({extent.maxx + 10, middle_y, extent.maxx + 20, middle_y + 10}));
  // A name with tone marks survives as UTF-8 (the shapefile default would be Latin-1).
  bool toned = false;
  for (const auto& [name, klass] : read_shapefile(*files->path("communes", 3, 2020)).rows)
    toned = toned || name.find("\xe1\xbb") != std::string::npos;  // U+1Exx: ạ ả ấ ầ ẩ ẫ ậ … ỹ
  EXPECT_TRUE(toned);
}

/// Undirected segments of every ring or line of a shapefile, feature by feature (file order), with the feature's class.
using Segment = std::pair<std::pair<double, double>, std::pair<double, double>>;
std::vector<std::pair<std::string, std::vector<Segment>>> read_segments(const std::string& path) {
  std::vector<std::pair<std::string, std::vector<Segment>>> out;
  GDALDatasetH dataset = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  EXPECT_NE(dataset, nullptr) << path;
  if (!dataset) return out;
  OGRLayerH layer = GDALDatasetGetLayer(dataset, 0);
  const int klass = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "class");
  std::function<void(OGRGeometryH, std::vector<Segment>&)> collect = [&](OGRGeometryH geometry, std::vector<Segment>& into) {
    for (int part = 0; part < OGR_G_GetGeometryCount(geometry); ++part) collect(OGR_G_GetGeometryRef(geometry, part), into);
    for (int i = 0; i + 1 < OGR_G_GetPointCount(geometry); ++i) {
      std::pair<double, double> a{OGR_G_GetX(geometry, i), OGR_G_GetY(geometry, i)};
      std::pair<double, double> b{OGR_G_GetX(geometry, i + 1), OGR_G_GetY(geometry, i + 1)};
      if (a != b) into.push_back(a < b ? Segment{a, b} : Segment{b, a});
    }
  };
  while (OGRFeatureH feature = OGR_L_GetNextFeature(layer)) {
    out.push_back({OGR_F_GetFieldAsString(feature, klass), {}});
    if (OGRGeometryH geometry = OGR_F_GetGeometryRef(feature)) collect(geometry, out.back().second);
    OGR_F_Destroy(feature);
  }
  GDALClose(dataset);
  return out;
}

TEST_F(RenderStoreTest, DrawingShapefilesDrawEachSharedBoundaryOnceInTheLaterPolygonsClass) {
  const auto files = shared_->shapefiles();
  ASSERT_NE(files, nullptr);
  for (const auto* layer : {"communes", "villages", "districts"}) {
    for (int level = 0; level < kLevels; ++level) {
      const auto* file = files->find(layer, level, 2020);
      ASSERT_NE(file, nullptr) << layer << level;
      ASSERT_FALSE(file->boundaries_path().empty()) << layer << level;
      EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(file->boundaries_path()).replace_extension(".qix")));
      // What each polygon drawing its own outline leaves on top: the class of the last polygon with that segment.
      std::map<Segment, std::string> on_top;
      std::size_t polygon_segments = 0;
      for (const auto& [klass, segments] : read_segments(file->path())) {
        polygon_segments += segments.size();
        for (const auto& segment : segments) on_top[segment] = klass;
      }
      std::map<Segment, std::string> drawn;
      std::size_t twice = 0;
      for (const auto& [klass, segments] : read_segments(file->boundaries_path()))
        for (const auto& segment : segments) {
          if (drawn.count(segment)) ++twice;
          drawn[segment] = klass;
        }
      EXPECT_EQ(twice, 0u) << layer << level;
      EXPECT_EQ(drawn, on_top) << layer << level;
      // Neighbours are generalised together (coverage.hpp), so they share their boundaries at every level.
      EXPECT_LT(drawn.size(), polygon_segments * 3 / 4) << layer << level;
    }
  }
  for (const auto* layer : {"units", "hotspots", "clusters", "models"})
    if (const auto* file = files->find(layer, 3, 2020)) {
      EXPECT_TRUE(file->boundaries_path().empty()) << layer;
    }
}

TEST_F(RenderStoreTest, DrawingShapefilesOfChosenYearsOnly) {
  // A one-off report draws one year: it need not write every year's files.
  RenderStore store(store::open_store(sample_), layers::LayerRegistry::standard(), dir_->file("render-one-year.sqlite"),
                    dir_->file("shapefiles-one-year"), {2016});
  store.keep_only_years({2015, 2016});
  store.build_all();
  const auto files = store.shapefiles();
  ASSERT_NE(files, nullptr);
  EXPECT_NE(files->find("communes", 3, 2016), nullptr);
  EXPECT_NE(files->find("villages", 2, 2016), nullptr);
  EXPECT_EQ(files->find("communes", 3, 2015), nullptr);
  EXPECT_EQ(store.years(), (std::vector<int>{2015, 2016})) << "the render file still has every year it holds";
}

TEST_F(RenderStoreTest, AOneYearRenderFileHoldsThatYearsRowsAsTheFullOneDoes) {
  // A report's render file: one year, built in a fraction of the time, the same rows.
  RenderStore store(store::open_store(sample_), layers::LayerRegistry::standard(), dir_->file("render-2016.sqlite"));
  store.keep_only_years({2016});
  store.build_all();
  EXPECT_EQ(store.years(), std::vector<int>{2016});
  EXPECT_TRUE(store.rows("communes", 2015).empty());
  std::size_t compared = 0;
  for (const auto& layer : layers::LayerRegistry::standard()->layers()) {
    const auto mine = store.rows(layer.name, 2016);
    const auto full = shared_->rows(layer.name, 2016);
    ASSERT_EQ(mine.size(), full.size()) << layer.name;
    for (std::size_t i = 0; i < mine.size(); ++i, ++compared)
      EXPECT_TRUE(mine[i]->same_content(*full[i])) << layer.name << " " << mine[i]->key;
  }
  EXPECT_GT(compared, 1000u);
}

TEST_F(RenderStoreTest, AServerFromAFirstYearHoldsThatYearOnAsTheFullOneDoes) {
  // `serve` with first_year: the whole country's recent years, without building the early ones.
  RenderStore store(store::open_store(sample_), layers::LayerRegistry::standard(), dir_->file("render-from-2021.sqlite"));
  store.keep_years_from(2021);
  store.build_all();
  const auto full = shared_->years();
  EXPECT_EQ(store.years(), std::vector<int>(std::find(full.begin(), full.end(), 2021), full.end()));
  EXPECT_TRUE(store.rows("communes", 2020).empty());
  std::size_t compared = 0;
  for (const int year : {2021, full.back()})
    for (const auto& layer : layers::LayerRegistry::standard()->layers()) {
      const auto mine = store.rows(layer.name, year);
      const auto all = shared_->rows(layer.name, year);
      ASSERT_EQ(mine.size(), all.size()) << layer.name << " " << year;
      for (std::size_t i = 0; i < mine.size(); ++i, ++compared)
        EXPECT_TRUE(mine[i]->same_content(*all[i])) << layer.name << " " << mine[i]->key;
    }
  EXPECT_GT(compared, 1000u);
}

TEST(RenderShapefiles, NeverEmptiesADirectoryItDidNotMake) {
  testing::TempDir dir;
  const auto mine = dir.file("drawing");
  std::filesystem::create_directories(mine);
  { std::ofstream(mine + "/roads.shp") << "somebody's data"; }
  EXPECT_THROW(RenderShapefiles(layers::LayerRegistry::standard(), mine), Error);
  EXPECT_TRUE(std::filesystem::exists(mine + "/roads.shp"));
  std::filesystem::remove(mine + "/roads.shp");
  {
    RenderShapefiles ours(layers::LayerRegistry::standard(), mine);  // empty: taken, and marked as ours
    EXPECT_EQ(ours.current()->size(), 0u);
  }
  { std::ofstream(mine + "/stale.shp") << "left by a run that crashed"; }
  RenderShapefiles again(layers::LayerRegistry::standard(), mine);  // marked: emptied
  EXPECT_FALSE(std::filesystem::exists(mine + "/stale.shp"));
}

TEST_F(RenderStoreTest, DrawingShapefilesFollowAChangeInNewFilesAndDropTheOldOnes) {
  EditableCopy copy(sample_, true);
  RenderQuery render(copy.render->path());
  auto old_set = copy.render->shapefiles();
  const std::string old_2015 = *old_set->path("communes", 2, 2015);
  const std::string old_2015_boundaries = old_set->find("communes", 2, 2015)->boundaries_path();
  const std::string old_2016 = *old_set->path("communes", 2, 2016);
  const auto communes = render.classes("communes_g3", 2015, 20151231);
  std::string code;
  for (const auto& [candidate, klass] : communes)
    if (klass != "proposed") code = candidate;
  ASSERT_FALSE(code.empty());
  auto set = testing::run_anttmap({"--db", copy.store_path, "status", "set", code, "--year", "2015", "--status", "proposed"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto start = Clock::now();
  auto result = copy.render->refresh();
  std::cout << "[ timing   ] refresh with drawing shapefiles after one status change: "
            << seconds_since(start) * 1000 << " ms\n";
  ASSERT_TRUE(result.changed);

  const auto new_set = copy.render->shapefiles();
  ASSERT_NE(new_set, old_set);
  const std::string new_2015 = *new_set->path("communes", 2, 2015);
  EXPECT_NE(new_2015, old_2015);                             // written anew, never in place
  EXPECT_EQ(*new_set->path("communes", 2, 2016), old_2016);  // other years untouched
  EXPECT_EQ(read_shapefile(new_2015).rows, render_rows(render, "communes_g2", 2015));
  // The boundary lines follow the new classes too.
  std::multiset<std::string> new_classes, old_classes;
  for (const auto& [klass, segments] : read_segments(new_set->find("communes", 2, 2015)->boundaries_path())) new_classes.insert(klass);
  for (const auto& [klass, segments] : read_segments(old_2015_boundaries)) old_classes.insert(klass);
  EXPECT_NE(new_classes, old_classes);
  EXPECT_NE(read_shapefile(new_2015).rows, read_shapefile(old_2015).rows);
  // A request still holding the old set still has its files; they go with the last holder.
  EXPECT_TRUE(std::filesystem::exists(old_2015));
  old_set.reset();
  EXPECT_FALSE(std::filesystem::exists(old_2015));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(old_2015).replace_extension(".dbf")));
  EXPECT_FALSE(std::filesystem::exists(old_2015_boundaries));
  EXPECT_TRUE(std::filesystem::exists(old_2016));
}

TEST_F(RenderStoreTest, DrawingShapefilesThatCouldNotBeWrittenAreWrittenByTheNextRefresh) {
  EditableCopy copy(sample_, true);
  RenderQuery render(copy.render->path());
  const auto villages = render.classes("villages_g3", 2017, 20171231);
  ASSERT_FALSE(villages.empty());
  const std::string code = villages.begin()->first;
  const std::string status = villages.begin()->second == "recognised" ? "not_recognised" : "recognised";
  auto set = testing::run_anttmap({"--db", copy.store_path, "status", "set", code, "--year", "2017", "--status", status,
                                   "--decision", "9/QĐ-UBND", "--date", "2017-12-20", "--authority", "UBND huyện"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  // The directory vanished (a full or unmounted disk): GDAL cannot create the new files.
  auto parked = copy.shapefile_dir + ".parked";
  std::filesystem::rename(copy.shapefile_dir, parked);
  EXPECT_THROW(copy.render->refresh(), Error);
  EXPECT_EQ(render.classes("villages_g3", 2017, 20171231).at(code), status);  // the render file moved on
  std::filesystem::rename(parked, copy.shapefile_dir);

  const auto retried = copy.render->refresh();
  EXPECT_TRUE(retried.changed);
  EXPECT_TRUE(dirty_for(retried, "villages", 2017));
  EXPECT_EQ(read_shapefile(*copy.render->shapefiles()->path("villages", 3, 2017)).rows,
            render_rows(render, "villages_g3", 2017));
  EXPECT_FALSE(copy.render->refresh().changed);
}

}  // namespace
}  // namespace antt::mapdata
