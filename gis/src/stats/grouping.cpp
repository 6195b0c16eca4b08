// Grouping a year's communes by the districts or provinces of an earlier day (stats.hpp,
// AreaGrouping): a comparison across a reform, by where each commune's ground lay then.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/stats/stats.hpp"
#include "predecessors.hpp"

namespace antt::stats {
namespace {

using store::UnitKind;
using store::UnitVersion;

std::string day_before(const std::string& iso_date) {
  const int number = date_number(iso_date);
  const std::chrono::year_month_day day{std::chrono::year{number / 10000},
                                        std::chrono::month{static_cast<unsigned>(number / 100 % 100)},
                                        std::chrono::day{static_cast<unsigned>(number % 100)}};
  const std::chrono::year_month_day before{std::chrono::sys_days{day} - std::chrono::days{1}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(before.year()), static_cast<unsigned>(before.month()),
                static_cast<unsigned>(before.day()));
  return out;
}

/// The day before the last unit of `kind` ended, among those that ended by `by` (inclusive).
std::optional<std::string> last_day_of(const store::Store& store, UnitKind kind, const std::string& by) {
  std::optional<std::string> last_end;
  for (const auto& unit : store.units({std::nullopt, {kind}, {}, false}))
    if (unit.valid_to && *unit.valid_to <= by && (!last_end || *unit.valid_to > *last_end)) last_end = unit.valid_to;
  return last_end ? std::optional<std::string>(day_before(*last_end)) : std::nullopt;
}

}  // namespace

AreaGrouping former_areas(const store::Store& store, int year, const std::string& level,
                          std::optional<std::string> reference_date) {
  UnitKind kind;
  if (level == "district" || level == "former_district") kind = UnitKind::district;
  else if (level == "province" || level == "former_province") kind = UnitKind::province;
  else throw UsageError("group by former-district or former-province, not '" + level + "' / nhóm theo huyện cũ hoặc tỉnh cũ");
  AreaGrouping grouping;
  grouping.level = kind == UnitKind::district ? "former_district" : "former_province";
  if (reference_date) {
    grouping.reference_date = require_iso_date(*reference_date, "--group-date");
  } else {
    const auto last = last_day_of(store, kind, year_end(year));
    if (!last)
      throw UsageError(std::string("no ") + (kind == UnitKind::district ? "district" : "province") + " had ended by " +
                       std::to_string(year) + ": nothing to group by; give the date of the areas (--group-date) / "
                       "chưa có đơn vị cũ để so sánh, hãy chọn ngày");
    grouping.reference_date = *last;
  }
  if (grouping.reference_date >= year_end(year))
    throw UsageError("the grouping's date " + grouping.reference_date + " must come before the end of " +
                     std::to_string(year) + " / ngày của đơn vị cũ phải trước năm thống kê");

  // The day's communes, each under its district (province) that day.
  auto then = store.units({grouping.reference_date, {UnitKind::commune, UnitKind::district, UnitKind::province}, {}, true});
  std::map<std::string, const UnitVersion*> then_by_code;
  for (const auto& unit : then) then_by_code[unit.code] = &unit;
  auto ancestor_of = [&](const UnitVersion& commune) -> const UnitVersion* {
    const UnitVersion* current = &commune;
    for (int depth = 0; depth < 8 && current; ++depth) {
      if (current->kind == kind) return current;
      const auto parent = then_by_code.find(current->parent_code);
      current = parent == then_by_code.end() ? nullptr : parent->second;
    }
    return nullptr;
  };
  geo::GeosContext context;
  struct OldCommune {
    const UnitVersion* unit;
    const UnitVersion* area;
    geo::Geometry geometry;
  };
  std::vector<OldCommune> old_communes;
  for (const auto& unit : then)
    if (unit.kind == UnitKind::commune)  // (districts' and provinces' own geometry is not needed)
      if (const UnitVersion* area = ancestor_of(unit))
        old_communes.push_back({&unit, area,
                                unit.geometry_wkb.empty() ? geo::Geometry() : geo::Geometry::from_wkb(context, unit.geometry_wkb)});

  // Each of the year's communes goes where most of its ground lay (ties: the lower code): among the
  // communes of that day it came from through lineage, weighted by how much of it each covers (equally
  // when their boundaries do not meet it, e.g. sketched old boundaries); without lineage, every
  // commune of that day by overlap.
  const auto events = store.lineage_events();
  std::map<std::string, std::string> names;
  for (const auto& commune : store.units({year_end(year), {UnitKind::commune}, {}, true})) {
    const geo::Geometry geometry =
        commune.geometry_wkb.empty() ? geo::Geometry() : geo::Geometry::from_wkb(context, commune.geometry_wkb);
    auto overlap_m2 = [&](const OldCommune& old) {
      if (!geometry || !old.geometry || GEOSIntersects_r(context.get(), geometry.get(), old.geometry.get()) != 1) return 0.0;
      geo::Geometry common(context, GEOSIntersection_r(context.get(), geometry.get(), old.geometry.get()));
      return common ? geo::geodesic_area_m2(context, common.get()) : 0.0;
    };
    auto sources = predecessors_of(events, commune.code);
    sources.insert(commune.code);
    std::vector<const OldCommune*> candidates;
    for (const auto& old : old_communes)
      if (sources.count(old.unit->code)) candidates.push_back(&old);
    std::map<std::string, double> ground;  // area code -> m² (or a count without any overlap)
    if (!candidates.empty()) {
      for (const OldCommune* old : candidates) ground[old->area->code] += overlap_m2(*old);
      if (std::none_of(ground.begin(), ground.end(), [](const auto& entry) { return entry.second > 0; }))
        for (const OldCommune* old : candidates) ground[old->area->code] += 1;
    } else {
      for (const auto& old : old_communes) ground[old.area->code] += overlap_m2(old);
    }
    const std::pair<const std::string, double>* best = nullptr;
    for (const auto& entry : ground)
      if (entry.second > 0 && (!best || entry.second > best->second)) best = &entry;
    if (!best) continue;
    grouping.area_of_commune[commune.code] = best->first;
    names[best->first] = then_by_code.at(best->first)->name;
  }
  for (const auto& [code, name] : names) grouping.areas.emplace_back(code, name);
  return grouping;
}

}  // namespace antt::stats
