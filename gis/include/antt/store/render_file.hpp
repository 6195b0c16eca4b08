#pragma once
// The map server's render file: a SpatiaLite database of derived, ready-to-draw rows (one table
// per layer and generalisation level; the schema is described in antt/mapdata/mapdata.hpp),
// written by the render store and read by MapServer through OGR. It lives here, beside the store,
// because it is SQL; its writers see only this typed interface.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/sqlite.hpp"

namespace antt::store {

/// One table of the render file.
struct RenderTable {
  std::string name;    ///< e.g. "communes_g2"
  bool points = false;  ///< POINT geometry; else MULTIPOLYGON
};

/// One row as the render file stores it (geometry: ISO WKB, EPSG:3857).
struct RenderFileRow {
  std::int64_t fid = 0;
  int year = 0;
  int vfrom = 0, vto = 0;  ///< yyyymmdd; vto exclusive
  std::string code, name, kind, parent_code;
  std::string class_key, label;
  std::optional<double> share;
  std::optional<int> recognised, total, effective;
  std::string decision, members;
  std::string wkb;
};

class RenderFile {
 public:
  /// Deletes any file at `path` (and its WAL) and creates `tables`.
  static RenderFile create(const std::string& path, const std::vector<RenderTable>& tables);

  void insert(const std::string& table, const RenderFileRow& row) const;
  void remove(const std::string& table, std::int64_t fid) const;

  /// Runs `body` in one write transaction: readers see the rows before or after, never between.
  template <typename Body>
  void in_transaction(Body&& body) const {
    db_.exec("BEGIN IMMEDIATE");
    try {
      body();
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  explicit RenderFile(Database db) : db_(std::move(db)) {}
  Database db_;
};

}  // namespace antt::store
