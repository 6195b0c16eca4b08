#pragma once
// The PostGIS store's side of whole-store copies (Store::stored_columns, read_stored_rows and
// load_stored_rows), as functions over its connection.
#include <functional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"
#include "postgres.hpp"

namespace antt::store::postgis_copy {

std::vector<StoredColumn> stored_columns(const pg::Connection& db, const std::string& table);
void read_stored_rows(const pg::Connection& db, const std::string& table, const std::vector<StoredColumn>& columns,
                      const std::function<void(const StoredRow&)>& row);
/// One transaction; StoreError unless the store's audit log is empty; rolled back on any failure.
void load_stored_rows(const pg::Connection& db, const std::function<void(const StoredRowSink&)>& produce);

}  // namespace antt::store::postgis_copy
