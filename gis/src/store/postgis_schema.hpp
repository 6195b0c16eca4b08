#pragma once
// The PostGIS store's schema: the SpatiaLite store's tables, columns, checks, append-only rules and
// audit (schema.hpp), written for PostgreSQL, as the same numbered migrations. The version applied is
// kept in anttmap_schema. Every change also notifies kChangeChannel (LISTEN/NOTIFY), so servers
// sharing the database hear of it without polling.
#include <string>
#include <vector>

#include "schema.hpp"

namespace antt::store::postgis_schema {

inline constexpr const char* kChangeChannel = "anttmap_changes";
/// Advisory lock keys (pg_advisory_xact_lock): one migrator at a time; one anttmap writer at a time.
inline constexpr const char* kMigrationLock = "727361";
inline constexpr const char* kWriterLock = "727362";

/// Migrations 1..N, the same numbers and meanings as schema::migrations().
const std::vector<schema::Migration>& migrations();

}  // namespace antt::store::postgis_schema
