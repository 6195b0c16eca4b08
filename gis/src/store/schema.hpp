#pragma once
// The store's schema as numbered migrations (PRAGMA user_version holds the applied number).
#include <string>
#include <vector>

namespace antt::store::schema {

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

/// CREATE TRIGGER statements that log INSERT/UPDATE/DELETE of one table.
std::string audit_triggers_sql(const AuditedTable& table);

}  // namespace antt::store::schema
