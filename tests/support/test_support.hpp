#pragma once
// Shared test helpers: a temporary directory that cleans itself, in-process CLI runs,
// and a geometry comparison on WKT.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::testing {

class TempPostgisDatabase;

/// The kind of store the tests make (TempDir::store): "spatialite", or "postgis" when
/// $ANTT_TEST_STORE says so (ctest's postgis/ entries run the store-using suites so).
bool tests_use_postgis();

/// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Where a store for this test lives (what --db takes): file(name) for SpatiaLite, or a new
  /// empty PostGIS database, dropped with this directory, when the tests run on PostGIS.
  std::string store(const std::string& name);

 private:
  std::filesystem::path path_;
  std::vector<std::unique_ptr<TempPostgisDatabase>> databases_;
};

/// The URI of the tests' throwaway PostgreSQL cluster (scripts/pg-cluster.sh; ctest starts it and
/// names it in $ANTTMAP_TEST_PG), or nothing when the tests run without one.
std::optional<std::string> postgres_test_cluster();

/// A new database with PostGIS in that cluster (made from its template), dropped with everything in
/// it on destruction. location() is what `--db` takes.
class TempPostgisDatabase {
 public:
  explicit TempPostgisDatabase(const std::string& cluster);
  ~TempPostgisDatabase();
  TempPostgisDatabase(const TempPostgisDatabase&) = delete;
  TempPostgisDatabase& operator=(const TempPostgisDatabase&) = delete;
  const std::string& location() const { return location_; }
  const std::string& name() const { return name_; }
  /// Runs SQL as another client would (psql, QGIS): its own connection, no anttmap in between.
  /// Returns the first column of the first row ("" when none); throws with the server's message.
  std::string plain_sql(const std::string& sql) const;

 private:
  std::string cluster_, name_, location_;
};

/// Skips the test when there is no PostgreSQL cluster to test against, and fails it instead when
/// $CI is set (CI always has one: a skipped store is not a tested store).
#define ANTT_REQUIRE_POSTGRES(cluster_variable)                                                     \
  auto cluster_variable = ::antt::testing::postgres_test_cluster();                                 \
  if (!cluster_variable) {                                                                          \
    if (std::getenv("CI")) FAIL() << "CI has no PostgreSQL cluster ($ANTTMAP_TEST_PG is not set)"; \
    GTEST_SKIP() << "no PostgreSQL cluster: set ANTTMAP_TEST_PG (scripts/pg-cluster.sh start DIR)"; \
  }

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

/// Runs `anttmap` in-process with `args`.
CliResult run_anttmap(const std::vector<std::string>& args);

/// The name of the account the tests run as (the user database's, as the CLI records it; no sudo).
std::string os_account_name();

/// The key `anttmap --db DB key add NAME --role ROLE EXTRA... --json` prints; throws when it fails.
std::string make_api_key(const std::string& db, const std::string& name, const std::string& role,
                         const std::vector<std::string>& extra = {});

/// Writes a fresh copy of the sample province (`anttmap sample`) to `location` (a SpatiaLite path,
/// or a PostGIS database of the test cluster, replaced). The sample takes seconds to make: ctest
/// makes it once for every test process (the fixture test sample_store_template, named by
/// $ANTT_TEST_SAMPLE_STORE, and its PostGIS copy, the template database anttmap_sample); a test
/// binary run by hand makes it once per process.
void copy_sample_store(const std::string& location);

/// Runs SQL on the store at `location` as another client would (sqlite3, psql): its own connection,
/// no anttmap in between. Returns the first column of the first row ("" when none).
std::string plain_sql(const std::string& location, const std::string& sql);

/// Writes `content` to `path`.
void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

/// ISO WKB of the MultiPolygon of one lon/lat rectangle (a unit's boundary in test stores).
std::string rectangle_wkb(double west, double south, double east, double north);

/// A unit version for hand-made test stores: named "Đơn vị CODE", valid from `from` (to `to`, open
/// when empty), a commune typed "xa"; no geometry unless given (rectangle_wkb).
store::UnitVersion test_unit(const std::string& code, store::UnitKind kind, const std::string& parent,
                             const std::string& from = "2010-01-01", std::optional<std::string> to = std::nullopt,
                             std::string geometry_wkb = {});

/// Writes a tiny province into `store` (call inside a write): province 99, district 990 and the
/// communes 99001 "Xã Hòa Bình Ngãi" (105.78-105.80 E) and 99002 "Xã Đồng Tâm Lũy" (105.80-105.82 E),
/// 21.00-21.03 N (names with every tone mark), both recognised in `year` by decision 1/QĐ-UBND.
void add_tiny_province(store::Store& store, int year);

/// True when the two WKT geometries are equal within `tolerance` (Hausdorff distance).
::testing::AssertionResult geometries_equal(const std::string& expected_wkt, const std::string& actual_wkt,
                                            double tolerance);

}  // namespace antt::testing

#define EXPECT_GEOM_EQ(expected_wkt, actual_wkt, tolerance) \
  EXPECT_TRUE(::antt::testing::geometries_equal((expected_wkt), (actual_wkt), (tolerance)))
