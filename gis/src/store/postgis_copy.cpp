// A whole PostGIS store as rows, and rows loaded into an empty one (Store's copy methods, used by
// copy_store): every copied table read in pages, loaded in batches of 500 rows per INSERT with the
// rules' and the audit's triggers off, then the id sequences moved past the copied ids.
#include "postgis_copy.hpp"

#include <map>

#include "antt/core/error.hpp"
#include "schema.hpp"

namespace antt::store::postgis_copy {

using pg::Params;

std::vector<StoredColumn> stored_columns(const pg::Connection& db, const std::string& table) {
  auto result = db.exec("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                         "AND table_name = $1 ORDER BY ordinal_position",
                         Params().text(table));
  std::vector<StoredColumn> out;
  for (int row = 0; row < result.rows(); ++row) {
    const std::string name = result.text(row, 0);
    out.push_back({name, schema::stored_column_type(table, name)});
  }
  return out;
}

void read_stored_rows(const pg::Connection& db, const std::string& table, const std::vector<StoredColumn>& columns,
                      const std::function<void(const StoredRow&)>& row) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string name = "\"" + columns[i].name + "\"";
    sql += (i ? ", " : "") + (columns[i].type == StoredColumn::Type::geometry ? "ST_AsBinary(" + name + ")" : name);
  }
  // In pages, so a national table is never held whole.
  const std::int64_t page = 5000;
  StoredRow cells(columns.size());
  for (std::int64_t offset = 0;; offset += page) {
    auto result = db.exec_once(sql + " FROM \"" + table + "\" ORDER BY 1 LIMIT " + std::to_string(page) + " OFFSET " +
                           std::to_string(offset));
    for (int r = 0; r < result.rows(); ++r) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const int column = static_cast<int>(i);
        if (result.is_null(r, column)) cells[i].reset();
        else cells[i] = columns[i].type == StoredColumn::Type::value ? result.text(r, column) : result.bytes(r, column);
      }
      row(cells);
    }
    if (result.rows() < page) break;
  }
}

void load_stored_rows(const pg::Connection& db, const std::function<void(const StoredRowSink&)>& produce) {
  db.exec_script("BEGIN");
  try {
    db.exec_script("LOCK TABLE audit_log IN EXCLUSIVE MODE");
    if (db.exec("SELECT COALESCE(max(id), 0) FROM audit_log").integer(0, 0) > 0)
      throw StoreError("the store '" + db.label() + "' already holds data; copy into a new store / chỉ sao chép vào CSDL mới");
    const auto& tables = copied_tables();
    for (const auto& table : tables) db.exec_script("ALTER TABLE \"" + table + "\" DISABLE TRIGGER USER");
    // Rows go in batches of many rows per INSERT: one round trip per batch, not per row.
    struct Batch {
      std::string table;
      std::vector<StoredColumn> columns;
      Params params;
      int rows = 0;
    } batch;
    auto flush = [&] {
      if (batch.rows == 0) return;
      std::string sql = "INSERT INTO \"" + batch.table + "\" (";
      for (std::size_t i = 0; i < batch.columns.size(); ++i) sql += (i ? ", \"" : "\"") + batch.columns[i].name + "\"";
      sql += ") VALUES ";
      int next = 1;
      for (int row = 0; row < batch.rows; ++row) {
        sql += row ? ", (" : "(";
        for (std::size_t i = 0; i < batch.columns.size(); ++i) {
          const std::string param = "$" + std::to_string(next++);
          sql += i ? ", " : "";
          sql += batch.columns[i].type == StoredColumn::Type::geometry ? "ST_GeomFromWKB(" + param + ", 4326)" : param;
        }
        sql += ")";
      }
      db.exec_once(sql, batch.params);
      batch.params = Params();
      batch.rows = 0;
    };
    produce([&](const std::string& table, const std::vector<StoredColumn>& columns, const StoredRow& row) {
      if (table != batch.table) {
        flush();
        batch.table = table;
        batch.columns = columns;
      }
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (!row[i]) batch.params.null();
        else if (columns[i].type == StoredColumn::Type::value) batch.params.text(*row[i]);
        else batch.params.bytes(*row[i]);
      }
      // At most 500 rows and well under PostgreSQL's 65,535 parameters.
      if (++batch.rows >= 500 || batch.params.size() > 30000) flush();
    });
    flush();
    for (const auto& table : tables) {
      db.exec_script("ALTER TABLE \"" + table + "\" ENABLE TRIGGER USER");
      // Ids keep growing from the copied ones.
      auto sequence = db.exec(
          "SELECT pg_get_serial_sequence($1, column_name) FROM information_schema.columns WHERE table_schema = "
          "current_schema() AND table_name = $1 AND column_name = 'id'",
          Params().text(table));
      if (sequence.rows() == 0 || sequence.is_null(0, 0)) continue;
      db.exec("SELECT setval($1, COALESCE((SELECT max(id) FROM \"" + table + "\"), 0) + 1, false)",
               Params().text(sequence.text(0, 0)));
    }
    db.exec_script("COMMIT");
  } catch (...) {
    PQclear(PQexec(db.get(), "ROLLBACK"));
    throw;
  }
}

}  // namespace antt::store::postgis_copy
