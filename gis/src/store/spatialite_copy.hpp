#pragma once
// The SpatiaLite store's side of whole-store copies (Store::stored_columns, read_stored_rows and
// load_stored_rows), as functions over its database.
#include <functional>
#include <string>
#include <vector>

#include "antt/store/sqlite.hpp"
#include "antt/store/store.hpp"

namespace antt::store::spatialite_copy {

std::vector<StoredColumn> stored_columns(const Database& db, const std::string& table);
void read_stored_rows(const Database& db, const std::string& table, const std::vector<StoredColumn>& columns,
                      const std::function<void(const StoredRow&)>& row);
/// One transaction; StoreError unless the store at `path` has an empty audit log; rolled back on any failure.
void load_stored_rows(const Database& db, const std::string& path,
                      const std::function<void(const StoredRowSink&)>& produce);

}  // namespace antt::store::spatialite_copy
