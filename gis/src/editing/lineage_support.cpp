#include "lineage_support.hpp"

#include <algorithm>
#include <chrono>

#include "antt/core/date.hpp"
#include "antt/text/unicode.hpp"

namespace antt::editing {

using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

std::string day_before(const std::string& date) {
  using namespace std::chrono;
  const std::string iso = require_iso_date(date, "date");
  const year_month_day day{std::chrono::year{std::stoi(iso.substr(0, 4))},
                           std::chrono::month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))},
                           std::chrono::day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
  const year_month_day eve{sys_days{day} - days{1}};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(eve.year()),
                static_cast<unsigned>(eve.month()), static_cast<unsigned>(eve.day()));
  return buffer;
}


namespace detail {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string label(const UnitVersion& unit) { return unit.code + " '" + unit.name + "'"; }

/// Geometry of a version as GEOS, or an empty handle when it has none.
geo::Geometry geometry_of(const geo::GeosContext& context, const UnitVersion& unit) {
  if (unit.geometry_wkb.empty()) return {};
  return geo::Geometry::from_wkb(context, unit.geometry_wkb);
}

double area_m2(const geo::GeosContext& context, const std::string& wkb) {
  if (wkb.empty()) return 0;
  const auto geometry = geo::Geometry::from_wkb(context, wkb);
  return geo::geodesic_area_m2(context, geometry.get());
}

double overlap_m2(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b) {
  if (!a || !b || GEOSIntersects_r(context.get(), a, b) != 1) return 0;
  GEOSGeometry* common = GEOSIntersection_r(context.get(), a, b);
  if (!common) return 0;  // a robustness failure counts as no overlap; the area checks follow
  geo::Geometry owned(context, common);
  return geo::geodesic_area_m2(context, owned.get());
}

/// A new version from a target, its empty fields filled from the version it continues.
UnitVersion completed(UnitVersion target, const UnitVersion* continued, const std::string& date) {
  if (continued) {
    if (target.name.empty()) target.name = continued->name;
    if (target.subtype.empty() && target.kind == continued->kind) target.subtype = continued->subtype;
    if (target.parent_code.empty()) target.parent_code = continued->parent_code;
    if (target.geometry_wkb.empty()) target.geometry_wkb = continued->geometry_wkb;
  }
  target.name = text::to_nfc(target.name);
  target.id = 0;
  target.valid_from = date;
  target.valid_to.reset();
  return target;
}

std::vector<ChildMove> children_to_move(const store::Store& store, const geo::GeosContext& context,
                                        const std::map<std::string, std::vector<const UnitVersion*>>& successors,
                                        const std::string& date, const std::set<std::string>& ending_codes,
                                        Problems& problems) {
  std::vector<ChildMove> moves;
  if (successors.empty()) return moves;
  store::UnitQuery query;
  query.at_date = day_before(date);
  query.with_geometry = true;
  std::map<std::string, geo::Geometry> successor_geometry;
  for (const auto& [parent, targets] : successors)
    for (const UnitVersion* target : targets)
      if (!successor_geometry.count(target->code)) successor_geometry.emplace(target->code, geometry_of(context, *target));
  for (auto& child : store.units(query)) {
    if (ending_codes.count(child.code)) continue;  // the change itself ends it
    if (child.valid_to && *child.valid_to <= date) continue;
    const auto found = successors.find(child.parent_code);
    if (found == successors.end()) continue;
    const auto& targets = found->second;
    if (targets.empty()) {
      problems.add(label(child) + " still belongs to " + child.parent_code +
                   ", which ends without a successor: move or abolish it first / đơn vị cấp dưới chưa được chuyển");
      continue;
    }
    std::string best = targets.front()->code;
    if (targets.size() > 1 && !child.geometry_wkb.empty()) {
      const auto geometry = geometry_of(context, child);
      double best_score = -1;
      for (const UnitVersion* target : targets) {
        const auto& target_geometry = successor_geometry.at(target->code);
        if (!target_geometry) continue;
        double score;
        if (GEOSGetNumCoordinates_r(context.get(), geometry.get()) == 1 ||
            GEOSGeomTypeId_r(context.get(), geometry.get()) == GEOS_POINT) {
          score = GEOSIntersects_r(context.get(), target_geometry.get(), geometry.get()) == 1 ? 1.0 : 0.0;
        } else {
          score = overlap_m2(context, target_geometry.get(), geometry.get());
        }
        if (score <= 0) {
          double distance = 0;
          GEOSDistance_r(context.get(), target_geometry.get(), geometry.get(), &distance);
          score = -1 + 1 / (1 + distance);  // in (-1, 0): nearer is better, any overlap beats it
        }
        if (score > best_score) best_score = score, best = target->code;
      }
    }
    moves.push_back({std::move(child), best});
  }
  return moves;
}

/// Moves children to their new parents (inside the caller's transaction): one transfer event per
/// old parent -> new parent.
void write_moves(store::Store& store, const std::vector<ChildMove>& moves, const std::string& date,
                 const std::string& decision, bool synthetic, std::vector<std::string>& moved) {
  std::map<std::pair<std::string, std::string>, store::LineageEvent> events;
  for (const auto& move : moves) {
    store.close_unit_version(move.child.id, date);
    UnitVersion next = move.child;
    next.id = 0;
    next.parent_code = move.new_parent;
    next.valid_from = date;
    next.valid_to.reset();
    store.insert_unit(next);
    auto& event = events[{move.child.parent_code, move.new_parent}];
    if (event.from.empty()) {
      event.kind = LineageKind::transfer;
      event.effective_date = date;
      event.decision = decision;
      event.note = "Chuyển đơn vị trực thuộc " + move.child.parent_code + " về " + move.new_parent +
                   " theo vị trí / children moved to the successor by location";
      event.synthetic = synthetic;
    }
    event.from.push_back({move.child.code, move.child.valid_from});
    event.to.push_back({move.child.code, date});
    moved.push_back(move.child.code + ": " + move.child.parent_code + " -> " + move.new_parent);
  }
  for (const auto& [key, event] : events) store.add_lineage_event(event);
}
/// Hotspot designations of units that end without continuing end with them (inside the caller's
/// write): a designation names the commune it was made for, not whatever later takes its code.
void end_designations(store::Store& store, const std::set<std::string>& ended, const std::string& date) {
  for (const auto& hotspot : store.hotspots())
    if (ended.count(hotspot.commune_code) && hotspot.valid_from < date &&
        hotspot.valid_to.value_or(std::string(kOpenEnd)) > date)
      store.end_hotspot(hotspot.id, date);
}
std::string require_decision(const std::string& decision) {
  const std::string trimmed = text::trim(decision);
  if (trimmed.empty())
    throw InputError("a change of the administrative map needs its legal decision (--decision) / cần số văn bản");
  return trimmed;
}

}  // namespace detail
}  // namespace antt::editing
