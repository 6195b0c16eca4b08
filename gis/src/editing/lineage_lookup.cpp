// What became of a unit and what it came from, through the lineage events.
#include <algorithm>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "lineage_support.hpp"

namespace antt::editing {

using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

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

}  // namespace antt::editing
