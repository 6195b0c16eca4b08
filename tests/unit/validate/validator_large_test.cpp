// A province ten times the sample (≈ 110 districts, 2,200 communes, 15,000 villages of ≈ 100
// vertices each), tiled with Voronoi cells, to keep validation in seconds. Disabled by default
// (it builds a 17,000-unit store); run with
//   antt_gis_tests --gtest_filter='ValidatorLarge*' --gtest_also_run_disabled_tests
#include <chrono>
#include <random>

#include "antt/geo/geos.hpp"
#include "antt/store/store.hpp"
#include "antt/validate/validator.hpp"
#include "test_support.hpp"

namespace antt::validate {
namespace {

using store::UnitKind;

/// Splits `parent` into `count` Voronoi cells of random seeds inside it, densified to about
/// `vertices` vertices each.
std::vector<geo::Geometry> split(const geo::GeosContext& context, const GEOSGeometry* parent, int count,
                                 std::mt19937& random, double segment) {
  GEOSContextHandle_t h = context.get();
  double minx, miny, maxx, maxy;
  GEOSGeom_getXMin_r(h, parent, &minx);
  GEOSGeom_getYMin_r(h, parent, &miny);
  GEOSGeom_getXMax_r(h, parent, &maxx);
  GEOSGeom_getYMax_r(h, parent, &maxy);
  const GEOSPreparedGeometry* prepared = GEOSPrepare_r(h, parent);
  std::uniform_real_distribution<double> x(minx, maxx), y(miny, maxy);
  std::vector<GEOSGeometry*> seeds;
  for (int attempts = 0; static_cast<int>(seeds.size()) < count && attempts < count * 50; ++attempts) {
    GEOSGeometry* point = GEOSGeom_createPointFromXY_r(h, x(random), y(random));
    if (GEOSPreparedContainsProperly_r(h, prepared, point) == 1)
      seeds.push_back(point);
    else
      GEOSGeom_destroy_r(h, point);
  }
  GEOSPreparedGeom_destroy_r(h, prepared);
  geo::Geometry points(context, GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, seeds.data(),
                                                            static_cast<unsigned>(seeds.size())));
  geo::Geometry cells(context, GEOSVoronoiDiagram_r(h, points.get(), parent, 0, 0));
  std::vector<geo::Geometry> out;
  for (int i = 0; i < GEOSGetNumGeometries_r(h, cells.get()); ++i) {
    geo::Geometry densified(context, GEOSDensify_r(h, GEOSGetGeometryN_r(h, cells.get(), i), segment));
    geo::Geometry clipped(context, GEOSIntersection_r(h, densified.get(), parent));
    if (clipped.is_empty() || clipped.area() == 0) continue;
    out.push_back(std::move(clipped));
  }
  return out;
}

std::string multi_wkb(const geo::GeosContext& context, const geo::Geometry& geometry) {
  GEOSContextHandle_t h = context.get();
  if (GEOSGeomTypeId_r(h, geometry.get()) == GEOS_MULTIPOLYGON) return geometry.wkb();
  std::vector<GEOSGeometry*> parts;
  for (int i = 0; i < GEOSGetNumGeometries_r(h, geometry.get()); ++i) {
    const GEOSGeometry* part = GEOSGetGeometryN_r(h, geometry.get(), i);
    if (GEOSGeomTypeId_r(h, part) == GEOS_POLYGON) parts.push_back(GEOSGeom_clone_r(h, part));
  }
  return geo::Geometry(context, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                                            static_cast<unsigned>(parts.size())))
      .wkb();
}

TEST(ValidatorLarge, DISABLED_TenTimesTheSampleValidatesInSeconds) {
  testing::TempDir dir;
  auto store = store::open_store(dir.store("large.sqlite"), true);
  geo::GeosContext context;
  std::mt19937 random(17);
  std::vector<store::UnitVersion> units;
  auto add = [&](const std::string& code, UnitKind kind, const std::string& parent, const geo::Geometry& g) {
    store::UnitVersion unit;
    unit.code = code;
    unit.name = "U " + code;
    unit.kind = kind;
    unit.parent_code = parent;
    unit.valid_from = "2008-08-01";
    unit.geometry_wkb = multi_wkb(context, g);
    units.push_back(std::move(unit));
  };
  const auto t0 = std::chrono::steady_clock::now();
  geo::Geometry province = geo::Geometry::from_wkt(context, "POLYGON((105 20,106 20,106 21,105 21,105 20))");
  add("17", UnitKind::province, "", province);
  int villages = 0, vertices = 0;
  auto districts = split(context, province.get(), 110, random, 0.01);
  for (std::size_t d = 0; d < districts.size(); ++d) {
    const std::string dcode = "D" + std::to_string(d);
    add(dcode, UnitKind::district, "17", districts[d]);
    auto communes = split(context, districts[d].get(), 20, random, 0.003);
    for (std::size_t c = 0; c < communes.size(); ++c) {
      const std::string ccode = dcode + "C" + std::to_string(c);
      add(ccode, UnitKind::commune, dcode, communes[c]);
      auto cells = split(context, communes[c].get(), 7, random, 0.00015);
      for (std::size_t v = 0; v < cells.size(); ++v) {
        add(ccode + "V" + std::to_string(v), UnitKind::village, ccode, cells[v]);
        vertices += GEOSGetNumCoordinates_r(context.get(), cells[v].get());
        ++villages;
      }
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  store->write({"tester", "large"}, [&] {
    for (const auto& unit : units) store->insert_unit(unit);
  });
  const auto t2 = std::chrono::steady_clock::now();
  // Time per check, from the progress slices (see validator.cpp).
  const std::vector<std::pair<double, const char*>> stages{
      {0.02, "read units"}, {0.1, "parse + validity"}, {0.12, "parent_missing"}, {0.92, "tiling"},
      {0.95, "clusters"},   {1.0, "village share"}};
  std::size_t next = 0;
  auto last = t2;
  Report report = validate_store(*store, {.year = 2015}, {}, [&](double f) {
    while (next < stages.size() && f >= stages[next].first - 1e-12) {
      const auto now = std::chrono::steady_clock::now();
      std::printf("  %-16s %.2f s\n", stages[next].second, std::chrono::duration<double>(now - last).count());
      last = now;
      ++next;
    }
  });
  const auto t3 = std::chrono::steady_clock::now();
  std::map<std::string, int> by_problem;
  for (const auto& finding : report.findings) ++by_problem[finding.problem];
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("units %zu, villages %d (avg %.0f vertices); generate %.1f s, store %.1f s, validate %.1f s\n",
              units.size(), villages, static_cast<double>(vertices) / villages, seconds(t0, t1), seconds(t1, t2),
              seconds(t2, t3));
  for (const auto& [problem, count] : by_problem) std::printf("  %s: %d\n", problem.c_str(), count);
  EXPECT_EQ(report.errors(), 0);

  // The plugin's case: one edited village.
  const auto& edited = units.back();
  const auto t4 = std::chrono::steady_clock::now();
  Report candidate = validate_store(*store, {.year = 2015}, {{edited.code, edited.geometry_wkb}});
  const auto t5 = std::chrono::steady_clock::now();
  std::printf("one candidate: %.2f s, %zu findings\n", seconds(t4, t5), candidate.findings.size());
}

}  // namespace
}  // namespace antt::validate
