// simplify_coverage: WKT in, WKT out.
#include "antt/mapdata/coverage.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

namespace antt::mapdata {
namespace {

CoverageShape shape_of(const std::string& wkt) {
  OGRGeometryH geometry = nullptr;
  char* text = const_cast<char*>(wkt.c_str());
  EXPECT_EQ(OGR_G_CreateFromWkt(&text, nullptr, &geometry), OGRERR_NONE) << wkt;
  CoverageShape shape;
  if (!geometry) return shape;
  auto add_polygon = [&](OGRGeometryH polygon) {
    CoveragePolygon rings;
    for (int r = 0; r < OGR_G_GetGeometryCount(polygon); ++r) {
      OGRGeometryH ring = OGR_G_GetGeometryRef(polygon, r);
      CoverageRing points;
      for (int i = 0; i < OGR_G_GetPointCount(ring); ++i) points.emplace_back(OGR_G_GetX(ring, i), OGR_G_GetY(ring, i));
      rings.push_back(points);
    }
    shape.push_back(rings);
  };
  if (wkbFlatten(OGR_G_GetGeometryType(geometry)) == wkbPolygon) {
    add_polygon(geometry);
  } else {
    for (int p = 0; p < OGR_G_GetGeometryCount(geometry); ++p) add_polygon(OGR_G_GetGeometryRef(geometry, p));
  }
  OGR_G_DestroyGeometry(geometry);
  return shape;
}

std::string wkt_of(const CoverageShape& shape) {
  if (shape.empty()) return "MULTIPOLYGON EMPTY";
  std::string out = "MULTIPOLYGON (";
  for (std::size_t p = 0; p < shape.size(); ++p) {
    out += p ? ",(" : "(";
    for (std::size_t r = 0; r < shape[p].size(); ++r) {
      out += r ? ",(" : "(";
      for (std::size_t i = 0; i < shape[p][r].size(); ++i) {
        char point[64];
        std::snprintf(point, sizeof point, "%s%g %g", i ? "," : "", shape[p][r][i].first, shape[p][r][i].second);
        out += point;
      }
      out += ")";
    }
    out += ")";
  }
  return out + ")";
}

std::vector<std::string> simplified(const std::vector<std::string>& wkts, double tolerance) {
  std::vector<CoverageShape> shapes;
  for (const auto& wkt : wkts) shapes.push_back(shape_of(wkt));
  std::vector<std::string> out;
  for (const auto& shape : simplify_coverage(shapes, tolerance)) out.push_back(wkt_of(shape));
  return out;
}

// Two squares sharing a wiggly boundary x = 10 (wiggles of 0.1, 0.3 and 0.1). Each ring starts at
// a different corner, so simplifying each alone keeps different wiggle vertices.
const std::string kLeft = "POLYGON ((0 0,10 0,10.1 2,9.7 5,10.1 8,10 10,0 10,0 0))";
const std::string kRight = "POLYGON ((20 10,10 10,10.1 8,9.7 5,10.1 2,10 0,20 0,20 10))";

TEST(SimplifyCoverage, NeighboursKeepTheSameSharedBoundary) {
  const auto out = simplified({kLeft, kRight}, 0.25);
  // The stretch 10 0 .. 10 10 keeps 9.7 5 (0.3 off the line) and drops the wiggles 0.22 off the
  // lines from there, for both. Rings now start at their first junction.
  EXPECT_EQ(out[0], "MULTIPOLYGON (((10 0,9.7 5,10 10,0 10,0 0,10 0)))");
  EXPECT_EQ(out[1], "MULTIPOLYGON (((10 10,9.7 5,10 0,20 0,20 10,10 10)))");
  // A larger tolerance straightens it for both.
  const auto straight = simplified({kLeft, kRight}, 0.5);
  EXPECT_EQ(straight[0], "MULTIPOLYGON (((10 0,10 10,0 10,0 0,10 0)))");
  EXPECT_EQ(straight[1], "MULTIPOLYGON (((10 10,10 0,20 0,20 10,10 10)))");
}

TEST(SimplifyCoverage, ZeroToleranceChangesNothing) {
  const auto out = simplified({kLeft}, 0);
  EXPECT_EQ(out[0], "MULTIPOLYGON (((0 0,10 0,10.1 2,9.7 5,10.1 8,10 10,0 10,0 0)))");
}

TEST(SimplifyCoverage, EqualRingsStayEqualWhateverTheirStartAndDirection) {
  // The same island three times: started elsewhere, and run the other way round.
  const std::string a = "POLYGON ((0 0,5 0.1,10 0,10.1 5,10 10,5 9.9,0 10,-0.1 5,0 0))";
  const std::string b = "POLYGON ((10 10,5 9.9,0 10,-0.1 5,0 0,5 0.1,10 0,10.1 5,10 10))";
  const std::string c = "POLYGON ((0 0,-0.1 5,0 10,5 9.9,10 10,10.1 5,10 0,5 0.1,0 0))";
  const auto out = simplified({a, b, c}, 0.5);
  for (const auto& wkt : out) {
    const auto shape = shape_of(wkt);
    ASSERT_EQ(shape.size(), 1u) << wkt;
    const auto& ring = shape[0][0];
    std::set<std::pair<double, double>> points(ring.begin(), ring.end());
    EXPECT_EQ(points, (std::set<std::pair<double, double>>{{0, 0}, {10, 0}, {10, 10}, {0, 10}})) << wkt;
  }
  // Orientation is kept: c runs the other way.
  EXPECT_EQ(out[2], "MULTIPOLYGON (((0 0,0 10,10 10,10 0,0 0)))");
}

TEST(SimplifyCoverage, HolesAndPolygonsNarrowerThanTheToleranceGo) {
  // A 0.2-wide sliver and a hole of 0.1: both vanish at tolerance 1; the square stays.
  const auto out = simplified({"POLYGON ((0 0,10 0,10 10,0 10,0 0),(4 4,4.1 4,4.1 4.1,4 4.1,4 4))",
                               "POLYGON ((20 0,30 0,30 0.2,20 0.2,20 0))"},
                              1);
  EXPECT_EQ(out[0], "MULTIPOLYGON (((0 0,10 0,10 10,0 10,0 0)))");
  EXPECT_EQ(out[1], "MULTIPOLYGON EMPTY");
}

TEST(SimplifyCoverage, ThreeNeighboursMeetAtTheirJunctionsExactly) {
  // Three polygons around the point 10 10; every junction survives any tolerance.
  const std::string left = "POLYGON ((0 0,10 0,10.2 5,10 10,0 10,0 0))";
  const std::string right = "POLYGON ((10 0,20 0,20 10,10 10,10.2 5,10 0))";
  const std::string top = "POLYGON ((0 10,10 10,20 10,20 20,0 20,0 10))";
  const auto out = simplified({left, right, top}, 5);
  EXPECT_EQ(out[0], "MULTIPOLYGON (((10 0,10 10,0 10,0 0,10 0)))");
  EXPECT_EQ(out[1], "MULTIPOLYGON (((10 0,20 0,20 10,10 10,10 0)))");
  EXPECT_EQ(out[2], "MULTIPOLYGON (((0 10,10 10,20 10,20 20,0 20,0 10)))");
}

TEST(SimplifyCoverage, NeverMakesARingCrossItself) {
  // Concave hulls of scattered points: ragged rings whose stretches pass closer to each other than
  // the tolerance. Douglas-Peucker stretch by stretch made about one in five cross itself.
  GEOSContextHandle_t geos = GEOS_init_r();
  std::uint32_t seed = 7;
  auto next = [&] { return (seed = seed * 1664525u + 1013904223u) / 4294967296.0 * 10; };
  int checked = 0;
  for (int hull = 0; hull < 300; ++hull) {
    std::vector<GEOSGeometry*> points;
    for (int i = 0; i < 60; ++i) points.push_back(GEOSGeom_createPointFromXY_r(geos, next(), next()));
    GEOSGeometry* cloud = GEOSGeom_createCollection_r(geos, GEOS_MULTIPOINT, points.data(), 60);
    GEOSGeometry* concave = GEOSConcaveHull_r(geos, cloud, 0.05, 0);
    GEOSGeom_destroy_r(geos, cloud);
    if (!concave) continue;
    if (GEOSGeomTypeId_r(geos, concave) == GEOS_POLYGON) {
      GEOSWKTWriter* writer = GEOSWKTWriter_create_r(geos);
      char* wkt = GEOSWKTWriter_write_r(geos, writer, concave);
      const auto out = simplified({wkt}, 0.6);
      GEOSFree_r(geos, wkt);
      GEOSWKTWriter_destroy_r(geos, writer);
      if (out[0] != "MULTIPOLYGON EMPTY") {
        ++checked;
        OGRGeometryH geometry = nullptr;
        char* text = const_cast<char*>(out[0].c_str());
        ASSERT_EQ(OGR_G_CreateFromWkt(&text, nullptr, &geometry), OGRERR_NONE);
        EXPECT_TRUE(OGR_G_IsValid(geometry)) << out[0];
        OGR_G_DestroyGeometry(geometry);
      }
    }
    GEOSGeom_destroy_r(geos, concave);
  }
  GEOS_finish_r(geos);
  EXPECT_GT(checked, 250);
}

}  // namespace
}  // namespace antt::mapdata
