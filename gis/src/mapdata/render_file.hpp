#pragma once
// The render file itself: a SpatiaLite database with one table per layer and level
// (schema in antt/mapdata/mapdata.hpp). Tables are created once; later writes only replace rows.
#include <cstdint>
#include <string>
#include <vector>

#include "antt/layers/layers.hpp"
#include "antt/store/sqlite.hpp"
#include "render_row.hpp"

namespace antt::mapdata {

class RenderFile {
 public:
  /// Deletes any file at `path` (and its WAL) and creates the schema for `layers`.
  static RenderFile create(const std::string& path, const std::vector<layers::LayerDescriptor>& layers);

  /// Writes `row` as feature `fid` of `layer` in `year` at every level whose geometry is not empty.
  void insert(const std::string& layer, int year, std::int64_t fid, const RenderRow& row) const;
  /// Removes feature `fid` of `layer` from every level.
  void remove(const std::string& layer, std::int64_t fid) const;

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
  explicit RenderFile(store::Database db) : db_(std::move(db)) {}
  store::Database db_;
};

}  // namespace antt::mapdata
