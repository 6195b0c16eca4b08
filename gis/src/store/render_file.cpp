#include "antt/store/render_file.hpp"

#include <filesystem>

#include "antt/core/error.hpp"

namespace antt::store {
namespace {

void load_spatialite(const Database& db, const std::string& path) {
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
  char* error = nullptr;
  int rc = sqlite3_load_extension(db.get(), "mod_spatialite", nullptr, &error);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("render file '" + path + "': cannot load SpatiaLite (mod_spatialite): " + message +
                     "; install libsqlite3-mod-spatialite (scripts/install-deps.sh)");
  }
}

void remove_stale(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
  if (std::filesystem::exists(path))
    throw StoreError("render file '" + path + "' exists and cannot be deleted; remove it or choose another path");
}

std::string insert_sql(const std::string& table) {
  return "INSERT INTO \"" + table +
         "\" (fid, year, vfrom, vto, code, name, kind, parent_code, class, label, share, recognised, total, "
         "effective, decision, members, geometry) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 3857))";
}

}  // namespace

RenderFile RenderFile::create(const std::string& path, const std::vector<RenderTable>& tables) {
  remove_stale(path);
  auto db = Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX);
  load_spatialite(db, path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  {
    // InitSpatialMetadata(1) runs its own transaction, so it comes before ours.
    auto init = db.prepare("SELECT InitSpatialMetadata(1)");
    if (!init.step() || init.integer(0) != 1)
      throw StoreError("render file '" + path + "': SpatiaLite could not create its metadata tables");
  }
  db.exec("BEGIN");
  for (const auto& table : tables) {
    db.exec("CREATE TABLE \"" + table.name +
            "\" (fid INTEGER PRIMARY KEY, year INTEGER NOT NULL, vfrom INTEGER NOT NULL, vto INTEGER NOT NULL, "
            "code TEXT, name TEXT, kind TEXT, parent_code TEXT, class TEXT, label TEXT, share REAL, "
            "recognised INTEGER, total INTEGER, effective INTEGER, decision TEXT, members TEXT)");
    auto add = db.prepare("SELECT AddGeometryColumn(?, 'geometry', 3857, ?, 'XY'), CreateSpatialIndex(?, 'geometry')");
    add.bind(1, table.name).bind(2, table.points ? "POINT" : "MULTIPOLYGON").bind(3, table.name);
    if (!add.step() || add.integer(0) != 1 || add.integer(1) != 1)
      throw StoreError("render file '" + path + "': SpatiaLite refused the geometry column of " + table.name);
    db.exec("CREATE INDEX \"" + table.name + "_time\" ON \"" + table.name + "\" (year, vfrom, vto)");
  }
  db.exec("COMMIT");
  return RenderFile(std::move(db));
}

void RenderFile::insert(const std::string& table, const RenderFileRow& row) const {
  auto statement = db_.prepare_cached(insert_sql(table));
  statement.bind(1, row.fid).bind(2, row.year).bind(3, row.vfrom).bind(4, row.vto);
  statement.bind_or_null(5, row.code).bind_or_null(6, row.name).bind_or_null(7, row.kind);
  statement.bind_or_null(8, row.parent_code).bind(9, row.class_key).bind_or_null(10, row.label);
  statement.bind(11, row.share).bind(12, row.recognised).bind(13, row.total).bind(14, row.effective);
  statement.bind_or_null(15, row.decision).bind_or_null(16, row.members).bind_blob(17, row.wkb);
  statement.run();
}

void RenderFile::remove(const std::string& table, std::int64_t fid) const {
  db_.prepare_cached("DELETE FROM \"" + table + "\" WHERE fid = ?").bind(1, fid).run();
}

}  // namespace antt::store
