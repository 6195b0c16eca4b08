#pragma once
// The PostGIS store's schema: the SpatiaLite store's tables, columns, checks, append-only rules and
// audit (schema.hpp), written for PostgreSQL, as the same numbered migrations. The version applied is
// kept in anttmap_schema. Every change also notifies kChangeChannel (LISTEN/NOTIFY), so servers
// sharing the database hear of it without polling.
#include <string>
#include <vector>

#include "postgres.hpp"
#include "schema.hpp"

namespace antt::store::postgis_schema {

inline constexpr const char* kChangeChannel = "anttmap_changes";
/// Advisory lock keys (pg_advisory_xact_lock): one migrator at a time; one anttmap writer at a time.
inline constexpr const char* kMigrationLock = "727361";
inline constexpr const char* kWriterLock = "727362";

/// Migrations 1..N, the same numbers and meanings as schema::migrations().
const std::vector<schema::Migration>& migrations();

/// Brings the database's store up to date, each migration in its transaction (one migrator at a time).
/// StoreError for a newer store, a database with other tables, or (without `create`) one that is not a
/// store yet.
void migrate(const pg::Connection& db, bool create);

}  // namespace antt::store::postgis_schema
