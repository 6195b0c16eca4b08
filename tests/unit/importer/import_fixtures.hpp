#pragma once
// Helpers for the import/export tests: a store in a temp dir, vector files written with GDAL at
// test time, and the "truth" for VN-2000 coordinates computed straight with a PROJ pipeline.
#include <cpl_conv.h>
#include <proj.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "antt/geo/ogr.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::testing {

/// WGS 84 lon/lat → VN-2000 / TM-3 106° (EPSG:9211) with QĐ 05/2007's seven parameters exactly
/// as the decision states them (coordinate frame convention, EPSG:6960). Independent of GDAL and
/// of the +towgs84 the project attaches.
inline constexpr const char* kWgs84ToVn2000Tm3_106 =
    "+proj=pipeline"
    " +step +proj=unitconvert +xy_in=deg +xy_out=rad"
    " +step +proj=push +v_3"
    " +step +proj=cart +ellps=WGS84"
    " +step +inv +proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835"
    "   +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278 +convention=coordinate_frame"
    " +step +inv +proj=cart +ellps=WGS84"
    " +step +proj=pop +v_3"
    " +step +proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84";

/// Runs a PROJ pipeline on one (x, y); forward or inverse.
inline std::pair<double, double> run_pipeline(const char* pipeline, double x, double y, bool inverse = false) {
  PJ_CONTEXT* context = proj_context_create();
  PJ* operation = proj_create(context, pipeline);
  EXPECT_NE(operation, nullptr) << "PROJ cannot build the pipeline";
  PJ_COORD in = proj_coord(x, y, 0, 0);
  PJ_COORD out = proj_trans(operation, inverse ? PJ_INV : PJ_FWD, in);
  proj_destroy(operation);
  proj_context_destroy(context);
  return {out.xy.x, out.xy.y};
}

inline std::pair<double, double> wgs84_to_tm3_106(double lon, double lat) {
  return run_pipeline(kWgs84ToVn2000Tm3_106, lon, lat);
}
inline std::pair<double, double> tm3_106_to_wgs84(double easting, double northing) {
  return run_pipeline(kWgs84ToVn2000Tm3_106, easting, northing, true);
}

/// Distance in metres between two nearby lon/lat points (local equirectangular approximation).
inline double metres_between(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kMetresPerDegree = 111'320.0;
  double dx = (lon2 - lon1) * kMetresPerDegree * std::cos((lat1 + lat2) / 2 * std::numbers::pi / 180);
  double dy = (lat2 - lat1) * kMetresPerDegree;
  return std::hypot(dx, dy);
}

/// One metre in degrees of latitude, the tolerance of the position tests.
inline constexpr double kOneMetreInDegrees = 9e-6;

/// A square of `half` degrees around (lon, lat), as WKT in lon/lat.
inline std::string square_wkt(double lon, double lat, double half = 0.01) {
  auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
  return "POLYGON ((" + p(lon - half, lat - half) + ", " + p(lon + half, lat - half) + ", " + p(lon + half, lat + half) +
         ", " + p(lon - half, lat + half) + ", " + p(lon - half, lat - half) + "))";
}

/// The same square with every vertex transformed to VN-2000 TM-3 106° by the PROJ pipeline.
inline std::string square_wkt_tm3_106(double lon, double lat, double half = 0.01) {
  auto p = [](double x, double y) {
    auto [e, n] = wgs84_to_tm3_106(x, y);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.4f %.4f", e, n);
    return std::string(buffer);
  };
  return "POLYGON ((" + p(lon - half, lat - half) + ", " + p(lon + half, lat - half) + ", " + p(lon + half, lat + half) +
         ", " + p(lon - half, lat + half) + ", " + p(lon - half, lat - half) + "))";
}

struct FieldSpec {
  std::string name;  ///< raw bytes
  OGRFieldType type = OFTString;
};

struct FeatureSpec {
  std::vector<std::optional<std::string>> values;  ///< raw bytes, one per field; nullopt = null
  std::string wkt;                                 ///< "" = no geometry
};

/// Writes a one-layer vector file with GDAL. `srs` may be empty (no CRS). For Shapefiles pass
/// layer option "ENCODING=" to have GDAL store the bytes verbatim (no .cpg, no recoding).
inline void write_vector(const std::string& driver, const std::string& path, const std::string& srs,
                         const std::vector<FieldSpec>& fields, const std::vector<FeatureSpec>& features,
                         const std::vector<std::string>& layer_options = {},
                         OGRwkbGeometryType type = wkbUnknown, const std::vector<std::string>& dataset_options = {}) {
  auto dataset = geo::Dataset::create_vector(driver, path, dataset_options);
  geo::SpatialReference reference;
  if (!srs.empty()) reference = geo::SpatialReference::from_user_input(srs);
  geo::OptionList options(layer_options);
  std::string layer_name = std::filesystem::path(path).stem().string();
  OGRLayerH layer = GDALDatasetCreateLayer(dataset.get(), layer_name.c_str(), reference.get(), type, options.get());
  ASSERT_NE(layer, nullptr) << CPLGetLastErrorMsg();
  for (const auto& field : fields) {
    OGRFieldDefnH definition = OGR_Fld_Create(field.name.c_str(), field.type);
    ASSERT_EQ(OGR_L_CreateField(layer, definition, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(definition);
  }
  for (const auto& spec : features) {
    geo::Feature feature = geo::Feature::create(OGR_L_GetLayerDefn(layer));
    for (size_t i = 0; i < spec.values.size(); ++i)  // by name: KML adds Name/Description fields first
      if (spec.values[i])
        OGR_F_SetFieldString(feature.get(), OGR_F_GetFieldIndex(feature.get(), fields[i].name.c_str()),
                             spec.values[i]->c_str());
    if (!spec.wkt.empty()) {
      auto geometry = geo::OgrGeometry::from_wkt(spec.wkt);
      OGR_F_SetGeometry(feature.get(), geometry.get());
    }
    ASSERT_EQ(OGR_L_CreateFeature(layer, feature.get()), OGRERR_NONE) << CPLGetLastErrorMsg();
  }
  dataset.close();
}

/// ESRI WKT (as ArcGIS writes .prj files) of a CRS, via OSRMorphToESRI.
inline std::string esri_wkt(const std::string& srs) {
  auto reference = geo::SpatialReference::from_user_input(srs);
  OSRMorphToESRI(reference.get());
  char* text = nullptr;
  OSRExportToWkt(reference.get(), &text);
  std::string out = text ? text : "";
  CPLFree(text);
  return out;
}

/// A hand-written .prj as Vietnamese desktop GIS writes for Hòa Bình (datum named, no TOWGS84).
inline std::string hoa_binh_prj(const std::string& datum = "D_Vietnam_2000",
                                const std::string& geogcs = "GCS_VN_2000",
                                const std::string& projcs = "VN_2000_Hoa_Binh_KTT_106_0") {
  return "PROJCS[\"" + projcs + "\",GEOGCS[\"" + geogcs + "\",DATUM[\"" + datum +
         "\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
         "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
         "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
         "PARAMETER[\"Central_Meridian\",106.0],PARAMETER[\"Scale_Factor\",0.9999],"
         "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
}

/// A store in a temp dir with province 17 and districts 148, 151, 152, 153, 155, 157, open-ended.
class StoreFixture : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<store::Store> store = store::open_store(dir.store("store.sqlite"), true);
  store::Actor actor{"tester", "anttmap import"};

  void SetUp() override {
    store->write(actor, [&] {
      store::UnitVersion province;
      province.code = "17";
      province.name = "Tỉnh Hòa Bình";
      province.kind = store::UnitKind::province;
      store->insert_unit(province);
      for (const auto& [code, name] : {std::pair{"148", "Thành phố Hòa Bình"}, {"151", "Huyện Kỳ Sơn"},
                                       {"152", "Huyện Lương Sơn"}, {"153", "Huyện Kim Bôi"},
                                       {"155", "Huyện Tân Lạc"}, {"157", "Huyện Lạc Sơn"}}) {
        store::UnitVersion district;
        district.code = code;
        district.name = name;
        district.kind = store::UnitKind::district;
        district.parent_code = "17";
        store->insert_unit(district);
      }
    });
  }

  int unit_count() const { return static_cast<int>(store->units(store::UnitQuery{}).size()); }

  /// Centroid of a stored unit's geometry, lon/lat.
  std::pair<double, double> centroid_of(const store::UnitVersion& unit) const {
    auto geometry = geo::OgrGeometry::from_wkb(unit.geometry_wkb);
    geo::OgrGeometry point(OGR_G_CreateGeometry(wkbPoint));
    OGR_G_Centroid(geometry.get(), point.get());
    return {OGR_G_GetX(point.get(), 0), OGR_G_GetY(point.get(), 0)};
  }

  std::string wkt_of(const store::UnitVersion& unit) const {
    return geo::OgrGeometry::from_wkb(unit.geometry_wkb).wkt();
  }
};

}  // namespace antt::testing
