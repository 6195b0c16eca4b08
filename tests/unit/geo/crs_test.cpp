// VN-2000 → WGS 84: the transformation GDAL uses must apply QĐ 05/2007's seven parameters.
// Truth is a PROJ pipeline written from the decision's numbers (import_fixtures.hpp).
#include <iostream>

#include "../importer/import_fixtures.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"

namespace antt::geo {
namespace {

using namespace antt::testing;

// Phường Đồng Tiến area, TP Hòa Bình.
constexpr double kLon = 105.3370, kLat = 20.8150;

/// Offset in metres between `srs` → EPSG:4326 (through prepare_for_transformation when
/// `prepared`) and the decision's pipeline, for the point whose truth is (kLon, kLat).
double offset_metres(const SpatialReference& srs, bool prepared = true) {
  auto [easting, northing] = wgs84_to_tm3_106(kLon, kLat);
  auto transformation = CoordinateTransformation::create(
      prepared ? prepare_for_transformation(srs).srs : srs.clone(), wgs84());
  double x = easting, y = northing;
  EXPECT_TRUE(transformation.transform_point(x, y));
  return metres_between(kLon, kLat, x, y);
}

TEST(Vn2000Crs, PipelineTruthRoundTrips) {
  auto [e, n] = wgs84_to_tm3_106(kLon, kLat);
  auto [lon, lat] = tm3_106_to_wgs84(e, n);
  EXPECT_LT(metres_between(kLon, kLat, lon, lat), 0.005);  // PROJ's inverse Helmert is iterative
}

TEST(Vn2000Crs, Epsg9211MatchesTheDecisionAndIgnoringTheDatumIsAbout225m) {
  auto epsg = SpatialReference::from_user_input("EPSG:9211");
  double ours = offset_metres(epsg);
  double gdal_default = offset_metres(epsg, false);
  auto no_datum = SpatialReference::from_user_input(
      "+proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs");
  double ignored = offset_metres(no_datum, false);
  auto literal_signs = SpatialReference::from_user_input(
      "+proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
      "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278 +units=m");
  double literal = offset_metres(literal_signs);
  std::cout << "[ measured ] EPSG:9211 with attached QĐ 05 towgs84: " << ours << " m; GDAL's own choice for EPSG:9211: "
            << gdal_default << " m; QĐ signs used literally in +towgs84: " << literal
            << " m; datum ignored (VN-2000 read as WGS 84): " << ignored << " m\n";
  EXPECT_LT(ours, 0.005);
  EXPECT_LT(gdal_default, 0.005);
  EXPECT_GT(literal, 0.3);
  EXPECT_LT(literal, 1.5);
  EXPECT_GT(ignored, 200);
  EXPECT_LT(ignored, 250);
}

TEST(Vn2000Crs, EsriPrjDatumNamesGetTheShift) {
  for (const auto& datum : {"D_Vietnam_2000", "D_VN_2000", "Vietnam_2000", "D_VN2000_Hoa_Binh", "VN-2000"}) {
    auto srs = SpatialReference::from_user_input(hoa_binh_prj(datum, "GCS_X"));
    EXPECT_TRUE(has_vn2000_datum(srs)) << datum;
    auto prepared = prepare_for_transformation(srs);
    EXPECT_TRUE(prepared.vn2000_shift_added) << datum;
    EXPECT_LT(offset_metres(srs), 0.01) << datum;
  }
  // A datum name PROJ cannot resolve: GDAL alone would ignore the datum (~225 m); ours is exact.
  auto unknown = SpatialReference::from_user_input(hoa_binh_prj("D_VN2000_Hoa_Binh", "GCS_VN2000_Hoa_Binh"));
  double plain = offset_metres(unknown, false);
  std::cout << "[ measured ] datum 'D_VN2000_Hoa_Binh' without attached parameters: " << plain << " m\n";
  EXPECT_GT(plain, 200);
}

TEST(Vn2000Crs, OtherDatumsAreNotVn2000) {
  EXPECT_FALSE(has_vn2000_datum(wgs84()));
  EXPECT_FALSE(has_vn2000_datum(SpatialReference::from_user_input(hoa_binh_prj("D_WGS_1984", "GCS_WGS_1984"))));
  EXPECT_FALSE(has_vn2000_datum(SpatialReference::from_user_input("EPSG:32648")));
  EXPECT_FALSE(prepare_for_transformation(wgs84()).vn2000_shift_added);
}

TEST(Vn2000Crs, Tm3ZoneRecognisedWhateverTheDatum) {
  EXPECT_EQ(tm3_zone_meridian(SpatialReference::from_user_input("EPSG:9211")), 106.0);
  EXPECT_EQ(tm3_zone_meridian(SpatialReference::from_user_input("EPSG:5899")), 107.75);
  EXPECT_EQ(tm3_zone_meridian(SpatialReference::from_user_input(hoa_binh_prj("D_WGS_1984"))), 106.0);
  EXPECT_FALSE(tm3_zone_meridian(SpatialReference::from_user_input("EPSG:32648")));  // UTM: k0 0.9996
  EXPECT_FALSE(tm3_zone_meridian(SpatialReference::from_user_input("EPSG:3405")));
  EXPECT_FALSE(tm3_zone_meridian(wgs84()));
  EXPECT_EQ(vn2000_tm3_epsg(106.0), 9211);
  EXPECT_EQ(vn2000_tm3_epsg(104.75), 9208);
  EXPECT_FALSE(vn2000_tm3_epsg(103.5));
}

TEST(Vn2000Crs, DescribeNamesCodeAndShift) {
  auto prepared = prepare_for_transformation(SpatialReference::from_user_input("EPSG:9211"));
  EXPECT_EQ(describe(SpatialReference::from_user_input("EPSG:9211")), "EPSG:9211 VN-2000 / TM-3 106-00");
  EXPECT_NE(datum_shift_note(prepared).find("QĐ 05/2007"), std::string::npos);
}

}  // namespace
}  // namespace antt::geo
