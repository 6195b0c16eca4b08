// Changes of units in time over the network (docs/api.md, "Lineage"): a merge, split, rename,
// reclassification, transfer, abolition or creation recorded by an editor inside their scope (an
// admin anywhere) through editing::apply_lineage, the one write path the CLI's `lineage` uses.
#include "serve/lineage_edits.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/text/unicode.hpp"
#include "serve/candidates_body.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxLineageTextBytes = 500;
constexpr std::size_t kMaxLineageCodes = 200;

std::string lineage_text(const json& body, const char* key, bool required) {
  const auto found = body.find(key);
  if (found == body.end() || found->is_null()) {
    if (required) throw RequestError(400, std::string("\"") + key + "\" is required / thiếu \"" + key + "\"");
    return {};
  }
  if (!found->is_string()) throw RequestError(400, std::string("\"") + key + "\" must be a string");
  std::string text = text::trim(text::to_nfc(checked_text(found->get<std::string>(), kMaxLineageTextBytes, key)));
  if (required && text.empty()) throw RequestError(400, std::string("\"") + key + "\" is empty / \"" + key + "\" để trống");
  return text;
}

std::vector<std::string> lineage_codes(const json& body) {
  const auto found = body.find("from");
  if (found == body.end() || found->is_null()) return {};
  if (!found->is_array() || found->size() > kMaxLineageCodes)
    throw RequestError(400, "\"from\" must be a list of unit codes / \"from\" phải là danh sách mã đơn vị");
  std::vector<std::string> codes;
  for (const auto& code : *found) {
    if (!code.is_string()) throw RequestError(400, "\"from\" must hold unit codes as strings");
    codes.push_back(checked_text(code.get<std::string>(), 64, "from"));
  }
  return codes;
}

/// The new units of a split or a creation: a GeoJSON FeatureCollection whose features carry code,
/// name and optionally subtype and parent_code; geometries read as `POST /api/boundaries` reads them.
std::vector<store::UnitVersion> lineage_new_units(const json& body, store::UnitKind kind) {
  const auto found = body.find("units");
  if (found == body.end() || !found->is_object())
    throw RequestError(400, "this change needs its new units: \"units\", a GeoJSON FeatureCollection / cần \"units\"");
  const auto candidates = read_candidates_body(found->dump());
  std::map<std::string, json> properties;
  for (const auto& feature : found->value("features", json::array()))
    if (feature.is_object() && feature.contains("properties") && feature["properties"].is_object() &&
        feature["properties"].contains("code") && feature["properties"]["code"].is_string())
      properties[feature["properties"]["code"].get<std::string>()] = feature["properties"];
  std::vector<store::UnitVersion> units;
  for (const auto& candidate : candidates) {
    const json& given = properties[candidate.code];
    store::UnitVersion unit;
    unit.code = candidate.code;
    unit.kind = kind;
    unit.geometry_wkb = candidate.geometry_wkb;
    unit.name = lineage_text(given, "name", true);
    unit.subtype = lineage_text(given, "subtype", false);
    unit.parent_code = lineage_text(given, "parent_code", false);
    units.push_back(std::move(unit));
  }
  return units;
}

/// The change a POST body describes (docs/api.md): RequestError naming what is wrong.
editing::LineageChange lineage_change_of(const std::string& text, const store::Store& store) {
  json body;
  try {
    body = json::parse(text);
  } catch (const json::exception&) {
    throw RequestError(400, "the body is not JSON / nội dung không phải JSON");
  }
  if (!body.is_object()) throw RequestError(400, "send a JSON object {\"kind\", \"date\", \"decision\", …}");
  static const std::set<std::string, std::less<>> known = {"kind", "date", "decision", "note", "from", "into", "name",
                                                           "subtype", "parent_code", "unit_kind", "units"};
  for (const auto& [key, value] : body.items())
    if (!known.count(key))
      throw RequestError(400, "unknown field \"" + key + "\" / trường không hợp lệ");
  editing::LineageChange change;
  try {
    change.kind = store::parse_lineage_kind(lineage_text(body, "kind", true));
  } catch (const Error&) {
    throw RequestError(400, "\"kind\" must be merge, split, rename, reclassify, transfer, abolish or create");
  }
  const auto date = parse_iso_date(lineage_text(body, "date", true));
  if (!date) throw RequestError(400, "\"date\" must be YYYY-MM-DD, the day the change takes effect / ngày không hợp lệ");
  change.effective_date = *date;
  change.decision = lineage_text(body, "decision", true);
  change.note = lineage_text(body, "note", false);
  change.from = lineage_codes(body);
  auto kind_on_eve = [&](const std::string& code) {
    const auto version = store.unit_at(code, editing::day_before(change.effective_date), false);
    if (!version)
      throw RequestError(400, "no unit " + code + " is valid on " + editing::day_before(change.effective_date) +
                                  " / không có đơn vị mã " + code);
    return version->kind;
  };
  using store::LineageKind;
  switch (change.kind) {
    case LineageKind::merge: {
      const auto into = body.find("into");
      if (into == body.end() || !into->is_object())
        throw RequestError(400, "a merge needs \"into\": {\"code\", \"name\", …} / cần \"into\"");
      if (change.from.empty()) throw RequestError(400, "a merge needs \"from\": the merged units' codes");
      store::UnitVersion unit;
      unit.code = lineage_text(*into, "code", true);
      unit.name = lineage_text(*into, "name", false);
      unit.subtype = lineage_text(*into, "subtype", false);
      unit.parent_code = lineage_text(*into, "parent_code", false);
      unit.kind = kind_on_eve(change.from.front());
      change.to.push_back(unit);
      break;
    }
    case LineageKind::split:
      if (change.from.size() != 1) throw RequestError(400, "a split takes one unit in \"from\"");
      change.to = lineage_new_units(body, kind_on_eve(change.from.front()));
      break;
    case LineageKind::create: {
      store::UnitKind kind;
      try {
        kind = store::parse_unit_kind(lineage_text(body, "unit_kind", true));
      } catch (const Error&) {
        throw RequestError(400, "\"unit_kind\" must be a kind of unit (commune, village, …)");
      }
      change.to = lineage_new_units(body, kind);
      break;
    }
    case LineageKind::abolish:
      if (change.from.empty()) throw RequestError(400, "an abolition needs \"from\": the units that end");
      break;
    case LineageKind::rename:
    case LineageKind::reclassify:
    case LineageKind::transfer: {
      if (change.from.size() != 1) throw RequestError(400, "this change takes one unit in \"from\"");
      store::UnitVersion next;
      next.code = change.from.front();
      next.kind = kind_on_eve(next.code);
      next.name = lineage_text(body, "name", change.kind == LineageKind::rename);
      next.subtype = lineage_text(body, "subtype", change.kind == LineageKind::reclassify);
      next.parent_code = lineage_text(body, "parent_code", change.kind == LineageKind::transfer);
      change.to.push_back(next);
      break;
    }
  }
  return change;
}

/// 403 unless every unit the change ends, and the parent of every unit it starts, lies in the
/// caller's scope (admins: anywhere). A unit unknown the day before is left to apply_lineage (400).
void require_change_in_scope(const store::Store& store, const editing::LineageChange& change,
                             const access::Caller& caller) {
  const std::string eve = editing::day_before(change.effective_date);
  std::vector<std::string> outside;
  for (const auto& code : change.from)
    if (const auto unit = store.unit_at(code, eve, false); unit && !within_scope(store, *unit, eve, caller))
      outside.push_back(code);
  for (const auto& unit : change.to) {
    if (unit.parent_code.empty()) continue;
    const auto parent = store.unit_at(unit.parent_code, eve, false);
    if (!parent) continue;
    if (!within_scope(store, *parent, eve, caller)) outside.push_back(unit.parent_code);
  }
  if (change.from.empty() && std::all_of(change.to.begin(), change.to.end(),
                                         [](const store::UnitVersion& unit) { return unit.parent_code.empty(); }) &&
      caller.role != access::Role::admin)
    throw RequestError(403, "a unit without a parent is created by an admin / chỉ quản trị viên tạo đơn vị cấp cao nhất");
  if (!outside.empty()) {
    std::string codes;
    for (const auto& code : outside) codes += (codes.empty() ? "" : ", ") + code;
    throw RequestError(403, "outside your scope (" + scope_text(caller) + "): " + codes + " / ngoài phạm vi được giao");
  }
}

}  // namespace

void register_lineage_edits(http::Router& router, std::shared_ptr<StoreWriter> writer) {
  router.post("/api/lineage", [writer](const http::Request& request) {
    return http::Response::deferred([writer, request] {
      return answer_json([&] {
        require_editor(request.caller, "recording a change of units in time");
        return writer->with([&](store::Store& store) {
          const auto change = lineage_change_of(request.body, store);
          require_change_in_scope(store, change, request.caller);
          const auto result = editing::apply_lineage(store, actor_of(request), change);
          http::Response answer = http::Response::json(
              200, json{{"event_id", result.event_id},
                        {"kind", std::string(store::to_string(change.kind))},
                        {"date", change.effective_date},
                        {"closed", result.closed},
                        {"opened", result.opened},
                        {"moved", result.moved}}
                       .dump());
          answer.headers["Cache-Control"] = "no-store";
          answer.reusable = false;
          return answer;
        });
      });
    });
  });
}

}  // namespace antt::serve
