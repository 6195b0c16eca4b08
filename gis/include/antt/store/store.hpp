#pragma once
// The store interface. Callers (import, validation, stats, export, the CLI, later the server)
// use only this; the SpatiaLite store implements it now, a PostGIS store can later.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "antt/store/changes.hpp"
#include "antt/store/model.hpp"

namespace antt::store {

struct UnitQuery {
  std::optional<std::string> at_date;  ///< versions valid on this day; nothing = all versions
  std::vector<UnitKind> kinds;         ///< empty = every kind
  std::optional<std::string> code;
  bool with_geometry = true;
};

/// A table's column as a whole-store copy moves it (antt/store/store.hpp: copy_store).
struct StoredColumn {
  enum class Type { value, bytes, geometry };
  std::string name;
  Type type = Type::value;
};
/// One row's cells in its columns' order: values as text (numbers too), blobs as their bytes,
/// geometry as ISO WKB (EPSG:4326); nothing for NULL.
using StoredRow = std::vector<std::optional<std::string>>;
/// Where a store being loaded takes the rows of a copy.
using StoredRowSink =
    std::function<void(const std::string& table, const std::vector<StoredColumn>& columns, const StoredRow& row)>;

// Every member is pure or defined here: the class has no key function, so each library that uses
// it (the fuzzers' subjects too) gets its vtable and typeinfo without linking the stores.
class Store {
 public:
  virtual ~Store() = default;

  /// Runs `body` in one transaction attributed to `actor`; rolls back if it throws.
  /// Every write method must be called inside such a body.
  virtual void write(const Actor& actor, const std::function<void()>& body) = 0;

  virtual int schema_version() const = 0;

  // Units ------------------------------------------------------------------------------
  /// Inserts a version; refuses (InputError) one that overlaps another version of its code.
  virtual std::int64_t insert_unit(const UnitVersion& unit) = 0;
  virtual void delete_unit_version(std::int64_t id) = 0;
  virtual void update_unit_geometry(std::int64_t id, const std::string& wkb) = 0;
  /// Ends a version: valid_to becomes `date` (exclusive).
  virtual void close_unit_version(std::int64_t id, const std::string& date) = 0;
  virtual std::vector<UnitVersion> units(const UnitQuery& query) const = 0;
  virtual std::optional<UnitVersion> unit_at(const std::string& code, const std::string& date,
                                             bool with_geometry = true) const = 0;
  /// Versions of `code` whose validity overlaps [from, to).
  virtual std::vector<UnitVersion> overlapping_versions(const std::string& code,
                                                        const std::string& from,
                                                        const std::optional<std::string>& to) const = 0;

  // Yearly status (append-only) ----------------------------------------------------------
  /// Appends a status row; it supersedes the current one of the same unit and year.
  virtual std::int64_t add_status(const StatusRecord& record) = 0;
  /// Appends many status rows, as add_status does each (the same checks, refusals and superseding), in
  /// order. Stores that can write them in fewer round trips do (PostGIS: a thousand rows per statement).
  virtual void add_statuses(const std::vector<StatusRecord>& records) {
    for (const auto& record : records) add_status(record);
  }
  /// The current status of every unit that has one in `year`, by unit code.
  virtual std::map<std::string, StatusRecord> statuses_of_year(int year) const = 0;
  /// The status of every unit in `year` as it was known at `instant` (UTC, as parse_known_at gives):
  /// the newest row recorded by then. Rows recorded later, corrections included, are left out.
  virtual std::map<std::string, StatusRecord> statuses_known_at(int year, const std::string& instant) const = 0;
  /// Every row for a unit, oldest first (including superseded ones).
  virtual std::vector<StatusRecord> status_history(const std::string& unit_code) const = 0;
  virtual std::vector<int> years_with_status() const = 0;

  /// Attaches a decision document to the status row in force for its unit and year (InputError when
  /// none is, when the bytes are not PDF/JPEG/PNG by content, or larger than kMaxDecisionBytes).
  virtual std::int64_t add_decision_document(const DecisionDocument& document) = 0;
  /// The document in force for a unit and year (the newest), with its content unless `with_content`
  /// is false; nothing when none.
  virtual std::optional<DecisionDocument> decision_document(const std::string& unit_code, int year,
                                                            bool with_content = true) const = 0;

  // Programme indicators (append-only, as statuses) --------------------------------------------
  /// Appends a value; it supersedes the one in force for the same unit, year and indicator.
  /// InputError when no unit of that code is valid on 31 December of the year.
  virtual std::int64_t add_indicator_value(const IndicatorValue& value) = 0;
  /// The values in force in `year` (as known at `known_at`, a UTC instant, when given), ordered by
  /// unit code and indicator.
  virtual std::vector<IndicatorValue> indicator_values(int year, const std::optional<std::string>& known_at = {}) const = 0;
  /// Every value of a unit, oldest first (superseded ones too).
  virtual std::vector<IndicatorValue> indicator_history(const std::string& unit_code) const = 0;

  // Lineage, hotspots, clusters, models, core forces, festival ------------------------------
  virtual std::int64_t add_lineage_event(const LineageEvent& event) = 0;
  virtual std::vector<LineageEvent> lineage_events() const = 0;

  virtual std::int64_t add_hotspot(const HotspotDesignation& hotspot) = 0;
  /// Ends designation `id` on `date` (exclusive); InputError when there is none or it would end
  /// before it starts.
  virtual void end_hotspot(std::int64_t id, const std::string& date) = 0;
  virtual std::vector<HotspotDesignation> hotspots_at(const std::string& date) const = 0;
  /// Every designation, oldest first.
  virtual std::vector<HotspotDesignation> hotspots() const = 0;

  virtual void add_cluster(const Cluster& cluster) = 0;
  virtual void set_cluster_year(const ClusterYear& year) = 0;
  /// Makes `unit_code` a member of cluster `cluster_code` in `year`, or no longer one; a no-op when
  /// it already is (is not). InputError for an unknown cluster.
  virtual void set_cluster_member(const std::string& cluster_code, int year, const std::string& unit_code,
                                  bool member) = 0;
  virtual std::vector<Cluster> clusters() const = 0;
  virtual std::vector<ClusterYear> cluster_years(int year) const = 0;
  /// Years in which some cluster has members or a standing unit, ascending.
  virtual std::vector<int> years_with_clusters() const = 0;

  virtual std::int64_t add_model(const SelfManagementModel& model) = 0;
  virtual void set_model_year(const ModelYear& model_year) = 0;
  virtual std::vector<SelfManagementModel> models() const = 0;
  /// Effectiveness rows of a year, by model id.
  virtual std::map<std::int64_t, bool> model_effectiveness(int year) const = 0;

  virtual void set_core_force(const CoreForce& force) = 0;
  virtual std::vector<CoreForce> core_forces(int year) const = 0;
  virtual void set_festival(const Festival& festival) = 0;
  virtual std::vector<Festival> festivals(int year) const = 0;

  /// Records why boundaries were saved over validation errors (in the caller's write).
  virtual std::int64_t add_validation_override(const ValidationOverride& record) = 0;
  virtual std::vector<ValidationOverride> validation_overrides() const = 0;

  // Accounts and API keys: hashes only, made by antt/access/access.hpp ---------------------
  /// Refuses (InputError) a name already taken.
  virtual void add_account(const Account& account, const std::string& password_hash) = 0;
  /// InputError when there is no such account.
  virtual void set_account_password(const std::string& name, const std::string& password_hash) = 0;
  virtual void set_account_disabled(const std::string& name, bool disabled) = 0;
  virtual std::vector<Account> accounts() const = 0;
  /// The account and its password hash, for signing in; nothing when there is no such account.
  virtual std::optional<std::pair<Account, std::string>> account_credentials(const std::string& name) const = 0;
  /// Refuses (InputError) a name an active key has, or a digest already stored.
  virtual void add_api_key(const ApiKey& key, const std::string& digest) = 0;
  /// Revokes the active key of that name; InputError when there is none.
  virtual void revoke_api_key(const std::string& name) = 0;
  /// Every key, active and revoked, without digests.
  virtual std::vector<ApiKey> api_keys() const = 0;
  /// The active keys with their digests: the server's table of keys.
  virtual std::vector<std::pair<ApiKey, std::string>> active_api_key_digests() const = 0;
  /// Makes `secret` the one that signs embed tokens and retires every other (their tokens stop
  /// working); returns its id, which tokens name.
  virtual std::int64_t rotate_server_secret(const std::string& secret) = 0;
  /// The secret that signs embed tokens now (id and secret), if one was made.
  virtual std::optional<std::pair<std::int64_t, std::string>> server_secret() const = 0;

  // Change feed (antt/store/changes.hpp) ------------------------------------------------------
  /// The position of the newest change; 0 for a store never written. Cheap: readers poll it.
  virtual std::int64_t change_position() const = 0;
  /// Every change after `position`, oldest first.
  virtual std::vector<Change> changes_since(std::int64_t position) const = 0;
  /// Waits until the change position passes `position`, at most `timeout`; true when it did. This
  /// one polls; the PostGIS store listens on its change channel (LISTEN/NOTIFY), so a server hears of
  /// a write made through any other server, the CLI or plain SQL as soon as it commits.
  virtual bool wait_for_change(std::int64_t position, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (change_position() > position) return true;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(50), deadline - now));
    }
  }

  // Whole-store copies (copy_store below) ---------------------------------------------------
  /// The columns this store keeps in `table` (one of copied_tables()).
  virtual std::vector<StoredColumn> stored_columns(const std::string& table) const = 0;
  /// Calls `row` with every row of `table`, cells in `columns`' order, ordered by the table's key.
  virtual void read_stored_rows(const std::string& table, const std::vector<StoredColumn>& columns,
                                const std::function<void(const StoredRow&)>& row) const = 0;
  /// Loads rows exactly as another store kept them (ids, times and audit entries included) in one
  /// transaction, without writing new audit entries or running the rules' triggers (the rows were
  /// checked where they were written): `produce` hands every row to the sink it is given. StoreError
  /// unless this store was never written (its audit log is empty). All or nothing.
  virtual void load_stored_rows(const std::function<void(const StoredRowSink&)>& produce) = 0;

  // Settings, audit, maintenance --------------------------------------------------------
  virtual std::optional<std::string> setting(const std::string& key) const = 0;
  virtual void set_setting(const std::string& key, const std::string& value) = 0;
  virtual std::vector<AuditEntry> audit_entries(std::int64_t after_id = 0) const = 0;
  virtual void backup_to(const std::string& path) const = 0;
};

/// The setting ("1") by which a store says it holds invented data (`anttmap sample`): every answer
/// drawn from it says so, so nobody takes the sample's figures, hotspots or decisions for real.
inline constexpr const char* kSyntheticDataSetting = "synthetic_data";
/// The words every such answer carries (report pages, the viewer, the map's legend).
inline constexpr const char* kSyntheticDataMark = "DỮ LIỆU GIẢ LẬP / SAMPLE DATA";
/// True when `store` holds invented data (kSyntheticDataSetting is "1").
bool holds_synthetic_data(const Store& store);

/// Opens (and migrates) the SpatiaLite store at `path`; `create` makes a new file if missing.
std::unique_ptr<Store> open_spatialite_store(const std::string& path, bool create);

/// Opens (and migrates) the PostGIS store in the PostgreSQL database `location` (a postgresql://
/// URI). The database must exist; `create` lets an empty one be made a store (the postgis
/// extension is created when missing, which needs the right to create it).
std::unique_ptr<Store> open_postgis_store(const std::string& location, bool create);

/// Opens the store at `location` (`--db`): a PostgreSQL database (postgresql://… or postgres://…)
/// or else the path of a SpatiaLite file.
std::unique_ptr<Store> open_store(const std::string& location, bool create = false);

/// True when `location` names a PostgreSQL database rather than a SpatiaLite file.
bool is_postgis_location(const std::string& location);

/// `location` as it may be shown (a PostgreSQL URI's password hidden).
std::string printable_location(const std::string& location);

/// Every table a whole-store copy moves, in the order it loads them (the audit log last).
const std::vector<std::string>& copied_tables();

/// Copies everything in `from` into `to`, which must never have been written: units, statuses,
/// every record, accounts and keys (hashes), documents, settings and the audit log, with their ids
/// and times. Either way between SpatiaLite and PostGIS. `progress` is told each table's name and
/// row count as it is done. StoreError when `to` is not empty or the schemas differ.
struct CopySummary {
  std::vector<std::pair<std::string, std::int64_t>> tables;  ///< rows copied per table
};
CopySummary copy_store(const Store& from, Store& to,
                       const std::function<void(const std::string& table, std::int64_t rows)>& progress = {});

/// The migration that brings a store up to date; the newest version number.
int latest_schema_version();

/// Replaces the store at `target` with the backup at `source` (SQLite online backup).
void restore_spatialite_store(const std::string& source, const std::string& target);

}  // namespace antt::store
