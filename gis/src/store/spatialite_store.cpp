// The SpatiaLite store: one SQLite file, WAL mode, schema migrations, every write in one
// transaction attributed to an actor through audit_context.
#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/store/sqlite.hpp"
#include "antt/store/store.hpp"
#include "access_tables.hpp"
#include "change_feed.hpp"
#include "row_readers.hpp"
#include "schema.hpp"
#include "spatialite_copy.hpp"
#include "store_rules.hpp"

namespace antt::store {
namespace {

using rows::kIndicatorColumns;
using rows::kStatusColumns;
using rows::kUnitColumns;
using rows::read_indicator_value;
using rows::read_status;
using rows::read_unit;

void load_spatialite(const Database& db) {
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
  char* error = nullptr;
  if (sqlite3_load_extension(db.get(), "mod_spatialite", nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("cannot load SpatiaLite (mod_spatialite): " + message +
                     "; install libsqlite3-mod-spatialite (scripts/install-deps.sh)");
  }
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
}

class SpatiaLiteStore final : public Store {
 public:
  SpatiaLiteStore(Database db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  void write(const Actor& actor, const std::function<void()>& body) override {
    if (depth_ > 0) {  // nested write: part of the enclosing transaction
      ++depth_;
      try {
        body();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return;
    }
    db_.exec("BEGIN IMMEDIATE");
    depth_ = 1;
    try {
      db_.prepare_cached("INSERT INTO audit_context (id, user, tool) VALUES (1, ?, ?)")
          .bind(1, actor.user.empty() ? std::string("unknown") : actor.user)
          .bind(2, actor.tool.empty() ? std::string("anttmap") : actor.tool)
          .run();
      body();
      db_.exec("DELETE FROM audit_context");
      db_.exec("COMMIT");
      depth_ = 0;
    } catch (...) {
      depth_ = 0;
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  int schema_version() const override {
    auto row = db_.prepare("PRAGMA user_version");
    row.step();
    return static_cast<int>(row.integer(0));
  }

  std::int64_t insert_unit(const UnitVersion& unit) override {
    require_write("insert_unit");
    rules::check_unit(unit);
    auto clash = overlapping_versions(unit.code, unit.valid_from, unit.valid_to);
    if (!clash.empty()) rules::refuse_overlap(unit, clash.front());
    auto insert = db_.prepare_cached(
        "INSERT INTO unit (code, name, kind, subtype, parent_code, valid_from, valid_to, synthetic, geom) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))");
    insert.bind(1, unit.code).bind(2, unit.name).bind(3, to_string(unit.kind)).bind_or_null(4, unit.subtype);
    insert.bind_or_null(5, unit.parent_code).bind(6, unit.valid_from.empty() ? std::string(kOpenStart) : unit.valid_from);
    insert.bind(7, unit.valid_to).bind(8, unit.synthetic ? 1 : 0).bind_blob(9, unit.geometry_wkb);
    insert.run();
    return db_.last_insert_id();
  }

  void delete_unit_version(std::int64_t id) override {
    require_write("delete_unit_version");
    db_.prepare_cached("DELETE FROM unit WHERE id = ?").bind(1, id).run();
  }

  void update_unit_geometry(std::int64_t id, const std::string& wkb) override {
    require_write("update_unit_geometry");
    db_.prepare_cached("UPDATE unit SET geom = GeomFromWKB(?, 4326) WHERE id = ?").bind_blob(1, wkb).bind(2, id).run();
  }

  void close_unit_version(std::int64_t id, const std::string& date) override {
    require_write("close_unit_version");
    db_.prepare_cached("UPDATE unit SET valid_to = ? WHERE id = ?").bind(1, require_iso_date(date, "valid_to")).bind(2, id).run();
  }

  std::vector<UnitVersion> units(const UnitQuery& query) const override {
    std::string sql = std::string("SELECT ") + kUnitColumns + (query.with_geometry ? ", AsBinary(geom)" : "") +
                      " FROM unit WHERE 1 = 1";
    if (query.at_date) sql += " AND valid_from <= :date AND (valid_to IS NULL OR valid_to > :date)";
    if (query.code) sql += " AND code = :code";
    if (!query.kinds.empty()) {
      sql += " AND kind IN (";
      for (size_t i = 0; i < query.kinds.size(); ++i)
        sql += (i ? ", '" : "'") + std::string(to_string(query.kinds[i])) + "'";
      sql += ")";
    }
    sql += " ORDER BY code, valid_from";
    auto statement = db_.prepare_cached(sql);
    if (query.at_date) statement.bind(statement.parameter_index(":date"), *query.at_date);
    if (query.code) statement.bind(statement.parameter_index(":code"), *query.code);
    std::vector<UnitVersion> out;
    while (statement.step()) out.push_back(read_unit(statement, query.with_geometry));
    return out;
  }

  std::optional<UnitVersion> unit_at(const std::string& code, const std::string& date,
                                     bool with_geometry) const override {
    auto found = units(UnitQuery{date, {}, code, with_geometry});
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  std::vector<UnitVersion> overlapping_versions(const std::string& code, const std::string& from,
                                                const std::optional<std::string>& to) const override {
    auto statement = db_.prepare_cached(std::string("SELECT ") + kUnitColumns +
                                 " FROM unit WHERE code = ? AND valid_from < ? AND ? < COALESCE(valid_to, '9999-12-31')"
                                 " ORDER BY valid_from");
    statement.bind(1, code).bind(2, to ? *to : std::string(kOpenEnd)).bind(3, from.empty() ? std::string(kOpenStart) : from);
    std::vector<UnitVersion> out;
    while (statement.step()) out.push_back(read_unit(statement, false));
    return out;
  }

  std::int64_t add_status(const StatusRecord& record) override {
    require_write("add_status");
    rules::check_status(record);
    if (!unit_at(record.unit_code, year_end(record.year), false))
      rules::refuse_missing_unit_of_year(record.unit_code, record.year);
    std::optional<std::int64_t> current;
    {
      auto previous = db_.prepare_cached("SELECT max(id) FROM unit_status WHERE unit_code = ? AND year = ?");
      previous.bind(1, record.unit_code).bind(2, record.year);
      if (previous.step() && !previous.is_null(0)) current = previous.integer(0);
    }
    auto insert = db_.prepare_cached(
        "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority, "
        "resolution_adopted, pledge_share, police_rating, villages_recognised_share, effective_models, note, "
        "supersedes, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "COALESCE((SELECT user FROM audit_context WHERE id = 1), 'sql'))");
    const Criteria& c = record.criteria;
    insert.bind(1, record.unit_code).bind(2, record.year).bind(3, to_string(record.status));
    insert.bind_or_null(4, record.decision_number).bind_or_null(5, record.decision_date).bind_or_null(6, record.authority);
    if (c.resolution_adopted) insert.bind(7, *c.resolution_adopted ? 1 : 0); else insert.bind_null(7);
    insert.bind(8, c.pledge_share).bind(9, c.police_rating).bind(10, c.villages_recognised_share);
    insert.bind(11, c.effective_models).bind_or_null(12, record.note).bind(13, current);
    insert.run();
    return db_.last_insert_id();
  }

  std::map<std::string, StatusRecord> statuses_of_year(int year) const override {
    auto statement = db_.prepare_cached(std::string("SELECT ") + kStatusColumns +
                                 " FROM unit_status s WHERE year = ? AND id = "
                                 "(SELECT max(id) FROM unit_status t WHERE t.unit_code = s.unit_code AND t.year = s.year)");
    statement.bind(1, year);
    std::map<std::string, StatusRecord> out;
    while (statement.step()) {
      auto record = read_status(statement);
      out.emplace(record.unit_code, std::move(record));
    }
    return out;
  }

  std::int64_t add_indicator_value(const IndicatorValue& value) override {
    require_write("add_indicator_value");
    if (!unit_at(value.unit_code, year_end(value.year), false))
      rules::refuse_missing_unit_of_year(value.unit_code, value.year);
    std::optional<std::int64_t> current;
    {
      auto previous = db_.prepare_cached(
          "SELECT max(id) FROM indicator_value WHERE unit_code = ? AND year = ? AND indicator = ?");
      previous.bind(1, value.unit_code).bind(2, value.year).bind(3, value.indicator);
      if (previous.step() && !previous.is_null(0)) current = previous.integer(0);
    }
    auto insert = db_.prepare_cached(
        "INSERT INTO indicator_value (unit_code, year, indicator, number, text, note, supersedes, recorded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT user FROM audit_context WHERE id = 1), 'sql'))");
    insert.bind(1, value.unit_code).bind(2, value.year).bind(3, value.indicator).bind(4, value.number);
    insert.bind_or_null(5, value.text).bind_or_null(6, value.note).bind(7, current);
    insert.run();
    return db_.last_insert_id();
  }

  std::vector<IndicatorValue> indicator_values(int year, const std::optional<std::string>& known_at) const override {
    // As statuses_known_at: recorded_at is UTC text of one width, so text order is time order.
    auto statement = db_.prepare_cached(
        std::string("SELECT ") + kIndicatorColumns +
        " FROM indicator_value v WHERE year = ? AND id = (SELECT max(id) FROM indicator_value t WHERE t.unit_code = "
        "v.unit_code AND t.year = v.year AND t.indicator = v.indicator AND t.recorded_at <= ?) ORDER BY unit_code, "
        "indicator");
    statement.bind(1, year).bind(2, known_at.value_or(std::string(kOpenEnd)));
    std::vector<IndicatorValue> out;
    while (statement.step()) out.push_back(read_indicator_value(statement));
    return out;
  }

  std::vector<IndicatorValue> indicator_history(const std::string& unit_code) const override {
    auto statement = db_.prepare_cached(std::string("SELECT ") + kIndicatorColumns +
                                        " FROM indicator_value WHERE unit_code = ? ORDER BY year, indicator, id");
    statement.bind(1, unit_code);
    std::vector<IndicatorValue> out;
    while (statement.step()) out.push_back(read_indicator_value(statement));
    return out;
  }

  std::map<std::string, StatusRecord> statuses_known_at(int year, const std::string& instant) const override {
    // recorded_at is UTC text of one width ("…T08:30:00.123Z"): text order is time order.
    auto statement = db_.prepare_cached(std::string("SELECT ") + kStatusColumns +
                                        " FROM unit_status s WHERE year = ? AND id = (SELECT max(id) FROM unit_status t "
                                        "WHERE t.unit_code = s.unit_code AND t.year = s.year AND t.recorded_at <= ?)");
    statement.bind(1, year).bind(2, instant);
    std::map<std::string, StatusRecord> out;
    while (statement.step()) {
      auto record = read_status(statement);
      out.emplace(record.unit_code, std::move(record));
    }
    return out;
  }

  std::vector<StatusRecord> status_history(const std::string& unit_code) const override {
    auto statement = db_.prepare_cached(std::string("SELECT ") + kStatusColumns +
                                 " FROM unit_status WHERE unit_code = ? ORDER BY year, id");
    statement.bind(1, unit_code);
    std::vector<StatusRecord> out;
    while (statement.step()) out.push_back(read_status(statement));
    return out;
  }

  std::vector<int> years_with_status() const override {
    auto statement = db_.prepare_cached("SELECT DISTINCT year FROM unit_status ORDER BY year");
    std::vector<int> out;
    while (statement.step()) out.push_back(static_cast<int>(statement.integer(0)));
    return out;
  }

  std::int64_t add_lineage_event(const LineageEvent& event) override {
    require_write("add_lineage_event");
    db_.prepare_cached("INSERT INTO lineage_event (kind, effective_date, decision, note, synthetic) VALUES (?, ?, ?, ?, ?)")
        .bind(1, to_string(event.kind))
        .bind(2, require_iso_date(event.effective_date, "lineage effective date"))
        .bind_or_null(3, event.decision)
        .bind_or_null(4, event.note)
        .bind(5, event.synthetic ? 1 : 0)
        .run();
    std::int64_t id = db_.last_insert_id();
    auto link = db_.prepare_cached("INSERT INTO lineage_link (event_id, role, unit_code, unit_valid_from) VALUES (?, ?, ?, ?)");
    for (const auto& [role, refs] : {std::pair{"from", &event.from}, std::pair{"to", &event.to}})
      for (const auto& ref : *refs) {
        link.reset();
        link.bind(1, id).bind(2, role).bind(3, ref.code).bind(4, ref.valid_from).run();
      }
    return id;
  }

  std::vector<LineageEvent> lineage_events() const override {
    std::map<std::int64_t, LineageEvent> events;
    auto statement = db_.prepare_cached("SELECT id, kind, effective_date, decision, note, synthetic FROM lineage_event ORDER BY id");
    while (statement.step()) {
      LineageEvent event;
      event.id = statement.integer(0);
      event.kind = parse_lineage_kind(statement.text(1));
      event.effective_date = statement.text(2);
      event.decision = statement.text(3);
      event.note = statement.text(4);
      event.synthetic = statement.integer(5) != 0;
      events.emplace(event.id, std::move(event));
    }
    auto links = db_.prepare_cached("SELECT event_id, role, unit_code, unit_valid_from FROM lineage_link ORDER BY event_id, role, unit_code");
    while (links.step()) {
      auto found = events.find(links.integer(0));
      if (found == events.end()) continue;
      (links.text(1) == "from" ? found->second.from : found->second.to).push_back({links.text(2), links.text(3)});
    }
    std::vector<LineageEvent> out;
    for (auto& [id, event] : events) out.push_back(std::move(event));
    return out;
  }

  std::int64_t add_hotspot(const HotspotDesignation& hotspot) override {
    require_write("add_hotspot");
    db_.prepare_cached("INSERT INTO hotspot (commune_code, valid_from, valid_to, decision, note) VALUES (?, ?, ?, ?, ?)")
        .bind(1, hotspot.commune_code)
        .bind(2, require_iso_date(hotspot.valid_from, "hotspot valid_from"))
        .bind(3, hotspot.valid_to)
        .bind_or_null(4, hotspot.decision)
        .bind_or_null(5, hotspot.note)
        .run();
    return db_.last_insert_id();
  }

  void end_hotspot(std::int64_t id, const std::string& date) override {
    require_write("end_hotspot");
    require_iso_date(date, "hotspot end date");
    auto current = db_.prepare_cached("SELECT valid_from, valid_to FROM hotspot WHERE id = ?");
    current.bind(1, id);
    if (!current.step()) rules::refuse_unknown_hotspot(id);
    const std::string from = current.text(0);
    const auto to = current.optional_text(1);
    current.reset();
    rules::check_hotspot_end(id, date, from, to);
    db_.prepare_cached("UPDATE hotspot SET valid_to = ? WHERE id = ?").bind(1, date).bind(2, id).run();
  }

  std::vector<HotspotDesignation> hotspots() const override {
    auto statement = db_.prepare_cached(
        "SELECT id, commune_code, valid_from, valid_to, decision, note FROM hotspot ORDER BY id");
    std::vector<HotspotDesignation> out;
    while (statement.step())
      out.push_back({statement.integer(0), statement.text(1), statement.text(2), statement.optional_text(3),
                     statement.text(4), statement.text(5)});
    return out;
  }

  std::vector<HotspotDesignation> hotspots_at(const std::string& date) const override {
    auto statement = db_.prepare_cached(
        "SELECT id, commune_code, valid_from, valid_to, decision, note FROM hotspot "
        "WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY commune_code");
    statement.bind(1, date);
    std::vector<HotspotDesignation> out;
    while (statement.step())
      out.push_back({statement.integer(0), statement.text(1), statement.text(2), statement.optional_text(3),
                     statement.text(4), statement.text(5)});
    return out;
  }

  void add_cluster(const Cluster& cluster) override {
    require_write("add_cluster");
    db_.prepare_cached("INSERT INTO cluster (code, name, kind) VALUES (?, ?, ?)")
        .bind(1, cluster.code).bind(2, cluster.name).bind(3, to_string(cluster.kind)).run();
  }

  void set_cluster_year(const ClusterYear& year) override {
    require_write("set_cluster_year");
    db_.prepare_cached("DELETE FROM cluster_member WHERE cluster_code = ? AND year = ?")
        .bind(1, year.cluster_code).bind(2, year.year).run();
    auto member = db_.prepare_cached("INSERT INTO cluster_member (cluster_code, year, unit_code) VALUES (?, ?, ?)");
    for (const auto& code : year.member_codes) {
      member.reset();
      member.bind(1, year.cluster_code).bind(2, year.year).bind(3, code).run();
    }
    db_.prepare_cached("DELETE FROM cluster_standing WHERE cluster_code = ? AND year = ?")
        .bind(1, year.cluster_code).bind(2, year.year).run();
    if (!year.standing_unit_code.empty())
      db_.prepare_cached("INSERT INTO cluster_standing (cluster_code, year, unit_code) VALUES (?, ?, ?)")
          .bind(1, year.cluster_code).bind(2, year.year).bind(3, year.standing_unit_code).run();
  }

  void set_cluster_member(const std::string& cluster_code, int year, const std::string& unit_code,
                          bool member) override {
    require_write("set_cluster_member");
    auto known = db_.prepare_cached("SELECT count(*) FROM cluster WHERE code = ?");
    known.bind(1, cluster_code);
    known.step();
    const bool exists = known.integer(0) > 0;
    known.reset();
    if (!exists) throw InputError("no cluster " + cluster_code + " / không có cụm này");
    if (member)
      db_.prepare_cached("INSERT OR IGNORE INTO cluster_member (cluster_code, year, unit_code) VALUES (?, ?, ?)")
          .bind(1, cluster_code).bind(2, year).bind(3, unit_code).run();
    else
      db_.prepare_cached("DELETE FROM cluster_member WHERE cluster_code = ? AND year = ? AND unit_code = ?")
          .bind(1, cluster_code).bind(2, year).bind(3, unit_code).run();
  }

  std::vector<Cluster> clusters() const override {
    auto statement = db_.prepare_cached("SELECT code, name, kind FROM cluster ORDER BY code");
    std::vector<Cluster> out;
    while (statement.step())
      out.push_back({statement.text(0), statement.text(1), parse_cluster_kind(statement.text(2))});
    return out;
  }

  std::vector<ClusterYear> cluster_years(int year) const override {
    std::map<std::string, ClusterYear> years;
    auto members = db_.prepare_cached("SELECT cluster_code, unit_code FROM cluster_member WHERE year = ? ORDER BY cluster_code, unit_code");
    members.bind(1, year);
    while (members.step()) {
      auto& entry = years[members.text(0)];
      entry.cluster_code = members.text(0);
      entry.year = year;
      entry.member_codes.push_back(members.text(1));
    }
    auto standing = db_.prepare_cached("SELECT cluster_code, unit_code FROM cluster_standing WHERE year = ?");
    standing.bind(1, year);
    while (standing.step()) {
      auto& entry = years[standing.text(0)];
      entry.cluster_code = standing.text(0);
      entry.year = year;
      entry.standing_unit_code = standing.text(1);
    }
    std::vector<ClusterYear> out;
    for (auto& [code, entry] : years) out.push_back(std::move(entry));
    return out;
  }

  std::vector<int> years_with_clusters() const override {
    auto statement = db_.prepare_cached("SELECT year FROM cluster_member UNION SELECT year FROM cluster_standing ORDER BY year");
    std::vector<int> out;
    while (statement.step()) out.push_back(static_cast<int>(statement.integer(0)));
    return out;
  }

  std::int64_t add_model(const SelfManagementModel& model) override {
    require_write("add_model");
    db_.prepare_cached("INSERT INTO model (code, type, name, unit_code, founded, location) VALUES (?, ?, ?, ?, ?, GeomFromWKB(?, 4326))")
        .bind(1, model.code).bind(2, model.type).bind(3, model.name).bind(4, model.unit_code)
        .bind_or_null(5, model.founded).bind_blob(6, model.location_wkb).run();
    return db_.last_insert_id();
  }

  void set_model_year(const ModelYear& model_year) override {
    require_write("set_model_year");
    db_.prepare_cached("INSERT INTO model_year (model_id, year, effective) VALUES (?, ?, ?) "
                "ON CONFLICT (model_id, year) DO UPDATE SET effective = excluded.effective")
        .bind(1, model_year.model_id).bind(2, model_year.year).bind(3, model_year.effective ? 1 : 0).run();
  }

  std::vector<SelfManagementModel> models() const override {
    auto statement = db_.prepare_cached("SELECT id, code, type, name, unit_code, AsBinary(location), founded FROM model ORDER BY code");
    std::vector<SelfManagementModel> out;
    while (statement.step())
      out.push_back({statement.integer(0), statement.text(1), statement.text(2), statement.text(3), statement.text(4),
                     statement.blob(5), statement.text(6)});
    return out;
  }

  std::map<std::int64_t, bool> model_effectiveness(int year) const override {
    auto statement = db_.prepare_cached("SELECT model_id, effective FROM model_year WHERE year = ?");
    statement.bind(1, year);
    std::map<std::int64_t, bool> out;
    while (statement.step()) out[statement.integer(0)] = statement.integer(1) != 0;
    return out;
  }

  void set_core_force(const CoreForce& force) override {
    require_write("set_core_force");
    db_.prepare_cached("INSERT INTO core_force (unit_code, year, staffed, members) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (unit_code, year) DO UPDATE SET staffed = excluded.staffed, members = excluded.members")
        .bind(1, force.unit_code).bind(2, force.year).bind(3, force.staffed ? 1 : 0).bind(4, force.members).run();
  }

  std::vector<CoreForce> core_forces(int year) const override {
    auto statement = db_.prepare_cached("SELECT unit_code, year, staffed, members FROM core_force WHERE year = ? ORDER BY unit_code");
    statement.bind(1, year);
    std::vector<CoreForce> out;
    while (statement.step())
      out.push_back({statement.text(0), static_cast<int>(statement.integer(1)), statement.integer(2) != 0,
                     static_cast<int>(statement.integer(3))});
    return out;
  }

  void set_festival(const Festival& festival) override {
    require_write("set_festival");
    db_.prepare_cached("INSERT INTO festival (unit_code, year, held) VALUES (?, ?, ?) "
                "ON CONFLICT (unit_code, year) DO UPDATE SET held = excluded.held")
        .bind(1, festival.unit_code).bind(2, festival.year).bind(3, festival.held ? 1 : 0).run();
  }

  std::vector<Festival> festivals(int year) const override {
    auto statement = db_.prepare_cached("SELECT unit_code, year, held FROM festival WHERE year = ? ORDER BY unit_code");
    statement.bind(1, year);
    std::vector<Festival> out;
    while (statement.step())
      out.push_back({statement.text(0), static_cast<int>(statement.integer(1)), statement.integer(2) != 0});
    return out;
  }

  std::optional<std::string> setting(const std::string& key) const override {
    auto statement = db_.prepare_cached("SELECT value FROM settings WHERE key = ?");
    statement.bind(1, key);
    if (!statement.step()) return std::nullopt;
    return statement.text(0);
  }

  void set_setting(const std::string& key, const std::string& value) override {
    require_write("set_setting");
    db_.prepare_cached("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, key).bind(2, value).run();
  }

  std::int64_t add_validation_override(const ValidationOverride& record) override {
    require_write("add_validation_override");
    rules::check_override(record);
    nlohmann::json units = record.units;
    db_.prepare_cached("INSERT INTO validation_override (recorded_by, reason, units, findings) VALUES "
                       "(COALESCE((SELECT user FROM audit_context WHERE id = 1), 'sql'), ?, ?, ?)")
        .bind(1, record.reason)
        .bind(2, units.dump())
        .bind(3, record.findings_json.empty() ? std::string("[]") : record.findings_json)
        .run();
    return db_.last_insert_id();
  }

  std::int64_t add_decision_document(const DecisionDocument& document) override {
    require_write("add_decision_document");
    const std::string type = rules::checked_decision_media_type(document);
    auto current = db_.prepare_cached("SELECT max(id) FROM unit_status WHERE unit_code = ? AND year = ?");
    current.bind(1, document.unit_code).bind(2, document.year);
    if (!current.step() || current.is_null(0)) rules::refuse_decision_without_status(document);
    const std::int64_t status_id = current.integer(0);
    const std::string hex = rules::sha256_hex(document.content);
    db_.prepare_cached("INSERT INTO decision_document (unit_code, year, status_id, media_type, file_name, bytes, "
                       "sha256, content, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                       "COALESCE((SELECT user FROM audit_context WHERE id = 1), 'sql'))")
        .bind(1, document.unit_code)
        .bind(2, document.year)
        .bind(3, status_id)
        .bind(4, type)
        .bind(5, document.file_name)
        .bind(6, static_cast<std::int64_t>(document.content.size()))
        .bind(7, hex)
        .bind_blob(8, document.content)
        .run();
    return db_.last_insert_id();
  }

  std::optional<DecisionDocument> decision_document(const std::string& unit_code, int year,
                                                    bool with_content) const override {
    auto statement = db_.prepare_cached(
        std::string("SELECT id, unit_code, year, status_id, media_type, file_name, ") +
        (with_content ? "content" : "''") +
        ", bytes, sha256, uploaded_at, uploaded_by FROM decision_document WHERE unit_code = ? AND year = ? "
        "ORDER BY id DESC LIMIT 1");
    statement.bind(1, unit_code).bind(2, year);
    if (!statement.step()) return std::nullopt;
    return DecisionDocument{statement.integer(0), statement.text(1),  static_cast<int>(statement.integer(2)),
                            statement.integer(3), statement.text(4),  statement.text(5),
                            statement.blob(6),    statement.integer(7), statement.text(8),
                            statement.text(9),    statement.text(10)};
  }

  std::vector<ValidationOverride> validation_overrides() const override {
    auto statement =
        db_.prepare_cached("SELECT id, at, recorded_by, reason, units, findings FROM validation_override ORDER BY id");
    std::vector<ValidationOverride> out;
    while (statement.step()) {
      ValidationOverride record{statement.integer(0), statement.text(1), statement.text(2), statement.text(3), {},
                                statement.text(5)};
      auto units = nlohmann::json::parse(statement.text(4), nullptr, false);
      if (units.is_array())
        for (const auto& code : units)
          if (code.is_string()) record.units.push_back(code.get<std::string>());
      out.push_back(std::move(record));
    }
    return out;
  }

  // Accounts, keys and the token secret: access_tables.cpp --------------------------------

  void add_account(const Account& account, const std::string& password_hash) override {
    require_write("add_account");
    access_tables::add_account(db_, account, password_hash);
  }
  void set_account_password(const std::string& name, const std::string& password_hash) override {
    require_write("set_account_password");
    access_tables::set_account_password(db_, name, password_hash);
  }
  void set_account_disabled(const std::string& name, bool disabled) override {
    require_write("set_account_disabled");
    access_tables::set_account_disabled(db_, name, disabled);
  }
  std::vector<Account> accounts() const override { return access_tables::accounts(db_); }
  std::optional<std::pair<Account, std::string>> account_credentials(const std::string& name) const override {
    return access_tables::account_credentials(db_, name);
  }
  void add_api_key(const ApiKey& key, const std::string& digest) override {
    require_write("add_api_key");
    access_tables::add_api_key(db_, key, digest);
  }
  void revoke_api_key(const std::string& name) override {
    require_write("revoke_api_key");
    access_tables::revoke_api_key(db_, name);
  }
  std::vector<ApiKey> api_keys() const override { return access_tables::api_keys(db_); }
  std::vector<std::pair<ApiKey, std::string>> active_api_key_digests() const override {
    return access_tables::active_api_key_digests(db_);
  }
  std::int64_t rotate_server_secret(const std::string& secret) override {
    require_write("rotate_server_secret");
    return access_tables::rotate_server_secret(db_, secret);
  }
  std::optional<std::pair<std::int64_t, std::string>> server_secret() const override {
    return access_tables::server_secret(db_);
  }

  std::int64_t change_position() const override { return newest_change_position(db_); }

  std::vector<Change> changes_since(std::int64_t position) const override { return read_changes(db_, position); }

  std::vector<AuditEntry> audit_entries(std::int64_t after_id) const override {
    auto statement = db_.prepare_cached(
        "SELECT id, at, user, tool, table_name, operation, row_key, before_json, after_json, AsBinary(before_geom), "
        "AsBinary(after_geom) FROM audit_log "
        "WHERE id > ? ORDER BY id");
    statement.bind(1, after_id);
    std::vector<AuditEntry> out;
    while (statement.step())
      out.push_back({statement.integer(0), statement.text(1), statement.text(2), statement.text(3), statement.text(4),
                     statement.text(5), statement.text(6), statement.text(7), statement.text(8), statement.blob(9), statement.blob(10)});
    return out;
  }

  // Whole-store copies: spatialite_copy.cpp ---------------------------------------------------

  std::vector<StoredColumn> stored_columns(const std::string& table) const override {
    return spatialite_copy::stored_columns(db_, table);
  }
  void read_stored_rows(const std::string& table, const std::vector<StoredColumn>& columns,
                        const std::function<void(const StoredRow&)>& row) const override {
    spatialite_copy::read_stored_rows(db_, table, columns, row);
  }
  void load_stored_rows(const std::function<void(const StoredRowSink&)>& produce) override {
    spatialite_copy::load_stored_rows(db_, path_, produce);
  }

  void backup_to(const std::string& path) const override {
    auto target = Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", db_.get(), "main");
    if (!backup) throw StoreError("cannot start backup to '" + path + "': " + target.error_message());
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) throw StoreError("backup to '" + path + "' failed: " + std::string(sqlite3_errstr(rc)));
  }

  void migrate() {
    int current = schema_version();
    const auto& list = schema::migrations();
    if (current > list.back().version)
      throw StoreError("store '" + path_ + "' has schema version " + std::to_string(current) +
                       ", newer than this anttmap knows (" + std::to_string(list.back().version) + "); upgrade anttmap");
    if (current == 0) {
      // A fresh file or a foreign SQLite database: only an empty file may be initialised.
      auto tables = db_.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      tables.step();
      if (tables.integer(0) > 0)
        throw StoreError("'" + path_ + "' is an SQLite database but not an anttmap store; choose another --db path");
    }
    for (const auto& migration : list) {
      if (migration.version <= current) continue;
      db_.exec("BEGIN IMMEDIATE");
      try {
        if (migration.version == 1) {
          auto init = db_.prepare("SELECT InitSpatialMetadata(0, 'WGS84')");
          init.step();
        }
        db_.exec(migration.sql);
        db_.exec("PRAGMA user_version = " + std::to_string(migration.version));
        db_.exec("COMMIT");
      } catch (...) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
    }
  }

 private:
  void require_write(const char* operation) const {
    if (depth_ == 0)
      throw Error(std::string("internal: store.") + operation + " called outside store.write()");
  }

  Database db_;
  std::string path_;
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<Store> open_spatialite_store(const std::string& path, bool create) {
  if (!create && !std::filesystem::exists(path))
    throw StoreError("no store at '" + path + "'; create one with `anttmap --db " + path +
                     " init` / chưa có CSDL, hãy chạy init");
  auto db = Database::open(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX);
  load_spatialite(db);
  try {
    db.exec("PRAGMA journal_mode = WAL");
  } catch (const StoreError& error) {  // e.g. "file is not a database"
    throw StoreError("'" + path + "' is not an anttmap store (" + error.what() + "); choose another --db path");
  }
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = NORMAL");
  auto store = std::make_unique<SpatiaLiteStore>(std::move(db), path);
  store->migrate();  // refuses newer or foreign files; applies pending migrations; no-op when current
  return store;
}

std::unique_ptr<Store> open_store(const std::string& location, bool create) {
  if (is_postgis_location(location)) return open_postgis_store(location, create);
  return open_spatialite_store(location, create);
}

int latest_schema_version() { return schema::migrations().back().version; }

void restore_spatialite_store(const std::string& source, const std::string& target) {
  if (!std::filesystem::exists(source)) throw StoreError("no backup file '" + source + "'");
  {
    auto check = open_spatialite_store(source, false);  // refuses foreign or newer files
  }
  auto from = Database::open(source, SQLITE_OPEN_READONLY);
  auto to = Database::open(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!backup) throw StoreError("cannot restore into '" + target + "': " + to.error_message());
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw StoreError("restore into '" + target + "' failed: " + std::string(sqlite3_errstr(rc)));
}

bool holds_synthetic_data(const Store& store) { return store.setting(kSyntheticDataSetting).value_or("") == "1"; }

}  // namespace antt::store
