#pragma once
// `anttmap status import FILE`: yearly statuses from a CSV or XLSX sheet, all rows or none.
#include <functional>
#include <string>

#include "antt/store/store.hpp"

namespace antt::status {

struct StatusImportResult {
  int imported = 0;
};

struct StatusImportOptions {
  /// How messages name the input (e.g. "the uploaded sheet"); empty: its path.
  std::string label;
  /// Called for every row inside the write transaction before it is written; what it throws
  /// aborts the import with nothing written (the server's scope check).
  std::function<void(const store::StatusRecord&)> check_row;
};

/// Columns: code, year, status, decision, date, authority, note (case-insensitive; optional criteria
/// columns resolution_adopted, pledge_share, police_rating, villages_recognised_share, effective_models).
/// Every row is checked before anything is written; the first bad row aborts with an InputError
/// naming the row number and the problem.
StatusImportResult import_statuses(store::Store& store, const store::Actor& actor, const std::string& path,
                                   const std::function<void(double)>& progress = {},
                                   const StatusImportOptions& options = {});

}  // namespace antt::status
