#include "postgis_schema.hpp"

#include "antt/core/error.hpp"

namespace antt::store::postgis_schema {
namespace {

// Who is writing: anttmap sets anttmap.user/anttmap.tool for its transaction (set_config(..., true));
// plain SQL is attributed to the role it connected as (session_user) and the tool 'sql'. Times are
// UTC text of one width, as the SpatiaLite store keeps them, so text order is time order in both.
// Audit ids in commit order: an audited write takes the writers' lock (as anttmap's own writes do)
// before its id and time are drawn, so no transaction commits an id smaller than one already
// committed, and a reader of the feed (changes_since: ids above its position) never steps over a
// change still to commit. Without it, two plain-SQL writers (psql, QGIS) could commit out of order
// and the earlier id would be missed by every server. CREATE OR REPLACE: also added to stores made
// before it (migrate()).
const char* kAuditInOrder = R"SQL(
CREATE OR REPLACE FUNCTION anttmap_audit_in_order() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN
  PERFORM pg_advisory_xact_lock(727362);
  NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  NEW.at := anttmap_now();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION anttmap_audit_in_order();
)SQL";

const char* kSchemaV1 = R"SQL(
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE anttmap_schema (version INTEGER NOT NULL);
INSERT INTO anttmap_schema (version) VALUES (0);

CREATE FUNCTION anttmap_now() RETURNS TEXT LANGUAGE sql VOLATILE AS
$$ SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
CREATE FUNCTION anttmap_user() RETURNS TEXT LANGUAGE sql STABLE AS
$$ SELECT COALESCE(NULLIF(current_setting('anttmap.user', true), ''), session_user::text) $$;
CREATE FUNCTION anttmap_tool() RETURNS TEXT LANGUAGE sql STABLE AS
$$ SELECT COALESCE(NULLIF(current_setting('anttmap.tool', true), ''), 'sql') $$;
CREATE FUNCTION anttmap_refuse() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL DEFAULT anttmap_now(),
  "user" TEXT NOT NULL,
  tool TEXT NOT NULL,
  table_name TEXT NOT NULL,
  operation TEXT NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  row_key TEXT,
  before_json TEXT,
  after_json TEXT,
  before_geom geometry(Geometry, 4326),
  after_geom geometry(Geometry, 4326));
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION anttmap_refuse('audit_log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION anttmap_refuse('audit_log is append-only');
-- Every change wakes the servers listening on the channel. No payload: PostgreSQL folds the same
-- notification of one transaction into one, so an import of 100,000 rows sends one (listeners read the feed).
CREATE FUNCTION anttmap_notify_change() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_notify('anttmap_changes', ''); RETURN NULL; END $$;
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION anttmap_notify_change();

CREATE TABLE unit (
  id BIGSERIAL PRIMARY KEY,
  code TEXT NOT NULL CHECK (length(trim(code)) > 0),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'village', 'agency', 'enterprise', 'school')),
  subtype TEXT CHECK (subtype IS NULL OR (kind = 'commune' AND subtype IN ('xa', 'phuong', 'thi_tran'))),
  parent_code TEXT,
  valid_from TEXT NOT NULL DEFAULT '0001-01-01' CHECK (valid_from ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
  valid_to TEXT CHECK (valid_to IS NULL OR (valid_to ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$' AND valid_to > valid_from)),
  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  geom geometry(Geometry, 4326));
CREATE INDEX unit_geom ON unit USING GIST (geom);
CREATE INDEX unit_code_validity ON unit (code, valid_from);
CREATE INDEX unit_parent ON unit (parent_code);
CREATE INDEX unit_kind ON unit (kind);

-- Two versions of one code may not overlap in time (valid_to is exclusive).
CREATE FUNCTION unit_versions_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.code AND u.id <> NEW.id
      AND u.valid_from < COALESCE(NEW.valid_to, '9999-12-31')
      AND NEW.valid_from < COALESCE(u.valid_to, '9999-12-31')) THEN
    RAISE EXCEPTION 'unit versions of one code may not overlap in time';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER unit_versions_no_overlap BEFORE INSERT OR UPDATE OF code, valid_from, valid_to ON unit
FOR EACH ROW EXECUTE FUNCTION unit_versions_no_overlap();

-- A yearly row (status, indicator) needs a unit valid on 31 December of its year.
CREATE FUNCTION anttmap_unit_of_year_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = NEW.unit_code
      AND u.valid_from <= lpad(NEW.year::text, 4, '0') || '-12-31'
      AND COALESCE(u.valid_to, '9999-12-31') > lpad(NEW.year::text, 4, '0') || '-12-31') THEN
    RAISE EXCEPTION 'no unit with this code is valid on 31 December of that year';
  END IF;
  RETURN NEW;
END $$;

CREATE TABLE unit_status (
  id BIGSERIAL PRIMARY KEY,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  status TEXT NOT NULL CHECK (status IN ('not_registered', 'registered', 'proposed', 'recognised', 'not_recognised', 'revoked')),
  decision_number TEXT,
  decision_date TEXT CHECK (decision_date IS NULL OR decision_date ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
  authority TEXT,
  resolution_adopted INTEGER CHECK (resolution_adopted IS NULL OR resolution_adopted IN (0, 1)),
  pledge_share DOUBLE PRECISION CHECK (pledge_share IS NULL OR pledge_share BETWEEN 0 AND 100),
  police_rating TEXT,
  villages_recognised_share DOUBLE PRECISION CHECK (villages_recognised_share IS NULL OR villages_recognised_share BETWEEN 0 AND 100),
  effective_models INTEGER CHECK (effective_models IS NULL OR effective_models >= 0),
  note TEXT,
  supersedes BIGINT REFERENCES unit_status (id),
  recorded_at TEXT NOT NULL DEFAULT anttmap_now(),
  recorded_by TEXT NOT NULL DEFAULT anttmap_user(),
  CHECK (status NOT IN ('recognised', 'revoked') OR (
    length(trim(COALESCE(decision_number, ''))) > 0 AND decision_date IS NOT NULL
    AND length(trim(COALESCE(authority, ''))) > 0)));
CREATE INDEX unit_status_key ON unit_status (unit_code, year, id);
CREATE INDEX unit_status_year ON unit_status (year);
CREATE TRIGGER unit_status_append_only BEFORE UPDATE OR DELETE ON unit_status
FOR EACH ROW EXECUTE FUNCTION anttmap_refuse('status history is append-only: add a correcting row instead');
CREATE TRIGGER unit_status_no_truncate BEFORE TRUNCATE ON unit_status
FOR EACH STATEMENT EXECUTE FUNCTION anttmap_refuse('status history is append-only: add a correcting row instead');
CREATE TRIGGER unit_status_unit_exists BEFORE INSERT ON unit_status
FOR EACH ROW EXECUTE FUNCTION anttmap_unit_of_year_exists();

CREATE TABLE lineage_event (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('create', 'abolish', 'merge', 'split', 'rename', 'transfer', 'reclassify')),
  effective_date TEXT NOT NULL CHECK (effective_date ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
  decision TEXT,
  note TEXT,
  synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)));
CREATE TABLE lineage_link (
  event_id BIGINT NOT NULL REFERENCES lineage_event (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('from', 'to')),
  unit_code TEXT NOT NULL,
  unit_valid_from TEXT NOT NULL,
  PRIMARY KEY (event_id, role, unit_code, unit_valid_from));
CREATE INDEX lineage_link_unit ON lineage_link (unit_code);

CREATE TABLE hotspot (
  id BIGSERIAL PRIMARY KEY,
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
  id BIGSERIAL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('to_lien_gia_tu_quan', 'dong_ho_o_nha_tu_quan', 'lang_thon_xom_tu_quan',
    'to_tuan_tra_nhan_dan', 'to_hoa_giai', 'clb_phong_chong_toi_pham', 'hom_thu_to_giac', 'tieng_keng_binh_yen',
    'giup_nguoi_lam_loi', 'clb_19_8', 'khac')),
  name TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  founded TEXT,
  location geometry(Point, 4326));
CREATE TABLE model_year (
  model_id BIGINT NOT NULL REFERENCES model (id) ON DELETE CASCADE,
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

const char* kSchemaV2 = R"SQL(
CREATE TABLE validation_override (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL DEFAULT anttmap_now(),
  recorded_by TEXT NOT NULL DEFAULT anttmap_user(),
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  units TEXT NOT NULL,
  findings TEXT NOT NULL);
)SQL";

const char* kSchemaV3 = R"SQL(
CREATE TABLE account (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('public', 'partner', 'viewer', 'editor', 'admin')),
  scope TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT anttmap_now(),
  password_changed_at TEXT NOT NULL DEFAULT anttmap_now());
CREATE TABLE api_key (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('public', 'partner', 'viewer', 'editor', 'admin')),
  scope TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT anttmap_now(),
  revoked_at TEXT);
CREATE UNIQUE INDEX api_key_active_name ON api_key (name) WHERE revoked_at IS NULL;
CREATE TABLE server_secret (
  id BIGSERIAL PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT anttmap_now(),
  retired_at TEXT);
)SQL";

const char* kSchemaV4 = R"SQL(
CREATE TABLE decision_document (
  id BIGSERIAL PRIMARY KEY,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL,
  status_id BIGINT NOT NULL REFERENCES unit_status (id),
  media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  file_name TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL CHECK (bytes > 0 AND bytes <= 10485760 AND bytes = octet_length(content)),
  sha256 TEXT NOT NULL,
  content BYTEA NOT NULL,
  uploaded_at TEXT NOT NULL DEFAULT anttmap_now(),
  uploaded_by TEXT NOT NULL DEFAULT anttmap_user());
CREATE INDEX decision_document_unit_year ON decision_document (unit_code, year);
CREATE TRIGGER decision_document_append_only BEFORE UPDATE OR DELETE ON decision_document
FOR EACH ROW EXECUTE FUNCTION anttmap_refuse('decision documents are appended, never changed');
)SQL";

const char* kSchemaV5 = R"SQL(
CREATE TABLE indicator_value (
  id BIGSERIAL PRIMARY KEY,
  unit_code TEXT NOT NULL,
  year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  indicator TEXT NOT NULL CHECK (length(trim(indicator)) > 0),
  number DOUBLE PRECISION,
  text TEXT,
  note TEXT,
  supersedes BIGINT REFERENCES indicator_value (id),
  recorded_at TEXT NOT NULL DEFAULT anttmap_now(),
  recorded_by TEXT NOT NULL DEFAULT anttmap_user(),
  CHECK (number IS NOT NULL OR length(trim(COALESCE(text, ''))) > 0));
CREATE INDEX indicator_value_key ON indicator_value (unit_code, year, indicator, id);
CREATE INDEX indicator_value_year ON indicator_value (year);
CREATE TRIGGER indicator_value_append_only BEFORE UPDATE OR DELETE ON indicator_value
FOR EACH ROW EXECUTE FUNCTION anttmap_refuse('indicator values are append-only: add a correcting row instead');
CREATE TRIGGER indicator_value_unit_exists BEFORE INSERT ON indicator_value
FOR EACH ROW EXECUTE FUNCTION anttmap_unit_of_year_exists();
)SQL";

std::string replace_row(std::string text, const std::string& row) {
  for (size_t at = text.find("{row}"); at != std::string::npos; at = text.find("{row}", at))
    text.replace(at, 5, row);
  return text;
}

std::string json_of(const schema::AuditedTable& table, const std::string& row) {
  std::string json = "jsonb_build_object(";
  bool first = true;
  for (const auto& column : table.columns) {
    json += (first ? "'" : ", '") + column + "', " + row + "." + column;
    first = false;
  }
  return json + ")::text";
}

/// One trigger function per audited table: the same entries the SpatiaLite triggers write.
std::string audit_trigger_sql(const schema::AuditedTable& table) {
  auto geometry = [&](const char* row) {
    return table.geometry_column.empty() ? std::string("NULL") : std::string(row) + "." + table.geometry_column;
  };
  auto entry = [&](const char* op, const char* key_row, bool before, bool after) {
    return std::string("INSERT INTO audit_log (\"user\", tool, table_name, operation, row_key, before_json, "
                       "after_json, before_geom, after_geom) VALUES (anttmap_user(), anttmap_tool(), '") +
           table.name + "', '" + op + "', " + replace_row(table.key_sql, key_row) + ", " +
           (before ? json_of(table, "OLD") : "NULL") + ", " + (after ? json_of(table, "NEW") : "NULL") + ", " +
           (before ? geometry("OLD") : "NULL") + ", " + (after ? geometry("NEW") : "NULL") + ");";
  };
  return "CREATE FUNCTION audit_" + table.name + "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" +
         "  IF TG_OP = 'INSERT' THEN " + entry("INSERT", "NEW", false, true) + "\n" +
         "  ELSIF TG_OP = 'UPDATE' THEN " + entry("UPDATE", "NEW", true, true) + "\n" +
         "  ELSE " + entry("DELETE", "OLD", true, false) + "\n  END IF;\n  RETURN NULL;\nEND $$;\n" +
         "CREATE TRIGGER audit_" + table.name + " AFTER INSERT OR UPDATE OR DELETE ON " + table.name +
         " FOR EACH ROW EXECUTE FUNCTION audit_" + table.name + "();\n";
}

}  // namespace

const std::vector<schema::Migration>& migrations() {
  static const std::vector<schema::Migration> list = [] {
    const auto& spatialite = schema::migrations();
    const char* sql[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5};
    std::vector<schema::Migration> out;
    for (std::size_t i = 0; i < spatialite.size(); ++i) {
      std::string text = sql[i];
      if (i == 0) text += kAuditInOrder;
      for (const auto& table : schema::audited_tables_added_in(spatialite[i].version))
        text += audit_trigger_sql(table);
      out.push_back({spatialite[i].version, spatialite[i].description, text});
    }
    return out;
  }();
  return list;
}

namespace {

int version_of(const pg::Connection& db) {
  auto result = db.exec("SELECT version FROM anttmap_schema");
  return result.rows() ? static_cast<int>(result.integer(0, 0)) : 0;
}

/// kAuditInOrder on a store that has an audit log without it (made before it existed).
void add_audit_order(const pg::Connection& db) {
  const auto missing = [&] {
    return db.exec("SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'audit_log' "
                   "AND c.relnamespace = current_schema()::regnamespace")
                   .rows() > 0 &&
           db.exec("SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'audit_log' "
                   "AND c.relnamespace = current_schema()::regnamespace AND t.tgname = 'audit_log_in_order'")
                   .rows() == 0;
  };
  if (!missing()) return;
  db.exec_script("BEGIN");
  try {
    db.exec_script(std::string("SELECT pg_advisory_xact_lock(") + postgis_schema::kMigrationLock + ")");
    if (missing()) db.exec_script(kAuditInOrder);
    db.exec_script("COMMIT");
  } catch (...) {
    PQclear(PQexec(db.get(), "ROLLBACK"));
    throw;
  }
}

}  // namespace

void migrate(const pg::Connection& db, bool create) {
  const bool has_schema =
      db.exec("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
               "table_name = 'anttmap_schema'")
          .rows() > 0;
  int current = has_schema ? version_of(db) : 0;
  const auto& list = postgis_schema::migrations();
  if (current > list.back().version)
    throw StoreError("store '" + db.label() + "' has schema version " + std::to_string(current) +
                     ", newer than this anttmap knows (" + std::to_string(list.back().version) + "); upgrade anttmap");
  if (!has_schema) {
    auto tables = db.exec(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT IN "
        "('spatial_ref_sys', 'geography_columns', 'geometry_columns')");
    if (tables.integer(0, 0) > 0)
      throw StoreError("the database '" + db.label() +
                       "' has tables but is not an anttmap store; choose another database / CSDL này không phải của anttmap");
    if (!create)
      throw StoreError("no anttmap store in '" + db.label() + "'; create one with `anttmap --db URI init` / "
                       "chưa có CSDL, hãy chạy init");
  }
  add_audit_order(db);
  for (const auto& migration : list) {
    if (migration.version <= current) continue;
    db.exec_script("BEGIN");
    try {
      // One migrator at a time when several servers start on a new database together.
      db.exec_script(std::string("SELECT pg_advisory_xact_lock(") + postgis_schema::kMigrationLock + ")");
      const bool done = db.exec("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                                 "AND table_name = 'anttmap_schema'")
                                .rows() > 0 &&
                        version_of(db) >= migration.version;
      if (!done) {
        db.exec_script(migration.sql);
        db.exec("UPDATE anttmap_schema SET version = $1", pg::Params().integer(migration.version));
      }
      db.exec_script("COMMIT");
    } catch (...) {
      PQclear(PQexec(db.get(), "ROLLBACK"));
      throw;
    }
  }
}

}  // namespace antt::store::postgis_schema
