#pragma once
// The SpatiaLite store's schema as numbered migrations (PRAGMA user_version holds the applied number);
// the PostGIS store's (postgis_schema.hpp) has the same tables, columns, rules and audit.
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::store::schema {

using StoredColumnType = StoredColumn::Type;

struct Migration {
  int version;
  std::string description;
  std::string sql;  ///< run inside one transaction with SpatiaLite loaded
};

const std::vector<Migration>& migrations();

/// Tables whose changes the triggers write into audit_log, with their key expression.
struct AuditedTable {
  std::string name;
  std::string key_sql;                 ///< SQL over NEW./OLD. giving the row key, with {row} for NEW/OLD
  std::vector<std::string> columns;    ///< plain columns copied into the JSON
  std::string geometry_column;          ///< copied as a blob into audit_log.before_geom/after_geom; may be empty
};
const std::vector<AuditedTable>& audited_tables();

/// The audited tables a schema version adds (version 1: audited_tables()); the same for every store.
const std::vector<AuditedTable>& audited_tables_added_in(int version);

/// Every table a whole-store copy moves, in an order that satisfies their references (audit last).
const std::vector<std::string>& copied_tables();

/// How a copy moves a column: geometry (unit.geom, model.location, the audit's before/after
/// geometry) as WKB, decision_document.content as bytes, everything else as a value.
StoredColumnType stored_column_type(const std::string& table, const std::string& column);

/// CREATE TRIGGER statements that log INSERT/UPDATE/DELETE of one table.
std::string audit_triggers_sql(const AuditedTable& table);

}  // namespace antt::store::schema
