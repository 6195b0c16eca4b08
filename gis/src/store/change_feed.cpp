// The SpatiaLite store's change feed, read from its audit log: the triggers write every change of
// every table there (anttmap, QGIS and plain SQL alike), with the row before and after as JSON and
// the geometry before and after, so the feed needs nothing else.
#include "change_feed.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace antt::store {
namespace {

using Json = nlohmann::json;

ChangeTopic topic_of_table(std::string_view table) {
  if (table == "unit") return ChangeTopic::unit;
  if (table == "unit_status") return ChangeTopic::status;
  if (table == "lineage_event" || table == "lineage_link") return ChangeTopic::lineage;
  if (table == "hotspot") return ChangeTopic::hotspot;
  if (table == "cluster") return ChangeTopic::cluster;
  if (table == "cluster_member" || table == "cluster_standing") return ChangeTopic::cluster_membership;
  if (table == "model") return ChangeTopic::model;
  if (table == "model_year") return ChangeTopic::model_year;
  if (table == "core_force") return ChangeTopic::core_force;
  if (table == "festival") return ChangeTopic::festival;
  if (table == "settings") return ChangeTopic::setting;
  if (table == "validation_override") return ChangeTopic::validation_override;
  if (table == "account" || table == "api_key" || table == "server_secret") return ChangeTopic::account;
  if (table == "indicator_value") return ChangeTopic::indicator;
  return ChangeTopic::other;
}

Json parse_row(const std::string& text) {
  if (text.empty()) return Json::object();
  auto parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() || !parsed.is_object() ? Json::object() : parsed;
}

std::optional<std::string> text_of(const Json& row, const char* key) {
  auto found = row.find(key);
  if (found == row.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

std::optional<int> int_of(const Json& row, const char* key) {
  auto found = row.find(key);
  if (found == row.end()) return std::nullopt;
  if (found->is_number_integer()) return found->get<int>();
  if (found->is_string()) {  // plain SQL may store a year as text
    const std::string text = found->get<std::string>();
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoi(text);
  }
  return std::nullopt;
}

/// The year of an ISO date's first four digits; nothing when it has none.
std::optional<int> year_of_date(const std::string& date) {
  if (date.size() < 4 || !std::all_of(date.begin(), date.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(date.substr(0, 4));
}

/// Years a validity [from, to) touches: the year of `from` to the year of the day before `to`.
std::optional<YearSpan> span_of_validity(const Json& row, const char* from_key, const char* to_key) {
  if (row.empty()) return std::nullopt;
  const auto from = year_of_date(text_of(row, from_key).value_or(std::string(kOpenStart)));
  if (!from) return std::nullopt;
  YearSpan span{*from, YearSpan::kLastYear};
  if (auto to = text_of(row, to_key)) {
    const auto end = year_of_date(*to);
    if (!end) return std::nullopt;
    // valid_to is exclusive: a version ending on 1 January ends with the year before.
    span.last = to->size() >= 10 && to->compare(4, 6, "-01-01") == 0 ? *end - 1 : *end;
    span.last = std::max(span.last, span.first);
  }
  return span;
}

std::optional<YearSpan> span_of_year(const Json& row) {
  if (auto year = int_of(row, "year")) return YearSpan{*year, *year};
  return std::nullopt;
}

/// The union of the before and after spans; nothing (every year) when either row cannot say.
std::optional<YearSpan> joined(const Json& before, const Json& after, const std::optional<YearSpan>& a,
                               const std::optional<YearSpan>& b) {
  if ((!before.empty() && !a) || (!after.empty() && !b) || (!a && !b)) return std::nullopt;
  if (!a) return b;
  if (!b) return a;
  return YearSpan{std::min(a->first, b->first), std::max(a->last, b->last)};
}

void add_code(Change& change, const std::optional<std::string>& code) {
  if (code && !code->empty() &&
      std::find(change.unit_codes.begin(), change.unit_codes.end(), *code) == change.unit_codes.end())
    change.unit_codes.push_back(*code);
}

void add_kind(Change& change, const std::optional<std::string>& text) {
  if (!text) return;
  for (UnitKind kind : all_unit_kinds())
    if (to_string(kind) == *text &&
        std::find(change.unit_kinds.begin(), change.unit_kinds.end(), kind) == change.unit_kinds.end())
      change.unit_kinds.push_back(kind);
}

/// Kinds of the unit codes as the store knows them now, cached for one read of the feed.
class KindLookup {
 public:
  explicit KindLookup(const KindsOfCode& lookup) : lookup_(lookup) {}
  const std::vector<UnitKind>& of(const std::string& code) {
    auto found = kinds_.find(code);
    if (found != kinds_.end()) return found->second;
    return kinds_.emplace(code, lookup_(code)).first->second;
  }

 private:
  const KindsOfCode& lookup_;
  std::map<std::string, std::vector<UnitKind>> kinds_;
};

}  // namespace

std::string_view to_string(ChangeTopic topic) {
  switch (topic) {
    case ChangeTopic::unit: return "unit";
    case ChangeTopic::status: return "status";
    case ChangeTopic::lineage: return "lineage";
    case ChangeTopic::hotspot: return "hotspot";
    case ChangeTopic::cluster: return "cluster";
    case ChangeTopic::cluster_membership: return "cluster_membership";
    case ChangeTopic::model: return "model";
    case ChangeTopic::model_year: return "model_year";
    case ChangeTopic::core_force: return "core_force";
    case ChangeTopic::festival: return "festival";
    case ChangeTopic::setting: return "setting";
    case ChangeTopic::validation_override: return "validation_override";
    case ChangeTopic::account: return "account";
    case ChangeTopic::indicator: return "indicator";
    case ChangeTopic::other: return "other";
  }
  return "other";
}

std::int64_t newest_change_position(const Database& db) {
  auto statement = db.prepare_cached("SELECT COALESCE(max(id), 0) FROM audit_log");
  statement.step();
  return statement.integer(0);
}

std::vector<UnitKind> parse_unit_kinds(const std::vector<std::string>& texts) {
  std::vector<UnitKind> kinds;
  for (const auto& text : texts)
    for (UnitKind kind : all_unit_kinds())
      if (to_string(kind) == text) kinds.push_back(kind);
  return kinds;
}

std::vector<Change> read_changes(const Database& db, std::int64_t after) {
  auto statement = db.prepare_cached(
      "SELECT id, table_name, before_json, after_json, "
      "MbrMinX(before_geom), MbrMinY(before_geom), MbrMaxX(before_geom), MbrMaxY(before_geom), "
      "MbrMinX(after_geom), MbrMinY(after_geom), MbrMaxX(after_geom), MbrMaxY(after_geom) "
      "FROM audit_log WHERE id > ? ORDER BY id");
  statement.bind(1, after);
  std::vector<AuditedChange> entries;
  while (statement.step()) {
    AuditedChange entry{statement.integer(0), statement.text(1), statement.text(2), statement.text(3), {}};
    for (int column : {4, 8})
      if (!statement.is_null(column))
        entry.boxes.push_back({statement.real(column), statement.real(column + 1), statement.real(column + 2),
                               statement.real(column + 3)});
    entries.push_back(std::move(entry));
  }
  statement.reset();
  const KindsOfCode kinds_of = [&db](const std::string& code) {
    auto kinds = db.prepare_cached("SELECT DISTINCT kind FROM unit WHERE code = ?");
    kinds.bind(1, code);
    std::vector<std::string> texts;
    while (kinds.step()) texts.push_back(kinds.text(0));
    return parse_unit_kinds(texts);
  };
  return changes_of(std::move(entries), kinds_of);
}

std::vector<Change> changes_of(std::vector<AuditedChange> entries, const KindsOfCode& kinds_of) {
  KindLookup kinds(kinds_of);
  std::vector<Change> changes;
  changes.reserve(entries.size());
  for (auto& entry : entries) {
    const Json before = parse_row(entry.before_json);
    const Json after = parse_row(entry.after_json);
    Change change;
    change.position = entry.id;
    change.topic = topic_of_table(entry.table);
    change.boxes = std::move(entry.boxes);
    const std::vector<const Json*> rows{&before, &after};
    auto codes_from = [&](const char* key) {
      for (const Json* row : rows) add_code(change, text_of(*row, key));
    };
    auto years_from_year = [&] { change.years = joined(before, after, span_of_year(before), span_of_year(after)); };
    switch (change.topic) {
      case ChangeTopic::unit:
        codes_from("code");
        for (const Json* row : rows) add_kind(change, text_of(*row, "kind"));
        change.years = joined(before, after, span_of_validity(before, "valid_from", "valid_to"),
                              span_of_validity(after, "valid_from", "valid_to"));
        break;
      case ChangeTopic::status:
        codes_from("unit_code");
        years_from_year();
        break;
      case ChangeTopic::hotspot:
        codes_from("commune_code");
        change.years = joined(before, after, span_of_validity(before, "valid_from", "valid_to"),
                              span_of_validity(after, "valid_from", "valid_to"));
        break;
      case ChangeTopic::cluster_membership:
      case ChangeTopic::core_force:
      case ChangeTopic::festival:
      case ChangeTopic::indicator:
        codes_from("unit_code");
        years_from_year();
        break;
      case ChangeTopic::model:
        codes_from("unit_code");
        break;
      case ChangeTopic::model_year:
        years_from_year();
        break;
      case ChangeTopic::lineage:
        codes_from("unit_code");
        break;
      case ChangeTopic::cluster:
      case ChangeTopic::setting:
      case ChangeTopic::validation_override:
      case ChangeTopic::account:
      case ChangeTopic::other:
        break;
    }
    if (change.topic != ChangeTopic::unit)
      for (const auto& code : change.unit_codes)
        for (UnitKind kind : kinds.of(code))
          if (std::find(change.unit_kinds.begin(), change.unit_kinds.end(), kind) == change.unit_kinds.end())
            change.unit_kinds.push_back(kind);
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace antt::store
