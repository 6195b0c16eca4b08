#include "antt/editing/lineage.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <filesystem>

#include <gdal.h>
#include <ogr_api.h>
#include <cpl_error.h>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/text/unicode.hpp"

namespace antt::editing {
namespace {

using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

constexpr double kShareEpsilon = 1e-6;

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string label(const UnitVersion& unit) { return unit.code + " '" + unit.name + "'"; }

/// Problems found while checking; all are reported at once, and nothing is written.
class Problems {
 public:
  void add(std::string problem) { problems_.push_back(std::move(problem)); }
  void throw_if_any(std::string_view what) const {
    if (problems_.empty()) return;
    std::string message = std::string(what) + ": " + std::to_string(problems_.size()) +
                          " problem(s); nothing was written / chưa ghi gì:";
    for (const auto& problem : problems_) message += "\n  - " + problem;
    throw InputError(message);
  }

 private:
  std::vector<std::string> problems_;
};

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

/// The versions valid on the day before `date` that a change ends; each must still be valid on
/// `date` (a version that already ended cannot end again).
std::vector<UnitVersion> versions_ending(const store::Store& store, const std::vector<std::string>& codes,
                                         const std::string& date, Problems& problems) {
  const std::string eve = day_before(date);
  std::vector<UnitVersion> out;
  std::set<std::string> seen;
  for (const auto& code : codes) {
    if (!seen.insert(code).second) {
      problems.add("unit " + code + " is named twice / đơn vị bị nêu hai lần");
      continue;
    }
    auto version = store.unit_at(code, eve, true);
    if (!version) {
      problems.add("no unit " + code + " is valid on " + eve + " (the day before " + date +
                   ") / không có đơn vị mã " + code + " vào ngày " + eve);
      continue;
    }
    if (version->valid_to && *version->valid_to <= date) {
      problems.add(label(*version) + " already ends on " + *version->valid_to + " / đơn vị đã kết thúc");
      continue;
    }
    out.push_back(std::move(*version));
  }
  return out;
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

/// Everything one change will write, checked before the transaction opens.
struct Plan {
  std::vector<UnitVersion> ending;   ///< versions to close on the date
  std::vector<UnitVersion> opening;  ///< versions to insert from the date
  store::LineageEvent event;
};

/// The children valid on the eve whose parent ends without continuing: each moves to the
/// successor that holds its point (a point unit) or most of its area, else the nearest one.
struct ChildMove {
  UnitVersion child;
  std::string new_parent;
};

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

void check_kinds(const LineageChange& change, const std::vector<UnitVersion>& ending, Problems& problems) {
  const size_t n_from = change.from.size(), n_to = change.to.size();
  auto need = [&](bool ok, const std::string& what) {
    if (!ok) problems.add(std::string(store::to_string(change.kind)) + " " + what);
  };
  switch (change.kind) {
    case LineageKind::create:
      need(n_from == 0 && n_to >= 1, "makes one or more new units from none / tạo đơn vị mới");
      break;
    case LineageKind::abolish:
      need(n_from >= 1 && n_to == 0, "ends one or more units and makes none / giải thể đơn vị");
      break;
    case LineageKind::merge:
      need(n_from >= 2 && n_to == 1, "makes one unit of two or more / nhập hai đơn vị trở lên thành một");
      break;
    case LineageKind::split:
      need(n_from == 1 && n_to >= 2, "makes two or more units of one / chia một đơn vị thành nhiều");
      break;
    case LineageKind::rename:
    case LineageKind::reclassify:
    case LineageKind::transfer:
      need(n_from == 1 && n_to == 1 && change.to.front().code == change.from.front(),
           "changes one unit and keeps its code / một đơn vị, giữ nguyên mã");
      if (ending.empty()) break;
      {
        const UnitVersion& before = ending.front();
        const UnitVersion& after = change.to.front();
        if (change.kind == LineageKind::rename && (after.name.empty() || text::to_nfc(after.name) == before.name))
          problems.add("rename of " + label(before) + " needs a new name / cần tên mới");
        if (change.kind == LineageKind::reclassify && after.subtype.empty() && after.kind == before.kind)
          problems.add("reclassify of " + label(before) + " needs a new type / cần loại mới");
        if (change.kind == LineageKind::reclassify && !after.subtype.empty() && after.subtype == before.subtype &&
            after.kind == before.kind)
          problems.add(label(before) + " already is " + before.subtype + " / loại không đổi");
        if (change.kind == LineageKind::transfer && (after.parent_code.empty() || after.parent_code == before.parent_code))
          problems.add("transfer of " + label(before) + " needs a new parent / cần đơn vị cấp trên mới");
      }
      break;
  }
}

}  // namespace

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

namespace {

/// Checks one change and works out what it writes; problems go to `problems`.
Plan plan_change(const store::Store& store, const geo::GeosContext& context, const LineageChange& change,
                 const std::string& date, Problems& problems) {
  Plan plan;
  plan.ending = versions_ending(store, change.from, date, problems);
  check_kinds(change, plan.ending, problems);
  std::map<std::string, const UnitVersion*> ending_by_code;
  for (const auto& version : plan.ending) ending_by_code[version.code] = &version;
  std::set<std::string> target_codes;
  for (const auto& target : change.to) {
    if (target.code.empty()) {
      problems.add("a new unit has no code / đơn vị mới chưa có mã");
      continue;
    }
    if (!target_codes.insert(target.code).second) problems.add("new unit " + target.code + " is named twice");
    const auto continued = ending_by_code.find(target.code);
    UnitVersion version =
        completed(target, continued == ending_by_code.end() ? nullptr : continued->second, date);
    if (continued == ending_by_code.end()) {
      if (version.name.empty()) problems.add("new unit " + version.code + " has no name / chưa có tên");
      for (const auto& existing : store.overlapping_versions(version.code, date, std::nullopt))
        problems.add("code " + version.code + " is already used by " + label(existing) + " valid from " +
                     existing.valid_from + " / mã đã được dùng");
    }
    if (version.kind == UnitKind::commune && version.subtype.empty())
      problems.add("new commune " + version.code + " needs its type (xa, phuong, thi_tran) / cần loại xã");
    if (!version.parent_code.empty()) {
      const bool parent_new = std::any_of(change.to.begin(), change.to.end(),
                                          [&](const UnitVersion& t) { return t.code == version.parent_code; });
      const auto parent = store.unit_at(version.parent_code, date, false);
      const bool parent_ends = ending_by_code.count(version.parent_code) > 0;
      if (!parent_new && (!parent || parent_ends))
        problems.add("the parent " + version.parent_code + " of " + version.code + " does not exist on " + date +
                     " / đơn vị cấp trên không tồn tại vào ngày này");
    }
    if (version.geometry_wkb.empty() && change.kind == LineageKind::merge && !plan.ending.empty()) {
      std::vector<geo::Geometry> parts;
      std::vector<const GEOSGeometry*> raw;
      for (const auto& old : plan.ending)
        if (!old.geometry_wkb.empty()) parts.push_back(geometry_of(context, old)), raw.push_back(parts.back().get());
      if (!raw.empty()) version.geometry_wkb = geo::multipolygon_wkb(context, geo::union_of(context, raw, 1e-8).get());
    }
    if (version.geometry_wkb.empty() && !store::kind_may_be_point(version.kind) &&
        (change.kind == LineageKind::split || change.kind == LineageKind::create))
      problems.add("new unit " + version.code + " needs its boundary (a units file) / cần ranh giới");
    plan.opening.push_back(std::move(version));
  }
  plan.event.kind = change.kind;
  plan.event.effective_date = date;
  plan.event.decision = text::to_nfc(change.decision);
  plan.event.note = text::to_nfc(change.note);
  plan.event.synthetic = change.synthetic;
  for (const auto& old : plan.ending) plan.event.from.push_back({old.code, old.valid_from});
  for (const auto& version : plan.opening) plan.event.to.push_back({version.code, date});
  return plan;
}

/// Writes a plan inside the caller's transaction; returns the event id.
std::int64_t write_plan(store::Store& store, const Plan& plan, const std::string& date) {
  for (const auto& old : plan.ending) store.close_unit_version(old.id, date);
  // Parents first, so a new district's new communes find it.
  std::vector<const UnitVersion*> order;
  for (const auto& version : plan.opening) order.push_back(&version);
  std::stable_sort(order.begin(), order.end(), [](const UnitVersion* a, const UnitVersion* b) {
    return static_cast<int>(a->kind) < static_cast<int>(b->kind);
  });
  for (const UnitVersion* version : order) store.insert_unit(*version);
  return store.add_lineage_event(plan.event);
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

}  // namespace

LineageResult apply_lineage(store::Store& store, const store::Actor& actor, const LineageChange& change) {
  const std::string date = require_iso_date(change.effective_date, "effective date");
  LineageChange checked = change;
  checked.decision = require_decision(change.decision);
  geo::GeosContext context;
  LineageResult result;
  store.write(actor, [&] {
    Problems problems;
    Plan plan = plan_change(store, context, checked, date, problems);
    std::set<std::string> continuing, ending_codes;
    for (const auto& version : plan.opening) continuing.insert(version.code);
    std::map<std::string, std::vector<const UnitVersion*>> successors;
    for (const auto& old : plan.ending) {
      ending_codes.insert(old.code);
      if (continuing.count(old.code)) continue;  // children keep their parent's code
      auto& targets = successors[old.code];
      for (const auto& version : plan.opening) targets.push_back(&version);
    }
    const auto moves = children_to_move(store, context, successors, date, ending_codes, problems);
    problems.throw_if_any(std::string(store::to_string(change.kind)) + " on " + date);
    result.event_id = write_plan(store, plan, date);
    std::set<std::string> ended;
    for (const auto& old : plan.ending)
      if (!continuing.count(old.code)) ended.insert(old.code);
    end_designations(store, ended, date);
    for (const auto& old : plan.ending) result.closed.push_back(old.code);
    for (const auto& version : plan.opening) result.opened.push_back(version.code);
    write_moves(store, moves, date, checked.decision, checked.synthetic, result.moved);
  });
  return result;
}

CrosswalkResult apply_crosswalk(store::Store& store, const store::Actor& actor, const Crosswalk& crosswalk) {
  const std::string date = require_iso_date(crosswalk.effective_date, "--date");
  const std::string decision = require_decision(crosswalk.decision);
  if (crosswalk.rows.empty()) throw InputError("the crosswalk has no rows / bảng chuyển đổi rỗng");
  if (!(crosswalk.area_tolerance >= 0)) throw UsageError("the area tolerance must be 0 or more");
  const std::string eve = day_before(date);
  geo::GeosContext context;
  CrosswalkResult result;
  Problems problems;

  std::map<std::string, UnitVersion> new_units;
  for (const auto& unit : crosswalk.new_units)
    if (!new_units.emplace(unit.code, unit).second) problems.add("the units file has " + unit.code + " twice");

  // Rows by old code; the old versions.
  std::map<std::string, std::vector<const CrosswalkRow*>> rows_of_old;
  std::map<std::string, std::vector<std::string>> olds_of_new;
  for (const auto& row : crosswalk.rows) {
    if (row.old_code.empty() || row.new_code.empty()) {
      problems.add("a row without an old or a new code / dòng thiếu mã");
      continue;
    }
    if (row.share && !(*row.share > 0 && *row.share <= 1 + kShareEpsilon))
      problems.add(row.old_code + " -> " + row.new_code + ": share " + std::to_string(*row.share) +
                   " is not in (0, 1] / tỉ lệ không hợp lệ");
    if (!new_units.count(row.new_code))
      problems.add(row.old_code + " -> " + row.new_code + ": the units file has no unit " + row.new_code +
                   " / tệp đơn vị mới không có mã này");
    rows_of_old[row.old_code].push_back(&row);
    olds_of_new[row.new_code].push_back(row.old_code);
  }
  for (const auto& [code, unit] : new_units)
    if (!olds_of_new.count(code))
      problems.add("new unit " + label(unit) + " is made from nothing in the crosswalk / đơn vị mới không có nguồn");

  std::map<std::string, UnitVersion> old_units;
  for (const auto& [code, rows] : rows_of_old) {
    auto version = store.unit_at(code, eve, true);
    if (!version) {
      problems.add("old unit " + code + " is not valid on " + eve + " / không có đơn vị cũ mã " + code);
      continue;
    }
    if (version->valid_to && *version->valid_to < date)
      problems.add(label(*version) + " already ends on " + *version->valid_to);
    old_units.emplace(code, std::move(*version));
  }
  // Old kinds must match the new units' kinds (a commune becomes a commune).
  for (const auto& row : crosswalk.rows) {
    const auto old = old_units.find(row.old_code);
    const auto target = new_units.find(row.new_code);
    if (old != old_units.end() && target != new_units.end() && old->second.kind != target->second.kind)
      problems.add(row.old_code + " is a " + std::string(store::to_string(old->second.kind)) + " but " +
                   row.new_code + " a " + std::string(store::to_string(target->second.kind)));
  }
  // Completeness: every sibling of the old units is in the crosswalk (unless partial).
  if (!crosswalk.partial && !old_units.empty()) {
    std::set<std::string> parents;
    std::set<UnitKind> kinds;
    for (const auto& [code, unit] : old_units) parents.insert(unit.parent_code), kinds.insert(unit.kind);
    store::UnitQuery query;
    query.at_date = eve;
    query.with_geometry = false;
    query.kinds.assign(kinds.begin(), kinds.end());
    std::vector<std::string> missing;
    for (const auto& unit : store.units(query))
      if (parents.count(unit.parent_code) && !rows_of_old.count(unit.code) &&
          (!unit.valid_to || *unit.valid_to >= date))
        missing.push_back(label(unit));
    if (!missing.empty())
      problems.add("hole: " + std::to_string(missing.size()) +
                   " unit(s) under the same parents are not in the crosswalk (give every one, or --partial): " +
                   join(missing) + " / đơn vị chưa có trong bảng chuyển đổi");
  }
  problems.throw_if_any("crosswalk");

  // Shares: given, the whole unit, or resolved by overlap between the old and new geometries.
  std::map<std::pair<std::string, std::string>, double> shares;
  std::map<std::string, geo::Geometry> new_geometry;
  for (const auto& [code, unit] : new_units) new_geometry.emplace(code, geometry_of(context, unit));
  for (const auto& [old_code, rows] : rows_of_old) {
    const UnitVersion& old = old_units.at(old_code);
    double given = 0;
    std::vector<const CrosswalkRow*> open;
    for (const CrosswalkRow* row : rows) {
      if (row->share)
        given += *row->share, shares[{old_code, row->new_code}] = *row->share;
      else
        open.push_back(row);
    }
    if (open.size() == 1 && rows.size() == 1) {
      shares[{old_code, open.front()->new_code}] = 1.0;
      if (open.front()->part)
        problems.add("hole: only part of " + label(old) + " goes to " + open.front()->new_code +
                     " and the rest goes nowhere / phần còn lại của đơn vị cũ không thuộc đơn vị mới nào");
      continue;
    }
    if (!open.empty()) {
      const double rest = 1 - given;
      if (rest <= kShareEpsilon) {
        for (const CrosswalkRow* row : open) shares[{old_code, row->new_code}] = 0;
      } else {
        const auto old_geometry = geometry_of(context, old);
        std::vector<double> overlaps;
        double total = 0;
        for (const CrosswalkRow* row : open) {
          const double m2 = old_geometry ? overlap_m2(context, old_geometry.get(), new_geometry.at(row->new_code).get()) : 0;
          overlaps.push_back(m2), total += m2;
        }
        std::string text = old_code + " -> ";
        for (size_t i = 0; i < open.size(); ++i) {
          const double share = total > 0 ? rest * overlaps[i] / total : rest / static_cast<double>(open.size());
          shares[{old_code, open[i]->new_code}] = share;
          char part[64];
          std::snprintf(part, sizeof part, "%s%s %.3f", i ? ", " : "", open[i]->new_code.c_str(), share);
          text += part;
        }
        result.resolved_shares.push_back(text + (total > 0 ? " (by overlap / theo phần chồng lấn)" : " (equal)"));
      }
      given = 1;
    }
    if (given < 1 - kShareEpsilon)
      problems.add("hole: " + std::to_string(std::lround((1 - given) * 1000) / 10.0).substr(0, 5) + " % of " +
                   label(old) + " goes to no new unit / một phần đơn vị cũ không thuộc đơn vị mới nào");
    if (given > 1 + kShareEpsilon) {
      std::vector<std::string> targets;
      for (const CrosswalkRow* row : rows) targets.push_back(row->new_code);
      problems.add("counted twice: " + label(old) + " is given away more than once (shares add up to " +
                   std::to_string(given).substr(0, 5) + ") to " + join(targets) + " / đơn vị cũ bị tính hai lần");
    }
  }

  // Areas: a new unit's area against what its rows give it.
  std::map<std::string, double> old_area;
  for (const auto& [code, unit] : old_units) old_area[code] = area_m2(context, unit.geometry_wkb);
  for (const auto& [new_code, olds] : olds_of_new) {
    const UnitVersion& unit = new_units.at(new_code);
    double expected = 0;
    for (const auto& old_code : olds) expected += shares[{old_code, new_code}] * old_area[old_code];
    const double actual = area_m2(context, unit.geometry_wkb);
    result.areas.push_back({{"code", new_code}, {"name", unit.name}, {"area_km2", actual / 1e6},
                            {"from_rows_km2", expected / 1e6}});
    if (expected <= 0 || actual <= 0) continue;  // units without area (points) are not compared
    const double difference = (actual - expected) / expected;
    if (std::abs(difference) <= crosswalk.area_tolerance) continue;
    char figures[160];
    std::snprintf(figures, sizeof figures, "%.2f km² where its old units give %.2f km² (%+.0f %%, tolerance %.0f %%)",
                  actual / 1e6, expected / 1e6, difference * 100, crosswalk.area_tolerance * 100);
    problems.add(std::string(difference > 0 ? "hole" : "counted twice") + ": " + label(unit) + " covers " + figures +
                 " from " + join(olds) +
                 (difference > 0 ? " — some of its ground comes from no old unit in the crosswalk"
                                 : " — part of its old units' ground is counted in another unit too"));
  }
  problems.throw_if_any("crosswalk");

  // One event per new unit: merge (several wholes), or rename/reclassify/transfer/create-like
  // continuation (one whole), plus one split event per old unit shared between new units.
  store.write(actor, [&] {
    Problems late;
    std::set<std::string> new_codes, ending_codes;
    for (const auto& [code, unit] : new_units) new_codes.insert(code);
    std::vector<UnitVersion> opening;
    for (const auto& [code, unit] : new_units) {
      const auto old = old_units.find(code);
      opening.push_back(completed(unit, old == old_units.end() ? nullptr : &old->second, date));
      if (old == old_units.end())
        for (const auto& existing : store.overlapping_versions(code, date, std::nullopt))
          late.add("code " + code + " is already used by " + label(existing) + " from " + existing.valid_from);
    }
    std::map<std::string, std::vector<const UnitVersion*>> successors;
    for (const auto& [old_code, rows] : rows_of_old) {
      ending_codes.insert(old_code);
      if (new_codes.count(old_code)) continue;
      for (const CrosswalkRow* row : rows)
        for (const auto& version : opening)
          if (version.code == row->new_code) successors[old_code].push_back(&version);
    }
    const auto moves = children_to_move(store, context, successors, date, ending_codes, late);
    late.throw_if_any("crosswalk");

    for (const auto& [code, old] : old_units) store.close_unit_version(old.id, date);
    std::stable_sort(opening.begin(), opening.end(), [](const UnitVersion& a, const UnitVersion& b) {
      return static_cast<int>(a.kind) < static_cast<int>(b.kind);
    });
    for (const auto& version : opening) store.insert_unit(version);
    auto new_event = [&](LineageKind kind, std::string note) {
      store::LineageEvent event;
      event.kind = kind;
      event.effective_date = date;
      event.decision = decision;
      event.note = text::to_nfc(note);
      event.synthetic = crosswalk.synthetic;
      return event;
    };
    for (const auto& [old_code, rows] : rows_of_old) {
      if (rows.size() < 2) continue;
      auto event = new_event(LineageKind::split, "");
      event.from.push_back({old_code, old_units.at(old_code).valid_from});
      std::vector<std::string> parts;
      for (const CrosswalkRow* row : rows) {
        event.to.push_back({row->new_code, date});
        char part[64];
        std::snprintf(part, sizeof part, "%s %.1f %%", row->new_code.c_str(), shares[{old_code, row->new_code}] * 100);
        parts.push_back(part);
      }
      event.note = text::to_nfc("Chia " + old_units.at(old_code).name + " cho " + join(parts) +
                                (crosswalk.note.empty() ? "" : "; " + crosswalk.note));
      store.add_lineage_event(event);
      ++result.events;
    }
    for (const auto& version : opening) {
      std::vector<const UnitVersion*> wholes;
      for (const auto& old_code : olds_of_new.at(version.code))
        if (rows_of_old.at(old_code).size() == 1) wholes.push_back(&old_units.at(old_code));
      if (wholes.empty()) continue;  // made only of parts: the split events say so
      LineageKind kind = LineageKind::merge;
      std::string note;
      if (wholes.size() == 1) {
        const UnitVersion& before = *wholes.front();
        kind = before.code != version.code    ? LineageKind::merge
               : before.subtype != version.subtype ? LineageKind::reclassify
               : before.name != version.name       ? LineageKind::rename
                                                   : LineageKind::transfer;
        note = before.name + " → " + version.name;
      } else {
        std::vector<std::string> names;
        for (const UnitVersion* old : wholes) names.push_back(old->name);
        note = "Nhập " + join(names) + " thành " + version.name;
      }
      if (!crosswalk.note.empty()) note += "; " + crosswalk.note;
      auto event = new_event(kind, note);
      for (const UnitVersion* old : wholes) event.from.push_back({old->code, old->valid_from});
      event.to.push_back({version.code, date});
      store.add_lineage_event(event);
      ++result.events;
    }
    std::set<std::string> ended;
    for (const auto& [code, old] : old_units)
      if (!new_codes.count(code)) ended.insert(code);
    end_designations(store, ended, date);
    std::vector<std::string> moved;
    write_moves(store, moves, date, decision, crosswalk.synthetic, moved);
    result.moved_children = static_cast<int>(moved.size());
    result.closed = static_cast<int>(old_units.size());
    result.opened = static_cast<int>(opening.size());
  });
  return result;
}

namespace {

struct DatasetCloser {
  void operator()(void* dataset) const { GDALClose(dataset); }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

/// A table as text: lower-case header names and the rows (row numbers as a spreadsheet shows them).
struct Table {
  std::vector<std::string> header;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  int column(std::initializer_list<std::string_view> names) const {
    for (auto name : names)
      for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

/// Reads a CSV or XLSX file, or a named table of a GeoPackage, as text (NFC) with GDAL.
Table read_table(const std::string& path, const char* gpkg_layer) {
  if (!std::filesystem::exists(path)) throw InputError("no such file: " + path + " / không có tệp");
  GDALAllRegister();
  const std::string extension = lower_ascii(std::filesystem::path(path).extension().string());
  const char* csv_options[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", nullptr};
  const char* xlsx_options[] = {"FIELD_TYPES=STRING", "HEADERS=FORCE", nullptr};
  const char* const* options = extension == ".csv" ? csv_options : extension == ".xlsx" ? xlsx_options : nullptr;
  if (!options && extension != ".gpkg")
    throw InputError("'" + path + "': expected a .csv, .xlsx or .gpkg file / cần tệp .csv, .xlsx hoặc .gpkg");
  Dataset dataset(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options, nullptr));
  if (!dataset) throw InputError("cannot read '" + path + "': " + CPLGetLastErrorMsg());
  OGRLayerH layer = extension == ".gpkg" ? GDALDatasetGetLayerByName(dataset.get(), gpkg_layer)
                                         : GDALDatasetGetLayer(dataset.get(), 0);
  if (!layer)
    throw InputError("'" + path + "' has no " + (extension == ".gpkg" ? "table '" + std::string(gpkg_layer) + "'" : "table"));
  Table table;
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  const int fields = OGR_FD_GetFieldCount(definition);
  for (int i = 0; i < fields; ++i)
    table.header.push_back(lower_ascii(text::trim(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)))));
  OGR_L_ResetReading(layer);
  int row = 1;
  for (OGRFeatureH feature; (feature = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(feature)) {
    ++row;
    std::vector<std::string> values;
    bool blank = true;
    for (int i = 0; i < fields; ++i) {
      std::string value =
          OGR_F_IsFieldSetAndNotNull(feature, i) ? text::to_nfc(text::trim(OGR_F_GetFieldAsString(feature, i))) : "";
      blank = blank && value.empty();
      values.push_back(std::move(value));
    }
    if (!blank) table.rows.emplace_back(row, std::move(values));
  }
  return table;
}

}  // namespace

std::vector<CrosswalkRow> read_crosswalk_csv(const std::string& path) {
  const Table table = read_table(path, "crosswalk");
  const int old_column = table.column({"old_code", "ma_cu", "ma_xa_cu"});
  const int new_column = table.column({"new_code", "ma_moi", "ma_xa_moi"});
  const int share_column = table.column({"share", "ti_le"});
  const int part_column = table.column({"part", "phan"});
  if (old_column < 0 || new_column < 0)
    throw InputError("'" + path + "' needs the columns old_code and new_code (or ma_cu/ma_xa_cu, ma_moi/ma_xa_moi) / "
                     "thiếu cột mã cũ, mã mới");
  std::vector<CrosswalkRow> rows;
  Problems problems;
  for (const auto& [number, values] : table.rows) {
    const std::string where = "row " + std::to_string(number);
    CrosswalkRow row;
    row.old_code = values[static_cast<size_t>(old_column)];
    row.new_code = values[static_cast<size_t>(new_column)];
    if (row.old_code.empty() || row.new_code.empty()) problems.add(where + ": an old and a new code are both needed");
    if (share_column >= 0 && !values[static_cast<size_t>(share_column)].empty()) {
      const std::string& text = values[static_cast<size_t>(share_column)];
      try {
        size_t used = 0;
        const double share = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        row.share = share > 1 + kShareEpsilon && share <= 100 ? share / 100 : share;  // 62 or 0.62
      } catch (const std::exception&) {
        problems.add(where + ": share '" + text + "' is not a number / tỉ lệ không phải số");
      }
    }
    if (part_column >= 0) {
      const std::string part = lower_ascii(values[static_cast<size_t>(part_column)]);
      if (part == "mot_phan" || part == "part" || part == "một phần")
        row.part = true;
      else if (!part.empty() && part != "toan_bo" && part != "whole" && part != "toàn bộ")
        problems.add(where + ": part '" + part + "' is neither toan_bo (whole) nor mot_phan (part)");
    }
    rows.push_back(std::move(row));
  }
  problems.throw_if_any("'" + path + "'");
  return rows;
}

namespace {

nlohmann::json unit_json(const UnitVersion& unit) {
  return {{"code", unit.code},
          {"name", unit.name},
          {"kind", store::to_string(unit.kind)},
          {"subtype", unit.subtype},
          {"parent_code", unit.parent_code},
          {"valid_from", unit.valid_from},
          {"valid_to", unit.valid_to ? nlohmann::json(*unit.valid_to) : nlohmann::json(nullptr)}};
}

nlohmann::json event_json(const store::LineageEvent& event) {
  auto refs = [](const std::vector<store::UnitRef>& units) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& unit : units) out.push_back({{"code", unit.code}, {"valid_from", unit.valid_from}});
    return out;
  };
  return {{"id", event.id},       {"kind", store::to_string(event.kind)}, {"effective_date", event.effective_date},
          {"decision", event.decision}, {"note", event.note},          {"synthetic", event.synthetic},
          {"from", refs(event.from)},   {"to", refs(event.to)}};
}

bool names(const std::vector<store::UnitRef>& refs, const std::string& code) {
  return std::any_of(refs.begin(), refs.end(), [&](const store::UnitRef& ref) { return ref.code == code; });
}

}  // namespace

nlohmann::json lineage_of(const store::Store& store, const std::string& code) {
  store::UnitQuery query;
  query.code = code;
  query.with_geometry = false;
  auto versions = store.units(query);
  if (versions.empty()) throw RequestError(404, "no unit " + code + " / không có đơn vị mã " + code);
  std::sort(versions.begin(), versions.end(),
            [](const UnitVersion& a, const UnitVersion& b) { return a.valid_from < b.valid_from; });
  const auto events = store.lineage_events();
  nlohmann::json out{{"code", code}, {"name", versions.back().name}};
  out["versions"] = nlohmann::json::array();
  for (const auto& version : versions) out["versions"].push_back(unit_json(version));
  out["events"] = nlohmann::json::array();
  for (const auto& event : events)
    if (names(event.from, code) || names(event.to, code)) out["events"].push_back(event_json(event));

  // Predecessors and successors through the events (a code that continues in an event is itself).
  auto name_of = [&](const std::string& other, const std::string& date) -> std::string {
    auto version = store.unit_at(other, date, false);
    return version ? version->name : std::string();
  };
  auto walk = [&](bool forward) {
    nlohmann::json found = nlohmann::json::array();
    std::set<std::string> seen{code};
    std::vector<std::pair<std::string, std::string>> frontier;  // code, from this date on (forward) / before
    frontier.emplace_back(code, forward ? std::string() : std::string(kOpenEnd));
    for (size_t depth = 0; depth < 16 && !frontier.empty(); ++depth) {
      std::vector<std::pair<std::string, std::string>> next;
      for (const auto& [current, bound] : frontier)
        for (const auto& event : events) {
          const bool in_from = names(event.from, current), in_to = names(event.to, current);
          if (forward ? !(in_from && event.effective_date >= bound) : !(in_to && event.effective_date <= bound)) continue;
          if (event.kind == LineageKind::transfer && !names(forward ? event.to : event.from, current)) continue;
          for (const auto& ref : forward ? event.to : event.from) {
            if (ref.code == current || !seen.insert(ref.code).second) continue;
            const std::string when = forward ? event.effective_date : day_before(event.effective_date);
            found.push_back({{"code", ref.code},
                             {"name", name_of(ref.code, when)},
                             {"date", event.effective_date},
                             {"kind", store::to_string(event.kind)},
                             {"decision", event.decision},
                             {"via", current}});
            next.emplace_back(ref.code, event.effective_date);
          }
        }
      frontier = std::move(next);
    }
    return found;
  };
  out["before"] = walk(false);
  out["after"] = walk(true);
  return out;
}

std::optional<std::string> successor_on(const store::Store& store, const std::string& code, const std::string& date) {
  if (store.unit_at(code, date, false)) return code;
  // The kind of the unit when it last existed.
  store::UnitQuery query;
  query.code = code;
  query.with_geometry = false;
  const auto versions = store.units(query);
  if (versions.empty()) return std::nullopt;
  const UnitKind kind = versions.back().kind;
  const auto events = store.lineage_events();
  std::vector<std::string> frontier{code};
  std::set<std::string> seen{code};
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const auto& current : frontier)
      for (const auto& event : events) {
        if (event.effective_date > date || !names(event.from, current)) continue;
        for (const auto& ref : event.to) {
          if (!seen.insert(ref.code).second) continue;
          const auto version = store.unit_at(ref.code, date, false);
          if (version && version->kind == kind) return ref.code;
          next.push_back(ref.code);
        }
      }
    frontier = std::move(next);
  }
  return std::nullopt;
}

const std::vector<std::string>& lineage_columns() {
  static const std::vector<std::string> columns{"event_id", "kind", "effective_date", "decision", "note",
                                                "synthetic", "role", "unit_code", "unit_valid_from"};
  return columns;
}

std::vector<std::vector<std::string>> lineage_rows(const store::Store& store) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& event : store.lineage_events()) {
    auto add = [&](const char* role, const store::UnitRef& ref) {
      rows.push_back({std::to_string(event.id), std::string(store::to_string(event.kind)), event.effective_date,
                      event.decision, event.note, event.synthetic ? "1" : "0", role, ref.code, ref.valid_from});
    };
    for (const auto& ref : event.from) add("from", ref);
    for (const auto& ref : event.to) add("to", ref);
    if (event.from.empty() && event.to.empty())
      rows.push_back({std::to_string(event.id), std::string(store::to_string(event.kind)), event.effective_date,
                      event.decision, event.note, event.synthetic ? "1" : "0", "", "", ""});
  }
  return rows;
}

std::vector<store::LineageEvent> read_lineage_file(const std::string& path) {
  const Table table = read_table(path, "lineage");
  std::vector<int> index;
  for (const auto& name : lineage_columns()) {
    const int column = table.column({name});
    if (column < 0) throw InputError("'" + path + "' lacks the column '" + name + "' (expected " + [] {
      std::string all;
      for (const auto& n : lineage_columns()) all += (all.empty() ? "" : ", ") + n;
      return all;
    }() + ")");
    index.push_back(column);
  }
  std::map<std::string, store::LineageEvent> events;
  std::vector<std::string> order;
  Problems problems;
  for (const auto& [number, values] : table.rows) {
    auto value = [&](size_t i) -> const std::string& { return values[static_cast<size_t>(index[i])]; };
    const std::string where = "row " + std::to_string(number);
    try {
      auto [found, inserted] = events.try_emplace(value(0));
      store::LineageEvent& event = found->second;
      if (inserted) {
        order.push_back(value(0));
        event.kind = store::parse_lineage_kind(value(1));
        event.effective_date = require_iso_date(value(2), "effective_date");
        event.decision = value(3);
        event.note = value(4);
        event.synthetic = value(5) == "1" || lower_ascii(value(5)) == "true";
      } else if (value(1) != store::to_string(event.kind) || value(2) != event.effective_date) {
        throw InputError("event " + value(0) + " has another kind or date than in its first row");
      }
      if (value(6) == "from" || value(6) == "to") {
        store::UnitRef ref{value(7), require_iso_date(value(8), "unit_valid_from")};
        if (ref.code.empty()) throw InputError("no unit_code");
        (value(6) == "from" ? event.from : event.to).push_back(ref);
      } else if (!value(6).empty()) {
        throw InputError("role '" + value(6) + "' is neither from nor to");
      }
    } catch (const Error& error) {
      problems.add(where + ": " + error.what());
    }
  }
  problems.throw_if_any("'" + path + "'");
  std::vector<store::LineageEvent> out;
  for (const auto& id : order) out.push_back(std::move(events.at(id)));
  return out;
}

int load_lineage(store::Store& store, const store::Actor& actor, const std::vector<store::LineageEvent>& events) {
  auto key = [](const store::LineageEvent& event) {
    std::string out = std::string(store::to_string(event.kind)) + "|" + event.effective_date + "|" + event.decision;
    std::vector<std::string> refs;
    for (const auto& ref : event.from) refs.push_back("f:" + ref.code + "@" + ref.valid_from);
    for (const auto& ref : event.to) refs.push_back("t:" + ref.code + "@" + ref.valid_from);
    std::sort(refs.begin(), refs.end());
    return out + "|" + join(refs, ";");
  };
  int added = 0;
  store.write(actor, [&] {
    std::set<std::string> known;
    for (const auto& event : store.lineage_events()) known.insert(key(event));
    Problems problems;
    for (const auto& event : events)
      for (const auto* refs : {&event.from, &event.to})
        for (const auto& ref : *refs) {
          auto version = store.unit_at(ref.code, ref.valid_from, false);
          if (!version || version->valid_from != ref.valid_from)
            problems.add("event of " + event.effective_date + " (" + event.decision + ") names " + ref.code +
                         " valid from " + ref.valid_from + ", which the store does not have; import the units first");
        }
    problems.throw_if_any("lineage");
    for (const auto& event : events)
      if (known.insert(key(event)).second) store.add_lineage_event(event), ++added;
  });
  return added;
}

}  // namespace antt::editing
