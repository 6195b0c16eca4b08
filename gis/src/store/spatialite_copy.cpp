// A whole SpatiaLite store as rows, and rows loaded into an empty one (Store's copy methods, used by
// copy_store): the rules' and the audit's triggers are dropped for the load and made again, the same,
// before the commit; SpatiaLite's own triggers (its spatial index) stay.
#include "spatialite_copy.hpp"

#include <map>

#include "antt/core/error.hpp"
#include "schema.hpp"

namespace antt::store::spatialite_copy {

std::vector<StoredColumn> stored_columns(const Database& db, const std::string& table) {
  auto statement = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
  statement.bind(1, table);
  std::vector<StoredColumn> out;
  while (statement.step()) {
    const std::string name = statement.text(0);
    out.push_back({name, schema::stored_column_type(table, name)});
  }
  return out;
}

void read_stored_rows(const Database& db, const std::string& table, const std::vector<StoredColumn>& columns,
                      const std::function<void(const StoredRow&)>& row) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string name = "\"" + columns[i].name + "\"";
    sql += (i ? ", " : "") + (columns[i].type == StoredColumn::Type::geometry ? "AsBinary(" + name + ")" : name);
  }
  sql += " FROM \"" + table + "\" ORDER BY 1";
  auto statement = db.prepare(sql);
  StoredRow cells(columns.size());
  while (statement.step()) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const int column = static_cast<int>(i);
      if (statement.is_null(column)) cells[i].reset();
      else cells[i] = columns[i].type == StoredColumn::Type::value ? statement.text(column) : statement.blob(column);
    }
    row(cells);
  }
}

void load_stored_rows(const Database& db, const std::string& path,
                    const std::function<void(const StoredRowSink&)>& produce) {
  db.exec("BEGIN IMMEDIATE");
  try {
    {
      auto written = db.prepare("SELECT count(*) FROM audit_log");
      written.step();
      if (written.integer(0) > 0)
        throw StoreError("the store '" + path + "' already holds data; copy into a new store / chỉ sao chép vào CSDL mới");
    }
    // The rules' and the audit's triggers stay out of a copy (SpatiaLite's own, which keep the
    // spatial index, stay in); they are made again, the same, before the commit.
    std::vector<std::pair<std::string, std::string>> triggers;
    {
      auto ours = db.prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'audit\\_%' ESCAPE '\\' OR "
          "name LIKE '%append\\_only%' ESCAPE '\\' OR name LIKE '%no\\_overlap%' ESCAPE '\\' OR "
          "name LIKE '%unit\\_exists' ESCAPE '\\')");
      while (ours.step()) triggers.emplace_back(ours.text(0), ours.text(1));
    }
    for (const auto& [name, sql] : triggers) db.exec("DROP TRIGGER \"" + name + "\"");
    std::map<std::string, Statement> inserts;
    produce([&](const std::string& table, const std::vector<StoredColumn>& columns, const StoredRow& row) {
      auto found = inserts.find(table);
      if (found == inserts.end()) {
        std::string names, values;
        for (std::size_t i = 0; i < columns.size(); ++i) {
          names += (i ? ", \"" : "\"") + columns[i].name + "\"";
          values += i ? ", " : "";
          values += columns[i].type == StoredColumn::Type::geometry ? "GeomFromWKB(?, 4326)" : "?";
        }
        found = inserts.emplace(table, db.prepare("INSERT INTO \"" + table + "\" (" + names + ") VALUES (" + values + ")")).first;
      }
      Statement& insert = found->second;
      insert.reset();
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (!row[i]) insert.bind_null(index);
        else if (columns[i].type == StoredColumn::Type::value) insert.bind(index, *row[i]);
        else insert.bind_blob(index, *row[i]);
      }
      insert.run();
    });
    inserts.clear();
    for (const auto& [name, sql] : triggers) db.exec(sql);
    db.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace antt::store::spatialite_copy
