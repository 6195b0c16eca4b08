#include "antt/exporter/exporter.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "../importer/import_fixtures.hpp"
#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "antt/importer/importer.hpp"
#include "antt/text/unicode.hpp"

namespace antt::exporter {
namespace {

using namespace antt::testing;
namespace fs = std::filesystem;

struct ReadFeature {
  std::string layer;
  std::map<std::string, std::string> fields;  ///< unset/null fields are absent
  std::string wkt;
};

/// Every feature of every layer of `path`, as GDAL reads it back (UTF-8).
std::vector<ReadFeature> read_back(const std::string& path) {
  auto dataset = geo::Dataset::open_vector(path);
  std::vector<ReadFeature> out;
  for (int l = 0; l < GDALDatasetGetLayerCount(dataset.get()); ++l) {
    OGRLayerH layer = GDALDatasetGetLayer(dataset.get(), l);
    OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
    OGR_L_ResetReading(layer);
    while (true) {
      geo::Feature feature(OGR_L_GetNextFeature(layer));
      if (!feature) break;
      ReadFeature row{OGR_L_GetName(layer), {}, {}};
      for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i) {
        if (!OGR_F_IsFieldSetAndNotNull(feature.get(), i) || !*OGR_F_GetFieldAsString(feature.get(), i)) continue;
        OGRFieldDefnH field = OGR_FD_GetFieldDefn(definition, i);
        std::string value = OGR_F_GetFieldAsString(feature.get(), i);
        if (OGR_Fld_GetType(field) == OFTDate) {  // GeoJSON readers turn ISO strings into dates
          int y = 0, m = 0, d = 0, h = 0, mi = 0, tz = 0;
          float s = 0;
          OGR_F_GetFieldAsDateTimeEx(feature.get(), i, &y, &m, &d, &h, &mi, &s, &tz);
          char iso[16];
          std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
          value = iso;
        }
        row.fields[OGR_Fld_GetNameRef(field)] = value;
      }
      if (OGRGeometryH geometry = OGR_F_GetGeometryRef(feature.get()))
        row.wkt = geo::OgrGeometry::clone_of(geometry).wkt();
      out.push_back(std::move(row));
    }
  }
  return out;
}

const ReadFeature* find_code(const std::vector<ReadFeature>& rows, const std::string& code) {
  for (const auto& row : rows) {
    auto found = row.fields.find("code");
    if (found != row.fields.end() && found->second == code) return &row;
  }
  return nullptr;
}

std::set<std::string> codes_of(const std::vector<ReadFeature>& rows) {
  std::set<std::string> codes;
  for (const auto& row : rows)
    if (row.fields.count("code")) codes.insert(row.fields.at("code"));
  return codes;
}

std::string wkb_of(const std::string& wkt) { return geo::OgrGeometry::from_wkt(wkt).iso_wkb(); }

class ExportFixture : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    store->write(actor, [&] {
      auto commune = [&](const char* code, const char* name, const char* subtype, const char* from,
                         std::optional<std::string> to, double lon, double lat) {
        store::UnitVersion unit;
        unit.code = code;
        unit.name = name;
        unit.kind = store::UnitKind::commune;
        unit.subtype = subtype;
        unit.parent_code = "148";
        unit.valid_from = from;
        unit.valid_to = std::move(to);
        unit.geometry_wkb = wkb_of("MULTIPOLYGON (((" + ring(lon, lat) + ")))");
        store->insert_unit(unit);
      };
      commune("04789", "Phường Thái Bình", "phuong", "2008-08-01", std::nullopt, 105.33, 20.83);
      commune("04792", "Phường Tân Hòa", "phuong", "0001-01-01", std::nullopt, 105.345, 20.80);
      commune("04900", "Xã Hòa Bình Cũ", "xa", "0001-01-01", "2020-01-01", 105.36, 20.815);
      commune("04901", "Phường Quỳnh Lâm", "phuong", "2020-01-01", std::nullopt, 105.36, 20.815);
      store::UnitVersion school;
      school.code = "TH-01";
      school.name = "Trường THPT Công Nghiệp";
      school.kind = store::UnitKind::school;
      school.parent_code = "04789";
      school.geometry_wkb = wkb_of("POINT (105.331 20.831)");
      store->insert_unit(school);

      auto status = [&](const char* code, int year, store::StatusValue value, const char* decision = "") {
        store::StatusRecord record;
        record.unit_code = code;
        record.year = year;
        record.status = value;
        if (*decision) {
          record.decision_number = decision;
          record.decision_date = std::to_string(year) + "-12-20";
          record.authority = "UBND thành phố Hòa Bình";
        }
        store->add_status(record);
      };
      status("04789", 2019, store::StatusValue::recognised, "125/QĐ-UBND");
      status("04900", 2019, store::StatusValue::registered);
      status("04789", 2020, store::StatusValue::not_recognised);
      status("04901", 2020, store::StatusValue::recognised, "88/QĐ-UBND");
    });
  }

  static std::string ring(double lon, double lat, double half = 0.005) {
    auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
    return p(lon - half, lat - half) + "," + p(lon + half, lat - half) + "," + p(lon + half, lat + half) + "," +
           p(lon - half, lat + half) + "," + p(lon - half, lat - half);
  }

  std::vector<ReadFeature> read_all(const ExportResult& result) {
    std::vector<ReadFeature> rows;
    for (const auto& file : result.files) {
      auto more = read_back(file);
      rows.insert(rows.end(), more.begin(), more.end());
    }
    return rows;
  }

  bool staging_left_behind() const {
    for (const auto& entry : fs::directory_iterator(dir.path()))
      if (entry.path().filename().string().find(".antt-tmp-") != std::string::npos) return true;
    return false;
  }
};

class ExportFormats : public ExportFixture, public ::testing::WithParamInterface<const char*> {};

TEST_P(ExportFormats, WritesEveryUnitOfTheYear) {
  std::string path = dir.file(std::string("units") + GetParam());
  ExportOptions options;
  options.year = 2019;
  auto result = export_units(*store, path, options);
  // 2019-12-31: province, 6 districts, communes 04789 04792 04900, school TH-01.
  EXPECT_EQ(result.features, 11);
  ASSERT_FALSE(result.files.empty());
  EXPECT_EQ(result.files.front(), path);
  for (const auto& file : result.files) EXPECT_TRUE(fs::exists(file)) << file;
  auto rows = read_all(result);
  EXPECT_EQ(rows.size(), 11u);
  std::set<std::string> codes = codes_of(rows);
  EXPECT_TRUE(codes.count("04900"));
  EXPECT_FALSE(codes.count("04901"));
  EXPECT_FALSE(staging_left_behind());
}

INSTANTIATE_TEST_SUITE_P(Export, ExportFormats,
                         ::testing::Values(".gpkg", ".geojson", ".json", ".shp", ".kml", ".csv", ".xlsx"),
                         [](const auto& info) { return std::string(info.param + 1); });

TEST_F(ExportFixture, GeoPackageAndGeoJsonCarryTheAttributes) {
  for (const char* extension : {".gpkg", ".geojson"}) {
    ExportOptions options;
    options.year = 2019;
    auto rows = read_all(export_units(*store, dir.file(std::string("attrs") + extension), options));
    const ReadFeature* unit = find_code(rows, "04789");
    ASSERT_NE(unit, nullptr) << extension;
    EXPECT_EQ(unit->fields.at("name"), "Phường Thái Bình") << extension;
    EXPECT_EQ(unit->fields.at("kind"), "commune");
    EXPECT_EQ(unit->fields.at("subtype"), "phuong");
    EXPECT_EQ(unit->fields.at("parent_code"), "148");
    EXPECT_EQ(unit->fields.at("valid_from"), "2008-08-01");
    EXPECT_EQ(unit->fields.at("year"), "2019");
    EXPECT_EQ(unit->fields.at("status"), "recognised");
    EXPECT_EQ(unit->fields.at("decision"), "125/QĐ-UBND");
    EXPECT_EQ(unit->fields.at("decision_date"), "2019-12-20");
    EXPECT_EQ(unit->fields.at("authority"), "UBND thành phố Hòa Bình");
    EXPECT_EQ(unit->fields.count("valid_to"), 0u);
    EXPECT_GEOM_EQ("MULTIPOLYGON (((" + ring(105.33, 20.83) + ")))", unit->wkt, 1e-7);
    const ReadFeature* school = find_code(rows, "TH-01");
    ASSERT_NE(school, nullptr);
    EXPECT_EQ(school->wkt.rfind("POINT", 0), 0u) << school->wkt;
  }
}

TEST_F(ExportFixture, GeoPackageSplitsPointsIntoTheirOwnLayer) {
  auto result = export_units(*store, dir.file("split.gpkg"), ExportOptions{});
  std::set<std::string> layers;
  for (const auto& row : read_all(result)) layers.insert(row.layer);
  EXPECT_EQ(layers, (std::set<std::string>{"split", "split_points"}));
}

TEST_F(ExportFixture, ShapefileIsUtf8WithCpgShortNamesAndAPointsFile) {
  ExportOptions options;
  options.year = 2019;
  auto result = export_units(*store, dir.file("communes.shp"), options);
  ASSERT_EQ(result.files.size(), 2u);
  EXPECT_EQ(result.files[0], dir.file("communes.shp"));
  EXPECT_EQ(result.files[1], dir.file("communes_points.shp"));
  EXPECT_EQ(text::trim(read_file(dir.file("communes.cpg"))), "UTF-8");
  EXPECT_EQ(text::trim(read_file(dir.file("communes_points.cpg"))), "UTF-8");

  auto dataset = geo::Dataset::open_vector(dir.file("communes.shp"));
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(GDALDatasetGetLayer(dataset.get(), 0));
  std::vector<std::string> names;
  for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i) names.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)));
  EXPECT_EQ(names, (std::vector<std::string>{"code", "name", "kind", "subtype", "parent", "valid_from", "valid_to",
                                             "year", "status", "decision", "dec_date", "authority", "note"}));

  auto rows = read_back(dir.file("communes.shp"));
  const ReadFeature* unit = find_code(rows, "04789");
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->fields.at("name"), "Phường Thái Bình");
  EXPECT_EQ(unit->fields.at("parent"), "148");
  EXPECT_EQ(unit->fields.at("dec_date"), "2019-12-20");
  auto points = read_back(dir.file("communes_points.shp"));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].fields.at("code"), "TH-01");
}

TEST_F(ExportFixture, ShapefileOfOnlyPointsIsOneFile) {
  ExportOptions options;
  options.kind = store::UnitKind::school;
  auto result = export_units(*store, dir.file("schools.shp"), options);
  EXPECT_EQ(result.files, (std::vector<std::string>{dir.file("schools.shp")}));
  EXPECT_EQ(result.features, 1);
  EXPECT_FALSE(fs::exists(dir.file("schools_points.shp")));
}

TEST_F(ExportFixture, TargetSrsVn2000RoundTripsWithinOneMetre) {
  ExportOptions options;
  options.kind = store::UnitKind::commune;
  options.year = 2019;
  options.target_srs = "EPSG:9211";
  auto result = export_units(*store, dir.file("vn2000.shp"), options);
  EXPECT_EQ(result.features, 3);
  auto prj = geo::SpatialReference::from_user_input(read_file(dir.file("vn2000.prj")));
  EXPECT_EQ(geo::tm3_zone_meridian(prj), 106.0);

  // The south-west corner of 04789 against the decision's pipeline, in metres.
  auto rows = read_back(dir.file("vn2000.shp"));
  const ReadFeature* unit = find_code(rows, "04789");
  ASSERT_NE(unit, nullptr);
  auto geometry = geo::OgrGeometry::from_wkt(unit->wkt);
  OGREnvelope envelope;
  OGR_G_GetEnvelope(geometry.get(), &envelope);
  OGREnvelope truth;  // empty: MinX = +inf, MaxX = -inf
  for (double lon : {105.325, 105.335})
    for (double lat : {20.825, 20.835}) {
      auto [east, north] = wgs84_to_tm3_106(lon, lat);
      truth.MinX = std::min(truth.MinX, east);
      truth.MaxX = std::max(truth.MaxX, east);
      truth.MinY = std::min(truth.MinY, north);
      truth.MaxY = std::max(truth.MaxY, north);
    }
  EXPECT_NEAR(envelope.MinX, truth.MinX, 1.0);
  EXPECT_NEAR(envelope.MaxX, truth.MaxX, 1.0);
  EXPECT_NEAR(envelope.MinY, truth.MinY, 1.0);
  EXPECT_NEAR(envelope.MaxY, truth.MaxY, 1.0);

  // And back through the importer into a fresh store.
  TempDir other;
  auto fresh = store::open_store(other.store("fresh.sqlite"), true);
  importer::ImportOptions import;
  import.kind = store::UnitKind::commune;
  import.parent_field = "parent";
  fresh->write(actor, [&] {
    store::UnitVersion district;
    district.code = "148";
    district.name = "Thành phố Hòa Bình";
    district.kind = store::UnitKind::district;
    fresh->insert_unit(district);
  });
  auto imported = importer::import_units(*fresh, actor, dir.file("vn2000.shp"), import);
  EXPECT_EQ(imported.imported, 3);
  EXPECT_EQ(imported.encoding_used, "utf-8");
  auto back = fresh->unit_at("04789", "2019-12-31");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "Phường Thái Bình");
  EXPECT_GEOM_EQ("MULTIPOLYGON (((" + ring(105.33, 20.83) + ")))", wkt_of(*back), kOneMetreInDegrees);
}

TEST_F(ExportFixture, YearGivesUnitsValidOnTheThirtyFirstOfDecemberWithThatYearsStatus) {
  ExportOptions options;
  options.kind = store::UnitKind::commune;
  options.year = 2020;
  auto rows = read_all(export_units(*store, dir.file("y2020.geojson"), options));
  EXPECT_EQ(codes_of(rows), (std::set<std::string>{"04789", "04792", "04901"}));
  EXPECT_EQ(find_code(rows, "04789")->fields.at("status"), "not_recognised");
  EXPECT_EQ(find_code(rows, "04901")->fields.at("status"), "recognised");
  EXPECT_EQ(find_code(rows, "04792")->fields.count("status"), 0u);
  EXPECT_EQ(find_code(rows, "04792")->fields.at("year"), "2020");

  options.year = 2019;
  rows = read_all(export_units(*store, dir.file("y2019.geojson"), options));
  EXPECT_EQ(codes_of(rows), (std::set<std::string>{"04789", "04792", "04900"}));
  EXPECT_EQ(find_code(rows, "04789")->fields.at("status"), "recognised");
  EXPECT_EQ(find_code(rows, "04900")->fields.at("valid_to"), "2020-01-01");

  // Without a year: valid today, status of the latest year (2020).
  options.year.reset();
  rows = read_all(export_units(*store, dir.file("today.geojson"), options));
  EXPECT_EQ(codes_of(rows), (std::set<std::string>{"04789", "04792", "04901"}));
  EXPECT_EQ(find_code(rows, "04901")->fields.at("year"), "2020");
}

TEST_F(ExportFixture, RefusalsLeaveNothingBehind) {
  try {
    export_units(*store, dir.file("units.dxf"), ExportOptions{});
    FAIL() << "expected UsageError";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find(".gpkg"), std::string::npos) << error.what();
  }
  ExportOptions options;
  options.target_srs = "EPSG:9211";
  EXPECT_THROW(export_units(*store, dir.file("units.kml"), options), UsageError);
  options.target_srs = "EPSG:0";
  EXPECT_THROW(export_units(*store, dir.file("units.gpkg"), options), CrsError);
  EXPECT_THROW(export_units(*store, dir.file("missing/units.gpkg"), ExportOptions{}), UsageError);

  write_file(dir.file("exists.geojson"), "keep me");
  ExportOptions keep;
  keep.overwrite = false;
  EXPECT_THROW(export_units(*store, dir.file("exists.geojson"), keep), UsageError);
  EXPECT_EQ(read_file(dir.file("exists.geojson")), "keep me");
  EXPECT_EQ(export_units(*store, dir.file("exists.geojson"), ExportOptions{}).features, 11);

  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.path().filename().string().rfind("store.sqlite", 0) != 0) files.insert(entry.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"exists.geojson"}));
}

TEST_F(ExportFixture, OverwritingAShapefileRemovesTheOldPointsFile) {
  export_units(*store, dir.file("units.shp"), ExportOptions{});
  ASSERT_TRUE(fs::exists(dir.file("units_points.shp")));
  ExportOptions communes;
  communes.kind = store::UnitKind::commune;
  export_units(*store, dir.file("units.shp"), communes);
  EXPECT_FALSE(fs::exists(dir.file("units_points.shp")));
  EXPECT_EQ(read_back(dir.file("units.shp")).size(), 3u);
}

TEST_F(ExportFixture, ReportsProgressFromZeroToOne) {
  std::vector<double> seen;
  export_units(*store, dir.file("p.gpkg"), ExportOptions{}, [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

}  // namespace
}  // namespace antt::exporter
