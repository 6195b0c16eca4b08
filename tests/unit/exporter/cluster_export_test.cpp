#include "antt/exporter/cluster_export.hpp"

#include <filesystem>
#include <map>

#include "../importer/cluster_fixtures.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "antt/importer/cluster_import.hpp"
#include "antt/text/unicode.hpp"

namespace antt::exporter {
namespace {

using namespace antt::testing;
namespace fs = std::filesystem;

struct ClusterFeature {
  std::map<std::string, std::string> fields;  ///< null fields are absent
  geo::OgrGeometry geometry;
};

/// The features of the only layer of `path`, by cluster code; `srs` receives the layer's CRS.
std::map<std::string, ClusterFeature> read_clusters(const std::string& path, geo::SpatialReference* srs = nullptr) {
  auto dataset = geo::Dataset::open_vector(path);
  EXPECT_EQ(GDALDatasetGetLayerCount(dataset.get()), 1);
  OGRLayerH layer = GDALDatasetGetLayer(dataset.get(), 0);
  if (srs) *srs = geo::SpatialReference::clone_of(OGR_L_GetSpatialRef(layer));
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  std::map<std::string, ClusterFeature> out;
  while (true) {
    geo::Feature feature(OGR_L_GetNextFeature(layer));
    if (!feature) break;
    ClusterFeature row;
    for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
      if (OGR_F_IsFieldSetAndNotNull(feature.get(), i) && *OGR_F_GetFieldAsString(feature.get(), i))
        row.fields[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i))] = OGR_F_GetFieldAsString(feature.get(), i);
    row.geometry = geo::OgrGeometry::clone_of(OGR_F_GetGeometryRef(feature.get()));
    std::string code = row.fields["code"];
    out.emplace(code, std::move(row));
  }
  return out;
}

/// Polygons in a Polygon or MultiPolygon.
int polygon_count(const geo::OgrGeometry& geometry) {
  if (geometry.flat_type() == wkbPolygon) return 1;
  EXPECT_EQ(geometry.flat_type(), wkbMultiPolygon);
  return OGR_G_GetGeometryCount(geometry.get());
}

/// The outline of CUM-01 in 2019 and 2020: 04831, 04834 east of it, LG-25-01 north of it.
constexpr std::pair<double, double> kBorderOutline[] = {{105.195, 20.895}, {105.215, 20.895}, {105.215, 20.905},
                                                        {105.205, 20.905}, {105.205, 20.915}, {105.195, 20.915},
                                                        {105.195, 20.895}};

class ClusterExport : public ClusterStoreFixture {
 protected:
  void SetUp() override {
    ClusterStoreFixture::SetUp();
    store->write(actor, [&] {
      store->add_cluster({"CUM-01", "Cụm ANTT giáp ranh Đà Bắc – Thanh Sơn", store::ClusterKind::giap_ranh});
      store->add_cluster({"CUM-02", "Cụm liên kết Suối Nánh – Giáp Đắt", store::ClusterKind::lien_ket});
      // 2019: three adjoining communes, one of them across the province border; 04837 still exists.
      store->set_cluster_year({"CUM-01", 2019, {"04831", "04834", "LG-25-01"}, "04831"});
      store->set_cluster_year({"CUM-02", 2019, {"04837", "04840"}, ""});
      // 2020: the standing unit rotates; 04837 is gone.
      store->set_cluster_year({"CUM-01", 2020, {"04831", "04834", "LG-25-01"}, "LG-25-01"});
    });
  }
  static constexpr double kSquare = 0.01 * 0.01;  ///< area of one commune, degrees²
};

TEST_F(ClusterExport, GeoPackageAndGeoJsonCarryTheUnionOfTheMembers) {
  for (const char* extension : {".gpkg", ".geojson"}) {
    ExportOptions options;
    options.year = 2019;
    std::string path = dir.file(std::string("clusters") + extension);
    auto result = export_clusters(*store, path, options);
    EXPECT_EQ(result.features, 2) << extension;
    EXPECT_EQ(result.files, (std::vector<std::string>{path}));
    auto rows = read_clusters(path);
    ASSERT_EQ(rows.size(), 2u) << extension;

    const ClusterFeature& border = rows.at("CUM-01");
    EXPECT_EQ(border.fields.at("name"), "Cụm ANTT giáp ranh Đà Bắc – Thanh Sơn") << extension;
    EXPECT_EQ(border.fields.at("kind"), "giap_ranh");
    EXPECT_EQ(border.fields.at("year"), "2019");
    EXPECT_EQ(border.fields.at("members"), "04831;04834;LG-25-01");
    EXPECT_EQ(border.fields.at("member_count"), "3");
    EXPECT_EQ(border.fields.at("standing_unit"), "04831");
    EXPECT_EQ(border.fields.at("standing_name"), "Thị trấn Đà Bắc");
    // Adjoining members, one of Phú Thọ: one polygon, the area of the three squares.
    // (GDAL 3.6 writes RFC 7946 GeoJSON with a one-part MultiPolygon as a Polygon.)
    ASSERT_TRUE(border.geometry);
    if (std::string(extension) == ".gpkg") {
      EXPECT_EQ(border.geometry.flat_type(), wkbMultiPolygon);
    }
    EXPECT_EQ(polygon_count(border.geometry), 1) << border.geometry.wkt();
    EXPECT_NEAR(OGR_G_Area(border.geometry.get()), 3 * kSquare, 1e-9);
    std::string outline;
    for (const auto& [lon, lat] : kBorderOutline)
      outline += (outline.empty() ? "" : ", ") + std::to_string(lon) + " " + std::to_string(lat);
    EXPECT_GEOM_EQ("POLYGON ((" + outline + "))", border.geometry.wkt(), 1e-7);

    // Members apart: two polygons; no standing unit: null.
    const ClusterFeature& linked = rows.at("CUM-02");
    EXPECT_EQ(linked.fields.at("kind"), "lien_ket");
    EXPECT_EQ(linked.fields.count("standing_unit"), 0u);
    EXPECT_EQ(linked.fields.count("standing_name"), 0u);
    EXPECT_EQ(polygon_count(linked.geometry), 2);
    EXPECT_NEAR(OGR_G_Area(linked.geometry.get()), 2 * kSquare, 1e-9);
  }
}

TEST_F(ClusterExport, YearDefaultsToTheLatestYearWithMembers) {
  auto result = export_clusters(*store, dir.file("latest.geojson"), ExportOptions{});
  EXPECT_EQ(result.features, 1);
  auto rows = read_clusters(dir.file("latest.geojson"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.at("CUM-01").fields.at("year"), "2020");
  EXPECT_EQ(rows.at("CUM-01").fields.at("standing_unit"), "LG-25-01");
  EXPECT_EQ(rows.at("CUM-01").fields.at("standing_name"), "Xã Đồng Lương Hạ");

  // A year without clusters gives an empty layer.
  ExportOptions options;
  options.year = 2015;
  EXPECT_EQ(export_clusters(*store, dir.file("none.gpkg"), options).features, 0);
  EXPECT_TRUE(read_clusters(dir.file("none.gpkg")).empty());
}

TEST_F(ClusterExport, TargetSrsVn2000) {
  ExportOptions options;
  options.year = 2020;
  options.target_srs = "EPSG:9211";
  export_clusters(*store, dir.file("vn2000.gpkg"), options);
  geo::SpatialReference srs;
  auto rows = read_clusters(dir.file("vn2000.gpkg"), &srs);
  ASSERT_TRUE(srs);
  EXPECT_EQ(geo::tm3_zone_meridian(srs), 106.0);
  const auto& geometry = rows.at("CUM-01").geometry;
  ASSERT_TRUE(geometry);
  EXPECT_EQ(geometry.flat_type(), wkbMultiPolygon);

  EXPECT_EQ(polygon_count(geometry), 1);

  // Every vertex against QĐ 05/2007's pipeline, within a metre.
  std::string outline;
  for (const auto& [lon, lat] : kBorderOutline) {
    auto [east, north] = wgs84_to_tm3_106(lon, lat);
    char point[64];
    std::snprintf(point, sizeof point, "%.3f %.3f", east, north);
    outline += (outline.empty() ? "" : ", ") + std::string(point);
  }
  const std::string truth = "POLYGON ((" + outline + "))";
  EXPECT_GEOM_EQ(truth, geometry.wkt(), 1.0);
  // Three squares of ≈ 1.04 km × 1.11 km.
  const double truth_m2 = OGR_G_Area(geo::OgrGeometry::from_wkt(truth).get());
  EXPECT_NEAR(truth_m2, 3.46e6, 0.02e6);
  EXPECT_NEAR(OGR_G_Area(geometry.get()), truth_m2, 1e-4 * truth_m2);
}

TEST_F(ClusterExport, ShapefileUsesTheDocumentedShortNames) {
  ExportOptions options;
  options.year = 2019;
  export_clusters(*store, dir.file("cum.shp"), options);
  EXPECT_EQ(text::trim(read_file(dir.file("cum.cpg"))), "UTF-8");
  auto dataset = geo::Dataset::open_vector(dir.file("cum.shp"));
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(GDALDatasetGetLayer(dataset.get(), 0));
  std::vector<std::string> names;
  for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
    names.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)));
  EXPECT_EQ(names, (std::vector<std::string>{"code", "name", "kind", "year", "members", "mem_count", "stand_unit",
                                             "stand_name"}));
  EXPECT_EQ(read_clusters(dir.file("cum.shp")).at("CUM-01").fields.at("stand_name"), "Thị trấn Đà Bắc");
}

class ClusterRoundTrip : public ClusterExport, public ::testing::WithParamInterface<const char*> {};

TEST_P(ClusterRoundTrip, ImportReadsBackWhatExportWrote) {
  ExportOptions options;
  options.year = 2019;
  const std::string path = dir.file(std::string("cum") + GetParam());
  export_clusters(*store, path, options);

  TempDir other;
  auto fresh = store::open_store(other.store("fresh.sqlite"), true);
  fresh->write(actor, [&] {
    store::UnitVersion province;
    province.code = "17";
    province.name = "Tỉnh Hòa Bình";
    province.kind = store::UnitKind::province;
    fresh->insert_unit(province);
  });
  add_border_communes(*fresh, actor);
  auto result = importer::import_clusters(*fresh, actor, path, importer::ClusterImportOptions{});
  EXPECT_EQ(result.cluster_years, 2);
  EXPECT_EQ(fresh->clusters().size(), 2u);
  EXPECT_EQ(fresh->clusters().front().name, "Cụm ANTT giáp ranh Đà Bắc – Thanh Sơn");
  auto years = fresh->cluster_years(2019);
  ASSERT_EQ(years.size(), 2u);
  EXPECT_EQ(years[0].member_codes, (std::vector<std::string>{"04831", "04834", "LG-25-01"}));
  EXPECT_EQ(years[0].standing_unit_code, "04831");
  EXPECT_EQ(years[1].member_codes, (std::vector<std::string>{"04837", "04840"}));
}

INSTANTIATE_TEST_SUITE_P(Export, ClusterRoundTrip, ::testing::Values(".gpkg", ".geojson", ".shp", ".csv", ".xlsx", ".kml"),
                         [](const auto& info) { return std::string(info.param + 1); });

TEST_F(ClusterExport, RefusalsLeaveNothingBehind) {
  ExportOptions options;
  options.target_srs = "EPSG:9211";
  EXPECT_THROW(export_clusters(*store, dir.file("cum.kml"), options), UsageError);
  EXPECT_THROW(export_clusters(*store, dir.file("cum.dxf"), ExportOptions{}), UsageError);
  write_file(dir.file("keep.gpkg"), "keep me");
  ExportOptions keep;
  keep.overwrite = false;
  EXPECT_THROW(export_clusters(*store, dir.file("keep.gpkg"), keep), UsageError);
  EXPECT_EQ(read_file(dir.file("keep.gpkg")), "keep me");
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_TRUE(entry.path().filename() == "keep.gpkg" || entry.path().filename().string().rfind("store.sqlite", 0) == 0)
        << entry.path();
}

TEST_F(ClusterExport, ReportsProgressFromZeroToOne) {
  std::vector<double> seen;
  export_clusters(*store, dir.file("p.gpkg"), ExportOptions{}, [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

}  // namespace
}  // namespace antt::exporter
