// 1 July 2025 replayed through the lineage write path (antt/editing/lineage.hpp), as an operator
// would with `anttmap lineage import|abolish|merge`: Hòa Bình's 151 communes become the 46 real
// communes of Phú Thọ on its ground (boundaries and predecessors from sample-data/phutho-2025-*),
// the districts end, Hòa Bình merges into Phú Thọ. Then the synthetic parts follow the real ones:
// villages are re-cut inside their new communes, facilities outside their new commune move in,
// and statuses 2021-2026 are drawn.
#include "reform_2025.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/geo/geos.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/text/unicode.hpp"
#include "commune_lists.hpp"
#include "random.hpp"
#include "world.hpp"

namespace antt::sample {
namespace {

using store::UnitKind;
using store::UnitVersion;

constexpr const char* kCommunes2025 = "phutho-2025-communes.csv";
constexpr const char* kCrosswalk2025 = "phutho-crosswalk-2025.csv";
constexpr const char* kSampleNote = "mẫu giả lập / sample";
constexpr int kLloydSteps = 6;  // enough to leave no sliver of a village

geo::Geometry intersection(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b) {
  return geo::Geometry(context, geo::check(context, GEOSIntersection_r(context.get(), a, b), "intersection"));
}

/// A point inside `area` near `where`: `where` itself when inside, else a point of the area
/// within ~500 m of the nearest boundary point.
geo::Geometry point_inside(const geo::GeosContext& context, const GEOSGeometry* area, const GEOSGeometry* where,
                           const GEOSPreparedGeometry* prepared = nullptr) {
  const bool inside = prepared ? GEOSPreparedIntersects_r(context.get(), prepared, where) == 1
                               : GEOSIntersects_r(context.get(), area, where) == 1;
  if (inside) return geo::Geometry(context, GEOSGeom_clone_r(context.get(), where));
  GEOSCoordSequence* nearest = GEOSNearestPoints_r(context.get(), area, where);
  double x = 0, y = 0;
  GEOSCoordSeq_getXY_r(context.get(), nearest, 0, &x, &y);
  GEOSCoordSeq_destroy_r(context.get(), nearest);
  geo::Geometry point(context, GEOSGeom_createPointFromXY_r(context.get(), x, y));
  geo::Geometry disc(context, GEOSBuffer_r(context.get(), point.get(), 0.005, 8));
  geo::Geometry near = intersection(context, area, disc.get());
  return geo::Geometry(context, geo::check(context, GEOSPointOnSurface_r(context.get(), near.get()), "point on surface"));
}

struct Extent {
  double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
  void add(const geo::GeosContext& context, const GEOSGeometry* geometry) {
    double value = 0;
    if (GEOSGeom_getXMin_r(context.get(), geometry, &value) == 1) minx = std::min(minx, value);
    if (GEOSGeom_getYMin_r(context.get(), geometry, &value) == 1) miny = std::min(miny, value);
    if (GEOSGeom_getXMax_r(context.get(), geometry, &value) == 1) maxx = std::max(maxx, value);
    if (GEOSGeom_getYMax_r(context.get(), geometry, &value) == 1) maxy = std::max(maxy, value);
  }
};

/// The villages of one commune re-cut inside its (real) boundary: a Voronoi cell around each
/// village, clipped to the commune. The sites start at the villages' old centres mapped from their
/// old extent onto the commune's (so the layout is kept), and two Lloyd steps (each site moved to
/// its cell's centre) even the cells out. Returns code -> MultiPolygon WKB.
std::map<std::string, std::string> recut_villages(const geo::GeosContext& context, const GEOSGeometry* commune,
                                                  const std::vector<UnitVersion>& villages) {
  std::map<std::string, std::string> out;
  if (villages.empty()) return out;
  if (villages.size() == 1) {
    out[villages.front().code] = geo::multipolygon_wkb(context, commune);
    return out;
  }
  Extent before, after;
  std::vector<geo::Geometry> centres;
  for (const auto& village : villages) {
    auto shape = geo::Geometry::from_wkb(context, village.geometry_wkb);
    before.add(context, shape.get());
    centres.emplace_back(context, geo::check(context, GEOSPointOnSurface_r(context.get(), shape.get()), "point"));
  }
  after.add(context, commune);
  auto scaled = [](double value, double from_min, double from_max, double to_min, double to_max) {
    return from_max > from_min ? to_min + (value - from_min) / (from_max - from_min) * (to_max - to_min)
                               : (to_min + to_max) / 2;
  };
  std::vector<std::pair<double, double>> sites;
  for (const auto& centre : centres) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(context.get(), centre.get(), &x);
    GEOSGeomGetY_r(context.get(), centre.get(), &y);
    sites.emplace_back(scaled(x, before.minx, before.maxx, after.minx, after.maxx),
                       scaled(y, before.miny, before.maxy, after.miny, after.maxy));
  }
  std::vector<std::string> cells_of(villages.size());
  // Prepared once: the sites are tested against the commune thousands of times.
  std::unique_ptr<const GEOSPreparedGeometry, std::function<void(const GEOSPreparedGeometry*)>> prepared(
      GEOSPrepare_r(context.get(), commune),
      [&context](const GEOSPreparedGeometry* p) { GEOSPreparedGeom_destroy_r(context.get(), p); });
  for (int step = 0; step < kLloydSteps + 1; ++step) {
    // Every site inside the commune, each at a place of its own.
    std::set<std::pair<long long, long long>> used;
    std::vector<GEOSGeometry*> points;
    for (auto& [x, y] : sites) {
      geo::Geometry where(context, GEOSGeom_createPointFromXY_r(context.get(), x, y));
      geo::Geometry inside = point_inside(context, commune, where.get(), prepared.get());
      GEOSGeomGetX_r(context.get(), inside.get(), &x);
      GEOSGeomGetY_r(context.get(), inside.get(), &y);
      while (!used.insert({std::llround(x * 1e7), std::llround(y * 1e7)}).second) x += 2e-6;
      points.push_back(GEOSGeom_createPointFromXY_r(context.get(), x, y));
    }
    geo::Geometry multipoint(context, GEOSGeom_createCollection_r(context.get(), GEOS_MULTIPOINT, points.data(),
                                                                  static_cast<unsigned>(points.size())));
    geo::Geometry cells(context, geo::check(context, GEOSVoronoiDiagram_r(context.get(), multipoint.get(), commune, 0, 0),
                                            "Voronoi diagram"));
    const int n = GEOSGetNumGeometries_r(context.get(), cells.get());
    std::vector<char> done(villages.size(), 0);
    for (int i = 0; i < n; ++i) {
      const GEOSGeometry* cell = GEOSGetGeometryN_r(context.get(), cells.get(), i);
      for (size_t v = 0; v < villages.size(); ++v) {
        if (done[v]) continue;
        geo::Geometry site(context, GEOSGeom_createPointFromXY_r(context.get(), sites[v].first, sites[v].second));
        if (GEOSIntersects_r(context.get(), cell, site.get()) != 1) continue;
        done[v] = 1;
        geo::Geometry clipped = intersection(context, cell, commune);
        cells_of[v] = geo::multipolygon_wkb(context, clipped.get());
        if (step < kLloydSteps && !cells_of[v].empty()) {  // Lloyd: the next site is the cell's centre
          geo::Geometry centre(context, GEOSGetCentroid_r(context.get(), clipped.get()));
          if (centre) {
            GEOSGeomGetX_r(context.get(), centre.get(), &sites[v].first);
            GEOSGeomGetY_r(context.get(), centre.get(), &sites[v].second);
          }
        }
        break;
      }
    }
  }
  for (size_t v = 0; v < villages.size(); ++v) out[villages[v].code] = cells_of[v];
  return out;
}

std::vector<UnitVersion> new_communes(const geo::GeosContext& context) {
  std::vector<UnitVersion> units;
  for (const auto& row : read_csv(kCommunes2025)) {
    UnitVersion unit;
    unit.code = row.at("ma_xa");
    unit.name = row.at("ten_xa");
    unit.kind = UnitKind::commune;
    unit.subtype = subtype_of_name(unit.name);
    unit.parent_code = std::string(kProvince2025Code);
    unit.geometry_wkb = geo::Geometry::from_wkt(context, row.at("wkt")).wkb();
    unit.synthetic = false;  // the real boundary
    units.push_back(std::move(unit));
  }
  return units;
}

/// Writes a unit's geometry from 2025-07-01: corrects a version that starts that day, else ends
/// the older version and starts one.
void reshape_from(store::Store& store, const UnitVersion& unit, const std::string& wkb) {
  if (wkb.empty() || wkb == unit.geometry_wkb) return;
  if (unit.valid_from == kReformDate2025) {
    store.update_unit_geometry(unit.id, wkb);
    return;
  }
  store.close_unit_version(unit.id, kReformDate2025);
  UnitVersion next = unit;
  next.id = 0;
  next.valid_from = kReformDate2025;
  next.valid_to.reset();
  next.geometry_wkb = wkb;
  store.insert_unit(next);
}

std::string lower_first_word(std::string name) {
  // "Xã Đà Bắc" -> "xã Đà Bắc" for "UBND xã …"
  static const std::pair<std::string_view, std::string_view> words[] = {
      {"Xã ", "xã "}, {"Phường ", "phường "}, {"Thị trấn ", "thị trấn "}, {"Huyện ", "huyện "},
      {"Thành phố ", "thành phố "}};
  for (const auto& [word, lowered] : words)
    if (name.rfind(word, 0) == 0) return std::string(lowered) + name.substr(word.size());
  return name;
}

/// Statuses 2021-2026 (synthetic): villages recognised with a slowly rising chance, communes when
/// at least 70 % of their villages are (and most of those), facilities alike.
int add_statuses(store::Store& store, std::uint64_t seed) {
  int rows = 0;
  for (int year = kFirstReformYear; year <= kLastSampleYear; ++year) {
    Random random(seed, "statuses " + std::to_string(year));
    store::UnitQuery query;
    query.at_date = year_end(year);
    query.with_geometry = false;
    query.kinds = {UnitKind::village, UnitKind::commune, UnitKind::agency, UnitKind::enterprise, UnitKind::school};
    auto units = store.units(query);
    std::sort(units.begin(), units.end(), [](const UnitVersion& a, const UnitVersion& b) { return a.code < b.code; });
    std::map<std::string, const UnitVersion*> by_code;
    for (const auto& unit : units) by_code[unit.code] = &unit;
    std::map<std::string, std::pair<int, int>> village_counts;  // commune -> recognised, villages
    const double base = 0.9 + 0.008 * (year - kFirstReformYear);
    auto record_of = [&](const UnitVersion& unit, store::StatusValue value, const std::string& authority) {
      store::StatusRecord record;
      record.unit_code = unit.code;
      record.year = year;
      record.status = value;
      record.note = "Dữ liệu giả lập / synthetic sample status";
      if (store::status_needs_decision(value)) {
        record.decision_number = std::to_string(1 + random.below(1400)) + "/QĐ-UBND";
        record.decision_date = std::to_string(year) + "-12-" + std::to_string(10 + random.below(17));
        record.authority = authority;
      }
      return record;
    };
    const bool after_reform = year_end(year) >= kReformDate2025;
    for (const auto& unit : units) {
      if (unit.kind != UnitKind::village) continue;
      const auto commune = by_code.find(unit.parent_code);
      if (commune == by_code.end() || commune->second->code.rfind("LG-", 0) == 0) continue;
      const bool recognised = random.chance(base);
      const auto value = recognised ? store::StatusValue::recognised
                                    : (random.chance(0.5) ? store::StatusValue::not_recognised
                                                          : store::StatusValue::registered);
      store.add_status(record_of(unit, value, "UBND " + lower_first_word(commune->second->name)));
      auto& count = village_counts[unit.parent_code];
      count.first += recognised ? 1 : 0;
      ++count.second;
      ++rows;
    }
    for (const auto& unit : units) {
      if (unit.kind == UnitKind::village || unit.code.rfind("LG-", 0) == 0) continue;
      std::string authority = after_reform ? "UBND tỉnh Phú Thọ" : "UBND tỉnh Hòa Bình";
      if (!after_reform && unit.kind == UnitKind::commune) {
        const auto district = store.unit_at(unit.parent_code, year_end(year), false);
        if (district) authority = "UBND " + lower_first_word(district->name);
      }
      bool recognised = random.chance(base - 0.02);
      if (unit.kind == UnitKind::commune) {
        const auto count = village_counts.find(unit.code);
        const bool enough = count != village_counts.end() && count->second.first * 10 >= count->second.second * 7;
        recognised = enough && random.chance(0.95);
      }
      const auto value = recognised ? store::StatusValue::recognised
                                    : (random.chance(0.6) ? store::StatusValue::not_recognised
                                                          : store::StatusValue::proposed);
      store.add_status(record_of(unit, value, authority));
      ++rows;
    }
  }
  return rows;
}

}  // namespace

int replay_2025_reform(store::Store& store, const store::Actor& actor, std::uint64_t seed) {
  geo::GeosContext context;
  const std::string eve = editing::day_before(kReformDate2025);
  int events = 0;

  // 1. The communes: the crosswalk from the `former` texts and the real boundaries.
  editing::Crosswalk crosswalk;
  crosswalk.effective_date = kReformDate2025;
  crosswalk.decision = kCommuneDecision2025;
  crosswalk.note = "Sắp xếp ĐVHC cấp xã tỉnh Phú Thọ năm 2025";
  crosswalk.new_units = new_communes(context);
  for (const auto& row : read_csv(kCrosswalk2025)) {
    editing::CrosswalkRow entry;
    entry.old_code = row.at("ma_xa_cu");
    entry.new_code = row.at("ma_xa_moi");
    entry.part = row.at("phan") == "mot_phan";
    crosswalk.rows.push_back(std::move(entry));
  }
  // The old boundaries are synthetic, so a new unit's real area and its predecessors' invented
  // ones differ by up to ~30 %: the replay allows that; a real crosswalk keeps the default 10 %.
  crosswalk.area_tolerance = 0.35;
  events += editing::apply_crosswalk(store, actor, crosswalk).events;

  // 2. Districts end (two-tier local government from 1 July 2025).
  auto units_on_eve = [&](std::vector<UnitKind> kinds) {
    store::UnitQuery query;
    query.at_date = eve;
    query.kinds = std::move(kinds);
    query.with_geometry = false;
    return store.units(query);
  };
  editing::LineageChange districts;
  districts.kind = store::LineageKind::abolish;
  districts.effective_date = kReformDate2025;
  districts.decision = kDistrictsDecision2025;
  districts.note = "Kết thúc hoạt động của đơn vị hành chính cấp huyện / districts abolished";
  for (const auto& district : units_on_eve({UnitKind::district}))
    if (district.parent_code == kProvinceCode) districts.from.push_back(district.code);
  editing::apply_lineage(store, actor, districts), ++events;

  // 3. The invented neighbours are not carried past the reform (the sample holds Hòa Bình's ground).
  editing::LineageChange neighbours;
  neighbours.kind = store::LineageKind::abolish;
  neighbours.effective_date = kReformDate2025;
  neighbours.decision = kProvincesDecision2025;
  neighbours.note = std::string(kSampleNote) +
                    ": xã giả lập của tỉnh lân cận không theo dõi sau 01/7/2025 (không phải giải thể thật) / the "
                    "invented neighbouring communes and stand-in provinces end here; not a real abolition";
  neighbours.synthetic = true;
  for (const auto& unit : units_on_eve({UnitKind::province, UnitKind::commune}))
    if (unit.code.rfind("LG-", 0) == 0 ||
        (unit.kind == UnitKind::province && unit.code != kProvinceCode && unit.code != kProvince2025Code))
      neighbours.from.push_back(unit.code);
  if (!neighbours.from.empty()) editing::apply_lineage(store, actor, neighbours), ++events;

  // 4. Hòa Bình merges into Phú Thọ; on the sample's map Phú Thọ is the former Hòa Bình ground.
  editing::LineageChange provinces;
  provinces.kind = store::LineageKind::merge;
  provinces.effective_date = kReformDate2025;
  provinces.decision = kProvincesDecision2025;
  provinces.note = "Nhập tỉnh Hòa Bình, tỉnh Vĩnh Phúc và tỉnh Phú Thọ thành tỉnh Phú Thọ (" + std::string(kSampleNote) +
                   ": ranh giới chỉ gồm phần đất Hòa Bình cũ / the boundary is only the former Hòa Bình ground)";
  provinces.from = {kProvinceCode, kProvince2025Code};
  store::UnitVersion phu_tho;
  phu_tho.code = kProvince2025Code;
  phu_tho.name = "Tỉnh Phú Thọ";
  phu_tho.kind = UnitKind::province;
  {
    std::vector<geo::Geometry> parts;
    std::vector<const GEOSGeometry*> raw;
    for (const auto& commune : crosswalk.new_units)
      parts.push_back(geo::Geometry::from_wkb(context, commune.geometry_wkb)), raw.push_back(parts.back().get());
    phu_tho.geometry_wkb = geo::multipolygon_wkb(context, geo::union_of(context, raw, 1e-8).get());
  }
  provinces.to = {phu_tho};
  editing::apply_lineage(store, actor, provinces), ++events;

  // 5. Synthetic villages and facilities follow the real communes.
  store::UnitQuery on_day;
  on_day.at_date = kReformDate2025;
  on_day.with_geometry = true;
  on_day.kinds = {UnitKind::commune, UnitKind::village, UnitKind::agency, UnitKind::enterprise, UnitKind::school};
  const auto units = store.units(on_day);
  std::map<std::string, const UnitVersion*> communes;
  std::map<std::string, std::vector<UnitVersion>> villages;
  for (const auto& unit : units) {
    if (unit.kind == UnitKind::commune) communes[unit.code] = &unit;
    if (unit.kind == UnitKind::village) villages[unit.parent_code].push_back(unit);
  }
  for (const auto& [code, commune] : communes) {
    auto& list = villages[code];
    std::sort(list.begin(), list.end(), [](const UnitVersion& a, const UnitVersion& b) { return a.code < b.code; });
    const auto boundary = geo::Geometry::from_wkb(context, commune->geometry_wkb);
    for (const auto& [village, wkb] : recut_villages(context, boundary.get(), list))
      for (const auto& unit : list)
        if (unit.code == village) reshape_from(store, unit, wkb);
  }
  for (const auto& unit : units) {
    if (unit.kind != UnitKind::agency && unit.kind != UnitKind::enterprise && unit.kind != UnitKind::school) continue;
    const auto parent = communes.find(unit.parent_code);
    if (parent == communes.end() || unit.geometry_wkb.empty()) continue;
    const auto area = geo::Geometry::from_wkb(context, parent->second->geometry_wkb);
    const auto shape = geo::Geometry::from_wkb(context, unit.geometry_wkb);
    if (GEOSCovers_r(context.get(), area.get(), shape.get()) == 1) continue;
    if (GEOSGeomTypeId_r(context.get(), shape.get()) == GEOS_POINT) {
      reshape_from(store, unit, point_inside(context, area.get(), shape.get()).wkb());
    } else {  // a campus: its part inside, or a point where it was
      geo::Geometry inside = intersection(context, area.get(), shape.get());
      const std::string wkb = geo::multipolygon_wkb(context, inside.get());
      if (!wkb.empty()) {
        reshape_from(store, unit, wkb);
      } else {
        geo::Geometry centre(context, GEOSPointOnSurface_r(context.get(), shape.get()));
        reshape_from(store, unit, point_inside(context, area.get(), centre.get()).wkb());
      }
    }
  }

  add_statuses(store, seed);
  return events;
}

}  // namespace antt::sample
