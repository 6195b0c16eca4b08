#include "antt/editing/lineage.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/text/unicode.hpp"
#include "lineage_support.hpp"

namespace antt::editing {
namespace {

using namespace detail;
using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

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

/// Everything one change will write, checked before the transaction opens.
struct Plan {
  std::vector<UnitVersion> ending;   ///< versions to close on the date
  std::vector<UnitVersion> opening;  ///< versions to insert from the date
  store::LineageEvent event;
};


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

}  // namespace antt::editing
