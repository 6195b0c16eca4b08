// A whole reform from a crosswalk (old code -> new code, share), checked for holes and double
// counts, written as split and merge events in one transaction.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/geo/geos.hpp"
#include "antt/text/unicode.hpp"
#include "lineage_support.hpp"

namespace antt::editing {

using namespace detail;
using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

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

}  // namespace antt::editing
