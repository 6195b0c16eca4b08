#include "antt/geo/ogr.hpp"

#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::geo {
namespace {

TEST(OgrOwners, GeometryRoundTripsThroughIsoWkbAndMoves) {
  auto geometry = OgrGeometry::from_wkt("MULTIPOLYGON (((105 20,105.1 20,105.1 20.1,105 20)))");
  EXPECT_EQ(geometry.flat_type(), wkbMultiPolygon);
  std::string wkb = geometry.iso_wkb();
  EXPECT_EQ(wkb[0], 1) << "little endian";
  OgrGeometry moved = std::move(geometry);
  EXPECT_FALSE(geometry);
  EXPECT_EQ(OgrGeometry::from_wkb(wkb).wkt(), moved.wkt());
  EXPECT_TRUE(OgrGeometry::clone_of(nullptr).is_empty());
  EXPECT_THROW(OgrGeometry::from_wkt("POLYGON ((1 2"), InputError);
  EXPECT_THROW(OgrGeometry::from_wkb("xyz"), InputError);
}

TEST(OgrOwners, ExactGeoJsonGivesBackTheSameDoubles) {
  // Coordinates whose shortest forms need 17 digits: OGR's own writer rounds them.
  const std::string wkt =
      "MULTIPOLYGON (((105.06358990000001 20.978845800000002,105.1 20.978845800000002,105.1 21.0,"
      "105.06358990000001 20.978845800000002)),((106 21,106.5 21,106.5 21.5,106 21)))";
  const auto geometry = OgrGeometry::from_wkt(wkt);
  const auto geojson = nlohmann::json::parse(geometry.geojson_exact());
  EXPECT_EQ(geojson["type"], "MultiPolygon");
  EXPECT_EQ(geojson["coordinates"][0][0][0][0].get<double>(), 105.06358990000001);
  EXPECT_EQ(geojson["coordinates"][0][0][0][1].get<double>(), 20.978845800000002);
  OgrGeometry back(OGR_G_CreateGeometryFromJson(geojson.dump().c_str()));
  EXPECT_EQ(back.iso_wkb(), geometry.iso_wkb());
  EXPECT_EQ(nlohmann::json::parse(geometry.geojson(7))["coordinates"][0][0][0][0].get<double>(), 105.0635899);
  EXPECT_EQ(OgrGeometry().geojson_exact(), "null");
}

TEST(OgrOwners, SpatialReferenceErrorsAreCrsErrors) {
  EXPECT_THROW(SpatialReference::from_user_input("not a crs"), CrsError);
  EXPECT_THROW(SpatialReference::from_epsg(999999), CrsError);
  auto srs = SpatialReference::from_epsg(9211);
  EXPECT_EQ(srs.authority_code(), "EPSG:9211");
  EXPECT_TRUE(srs.is_projected());
  auto copy = srs.clone();
  EXPECT_TRUE(OSRIsSame(copy.get(), srs.get()));
}

TEST(OgrOwners, TransformationUsesLonLatOrder) {
  auto transformation = CoordinateTransformation::create(SpatialReference::from_epsg(4326),
                                                         SpatialReference::from_epsg(3857));
  double x = 105.0, y = 20.0;
  ASSERT_TRUE(transformation.transform_point(x, y));
  EXPECT_NEAR(x, 11688546.53, 1);
  EXPECT_NEAR(y, 2273030.93, 1);
}

TEST(OgrOwners, OpeningNonsenseIsAnInputErrorAndGdalStaysQuiet) {
  testing::TempDir dir;
  testing::write_file(dir.file("x.geojson"), "{ this is not json");
  GdalErrorScope outer;
  EXPECT_THROW(Dataset::open_vector(dir.file("x.geojson")), InputError);
  EXPECT_THROW(Dataset::create_vector("NoSuchDriver", dir.file("y")), Error);
}

}  // namespace
}  // namespace antt::geo
