#include "test_support.hpp"

#include <cstdlib>
#include <libpq-fe.h>
#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "antt/cli/cli.hpp"
#include "antt/geo/geos.hpp"
#include "antt/store/sqlite.hpp"

namespace antt::testing {

std::optional<std::string> postgres_test_cluster() {
  const char* uri = std::getenv("ANTTMAP_TEST_PG");
  if (!uri || !*uri) return std::nullopt;
  return std::string(uri);
}

namespace {

/// Runs `sql` on a connection of its own to `location`; the first value of the first row.
std::string run_sql(const std::string& location, const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(location.c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK)
    throw std::runtime_error("cannot connect to " + location + ": " + PQerrorMessage(connection.get()));
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(PQresultErrorMessage(result.get()));
  if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0 && PQnfields(result.get()) > 0)
    return PQgetvalue(result.get(), 0, 0);
  return {};
}

std::string database_location(const std::string& cluster, const std::string& name) {
  // The cluster's URI names the database "postgres": postgresql://user@/postgres?host=...
  const auto slash = cluster.find('/', cluster.find("://") + 3);
  const auto query = cluster.find('?', slash);
  return cluster.substr(0, slash + 1) + name + (query == std::string::npos ? "" : cluster.substr(query));
}

}  // namespace

TempPostgisDatabase::TempPostgisDatabase(const std::string& cluster) : cluster_(cluster) {
  static std::mt19937_64 random{std::random_device{}()};
  name_ = "anttmap_test_" + std::to_string(::getpid()) + "_" + std::to_string(random() % 1000000000);
  run_sql(cluster_, "CREATE DATABASE " + name_ + " TEMPLATE anttmap_template");
  location_ = database_location(cluster_, name_);
}

TempPostgisDatabase::~TempPostgisDatabase() {
  try {
    run_sql(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // the cluster is thrown away at the end of the run anyway
  }
}

std::string TempPostgisDatabase::plain_sql(const std::string& sql) const { return run_sql(location_, sql); }

bool tests_use_postgis() {
  const char* kind = std::getenv("ANTT_TEST_STORE");
  if (!kind || !*kind || std::string(kind) == "spatialite") return false;
  if (std::string(kind) == "postgis") return true;
  throw std::runtime_error(std::string("ANTT_TEST_STORE is spatialite or postgis, not ") + kind);
}

std::string TempDir::store(const std::string& name) {
  if (!tests_use_postgis()) return file(name);
  const auto cluster = postgres_test_cluster();
  if (!cluster) throw std::runtime_error("ANTT_TEST_STORE=postgis needs a cluster in $ANTTMAP_TEST_PG");
  databases_.push_back(std::make_unique<TempPostgisDatabase>(*cluster));
  return databases_.back()->location();
}

TempDir::TempDir() {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() / ("antt-test-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  databases_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CliResult run_anttmap(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  CliResult result;
  result.exit_code = antt::cli::run_cli(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::string os_account_name() {
  const passwd* entry = getpwuid(geteuid());
  if (!entry) throw std::runtime_error("the test account has no entry in the user database");
  return entry->pw_name;
}

std::string make_api_key(const std::string& db, const std::string& name, const std::string& role,
                         const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--db", db, "key", "add", name, "--role", role, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult result = run_anttmap(args);
  if (result.exit_code != 0) throw std::runtime_error("key add failed: " + result.err);
  return nlohmann::json::parse(result.out).at("key").get<std::string>();
}

namespace {

/// The sample made by this process, when ctest made none.
std::string own_sample_store() {
  static TempDir dir;
  static const std::string path = [] {
    const std::string made = dir.file("sample.sqlite");
    const auto result = run_anttmap({"--db", made, "--quiet", "sample"});
    if (result.exit_code != 0) throw std::runtime_error("cannot make the sample store: " + result.err);
    return made;
  }();
  return path;
}

std::string sample_store_file() {
  const char* shared = std::getenv("ANTT_TEST_SAMPLE_STORE");
  return shared && std::filesystem::exists(shared) ? std::string(shared) : own_sample_store();
}

std::string database_name(const std::string& location) {
  const auto slash = location.find('/', location.find("://") + 3);
  return location.substr(slash + 1, location.find('?', slash) - slash - 1);
}

/// The name of a PostGIS database holding the sample that nobody connects to (CREATE DATABASE
/// copies only such a template): ctest's (anttmap_sample, made by tests/support/make-sample-stores.sh),
/// or one this process makes from the sample file.
std::string sample_template_database(const std::string& cluster) {
  if (run_sql(cluster, "SELECT count(*) FROM pg_database WHERE datname = 'anttmap_sample'") == "1")
    return "anttmap_sample";
  static const TempPostgisDatabase own(cluster);
  static const std::string name = [&] {
    const auto copied = run_anttmap({"--db", own.location(), "--quiet", "copy", "--from", sample_store_file(), "--to",
                                     own.location()});
    if (copied.exit_code != 0) throw std::runtime_error("cannot copy the sample into PostGIS: " + copied.err);
    return own.name();
  }();
  return name;
}

}  // namespace

void copy_sample_store(const std::string& location) {
  if (!store::is_postgis_location(location)) {
    std::filesystem::copy_file(sample_store_file(), location, std::filesystem::copy_options::overwrite_existing);
    return;
  }
  const auto cluster = postgres_test_cluster();
  if (!cluster) throw std::runtime_error("a PostGIS store in a test needs a cluster in $ANTTMAP_TEST_PG");
  const std::string name = database_name(location);
  const std::string source = sample_template_database(*cluster);
  run_sql(*cluster, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  run_sql(*cluster, "CREATE DATABASE " + name + " TEMPLATE " + source);
}

std::string plain_sql(const std::string& location, const std::string& sql) {
  if (store::is_postgis_location(location)) return run_sql(location, sql);
  const auto connection = store::Database::open(location, SQLITE_OPEN_READWRITE);
  std::string value;
  const auto keep_first = [](void* into, int columns, char** values, char**) {
    auto& first = *static_cast<std::string*>(into);
    if (first.empty() && columns > 0 && values[0]) first = values[0];
    return 0;
  };
  char* error = nullptr;
  const int code = sqlite3_exec(connection.get(), sql.c_str(), +keep_first, &value, &error);
  const std::unique_ptr<char, decltype(&sqlite3_free)> message(error, &sqlite3_free);
  if (code != SQLITE_OK) throw std::runtime_error(message ? message.get() : sqlite3_errstr(code));
  return value;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary);
  file << content;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

store::UnitVersion test_unit(const std::string& code, store::UnitKind kind, const std::string& parent,
                             const std::string& from, std::optional<std::string> to, std::string geometry_wkb) {
  store::UnitVersion version;
  version.code = code;
  version.name = "Đơn vị " + code;
  version.kind = kind;
  version.parent_code = parent;
  version.valid_from = from;
  version.valid_to = std::move(to);
  if (kind == store::UnitKind::commune) version.subtype = "xa";
  version.geometry_wkb = std::move(geometry_wkb);
  return version;
}

void add_tiny_province(store::Store& store, int year) {
  store.insert_unit({0, "99", "Tỉnh Thử Nghiệm", store::UnitKind::province, "", "", "2008-01-01", std::nullopt,
                     rectangle_wkb(105.77, 20.99, 105.83, 21.04), true});
  store.insert_unit({0, "990", "Huyện Mẫu", store::UnitKind::district, "", "99", "2008-01-01", std::nullopt,
                     rectangle_wkb(105.77, 20.99, 105.83, 21.04), true});
  store.insert_unit({0, "99001", "Xã Hòa Bình Ngãi", store::UnitKind::commune, "xa", "990", "2008-01-01", std::nullopt,
                     rectangle_wkb(105.78, 21.00, 105.80, 21.03), true});
  store.insert_unit({0, "99002", "Xã Đồng Tâm Lũy", store::UnitKind::commune, "xa", "990", "2008-01-01", std::nullopt,
                     rectangle_wkb(105.80, 21.00, 105.82, 21.03), true});
  for (const char* code : {"99001", "99002"}) {
    store::StatusRecord record;
    record.unit_code = code;
    record.year = year;
    record.status = store::StatusValue::recognised;
    record.decision_number = "1/QĐ-UBND";
    record.decision_date = std::to_string(year) + "-12-20";
    record.authority = "UBND huyện";
    store.add_status(record);
  }
}

std::string rectangle_wkb(double west, double south, double east, double north) {
  geo::GeosContext context;
  std::ostringstream wkt;
  wkt.precision(12);
  wkt << "MULTIPOLYGON(((" << west << " " << south << "," << east << " " << south << "," << east << " " << north << ","
      << west << " " << north << "," << west << " " << south << ")))";
  return geo::Geometry::from_wkt(context, wkt.str()).wkb();
}

::testing::AssertionResult geometries_equal(const std::string& expected_wkt, const std::string& actual_wkt,
                                            double tolerance) {
  geo::GeosContext context;
  auto expected = geo::Geometry::from_wkt(context, expected_wkt);
  auto actual = geo::Geometry::from_wkt(context, actual_wkt);
  double distance = 0;
  if (GEOSHausdorffDistance_r(context.get(), expected.get(), actual.get(), &distance) != 1)
    return ::testing::AssertionFailure() << "cannot compare geometries";
  if (distance <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "geometries differ by " << distance << " (tolerance " << tolerance
                                       << ")\n  expected: " << expected_wkt << "\n  actual:   " << actual_wkt;
}

}  // namespace antt::testing
