// The PostGIS store: the same tables, rules, audit and change feed as the SpatiaLite store, in a
// PostgreSQL database that several servers and editors share. Each write is one transaction whose
// actor the audit triggers read from anttmap.user/anttmap.tool (set_config, local to it).
#include <poll.h>

#include <algorithm>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/store/store.hpp"
#include "change_feed.hpp"
#include "postgis_access.hpp"
#include "postgis_copy.hpp"
#include "postgis_schema.hpp"
#include "postgres.hpp"
#include "row_readers.hpp"
#include "schema.hpp"
#include "store_rules.hpp"

namespace antt::store {
namespace {

using pg::Params;
using pg::Row;
using rows::kIndicatorColumns;
using rows::kStatusColumns;
using rows::kUnitColumns;

class PostgisStore final : public Store {
 public:
  explicit PostgisStore(pg::Connection db) : db_(std::move(db)) {}

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
    db_.exec_script("BEGIN");
    depth_ = 1;
    try {
      // One writer at a time, as SQLite's BEGIN IMMEDIATE: a write's checks (an If-Match, an overlap, the row
      // a correction supersedes) and the write itself then see no other server's write in between.
      db_.exec_script(std::string("SELECT pg_advisory_xact_lock(") + postgis_schema::kWriterLock + ")");
      db_.exec("SELECT set_config('anttmap.user', $1, true), set_config('anttmap.tool', $2, true)",
               Params()
                   .text(actor.user.empty() ? std::string("unknown") : actor.user)
                   .text(actor.tool.empty() ? std::string("anttmap") : actor.tool));
      body();
      db_.exec_script("COMMIT");
      depth_ = 0;
    } catch (...) {
      depth_ = 0;
      rollback();
      throw;
    }
  }

  int schema_version() const override {
    auto result = db_.exec("SELECT version FROM anttmap_schema");
    return result.rows() ? static_cast<int>(result.integer(0, 0)) : 0;
  }

  // Units ------------------------------------------------------------------------------------

  std::int64_t insert_unit(const UnitVersion& unit) override {
    require_write("insert_unit");
    rules::check_unit(unit);
    auto clash = overlapping_versions(unit.code, unit.valid_from, unit.valid_to);
    if (!clash.empty()) rules::refuse_overlap(unit, clash.front());
    auto result = db_.exec(
        "INSERT INTO unit (code, name, kind, subtype, parent_code, valid_from, valid_to, synthetic, geom) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_GeomFromWKB($9, 4326)) RETURNING id",
        Params()
            .text(unit.code)
            .text(unit.name)
            .text(to_string(unit.kind))
            .text_or_null(unit.subtype)
            .text_or_null(unit.parent_code)
            .text(unit.valid_from.empty() ? std::string(kOpenStart) : unit.valid_from)
            .optional(unit.valid_to)
            .integer(unit.synthetic ? 1 : 0)
            .bytes(unit.geometry_wkb));
    return result.integer(0, 0);
  }

  void delete_unit_version(std::int64_t id) override {
    require_write("delete_unit_version");
    db_.exec("DELETE FROM unit WHERE id = $1", Params().integer(id));
  }

  void update_unit_geometry(std::int64_t id, const std::string& wkb) override {
    require_write("update_unit_geometry");
    db_.exec("UPDATE unit SET geom = ST_GeomFromWKB($1, 4326) WHERE id = $2", Params().bytes(wkb).integer(id));
  }

  void close_unit_version(std::int64_t id, const std::string& date) override {
    require_write("close_unit_version");
    db_.exec("UPDATE unit SET valid_to = $1 WHERE id = $2",
             Params().text(require_iso_date(date, "valid_to")).integer(id));
  }

  std::vector<UnitVersion> units(const UnitQuery& query) const override {
    std::string sql = std::string("SELECT ") + kUnitColumns + (query.with_geometry ? ", ST_AsBinary(geom)" : "") +
                      " FROM unit WHERE true";
    Params params;
    int next = 1;
    if (query.at_date) {
      const std::string at = "$" + std::to_string(next++);
      sql += " AND valid_from <= " + at + " AND (valid_to IS NULL OR valid_to > " + at + ")";
      params.text(*query.at_date);
    }
    if (query.code) {
      sql += " AND code = $" + std::to_string(next++);
      params.text(*query.code);
    }
    if (!query.kinds.empty()) {
      sql += " AND kind IN (";
      for (size_t i = 0; i < query.kinds.size(); ++i)
        sql += (i ? ", '" : "'") + std::string(to_string(query.kinds[i])) + "'";
      sql += ")";
    }
    sql += " ORDER BY code, valid_from";
    auto result = db_.exec(sql, params);
    std::vector<UnitVersion> out;
    out.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) out.push_back(rows::read_unit(Row(result, row), query.with_geometry));
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
    auto result = db_.exec(std::string("SELECT ") + kUnitColumns +
                               " FROM unit WHERE code = $1 AND valid_from < $2 AND $3 < COALESCE(valid_to, '9999-12-31')"
                               " ORDER BY valid_from",
                           Params().text(code).text(to ? *to : std::string(kOpenEnd)).text(
                               from.empty() ? std::string(kOpenStart) : from));
    std::vector<UnitVersion> out;
    for (int row = 0; row < result.rows(); ++row) out.push_back(rows::read_unit(Row(result, row), false));
    return out;
  }

  // Statuses and indicators (append-only) ------------------------------------------------------

  std::int64_t add_status(const StatusRecord& record) override {
    require_write("add_status");
    rules::check_status(record);
    const Criteria& c = record.criteria;
    Params params;
    params.text(record.unit_code).integer(record.year).text(to_string(record.status));
    params.text_or_null(record.decision_number).text_or_null(record.decision_date).text_or_null(record.authority);
    if (c.resolution_adopted) params.integer(*c.resolution_adopted ? 1 : 0); else params.null();
    params.optional(c.pledge_share).optional(c.police_rating).optional(c.villages_recognised_share);
    params.optional(c.effective_models).text_or_null(record.note);
    auto result = insert_yearly_row(
        "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority, "
        "resolution_adopted, pledge_share, police_rating, villages_recognised_share, effective_models, note, "
        "supersedes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "(SELECT max(id) FROM unit_status WHERE unit_code = $1 AND year = $2)) RETURNING id",
        params, record.unit_code, record.year);
    return result.integer(0, 0);
  }

  void add_statuses(const std::vector<StatusRecord>& records) override {
    require_write("add_statuses");
    // A thousand rows per INSERT (one round trip, not one per row). A unit and year at most once per
    // statement, so each row supersedes the row in force before it: a repeat starts a new batch.
    constexpr std::size_t kBatch = 1000;
    std::vector<const StatusRecord*> batch;
    std::set<std::pair<std::string, int>> keys;
    auto flush = [&] {
      if (batch.empty()) return;
      refuse_rows_without_unit(batch);
      std::string sql =
          "INSERT INTO unit_status (unit_code, year, status, decision_number, decision_date, authority, "
          "resolution_adopted, pledge_share, police_rating, villages_recognised_share, effective_models, note, "
          "supersedes) VALUES ";
      Params params;
      int next = 1;
      for (std::size_t row = 0; row < batch.size(); ++row) {
        const StatusRecord& record = *batch[row];
        const Criteria& c = record.criteria;
        const std::string code = "$" + std::to_string(next), year = "$" + std::to_string(next + 1);
        sql += row ? ", (" : "(";
        sql += code + ", " + year + "::int";
        for (int column = 2; column < 12; ++column) sql += ", $" + std::to_string(next + column);
        sql += ", (SELECT max(id) FROM unit_status WHERE unit_code = " + code + " AND year = " + year + "::int))";
        next += 12;
        params.text(record.unit_code).integer(record.year).text(to_string(record.status));
        params.text_or_null(record.decision_number).text_or_null(record.decision_date).text_or_null(record.authority);
        if (c.resolution_adopted) params.integer(*c.resolution_adopted ? 1 : 0); else params.null();
        params.optional(c.pledge_share).optional(c.police_rating).optional(c.villages_recognised_share);
        params.optional(c.effective_models).text_or_null(record.note);
      }
      // A full batch's statement is the same every time: kept prepared; a shorter one runs once.
      if (batch.size() == kBatch) db_.exec(sql, params); else db_.exec_once(sql, params);
      batch.clear();
      keys.clear();
    };
    for (const auto& record : records) {
      rules::check_status(record);
      if (!keys.insert({record.unit_code, record.year}).second || batch.size() >= kBatch) {
        flush();
        keys.insert({record.unit_code, record.year});
      }
      batch.push_back(&record);
    }
    flush();
  }

  std::map<std::string, StatusRecord> statuses_of_year(int year) const override {
    return status_map(db_.exec(std::string("SELECT DISTINCT ON (unit_code) ") + kStatusColumns +
                                   " FROM unit_status WHERE year = $1 ORDER BY unit_code, id DESC",
                               Params().integer(year)));
  }

  std::map<std::string, StatusRecord> statuses_known_at(int year, const std::string& instant) const override {
    return status_map(db_.exec(std::string("SELECT DISTINCT ON (unit_code) ") + kStatusColumns +
                                   " FROM unit_status WHERE year = $1 AND recorded_at <= $2 ORDER BY unit_code, id DESC",
                               Params().integer(year).text(instant)));
  }

  std::vector<StatusRecord> status_history(const std::string& unit_code) const override {
    auto result = db_.exec(std::string("SELECT ") + kStatusColumns + " FROM unit_status WHERE unit_code = $1 ORDER BY year, id",
                           Params().text(unit_code));
    std::vector<StatusRecord> out;
    for (int row = 0; row < result.rows(); ++row) out.push_back(rows::read_status(Row(result, row)));
    return out;
  }

  std::vector<int> years_with_status() const override {
    return int_column(db_.exec("SELECT DISTINCT year FROM unit_status ORDER BY year"));
  }

  std::int64_t add_decision_document(const DecisionDocument& document) override {
    require_write("add_decision_document");
    const std::string type = rules::checked_decision_media_type(document);
    auto current = db_.exec("SELECT max(id) FROM unit_status WHERE unit_code = $1 AND year = $2",
                            Params().text(document.unit_code).integer(document.year));
    if (current.is_null(0, 0)) rules::refuse_decision_without_status(document);
    auto result = db_.exec(
        "INSERT INTO decision_document (unit_code, year, status_id, media_type, file_name, bytes, sha256, content) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        Params()
            .text(document.unit_code)
            .integer(document.year)
            .integer(current.integer(0, 0))
            .text(type)
            .text(document.file_name)
            .integer(static_cast<std::int64_t>(document.content.size()))
            .text(rules::sha256_hex(document.content))
            .bytes(document.content));
    return result.integer(0, 0);
  }

  std::optional<DecisionDocument> decision_document(const std::string& unit_code, int year,
                                                    bool with_content) const override {
    auto result = db_.exec(std::string("SELECT id, unit_code, year, status_id, media_type, file_name, ") +
                               (with_content ? "content" : "NULL") +
                               ", bytes, sha256, uploaded_at, uploaded_by FROM decision_document "
                               "WHERE unit_code = $1 AND year = $2 ORDER BY id DESC LIMIT 1",
                           Params().text(unit_code).integer(year));
    if (result.rows() == 0) return std::nullopt;
    return DecisionDocument{result.integer(0, 0), result.text(0, 1),  static_cast<int>(result.integer(0, 2)),
                            result.integer(0, 3), result.text(0, 4),  result.text(0, 5),
                            result.bytes(0, 6),   result.integer(0, 7), result.text(0, 8),
                            result.text(0, 9),    result.text(0, 10)};
  }

  std::int64_t add_indicator_value(const IndicatorValue& value) override {
    require_write("add_indicator_value");
    auto result = insert_yearly_row(
        "INSERT INTO indicator_value (unit_code, year, indicator, number, text, note, supersedes) VALUES "
        "($1, $2, $3, $4, $5, $6, (SELECT max(id) FROM indicator_value WHERE unit_code = $1 AND year = $2 AND "
        "indicator = $3)) RETURNING id",
        Params()
            .text(value.unit_code)
            .integer(value.year)
            .text(value.indicator)
            .optional(value.number)
            .text_or_null(value.text)
            .text_or_null(value.note),
        value.unit_code, value.year);
    return result.integer(0, 0);
  }

  std::vector<IndicatorValue> indicator_values(int year, const std::optional<std::string>& known_at) const override {
    auto result = db_.exec(std::string("SELECT * FROM (SELECT DISTINCT ON (unit_code, indicator) ") + kIndicatorColumns +
                               " FROM indicator_value WHERE year = $1 AND recorded_at <= $2 "
                               "ORDER BY unit_code, indicator, id DESC) AS newest ORDER BY unit_code, indicator",
                           Params().integer(year).text(known_at.value_or(std::string(kOpenEnd))));
    std::vector<IndicatorValue> out;
    for (int row = 0; row < result.rows(); ++row) out.push_back(rows::read_indicator_value(Row(result, row)));
    return out;
  }

  std::vector<IndicatorValue> indicator_history(const std::string& unit_code) const override {
    auto result = db_.exec(std::string("SELECT ") + kIndicatorColumns +
                               " FROM indicator_value WHERE unit_code = $1 ORDER BY year, indicator, id",
                           Params().text(unit_code));
    std::vector<IndicatorValue> out;
    for (int row = 0; row < result.rows(); ++row) out.push_back(rows::read_indicator_value(Row(result, row)));
    return out;
  }

  // Lineage, hotspots, clusters, models, core forces, festival -----------------------------------

  std::int64_t add_lineage_event(const LineageEvent& event) override {
    require_write("add_lineage_event");
    auto result = db_.exec(
        "INSERT INTO lineage_event (kind, effective_date, decision, note, synthetic) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id",
        Params()
            .text(to_string(event.kind))
            .text(require_iso_date(event.effective_date, "lineage effective date"))
            .text_or_null(event.decision)
            .text_or_null(event.note)
            .integer(event.synthetic ? 1 : 0));
    const std::int64_t id = result.integer(0, 0);
    for (const auto& [role, refs] : {std::pair{"from", &event.from}, std::pair{"to", &event.to}})
      for (const auto& ref : *refs)
        db_.exec("INSERT INTO lineage_link (event_id, role, unit_code, unit_valid_from) VALUES ($1, $2, $3, $4)",
                 Params().integer(id).text(role).text(ref.code).text(ref.valid_from));
    return id;
  }

  std::vector<LineageEvent> lineage_events() const override {
    std::map<std::int64_t, LineageEvent> events;
    auto result = db_.exec("SELECT id, kind, effective_date, decision, note, synthetic FROM lineage_event ORDER BY id");
    for (int row = 0; row < result.rows(); ++row) {
      LineageEvent event;
      event.id = result.integer(row, 0);
      event.kind = parse_lineage_kind(result.text(row, 1));
      event.effective_date = result.text(row, 2);
      event.decision = result.text(row, 3);
      event.note = result.text(row, 4);
      event.synthetic = result.integer(row, 5) != 0;
      events.emplace(event.id, std::move(event));
    }
    auto links = db_.exec(
        "SELECT event_id, role, unit_code, unit_valid_from FROM lineage_link ORDER BY event_id, role, unit_code");
    for (int row = 0; row < links.rows(); ++row) {
      auto found = events.find(links.integer(row, 0));
      if (found == events.end()) continue;
      (links.text(row, 1) == "from" ? found->second.from : found->second.to)
          .push_back({links.text(row, 2), links.text(row, 3)});
    }
    std::vector<LineageEvent> out;
    for (auto& [id, event] : events) out.push_back(std::move(event));
    return out;
  }

  std::int64_t add_hotspot(const HotspotDesignation& hotspot) override {
    require_write("add_hotspot");
    auto result = db_.exec(
        "INSERT INTO hotspot (commune_code, valid_from, valid_to, decision, note) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id",
        Params()
            .text(hotspot.commune_code)
            .text(require_iso_date(hotspot.valid_from, "hotspot valid_from"))
            .optional(hotspot.valid_to)
            .text_or_null(hotspot.decision)
            .text_or_null(hotspot.note));
    return result.integer(0, 0);
  }

  void end_hotspot(std::int64_t id, const std::string& date) override {
    require_write("end_hotspot");
    require_iso_date(date, "hotspot end date");
    auto current = db_.exec("SELECT valid_from, valid_to FROM hotspot WHERE id = $1", Params().integer(id));
    if (current.rows() == 0) rules::refuse_unknown_hotspot(id);
    rules::check_hotspot_end(id, date, current.text(0, 0), current.optional_text(0, 1));
    db_.exec("UPDATE hotspot SET valid_to = $1 WHERE id = $2", Params().text(date).integer(id));
  }

  std::vector<HotspotDesignation> hotspots_at(const std::string& date) const override {
    return hotspot_rows(db_.exec("SELECT id, commune_code, valid_from, valid_to, decision, note FROM hotspot "
                                 "WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY commune_code",
                                 Params().text(date)));
  }

  std::vector<HotspotDesignation> hotspots() const override {
    return hotspot_rows(db_.exec("SELECT id, commune_code, valid_from, valid_to, decision, note FROM hotspot ORDER BY id"));
  }

  void add_cluster(const Cluster& cluster) override {
    require_write("add_cluster");
    db_.exec("INSERT INTO cluster (code, name, kind) VALUES ($1, $2, $3)",
             Params().text(cluster.code).text(cluster.name).text(to_string(cluster.kind)));
  }

  void set_cluster_year(const ClusterYear& year) override {
    require_write("set_cluster_year");
    db_.exec("DELETE FROM cluster_member WHERE cluster_code = $1 AND year = $2",
             Params().text(year.cluster_code).integer(year.year));
    for (const auto& code : year.member_codes)
      db_.exec("INSERT INTO cluster_member (cluster_code, year, unit_code) VALUES ($1, $2, $3)",
               Params().text(year.cluster_code).integer(year.year).text(code));
    db_.exec("DELETE FROM cluster_standing WHERE cluster_code = $1 AND year = $2",
             Params().text(year.cluster_code).integer(year.year));
    if (!year.standing_unit_code.empty())
      db_.exec("INSERT INTO cluster_standing (cluster_code, year, unit_code) VALUES ($1, $2, $3)",
               Params().text(year.cluster_code).integer(year.year).text(year.standing_unit_code));
  }

  void set_cluster_member(const std::string& cluster_code, int year, const std::string& unit_code,
                          bool member) override {
    require_write("set_cluster_member");
    if (db_.exec("SELECT 1 FROM cluster WHERE code = $1", Params().text(cluster_code)).rows() == 0)
      throw InputError("no cluster " + cluster_code + " / không có cụm này");
    if (member)
      db_.exec("INSERT INTO cluster_member (cluster_code, year, unit_code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               Params().text(cluster_code).integer(year).text(unit_code));
    else
      db_.exec("DELETE FROM cluster_member WHERE cluster_code = $1 AND year = $2 AND unit_code = $3",
               Params().text(cluster_code).integer(year).text(unit_code));
  }

  std::vector<Cluster> clusters() const override {
    auto result = db_.exec("SELECT code, name, kind FROM cluster ORDER BY code");
    std::vector<Cluster> out;
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.text(row, 0), result.text(row, 1), parse_cluster_kind(result.text(row, 2))});
    return out;
  }

  std::vector<ClusterYear> cluster_years(int year) const override {
    std::map<std::string, ClusterYear> years;
    auto members = db_.exec("SELECT cluster_code, unit_code FROM cluster_member WHERE year = $1 "
                            "ORDER BY cluster_code, unit_code",
                            Params().integer(year));
    for (int row = 0; row < members.rows(); ++row) {
      auto& entry = years[members.text(row, 0)];
      entry.cluster_code = members.text(row, 0);
      entry.year = year;
      entry.member_codes.push_back(members.text(row, 1));
    }
    auto standing = db_.exec("SELECT cluster_code, unit_code FROM cluster_standing WHERE year = $1", Params().integer(year));
    for (int row = 0; row < standing.rows(); ++row) {
      auto& entry = years[standing.text(row, 0)];
      entry.cluster_code = standing.text(row, 0);
      entry.year = year;
      entry.standing_unit_code = standing.text(row, 1);
    }
    std::vector<ClusterYear> out;
    for (auto& [code, entry] : years) out.push_back(std::move(entry));
    return out;
  }

  std::vector<int> years_with_clusters() const override {
    return int_column(db_.exec("SELECT year FROM cluster_member UNION SELECT year FROM cluster_standing ORDER BY year"));
  }

  std::int64_t add_model(const SelfManagementModel& model) override {
    require_write("add_model");
    auto result = db_.exec(
        "INSERT INTO model (code, type, name, unit_code, founded, location) VALUES ($1, $2, $3, $4, $5, "
        "ST_GeomFromWKB($6, 4326)) RETURNING id",
        Params()
            .text(model.code)
            .text(model.type)
            .text(model.name)
            .text(model.unit_code)
            .text_or_null(model.founded)
            .bytes(model.location_wkb));
    return result.integer(0, 0);
  }

  void set_model_year(const ModelYear& model_year) override {
    require_write("set_model_year");
    db_.exec("INSERT INTO model_year (model_id, year, effective) VALUES ($1, $2, $3) "
             "ON CONFLICT (model_id, year) DO UPDATE SET effective = excluded.effective",
             Params().integer(model_year.model_id).integer(model_year.year).integer(model_year.effective ? 1 : 0));
  }

  std::vector<SelfManagementModel> models() const override {
    auto result = db_.exec(
        "SELECT id, code, type, name, unit_code, ST_AsBinary(location), founded FROM model ORDER BY code");
    std::vector<SelfManagementModel> out;
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.integer(row, 0), result.text(row, 1), result.text(row, 2), result.text(row, 3),
                     result.text(row, 4), result.bytes(row, 5), result.text(row, 6)});
    return out;
  }

  std::map<std::int64_t, bool> model_effectiveness(int year) const override {
    auto result = db_.exec("SELECT model_id, effective FROM model_year WHERE year = $1", Params().integer(year));
    std::map<std::int64_t, bool> out;
    for (int row = 0; row < result.rows(); ++row) out[result.integer(row, 0)] = result.integer(row, 1) != 0;
    return out;
  }

  void set_core_force(const CoreForce& force) override {
    require_write("set_core_force");
    db_.exec("INSERT INTO core_force (unit_code, year, staffed, members) VALUES ($1, $2, $3, $4) "
             "ON CONFLICT (unit_code, year) DO UPDATE SET staffed = excluded.staffed, members = excluded.members",
             Params().text(force.unit_code).integer(force.year).integer(force.staffed ? 1 : 0).integer(force.members));
  }

  std::vector<CoreForce> core_forces(int year) const override {
    auto result = db_.exec("SELECT unit_code, year, staffed, members FROM core_force WHERE year = $1 ORDER BY unit_code",
                           Params().integer(year));
    std::vector<CoreForce> out;
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.text(row, 0), static_cast<int>(result.integer(row, 1)), result.integer(row, 2) != 0,
                     static_cast<int>(result.integer(row, 3))});
    return out;
  }

  void set_festival(const Festival& festival) override {
    require_write("set_festival");
    db_.exec("INSERT INTO festival (unit_code, year, held) VALUES ($1, $2, $3) "
             "ON CONFLICT (unit_code, year) DO UPDATE SET held = excluded.held",
             Params().text(festival.unit_code).integer(festival.year).integer(festival.held ? 1 : 0));
  }

  std::vector<Festival> festivals(int year) const override {
    auto result = db_.exec("SELECT unit_code, year, held FROM festival WHERE year = $1 ORDER BY unit_code",
                           Params().integer(year));
    std::vector<Festival> out;
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.text(row, 0), static_cast<int>(result.integer(row, 1)), result.integer(row, 2) != 0});
    return out;
  }

  std::int64_t add_validation_override(const ValidationOverride& record) override {
    require_write("add_validation_override");
    rules::check_override(record);
    nlohmann::json units = record.units;
    auto result = db_.exec(
        "INSERT INTO validation_override (reason, units, findings) VALUES ($1, $2, $3) RETURNING id",
        Params().text(record.reason).text(units.dump()).text(record.findings_json.empty() ? std::string("[]")
                                                                                          : record.findings_json));
    return result.integer(0, 0);
  }

  std::vector<ValidationOverride> validation_overrides() const override {
    auto result = db_.exec("SELECT id, at, recorded_by, reason, units, findings FROM validation_override ORDER BY id");
    std::vector<ValidationOverride> out;
    for (int row = 0; row < result.rows(); ++row) {
      ValidationOverride record{result.integer(row, 0), result.text(row, 1), result.text(row, 2),
                                result.text(row, 3),    {},                  result.text(row, 5)};
      auto units = nlohmann::json::parse(result.text(row, 4), nullptr, false);
      if (units.is_array())
        for (const auto& code : units)
          if (code.is_string()) record.units.push_back(code.get<std::string>());
      out.push_back(std::move(record));
    }
    return out;
  }

  // Accounts, keys and the token secret: postgis_access.cpp -------------------------------------

  void add_account(const Account& account, const std::string& password_hash) override {
    require_write("add_account");
    postgis_access::add_account(db_, account, password_hash);
  }
  void set_account_password(const std::string& name, const std::string& password_hash) override {
    require_write("set_account_password");
    postgis_access::set_account_password(db_, name, password_hash);
  }
  void set_account_disabled(const std::string& name, bool disabled) override {
    require_write("set_account_disabled");
    postgis_access::set_account_disabled(db_, name, disabled);
  }
  std::vector<Account> accounts() const override { return postgis_access::accounts(db_); }
  std::optional<std::pair<Account, std::string>> account_credentials(const std::string& name) const override {
    return postgis_access::account_credentials(db_, name);
  }
  void add_api_key(const ApiKey& key, const std::string& digest) override {
    require_write("add_api_key");
    postgis_access::add_api_key(db_, key, digest);
  }
  void revoke_api_key(const std::string& name) override {
    require_write("revoke_api_key");
    postgis_access::revoke_api_key(db_, name);
  }
  std::vector<ApiKey> api_keys() const override { return postgis_access::api_keys(db_); }
  std::vector<std::pair<ApiKey, std::string>> active_api_key_digests() const override {
    return postgis_access::active_api_key_digests(db_);
  }
  std::int64_t rotate_server_secret(const std::string& secret) override {
    require_write("rotate_server_secret");
    return postgis_access::rotate_server_secret(db_, secret);
  }
  std::optional<std::pair<std::int64_t, std::string>> server_secret() const override {
    return postgis_access::server_secret(db_);
  }

  // Change feed --------------------------------------------------------------------------------

  std::int64_t change_position() const override {
    return db_.exec("SELECT COALESCE(max(id), 0) FROM audit_log").integer(0, 0);
  }

  std::vector<Change> changes_since(std::int64_t position) const override {
    auto result = db_.exec(
        "SELECT id, table_name, before_json, after_json, ST_XMin(before_geom), ST_YMin(before_geom), "
        "ST_XMax(before_geom), ST_YMax(before_geom), ST_XMin(after_geom), ST_YMin(after_geom), ST_XMax(after_geom), "
        "ST_YMax(after_geom) FROM audit_log WHERE id > $1 ORDER BY id",
        Params().integer(position));
    std::vector<AuditedChange> entries;
    entries.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) {
      AuditedChange entry{result.integer(row, 0), result.text(row, 1), result.text(row, 2), result.text(row, 3), {}};
      for (int column : {4, 8})
        if (!result.is_null(row, column))
          entry.boxes.push_back({result.real(row, column), result.real(row, column + 1), result.real(row, column + 2),
                                 result.real(row, column + 3)});
      entries.push_back(std::move(entry));
    }
    const KindsOfCode kinds_of = [this](const std::string& code) {
      auto kinds = db_.exec("SELECT DISTINCT kind FROM unit WHERE code = $1", Params().text(code));
      std::vector<std::string> texts;
      for (int row = 0; row < kinds.rows(); ++row) texts.push_back(kinds.text(row, 0));
      return parse_unit_kinds(texts);
    };
    return changes_of(std::move(entries), kinds_of);
  }

  bool wait_for_change(std::int64_t position, std::chrono::milliseconds timeout) const override {
    if (!listening_) {
      db_.exec_script(std::string("LISTEN ") + postgis_schema::kChangeChannel);
      listening_ = true;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      // Notifications that came before are dropped first: the position read after them is the truth.
      PQconsumeInput(db_.get());
      while (PGnotify* notice = PQnotifies(db_.get())) PQfreemem(notice);
      if (change_position() > position) return true;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      pollfd socket{PQsocket(db_.get()), POLLIN, 0};
      if (socket.fd < 0) throw StoreError("store: the connection to PostgreSQL was lost");
      ::poll(&socket, 1, static_cast<int>(std::max<std::int64_t>(1, left.count())));
    }
  }

  // Whole-store copies: postgis_copy.cpp ----------------------------------------------------------

  std::vector<StoredColumn> stored_columns(const std::string& table) const override {
    return postgis_copy::stored_columns(db_, table);
  }
  void read_stored_rows(const std::string& table, const std::vector<StoredColumn>& columns,
                        const std::function<void(const StoredRow&)>& row) const override {
    postgis_copy::read_stored_rows(db_, table, columns, row);
  }
  void load_stored_rows(const std::function<void(const StoredRowSink&)>& produce) override {
    postgis_copy::load_stored_rows(db_, produce);
  }

  // Settings, audit, maintenance ---------------------------------------------------------------

  std::optional<std::string> setting(const std::string& key) const override {
    auto result = db_.exec("SELECT value FROM settings WHERE key = $1", Params().text(key));
    if (result.rows() == 0) return std::nullopt;
    return result.text(0, 0);
  }

  void set_setting(const std::string& key, const std::string& value) override {
    require_write("set_setting");
    db_.exec("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             Params().text(key).text(value));
  }

  std::vector<AuditEntry> audit_entries(std::int64_t after_id) const override {
    auto result = db_.exec(
        "SELECT id, at, \"user\", tool, table_name, operation, row_key, before_json, after_json, "
        "ST_AsBinary(before_geom), ST_AsBinary(after_geom) FROM audit_log WHERE id > $1 ORDER BY id",
        Params().integer(after_id));
    std::vector<AuditEntry> out;
    out.reserve(static_cast<std::size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.integer(row, 0), result.text(row, 1), result.text(row, 2), result.text(row, 3),
                     result.text(row, 4), result.text(row, 5), result.text(row, 6), result.text(row, 7),
                     result.text(row, 8), result.bytes(row, 9), result.bytes(row, 10)});
    return out;
  }

  void backup_to(const std::string& path) const override {
    // A PostGIS store's backup is a SpatiaLite file with everything in it (`anttmap copy` does the
    // same); pg_dump remains the database administrator's tool for the whole cluster.
    auto target = open_spatialite_store(path, true);
    copy_store(*this, *target);
  }


 /// The connection, for the migration at opening.
  const pg::Connection& connection() const { return db_; }

 private:
  void require_write(const char* operation) const {
    if (depth_ == 0) throw Error(std::string("internal: store.") + operation + " called outside store.write()");
  }

  void rollback() const noexcept {
    PGresult* result = PQexec(db_.get(), "ROLLBACK");
    PQclear(result);
  }

  /// Inserts a status or indicator row. The schema's trigger refuses a row whose unit is not valid on 31
  /// December (one round trip instead of a look-up first: an import writes a million of them); its refusal
  /// becomes the same words as the SpatiaLite store's. The write fails whole then, as every refused write does.
  pg::Result insert_yearly_row(const std::string& sql, const Params& params, const std::string& unit_code, int year) {
    try {
      return db_.exec(sql, params);
    } catch (const InputError& error) {
      if (std::string(error.what()).find("no unit with this code is valid") != std::string::npos)
        rules::refuse_missing_unit_of_year(unit_code, year);
      throw;
    }
  }

  /// InputError naming the first row of `batch` whose unit is not valid on 31 December of its year (one query).
  void refuse_rows_without_unit(const std::vector<const StatusRecord*>& batch) const {
    std::string sql = "SELECT v.code, v.year FROM (VALUES ";
    Params params;
    for (std::size_t row = 0; row < batch.size(); ++row) {
      sql += (row ? ", ($" : "($") + std::to_string(2 * row + 1) + ", $" + std::to_string(2 * row + 2) + "::int, " +
             std::to_string(row) + ")";
      params.text(batch[row]->unit_code).integer(batch[row]->year);
    }
    sql += ") AS v (code, year, position) WHERE NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = v.code AND "
           "u.valid_from <= lpad(v.year::text, 4, '0') || '-12-31' AND COALESCE(u.valid_to, '9999-12-31') > "
           "lpad(v.year::text, 4, '0') || '-12-31') ORDER BY v.position LIMIT 1";
    auto missing = db_.exec_once(sql, params);
    if (missing.rows() > 0)
      rules::refuse_missing_unit_of_year(missing.text(0, 0), static_cast<int>(missing.integer(0, 1)));
  }

  static std::map<std::string, StatusRecord> status_map(const pg::Result& result) {
    std::map<std::string, StatusRecord> out;
    for (int row = 0; row < result.rows(); ++row) {
      auto record = rows::read_status(Row(result, row));
      out.emplace(record.unit_code, std::move(record));
    }
    return out;
  }

  static std::vector<HotspotDesignation> hotspot_rows(const pg::Result& result) {
    std::vector<HotspotDesignation> out;
    for (int row = 0; row < result.rows(); ++row)
      out.push_back({result.integer(row, 0), result.text(row, 1), result.text(row, 2), result.optional_text(row, 3),
                     result.text(row, 4), result.text(row, 5)});
    return out;
  }

  static std::vector<int> int_column(const pg::Result& result) {
    std::vector<int> out;
    for (int row = 0; row < result.rows(); ++row) out.push_back(static_cast<int>(result.integer(row, 0)));
    return out;
  }

  pg::Connection db_;
  int depth_ = 0;
  mutable bool listening_ = false;
};

}  // namespace

std::unique_ptr<Store> open_postgis_store(const std::string& location, bool create) {
  auto store = std::make_unique<PostgisStore>(pg::Connection::open(location));
  postgis_schema::migrate(store->connection(), create);
  return store;
}

bool is_postgis_location(const std::string& location) { return pg::is_postgres_location(location); }

std::string printable_location(const std::string& location) { return pg::without_password(location); }

}  // namespace antt::store
