#include "schema.hpp"

namespace antt::store::schema {
namespace {

// Kinds, statuses and the like are checked in SQL too, so plain-SQL edits cannot break the rules.
const char* kSchemaV1 = R"SQL(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Who is writing: set by anttmap inside each write transaction and cleared before commit;
-- absent for plain SQL, which the triggers then attribute to 'sql'.
CREATE TABLE audit_context (id INTEGER PRIMARY KEY CHECK (id = 1), user TEXT NOT NULL, tool TEXT NOT NULL);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  user TEXT NOT NULL,
  tool TEXT NOT NULL,
  table_name TEXT NOT NULL,
  operation TEXT NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  row_key TEXT,
  before_json TEXT,
  after_json TEXT,
  -- Geometry before/after as the table stores it (a blob, not hex inside the JSON: half the bytes).
  before_geom BLOB,
  after_geom BLOB);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE unit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL CHECK (length(trim(code)) > 0),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'village', 'agency', 'enterprise', 'school')),
  subtype TEXT CHECK (subtype IS NULL OR (kind = 'commune' AND subtype IN ('xa', 'phuong', 'thi_tran'))),
  parent_code TEXT,
  valid_from TEXT NOT NULL DEFAULT '0001-01-01'
    CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  valid_to TEXT CHECK (valid_to IS NULL OR
    (valid_to GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND valid_to > valid_from)),
  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)));
SELECT AddGeometryColumn('unit', 'geom', 4326, 'GEOMETRY', 'XY');
SELECT CreateSpatialIndex('unit', 'geom');
CREATE INDEX unit_code_validity ON unit (code, valid_from);
CREATE INDEX unit_parent ON unit (parent_code);
CREATE INDEX unit_kind ON unit (kind);

-- Two versions of one code may not overlap in time (valid_to is exclusive).
CREATE TRIGGER unit_versions_no_overlap_insert BEFORE INSERT ON unit
WHEN EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.code
  AND u.valid_from < COALESCE(NEW.valid_to, '9999-12-31')
  AND NEW.valid_from < COALESCE(u.valid_to, '9999-12-31'))
BEGIN SELECT RAISE(ABORT, 'unit versions of one code may not overlap in time'); END;
CREATE TRIGGER unit_versions_no_overlap_update BEFORE UPDATE OF code, valid_from, valid_to ON unit
WHEN EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.code AND u.id != NEW.id
  AND u.valid_from < COALESCE(NEW.valid_to, '9999-12-31')
  AND NEW.valid_from < COALESCE(u.valid_to, '9999-12-31'))
BEGIN SELECT RAISE(ABORT, 'unit versions of one code may not overlap in time'); END;

-- Yearly status: append-only; the newest row of a unit and year is the current one.
CREATE TABLE unit_status (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  status TEXT NOT NULL CHECK (status IN ('not_registered', 'registered', 'proposed', 'recognised', 'not_recognised', 'revoked')),
  decision_number TEXT,
  decision_date TEXT CHECK (decision_date IS NULL OR decision_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  authority TEXT,
  resolution_adopted INTEGER CHECK (resolution_adopted IS NULL OR resolution_adopted IN (0, 1)),
  pledge_share REAL CHECK (pledge_share IS NULL OR pledge_share BETWEEN 0 AND 100),
  police_rating TEXT,
  villages_recognised_share REAL CHECK (villages_recognised_share IS NULL OR villages_recognised_share BETWEEN 0 AND 100),
  effective_models INTEGER CHECK (effective_models IS NULL OR effective_models >= 0),
  note TEXT,
  supersedes INTEGER REFERENCES unit_status (id),
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  recorded_by TEXT NOT NULL DEFAULT 'sql',
  CHECK (status NOT IN ('recognised', 'revoked') OR (
    length(trim(COALESCE(decision_number, ''))) > 0 AND decision_date IS NOT NULL
    AND length(trim(COALESCE(authority, ''))) > 0)));
CREATE INDEX unit_status_key ON unit_status (unit_code, year, id);
CREATE INDEX unit_status_year ON unit_status (year);
CREATE TRIGGER unit_status_append_only_update BEFORE UPDATE ON unit_status
BEGIN SELECT RAISE(ABORT, 'status history is append-only: add a correcting row instead'); END;
CREATE TRIGGER unit_status_append_only_delete BEFORE DELETE ON unit_status
BEGIN SELECT RAISE(ABORT, 'status history is append-only: add a correcting row instead'); END;
CREATE TRIGGER unit_status_unit_exists BEFORE INSERT ON unit_status
WHEN NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.unit_code
  AND u.valid_from <= printf('%04d-12-31', NEW.year)
  AND COALESCE(u.valid_to, '9999-12-31') > printf('%04d-12-31', NEW.year))
BEGIN SELECT RAISE(ABORT, 'no unit with this code is valid on 31 December of that year'); END;

CREATE TABLE lineage_event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'abolish', 'merge', 'split', 'rename', 'transfer', 'reclassify')),
  effective_date TEXT NOT NULL CHECK (effective_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  decision TEXT,
  note TEXT,
  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)));
CREATE TABLE lineage_link (
  event_id INTEGER NOT NULL REFERENCES lineage_event (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('from', 'to')),
  unit_code TEXT NOT NULL,
  unit_valid_from TEXT NOT NULL,
  PRIMARY KEY (event_id, role, unit_code, unit_valid_from));
CREATE INDEX lineage_link_unit ON lineage_link (unit_code);

CREATE TABLE hotspot (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commune_code TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT CHECK (valid_to IS NULL OR valid_to > valid_from),
  decision TEXT,
  note TEXT);

CREATE TABLE cluster (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('giap_ranh', 'lien_ket')));
CREATE TABLE cluster_member (
  cluster_code TEXT NOT NULL REFERENCES cluster (code),
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL,
  PRIMARY KEY (cluster_code, year, unit_code));
CREATE TABLE cluster_standing (
  cluster_code TEXT NOT NULL REFERENCES cluster (code),
  year INTEGER NOT NULL,
  unit_code TEXT NOT NULL,
  PRIMARY KEY (cluster_code, year));

CREATE TABLE model (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('to_lien_gia_tu_quan', 'dong_ho_o_nha_tu_quan', 'lang_thon_xom_tu_quan',
    'to_tuan_tra_nhan_dan', 'to_hoa_giai', 'clb_phong_chong_toi_pham', 'hom_thu_to_giac', 'tieng_keng_binh_yen',
    'giup_nguoi_lam_loi', 'clb_19_8', 'khac')),
  name TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  founded TEXT);
SELECT AddGeometryColumn('model', 'location', 4326, 'POINT', 'XY');
CREATE TABLE model_year (
  model_id INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
  year INTEGER NOT NULL,
  effective INTEGER NOT NULL CHECK (effective IN (0, 1)),
  PRIMARY KEY (model_id, year));

CREATE TABLE core_force (
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  staffed INTEGER NOT NULL CHECK (staffed IN (0, 1)),
  members INTEGER NOT NULL DEFAULT 0 CHECK (members >= 0),
  PRIMARY KEY (unit_code, year));
CREATE TABLE festival (
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  held INTEGER NOT NULL CHECK (held IN (0, 1)),
  PRIMARY KEY (unit_code, year));
)SQL";

}  // namespace

const std::vector<AuditedTable>& audited_tables() {
  static const std::vector<AuditedTable> tables{
      {"unit", "{row}.code || '@' || {row}.valid_from",
       {"id", "code", "name", "kind", "subtype", "parent_code", "valid_from", "valid_to", "synthetic"}, "geom"},
      {"unit_status", "{row}.unit_code || '/' || {row}.year",
       {"id", "unit_code", "year", "status", "decision_number", "decision_date", "authority", "resolution_adopted",
        "pledge_share", "police_rating", "villages_recognised_share", "effective_models", "note", "supersedes"},
       {}},
      {"lineage_event", "{row}.id", {"id", "kind", "effective_date", "decision", "note", "synthetic"}, ""},
      {"lineage_link", "{row}.event_id || ':' || {row}.role || ':' || {row}.unit_code",
       {"event_id", "role", "unit_code", "unit_valid_from"}, ""},
      {"hotspot", "{row}.commune_code || '@' || {row}.valid_from",
       {"id", "commune_code", "valid_from", "valid_to", "decision", "note"}, ""},
      {"cluster", "{row}.code", {"code", "name", "kind"}, ""},
      {"cluster_member", "{row}.cluster_code || '/' || {row}.year || ':' || {row}.unit_code",
       {"cluster_code", "year", "unit_code"}, ""},
      {"cluster_standing", "{row}.cluster_code || '/' || {row}.year", {"cluster_code", "year", "unit_code"}, ""},
      {"model", "{row}.code", {"id", "code", "type", "name", "unit_code", "founded"}, "location"},
      {"model_year", "{row}.model_id || '/' || {row}.year", {"model_id", "year", "effective"}, ""},
      {"core_force", "{row}.unit_code || '/' || {row}.year", {"unit_code", "year", "staffed", "members"}, ""},
      {"festival", "{row}.unit_code || '/' || {row}.year", {"unit_code", "year", "held"}, ""},
      {"settings", "{row}.key", {"key", "value"}, ""},
  };
  return tables;
}

namespace {

std::string replace_row(std::string text, const std::string& row) {
  for (size_t at = text.find("{row}"); at != std::string::npos; at = text.find("{row}", at))
    text.replace(at, 5, row);
  return text;
}

std::string json_of(const AuditedTable& table, const std::string& row) {
  std::string json = "json_object(";
  bool first = true;
  for (const auto& column : table.columns) {
    json += (first ? "'" : ", '") + column + "', " + row + "." + column;
    first = false;
  }
  return json + ")";
}

}  // namespace

std::string audit_triggers_sql(const AuditedTable& table) {
  const std::string who =
      "COALESCE((SELECT user FROM audit_context WHERE id = 1), 'sql'), "
      "COALESCE((SELECT tool FROM audit_context WHERE id = 1), 'sql')";
  auto geometry = [&](bool wanted, const char* row) {
    return wanted && !table.geometry_column.empty() ? std::string(row) + "." + table.geometry_column : std::string("NULL");
  };
  std::string sql;
  struct Op {
    const char* name;
    const char* key_row;
    bool before, after;
  };
  for (const Op& op : {Op{"INSERT", "NEW", false, true}, Op{"UPDATE", "NEW", true, true},
                       Op{"DELETE", "OLD", true, false}}) {
    sql += "CREATE TRIGGER audit_" + table.name + "_" + op.name + " AFTER " + op.name + " ON " + table.name +
           " BEGIN INSERT INTO audit_log (user, tool, table_name, operation, row_key, before_json, after_json, "
           "before_geom, after_geom) VALUES (" + who + ", '" + table.name + "', '" + op.name + "', " +
           replace_row(table.key_sql, op.key_row) + ", " + (op.before ? json_of(table, "OLD") : "NULL") + ", " +
           (op.after ? json_of(table, "NEW") : "NULL") + ", " + geometry(op.before, "OLD") + ", " +
           geometry(op.after, "NEW") + "); END;\n";
  }
  return sql;
}

namespace {

// Version 2: the reasons editors gave to save boundaries over validation errors.
const char* kSchemaV2 = R"SQL(
CREATE TABLE validation_override (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  recorded_by TEXT NOT NULL DEFAULT 'sql',
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  units TEXT NOT NULL,
  findings TEXT NOT NULL);
)SQL";

const AuditedTable kValidationOverride{
    "validation_override", "{row}.id", {"id", "at", "recorded_by", "reason", "units", "findings"}, ""};

// Version 3: who may sign in and which keys open the server (antt/access/access.hpp). Secrets are
// kept as hashes only, and the audit copies every column but them.
const char* kSchemaV3 = R"SQL(
CREATE TABLE account (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('public', 'partner', 'viewer', 'editor', 'admin')),
  scope TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  password_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE api_key (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('public', 'partner', 'viewer', 'editor', 'admin')),
  scope TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked_at TEXT);
CREATE UNIQUE INDEX api_key_active_name ON api_key (name) WHERE revoked_at IS NULL;
CREATE TABLE server_secret (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  retired_at TEXT);
)SQL";

const AuditedTable kAccount{
    "account", "{row}.name", {"id", "name", "role", "scope", "disabled", "created_at", "password_changed_at"}, ""};
const AuditedTable kServerSecret{"server_secret", "{row}.id", {"id", "created_at", "retired_at"}, ""};
const AuditedTable kApiKey{
    "api_key", "{row}.name || '#' || {row}.id", {"id", "name", "role", "scope", "prefix", "created_at", "revoked_at"}, ""};

// Version 4: the scanned decisions behind yearly statuses, appended and never changed. The audit
// copies every column but the bytes (their digest names them).
const char* kSchemaV4 = R"SQL(
CREATE TABLE decision_document (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  status_id INTEGER NOT NULL REFERENCES unit_status (id),
  media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  file_name TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL CHECK (bytes > 0 AND bytes <= 10485760 AND bytes = length(content)),
  sha256 TEXT NOT NULL,
  content BLOB NOT NULL,
  uploaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  uploaded_by TEXT NOT NULL DEFAULT 'sql');
CREATE INDEX decision_document_unit_year ON decision_document (unit_code, year);
CREATE TRIGGER decision_document_append_only_update BEFORE UPDATE ON decision_document
BEGIN SELECT RAISE(ABORT, 'decision documents are appended, never changed'); END;
CREATE TRIGGER decision_document_append_only_delete BEFORE DELETE ON decision_document
BEGIN SELECT RAISE(ABORT, 'decision documents are appended, never deleted'); END;
)SQL";

const AuditedTable kDecisionDocument{"decision_document",
                                     "{row}.unit_code || '/' || {row}.year || '#' || {row}.id",
                                     {"id", "unit_code", "year", "status_id", "media_type", "file_name", "bytes",
                                      "sha256", "uploaded_at", "uploaded_by"},
                                     ""};

// Version 5: the programme's other indicators (antt/editing/indicators.hpp), append-only like
// statuses, so what was known at a moment can be read back.
const char* kSchemaV5 = R"SQL(
CREATE TABLE indicator_value (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  indicator TEXT NOT NULL CHECK (length(trim(indicator)) > 0),
  number REAL,
  text TEXT,
  note TEXT,
  supersedes INTEGER REFERENCES indicator_value (id),
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  recorded_by TEXT NOT NULL DEFAULT 'sql',
  CHECK (number IS NOT NULL OR length(trim(COALESCE(text, ''))) > 0));
CREATE INDEX indicator_value_key ON indicator_value (unit_code, year, indicator, id);
CREATE INDEX indicator_value_year ON indicator_value (year);
CREATE TRIGGER indicator_value_append_only_update BEFORE UPDATE ON indicator_value
BEGIN SELECT RAISE(ABORT, 'indicator values are append-only: add a correcting row instead'); END;
CREATE TRIGGER indicator_value_append_only_delete BEFORE DELETE ON indicator_value
BEGIN SELECT RAISE(ABORT, 'indicator values are append-only: add a correcting row instead'); END;
CREATE TRIGGER indicator_value_unit_exists BEFORE INSERT ON indicator_value
WHEN NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.unit_code
  AND u.valid_from <= printf('%04d-12-31', NEW.year)
  AND COALESCE(u.valid_to, '9999-12-31') > printf('%04d-12-31', NEW.year))
BEGIN SELECT RAISE(ABORT, 'no unit with this code is valid on 31 December of that year'); END;
)SQL";

const AuditedTable kIndicatorValue{"indicator_value",
                                   "{row}.unit_code || '/' || {row}.year || ':' || {row}.indicator",
                                   {"id", "unit_code", "year", "indicator", "number", "text", "note", "supersedes"},
                                   ""};

}  // namespace

const std::vector<AuditedTable>& audited_tables_added_in(int version) {
  static const std::vector<AuditedTable> none;
  static const std::vector<AuditedTable> v2{kValidationOverride};
  static const std::vector<AuditedTable> v3{kAccount, kApiKey, kServerSecret};
  static const std::vector<AuditedTable> v4{kDecisionDocument};
  static const std::vector<AuditedTable> v5{kIndicatorValue};
  switch (version) {
    case 1: return audited_tables();
    case 2: return v2;
    case 3: return v3;
    case 4: return v4;
    case 5: return v5;
    default: return none;
  }
}

const std::vector<std::string>& copied_tables() {
  static const std::vector<std::string> tables{
      "settings", "unit", "unit_status", "lineage_event", "lineage_link", "hotspot", "cluster", "cluster_member",
      "cluster_standing", "model", "model_year", "core_force", "festival", "validation_override", "account",
      "api_key", "server_secret", "decision_document", "indicator_value", "audit_log"};
  return tables;
}

StoredColumnType stored_column_type(const std::string& table, const std::string& column) {
  if ((table == "unit" && column == "geom") || (table == "model" && column == "location") ||
      (table == "audit_log" && (column == "before_geom" || column == "after_geom")))
    return StoredColumnType::geometry;
  if (table == "decision_document" && column == "content") return StoredColumnType::bytes;
  return StoredColumnType::value;
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = [] {
    std::string v1 = kSchemaV1;
    for (const auto& table : audited_tables()) v1 += audit_triggers_sql(table);
    auto with_audit = [](const char* sql, int version) {
      std::string text = sql;
      for (const auto& table : audited_tables_added_in(version)) text += audit_triggers_sql(table);
      return text;
    };
    std::string v2 = with_audit(kSchemaV2, 2);
    std::string v3 = with_audit(kSchemaV3, 3);
    std::string v4 = with_audit(kSchemaV4, 4);
    std::string v5 = with_audit(kSchemaV5, 5);
    return std::vector<Migration>{{1, "units, yearly status, lineage, clusters, models, audit log", v1},
                                  {2, "reasons given to save boundaries over validation errors", v2},
                                  {3, "accounts, API keys (hashes only) and the secret that signs embed tokens", v3},
                                  {4, "scanned decisions behind yearly statuses", v4},
                                  {5, "the programme's other indicators, append-only", v5}};
  }();
  return list;
}

}  // namespace antt::store::schema
