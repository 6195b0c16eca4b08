// A whole store copied into a new one, either way between SpatiaLite and PostGIS: every table the
// schema has, audit log included, row by row as it is stored (copy_store in antt/store/store.hpp).
#include <algorithm>

#include "antt/core/error.hpp"
#include "antt/store/store.hpp"
#include "schema.hpp"

namespace antt::store {

const std::vector<std::string>& copied_tables() { return schema::copied_tables(); }

CopySummary copy_store(const Store& from, Store& to,
                       const std::function<void(const std::string& table, std::int64_t rows)>& progress) {
  if (from.schema_version() != to.schema_version())
    throw StoreError("the stores have different schema versions (" + std::to_string(from.schema_version()) + " and " +
                     std::to_string(to.schema_version()) + "); open both with this anttmap first");
  // The target's columns name what is copied; the source must have every one of them.
  std::vector<std::pair<std::string, std::vector<StoredColumn>>> plan;
  for (const auto& table : copied_tables()) {
    auto columns = to.stored_columns(table);
    const auto source = from.stored_columns(table);
    for (const auto& column : columns)
      if (std::none_of(source.begin(), source.end(), [&](const StoredColumn& c) { return c.name == column.name; }))
        throw StoreError("the source store has no column " + table + "." + column.name + "; it cannot be copied");
    plan.emplace_back(table, std::move(columns));
  }
  CopySummary summary;
  to.load_stored_rows([&](const StoredRowSink& sink) {
    for (const auto& [table, columns] : plan) {
      std::int64_t rows = 0;
      from.read_stored_rows(table, columns, [&](const StoredRow& row) {
        sink(table, columns, row);
        ++rows;
      });
      summary.tables.emplace_back(table, rows);
      if (progress) progress(table, rows);
    }
  });
  return summary;
}

}  // namespace antt::store
