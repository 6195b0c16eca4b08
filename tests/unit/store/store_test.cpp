// The store interface's rules, checked on both stores: each test runs against a SpatiaLite file and
// a PostGIS database of the tests' throwaway PostgreSQL cluster (AnyStoreTest); what only one store
// has (SQLite files, WAL, restore) is tested on that one.
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <thread>

#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/store/sqlite.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::store {
namespace {

const Actor kTester{"tester", "store_test"};

std::string wkb_of(const std::string& wkt) {
  geo::GeosContext context;
  return geo::Geometry::from_wkt(context, wkt).wkb();
}

UnitVersion commune(const std::string& code, const std::string& name, const std::string& from = "2008-08-01",
                    std::optional<std::string> to = std::nullopt) {
  UnitVersion unit;
  unit.code = code;
  unit.name = name;
  unit.kind = UnitKind::commune;
  unit.subtype = "xa";
  unit.parent_code = "148";
  unit.valid_from = from;
  unit.valid_to = std::move(to);
  unit.geometry_wkb = wkb_of("MULTIPOLYGON(((105 20,105.1 20,105.1 20.1,105 20.1,105 20)))");
  return unit;
}

enum class Backend { spatialite, postgis };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::spatialite ? "SpatiaLite" : "PostGIS";
}

/// A new, empty store of either kind, and plain SQL on it as another client (sqlite3, psql) would run it.
class StoreOfEitherKind {
 public:
  /// False (and the test skipped or failed) when it cannot be made.
  bool make(Backend backend, const testing::TempDir& dir, const std::string& file = "store.sqlite") {
    backend_ = backend;
    if (backend == Backend::postgis) {
      auto cluster = testing::postgres_test_cluster();
      if (!cluster) return false;
      database_ = std::make_unique<testing::TempPostgisDatabase>(*cluster);
      location_ = database_->location();
    } else {
      location_ = dir.file(file);
    }
    return true;
  }
  const std::string& location() const { return location_; }

  /// Runs SQL on a connection of its own; false with the error when the store refuses it. With
  /// SpatiaLite, `spatialite` loads mod_spatialite first, as QGIS or ogr2ogr would.
  bool plain_sql(const std::string& sql, std::string* error = nullptr, bool spatialite = false) const {
    if (backend_ == Backend::postgis) {
      try {
        database_->plain_sql(sql);
        return true;
      } catch (const std::exception& failure) {
        if (error) *error = failure.what();
        return false;
      }
    }
    const auto db = Database::open(location_, SQLITE_OPEN_READWRITE);
    if (spatialite) {
      sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
      sqlite3_load_extension(db.get(), "mod_spatialite", nullptr, nullptr);
    }
    char* message = nullptr;
    int rc = sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &message);
    const std::unique_ptr<char, decltype(&sqlite3_free)> owned(message, &sqlite3_free);
    if (error && owned) *error = owned.get();
    return rc == SQLITE_OK;
  }

  int rows(const std::string& table) const {
    if (backend_ == Backend::postgis) return std::stoi(database_->plain_sql("SELECT count(*) FROM " + table));
    auto statement = Database::open(location_, SQLITE_OPEN_READONLY).prepare("SELECT count(*) FROM " + table);
    statement.step();
    return static_cast<int>(statement.integer(0));
  }

  /// Whom the audit names for plain SQL: 'sql' in SpatiaLite, the connecting role in PostgreSQL.
  std::string plain_sql_account() const {
    return backend_ == Backend::postgis ? database_->plain_sql("SELECT session_user") : "sql";
  }

 private:
  Backend backend_ = Backend::spatialite;
  std::unique_ptr<testing::TempPostgisDatabase> database_;
  std::string location_;
};

#define ANTT_MAKE_STORE(holder, backend)                                                             \
  if (!(holder).make((backend), dir)) {                                                              \
    if (std::getenv("CI")) FAIL() << "CI has no PostgreSQL cluster ($ANTTMAP_TEST_PG is not set)"; \
    GTEST_SKIP() << "no PostgreSQL cluster: set ANTTMAP_TEST_PG (scripts/pg-cluster.sh start DIR)"; \
  }

class AnyStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ANTT_MAKE_STORE(made, GetParam());
    path = made.location();
    store = open_store(path, true);
  }
  int rows(const std::string& table) { return made.rows(table); }
  bool plain_sql(const std::string& sql, std::string* error = nullptr, bool spatialite = false) {
    return made.plain_sql(sql, error, spatialite);
  }

  testing::TempDir dir;
  StoreOfEitherKind made;
  std::string path;
  std::unique_ptr<Store> store;
};

INSTANTIATE_TEST_SUITE_P(BothStores, AnyStoreTest, ::testing::Values(Backend::spatialite, Backend::postgis),
                         backend_name);

/// SpatiaLite only: files, WAL, PRAGMA user_version, restore.
class SpatiaLiteStoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.file("store.sqlite");
  std::unique_ptr<Store> store = open_spatialite_store(path, true);
  StoreOfEitherKind made = [this] {
    StoreOfEitherKind file;
    file.make(Backend::spatialite, dir);
    return file;
  }();
  bool plain_sql(const std::string& sql, std::string* error = nullptr) { return made.plain_sql(sql, error); }
};

TEST_F(SpatiaLiteStoreTest, NewStoreIsAtLatestSchemaInWalMode) {
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  const auto db = Database::open(path, SQLITE_OPEN_READONLY);
  auto statement = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.text(0), "wal");
}

TEST_F(SpatiaLiteStoreTest, ReopeningDoesNotMigrateAgainAndKeepsData) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  store.reset();
  auto reopened = open_spatialite_store(path, false);
  EXPECT_EQ(reopened->units({}).size(), 1u);
}

TEST_F(SpatiaLiteStoreTest, ForeignSqliteFileIsRefused) {
  std::string other = dir.file("other.sqlite");
  Database::open(other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).exec("CREATE TABLE t (x)");
  EXPECT_THROW(open_spatialite_store(other, false), StoreError);
}

TEST_F(SpatiaLiteStoreTest, StoreOfANewerSchemaIsRefused) {
  store.reset();
  std::string error;
  ASSERT_TRUE(plain_sql("PRAGMA user_version = 99", &error)) << error;
  try {
    open_spatialite_store(path, false);
    FAIL() << "a newer store was opened";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos);
  }
}

TEST_F(SpatiaLiteStoreTest, MissingStoreWithoutCreateSaysHowToInit) {
  try {
    open_spatialite_store(dir.file("none.sqlite"), false);
    FAIL();
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("init"), std::string::npos);
  }
}

TEST_P(AnyStoreTest, UnitsOfADateFollowTheTimeRules) {
  store->write(kTester, [&] {
    store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01"));
    store->insert_unit(commune("04792", "Phường Tân Hòa", "2020-01-01"));
  });
  EXPECT_EQ(store->unit_at("04792", "2019-12-31")->name, "Xã Tân Hòa");
  EXPECT_EQ(store->unit_at("04792", "2020-01-01")->name, "Phường Tân Hòa");  // valid_to is exclusive
  EXPECT_FALSE(store->unit_at("04792", "2008-07-31").has_value());
  auto units = store->units({std::string("2019-12-31"), {UnitKind::commune}, {}, true});
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].geometry_wkb, wkb_of("MULTIPOLYGON(((105 20,105.1 20,105.1 20.1,105 20.1,105 20)))"));
}

TEST_P(AnyStoreTest, OverlappingVersionsAreRefusedAlsoFromPlainSql) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01")); });
  EXPECT_THROW(store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2015-01-01")); }),
               InputError);
  std::string error;
  EXPECT_FALSE(plain_sql("INSERT INTO unit (code, name, kind, valid_from) VALUES ('04792', 'X', 'commune', '2010-01-01')",
                         &error, true));
  EXPECT_NE(error.find("overlap"), std::string::npos);
  EXPECT_EQ(rows("unit"), 1);
}

TEST_P(AnyStoreTest, AFailedWriteChangesNothing) {
  EXPECT_THROW(store->write(kTester,
                            [&] {
                              store->insert_unit(commune("04792", "Xã Tân Hòa"));
                              throw InputError("second row is bad");
                            }),
               InputError);
  EXPECT_EQ(rows("unit"), 0);
  EXPECT_EQ(rows("audit_log"), 0);
}

TEST_P(AnyStoreTest, RecognisedNeedsDecisionNumberDateAndAuthority) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  StatusRecord record{.unit_code = "04792", .year = 2015, .status = StatusValue::recognised};
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
  std::string error;
  EXPECT_FALSE(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2015, 'revoked')", &error));
  record.decision_number = "12/QĐ-UBND";
  record.decision_date = "2015-12-20";
  record.authority = "UBND thành phố Hòa Bình";
  store->write(kTester, [&] { store->add_status(record); });
  EXPECT_EQ(store->statuses_of_year(2015).at("04792").status, StatusValue::recognised);
}

TEST_P(AnyStoreTest, StatusHistoryIsAppendOnlyAndCorrectionsSupersede) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  StatusRecord first{.unit_code = "04792", .year = 2016, .status = StatusValue::registered};
  StatusRecord correction{.unit_code = "04792", .year = 2016, .status = StatusValue::proposed};
  std::int64_t first_id = 0;
  store->write(kTester, [&] { first_id = store->add_status(first); });
  store->write(kTester, [&] { store->add_status(correction); });
  auto history = store->status_history("04792");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].supersedes, first_id);
  EXPECT_EQ(history[1].recorded_by, "tester");
  EXPECT_EQ(store->statuses_of_year(2016).at("04792").status, StatusValue::proposed);
  EXPECT_TRUE(store->statuses_of_year(2017).empty());  // a year without a row has no status
  EXPECT_FALSE(plain_sql("UPDATE unit_status SET status = 'recognised'"));
  EXPECT_FALSE(plain_sql("DELETE FROM unit_status"));
  EXPECT_FALSE(plain_sql("DELETE FROM audit_log"));
  EXPECT_EQ(rows("unit_status"), 2);
}

TEST_P(AnyStoreTest, StatusForAYearTheUnitDoesNotExistIsRefused) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01")); });
  StatusRecord record{.unit_code = "04792", .year = 2020, .status = StatusValue::registered};
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
  record.unit_code = "99999";
  record.year = 2015;
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
}

TEST_P(AnyStoreTest, AuditLogRecordsActorToolAndBeforeAfter) {
  std::int64_t id = 0;
  store->write(kTester, [&] { id = store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  store->write({"lan", "qgis"}, [&] {
    store->update_unit_geometry(id, wkb_of("MULTIPOLYGON(((105 20,105.2 20,105.2 20.1,105 20.1,105 20)))"));
  });
  auto entries = store->audit_entries();
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries.front().user, "tester");
  EXPECT_EQ(entries.front().operation, "INSERT");
  EXPECT_EQ(entries.front().row_key, "04792@2008-08-01");
  EXPECT_EQ(entries.back().user, "lan");
  EXPECT_EQ(entries.back().tool, "qgis");
  EXPECT_EQ(entries.back().operation, "UPDATE");
  EXPECT_EQ(entries.back().before_wkb, wkb_of("MULTIPOLYGON(((105 20,105.1 20,105.1 20.1,105 20.1,105 20)))"));
  EXPECT_EQ(entries.back().after_wkb, wkb_of("MULTIPOLYGON(((105 20,105.2 20,105.2 20.1,105 20.1,105 20)))"));
}

TEST_P(AnyStoreTest, PlainSqlChangesAreAuditedAsSql) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  ASSERT_TRUE(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2014, 'registered')"));
  auto entries = store->audit_entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().table_name, "unit_status");
  EXPECT_EQ(entries.back().user, made.plain_sql_account());
  EXPECT_EQ(entries.back().tool, "sql");
  EXPECT_EQ(store->status_history("04792").back().recorded_by, made.plain_sql_account());
  EXPECT_NE(entries.back().after_json.find("\"registered\""), std::string::npos);
}

TEST_P(AnyStoreTest, AreasMustBeMultiPolygonsPointsOnlyForAgencies) {
  UnitVersion unit = commune("04792", "Xã Tân Hòa");
  unit.geometry_wkb = wkb_of("POINT(105 20)");
  EXPECT_THROW(store->write(kTester, [&] { store->insert_unit(unit); }), InputError);
  unit.kind = UnitKind::school;
  unit.subtype.clear();
  unit.code = "TH-001";
  store->write(kTester, [&] { store->insert_unit(unit); });
  EXPECT_EQ(store->units({}).size(), 1u);
}

TEST_F(SpatiaLiteStoreTest, BackupAndRestoreRoundTrip) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  std::string backup = dir.file("backup.sqlite");
  store->backup_to(backup);
  store->write(kTester, [&] { store->insert_unit(commune("04795", "Xã Thịnh Lang")); });
  store.reset();
  restore_spatialite_store(backup, path);
  auto restored = open_spatialite_store(path, false);
  EXPECT_EQ(restored->units({}).size(), 1u);
}

TEST_P(AnyStoreTest, VietnameseNamesKeepEveryToneMark) {
  const std::string name = "Xã Ngọc Mỹ Hữu Thượng Đồng Tiến Cuối Hạ";
  store->write(kTester, [&] { store->insert_unit(commune("04999", name)); });
  EXPECT_EQ(store->units({})[0].name, name);
}

TEST_P(AnyStoreTest, TheChangeFeedNamesTopicUnitsKindsYearsAndBoxes) {
  EXPECT_EQ(store->change_position(), 0);
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01")); });
  const auto after_unit = store->change_position();
  ASSERT_GT(after_unit, 0);
  auto changes = store->changes_since(0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].position, after_unit);
  EXPECT_EQ(changes[0].topic, ChangeTopic::unit);
  EXPECT_EQ(changes[0].unit_codes, std::vector<std::string>{"04792"});
  EXPECT_EQ(changes[0].unit_kinds, std::vector<UnitKind>{UnitKind::commune});
  ASSERT_TRUE(changes[0].years);
  EXPECT_EQ(changes[0].years->first, 2008);
  EXPECT_EQ(changes[0].years->last, 2019);  // valid_to is exclusive: it ends with 2019
  ASSERT_EQ(changes[0].boxes.size(), 1u);
  EXPECT_NEAR(changes[0].boxes[0].west, 105.0, 1e-9);
  EXPECT_NEAR(changes[0].boxes[0].north, 20.1, 1e-9);

  // A status set by plain SQL is in the feed too, with the unit's kind looked up.
  ASSERT_TRUE(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2015, 'registered')"));
  changes = store->changes_since(after_unit);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].topic, ChangeTopic::status);
  EXPECT_EQ(changes[0].unit_kinds, std::vector<UnitKind>{UnitKind::commune});
  ASSERT_TRUE(changes[0].years);
  EXPECT_EQ(changes[0].years->first, 2015);
  EXPECT_EQ(changes[0].years->last, 2015);
  EXPECT_TRUE(changes[0].boxes.empty());

  // A setting may change every year; a cluster membership names its year.
  const auto before_setting = store->change_position();
  store->write(kTester, [&] {
    store->set_setting("home_province", "17");
    store->add_cluster({"C1", "Cụm giáp ranh Đà Bắc", ClusterKind::giap_ranh});
    store->set_cluster_year({"C1", 2016, {"04792"}, ""});
  });
  changes = store->changes_since(before_setting);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].topic, ChangeTopic::setting);
  EXPECT_FALSE(changes[0].years);
  EXPECT_EQ(changes[1].topic, ChangeTopic::cluster);
  EXPECT_EQ(changes[2].topic, ChangeTopic::cluster_membership);
  ASSERT_TRUE(changes[2].years);
  EXPECT_EQ(changes[2].years->first, 2016);
  EXPECT_EQ(changes[2].unit_codes, std::vector<std::string>{"04792"});
  EXPECT_TRUE(store->changes_since(store->change_position()).empty());
}

TEST_P(AnyStoreTest, AHotspotDesignationEndsOnceAndAfterItStarts) {
  std::int64_t id = 0;
  store->write(kTester, [&] {
    store->insert_unit(commune("04792", "Xã Tân Hòa"));
    id = store->add_hotspot({0, "04792", "2015-03-01", std::nullopt, "12/QĐ-UBND", ""});
  });
  EXPECT_THROW(store->write(kTester, [&] { store->end_hotspot(id, "2015-03-01"); }), InputError);
  EXPECT_THROW(store->write(kTester, [&] { store->end_hotspot(id + 1, "2016-01-01"); }), InputError);
  store->write(kTester, [&] { store->end_hotspot(id, "2017-01-01"); });
  EXPECT_THROW(store->write(kTester, [&] { store->end_hotspot(id, "2018-01-01"); }), InputError);
  const auto all = store->hotspots();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].valid_to, std::optional<std::string>("2017-01-01"));
  EXPECT_TRUE(store->hotspots_at("2017-06-01").empty());
  EXPECT_EQ(store->hotspots_at("2016-06-01").size(), 1u);
}


TEST_P(AnyStoreTest, ReopeningDoesNotMigrateAgainAndKeepsData) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  store.reset();
  auto reopened = open_store(path, false);
  EXPECT_EQ(reopened->schema_version(), latest_schema_version());
  EXPECT_EQ(reopened->units({}).size(), 1u);
}

TEST_P(AnyStoreTest, IndicatorValuesAreAppendOnlyAndReadAsKnownAtAMoment) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  IndicatorValue value{.unit_code = "04792", .year = 2016, .indicator = "core_force_members", .number = 12.0};
  store->write(kTester, [&] { store->add_indicator_value(value); });
  const auto first = store->indicator_values(2016);
  ASSERT_EQ(first.size(), 1u);
  const std::string known_then = first[0].recorded_at;
  std::this_thread::sleep_for(std::chrono::milliseconds(3));  // times are kept to the millisecond
  value.number = 15.5;
  std::int64_t correction = 0;
  store->write(kTester, [&] { correction = store->add_indicator_value(value); });
  EXPECT_THROW(store->write(kTester, [&] {
                 store->add_indicator_value({.unit_code = "99999", .year = 2016, .indicator = "x", .number = 1.0});
               }),
               InputError);
  const auto now = store->indicator_values(2016);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].id, correction);
  EXPECT_DOUBLE_EQ(*now[0].number, 15.5);
  EXPECT_EQ(now[0].supersedes, first[0].id);
  const auto then = store->indicator_values(2016, known_then);
  ASSERT_EQ(then.size(), 1u);
  EXPECT_DOUBLE_EQ(*then[0].number, 12.0);
  EXPECT_EQ(store->indicator_history("04792").size(), 2u);
  EXPECT_FALSE(plain_sql("UPDATE indicator_value SET number = 1"));
  EXPECT_FALSE(plain_sql("DELETE FROM indicator_value"));
  // Statuses as known at a moment likewise.
  store->write(kTester, [&] { store->add_status({.unit_code = "04792", .year = 2016, .status = StatusValue::registered}); });
  const std::string status_time = store->status_history("04792").back().recorded_at;
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  store->write(kTester, [&] { store->add_status({.unit_code = "04792", .year = 2016, .status = StatusValue::proposed}); });
  EXPECT_EQ(store->statuses_known_at(2016, status_time).at("04792").status, StatusValue::registered);
  EXPECT_EQ(store->statuses_of_year(2016).at("04792").status, StatusValue::proposed);
  EXPECT_EQ(store->years_with_status(), std::vector<int>{2016});
}

TEST_P(AnyStoreTest, ManyStatusesAtOnceAreWrittenAsOneByOneAndRefusedWhole) {
  store->write(kTester, [&] {
    store->insert_unit(commune("04792", "Xã Tân Hòa"));
    store->insert_unit(commune("04795", "Xã Thịnh Lang", "2008-08-01", "2020-01-01"));
  });
  std::vector<StatusRecord> records;
  for (int year = 2012; year <= 2019; ++year)
    for (const char* code : {"04792", "04795"})
      records.push_back({.unit_code = code, .year = year, .status = StatusValue::registered});
  // The same unit and year twice in one call: the second supersedes the first, as two calls would.
  records.push_back({.unit_code = "04792", .year = 2015, .status = StatusValue::recognised, .decision_number = "1/QĐ",
                     .decision_date = "2015-12-20", .authority = "UBND thành phố Hòa Bình"});
  store->write(kTester, [&] { store->add_statuses(records); });
  const auto history = store->status_history("04792");
  ASSERT_EQ(history.size(), 9u);
  const auto of_2015 = store->statuses_of_year(2015).at("04792");
  EXPECT_EQ(of_2015.status, StatusValue::recognised);
  ASSERT_TRUE(of_2015.supersedes);
  EXPECT_EQ(store->status_history("04795").size(), 8u);
  EXPECT_EQ(of_2015.recorded_by, "tester");

  // A unit not valid in a year, far down a long list: nothing of the list is written, the refusal names it.
  const auto audit_before = store->audit_entries().size();
  std::vector<StatusRecord> many(2500, StatusRecord{.unit_code = "04792", .year = 2016, .status = StatusValue::proposed});
  for (std::size_t i = 0; i < many.size(); ++i) many[i].note = "lần " + std::to_string(i);
  many.push_back({.unit_code = "04795", .year = 2021, .status = StatusValue::registered});
  try {
    store->write(kTester, [&] { store->add_statuses(many); });
    FAIL() << "a status of a unit that had ended was written";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("04795"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("2021"), std::string::npos) << error.what();
  }
  EXPECT_EQ(store->audit_entries().size(), audit_before);
  EXPECT_EQ(store->status_history("04792").size(), 9u);
  // 2,500 corrections of one unit and year in one call: each supersedes the one before.
  many.pop_back();
  store->write(kTester, [&] { store->add_statuses(many); });
  std::vector<StatusRecord> of_2016;
  for (const auto& row : store->status_history("04792"))
    if (row.year == 2016) of_2016.push_back(row);
  ASSERT_EQ(of_2016.size(), 1u + 2500u);
  EXPECT_EQ(of_2016.back().note, "lần 2499");
  EXPECT_EQ(of_2016.back().supersedes, of_2016[of_2016.size() - 2].id);
  EXPECT_EQ(of_2016[1].supersedes, of_2016[0].id);
  EXPECT_EQ(store->statuses_of_year(2016).at("04792").note, "lần 2499");
}

TEST_P(AnyStoreTest, AccountsKeysAndTheTokenSecretKeepOnlyHashes) {
  store->write(kTester, [&] {
    store->add_account({.name = "can.bo.tinh", .role = "editor", .scope = {"17", "148"}}, "$argon2id$hash");
    store->add_api_key({.name = "cong-thong-tin", .role = "partner", .prefix = "antt_ab"}, "digest-1");
  });
  EXPECT_THROW(store->write(kTester, [&] { store->add_account({.name = "can.bo.tinh", .role = "viewer"}, "h"); }),
               InputError);
  EXPECT_THROW(store->write(kTester, [&] { store->add_api_key({.name = "cong-thong-tin", .role = "viewer", .prefix = "p"}, "d2"); }),
               InputError);
  auto credentials = store->account_credentials("can.bo.tinh");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->first.scope, (std::vector<std::string>{"17", "148"}));
  EXPECT_EQ(credentials->second, "$argon2id$hash");
  store->write(kTester, [&] {
    store->set_account_password("can.bo.tinh", "$argon2id$new");
    store->set_account_disabled("can.bo.tinh", true);
    store->revoke_api_key("cong-thong-tin");
  });
  EXPECT_THROW(store->write(kTester, [&] { store->revoke_api_key("cong-thong-tin"); }), InputError);
  EXPECT_THROW(store->write(kTester, [&] { store->set_account_disabled("khong.co", true); }), InputError);
  EXPECT_EQ(store->account_credentials("can.bo.tinh")->second, "$argon2id$new");
  EXPECT_TRUE(store->accounts().at(0).disabled);
  EXPECT_TRUE(store->active_api_key_digests().empty());
  ASSERT_EQ(store->api_keys().size(), 1u);
  EXPECT_TRUE(store->api_keys()[0].revoked_at.has_value());
  std::int64_t first = 0, second = 0;
  store->write(kTester, [&] { first = store->rotate_server_secret("s1"); });
  store->write(kTester, [&] { second = store->rotate_server_secret("s2"); });
  EXPECT_GT(second, first);
  EXPECT_EQ(store->server_secret(), std::make_pair(second, std::string("s2")));
  // The audit copies neither hashes nor digests nor secrets.
  for (const auto& entry : store->audit_entries()) {
    EXPECT_EQ(entry.after_json.find("argon2id"), std::string::npos) << entry.table_name;
    EXPECT_EQ(entry.after_json.find("digest-1"), std::string::npos) << entry.table_name;
    EXPECT_EQ(entry.after_json.find("\"s2\""), std::string::npos) << entry.table_name;
  }
}

TEST_P(AnyStoreTest, ADecisionDocumentKeepsItsBytesAndIsNeverChanged) {
  store->write(kTester, [&] {
    store->insert_unit(commune("04792", "Xã Tân Hòa"));
    store->add_status({.unit_code = "04792", .year = 2015, .status = StatusValue::registered});
  });
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\x01\xff rest", 8);
  DecisionDocument document{.unit_code = "04792", .year = 2015, .file_name = "Quyết định số 12.png", .content = png};
  EXPECT_THROW(store->write(kTester, [&] { store->add_decision_document({.unit_code = "04792", .year = 2016, .content = png}); }),
               InputError);
  EXPECT_THROW(store->write(kTester, [&] { store->add_decision_document({.unit_code = "04792", .year = 2015, .content = "text"}); }),
               InputError);
  store->write({"lan", "anttmap"}, [&] { store->add_decision_document(document); });
  auto stored = store->decision_document("04792", 2015);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content, png);
  EXPECT_EQ(stored->media_type, "image/png");
  EXPECT_EQ(stored->file_name, "Quyết định số 12.png");
  EXPECT_EQ(stored->bytes, 16);
  EXPECT_EQ(stored->uploaded_by, "lan");
  EXPECT_EQ(stored->sha256.size(), 64u);
  EXPECT_TRUE(store->decision_document("04792", 2015, false)->content.empty());
  EXPECT_FALSE(plain_sql("DELETE FROM decision_document"));
}

TEST_P(AnyStoreTest, LineageModelsClustersCoreForcesAndFestivalsRoundTrip) {
  std::int64_t model = 0;
  store->write(kTester, [&] {
    store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01"));
    store->insert_unit(commune("04795", "Phường Tân Hòa", "2020-01-01"));
    store->add_lineage_event({.kind = LineageKind::merge, .effective_date = "2020-01-01", .decision = "830/NQ-UBTVQH14",
                              .from = {{"04792", "2008-08-01"}}, .to = {{"04795", "2020-01-01"}}});
    model = store->add_model({0, "M1", "to_hoa_giai", "Tổ hòa giải xóm Đễnh", "04795", wkb_of("POINT(105.05 20.05)"),
                              "2019-05-01"});
    store->set_model_year({model, 2021, true});
    store->set_model_year({model, 2021, false});
    store->add_cluster({"C1", "Cụm giáp ranh Đà Bắc", ClusterKind::giap_ranh});
    store->set_cluster_year({"C1", 2021, {"04795"}, "04795"});
    store->set_cluster_member("C1", 2021, "04795", true);  // already a member: nothing changes
    store->set_cluster_member("C1", 2021, "99001", true);
    store->set_core_force({"04795", 2021, true, 7});
    store->set_core_force({"04795", 2021, true, 9});
    store->set_festival({"04795", 2021, true});
  });
  EXPECT_THROW(store->write(kTester, [&] { store->set_cluster_member("C9", 2021, "04795", true); }), InputError);
  const auto events = store->lineage_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].from.at(0).code, "04792");
  EXPECT_EQ(events[0].to.at(0).valid_from, "2020-01-01");
  EXPECT_EQ(events[0].decision, "830/NQ-UBTVQH14");
  ASSERT_EQ(store->models().size(), 1u);
  EXPECT_EQ(store->models()[0].location_wkb, wkb_of("POINT(105.05 20.05)"));
  EXPECT_EQ(store->model_effectiveness(2021).at(model), false);
  const auto years = store->cluster_years(2021);
  ASSERT_EQ(years.size(), 1u);
  EXPECT_EQ(years[0].member_codes, (std::vector<std::string>{"04795", "99001"}));
  EXPECT_EQ(years[0].standing_unit_code, "04795");
  EXPECT_EQ(store->years_with_clusters(), std::vector<int>{2021});
  EXPECT_EQ(store->core_forces(2021).at(0).members, 9);
  EXPECT_TRUE(store->festivals(2021).at(0).held);
  EXPECT_FALSE(store->setting("home_province"));
  store->write(kTester, [&] {
    store->set_setting("home_province", "17");
    store->set_setting("home_province", "25");
    store->add_validation_override({0, "", "", "Ranh giới theo Nghị quyết 1676", {"04795"}, "[]"});
  });
  EXPECT_EQ(store->setting("home_province"), std::optional<std::string>("25"));
  ASSERT_EQ(store->validation_overrides().size(), 1u);
  EXPECT_EQ(store->validation_overrides()[0].units, std::vector<std::string>{"04795"});
  EXPECT_EQ(store->validation_overrides()[0].recorded_by, "tester");
  EXPECT_THROW(store->write(kTester, [&] { store->add_validation_override({0, "", "", "  ", {}, "[]"}); }), InputError);
}

/// Everything a store can hold, a little of each, written as the CLI and the server would.
void fill(Store& store) {
  store.write(kTester, [&] {
    store.insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01"));
    store.insert_unit(commune("04795", "Phường Tân Hòa", "2020-01-01"));
    store.add_status({.unit_code = "04792", .year = 2015, .status = StatusValue::recognised, .decision_number = "12/QĐ-UBND",
                      .decision_date = "2015-12-20", .authority = "UBND thành phố Hòa Bình",
                      .criteria = {.pledge_share = 97.25}});
    store.add_indicator_value({.unit_code = "04795", .year = 2021, .indicator = "hoa_giai_cases", .number = 3.0});
    store.add_lineage_event({.kind = LineageKind::merge, .effective_date = "2020-01-01", .from = {{"04792", "2008-08-01"}},
                             .to = {{"04795", "2020-01-01"}}});
    store.add_hotspot({0, "04795", "2021-03-01", std::nullopt, "5/QĐ-UBND", "Ghi chú có dấu: Ưu tiên"});
    store.add_model({0, "M1", "to_hoa_giai", "Tổ hòa giải", "04795", wkb_of("POINT(105.05 20.05)"), ""});
    store.add_cluster({"C1", "Cụm giáp ranh", ClusterKind::giap_ranh});
    store.set_cluster_year({"C1", 2021, {"04795"}, "04795"});
    store.set_core_force({"04795", 2021, true, 9});
    store.set_festival({"04795", 2021, true});
    store.set_setting("home_province", "25");
    store.add_account({.name = "can.bo", .role = "editor", .scope = {"148"}}, "$argon2id$hash");
    store.add_api_key({.name = "portal", .role = "partner", .prefix = "antt_x"}, "digest-1");
    store.rotate_server_secret("secret-1");
  });
  store.write({"lan", "qgis"}, [&] {
    store.update_unit_geometry(store.unit_at("04795", "2021-01-01")->id,
                               wkb_of("MULTIPOLYGON(((105 20,105.2 20,105.2 20.1,105 20.1,105 20)))"));
    store.add_decision_document({.unit_code = "04792", .year = 2015, .file_name = "qđ.pdf",
                                 .content = "%PDF-1.4\n% bytes \x01\x02\xff"});
    store.revoke_api_key("portal");
  });
}

/// What `a` and `b` hold, compared through the store interface: equal when the copy lost nothing.
void expect_same_contents(const Store& a, const Store& b) {
  auto units_a = a.units({}), units_b = b.units({});
  ASSERT_EQ(units_a.size(), units_b.size());
  for (std::size_t i = 0; i < units_a.size(); ++i) {
    EXPECT_EQ(units_a[i].id, units_b[i].id);
    EXPECT_EQ(units_a[i].name, units_b[i].name);
    EXPECT_EQ(units_a[i].valid_to, units_b[i].valid_to);
    EXPECT_EQ(units_a[i].geometry_wkb, units_b[i].geometry_wkb);
  }
  const auto history_a = a.status_history("04792"), history_b = b.status_history("04792");
  ASSERT_EQ(history_a.size(), history_b.size());
  EXPECT_EQ(history_a[0].recorded_at, history_b[0].recorded_at);
  EXPECT_EQ(history_a[0].recorded_by, history_b[0].recorded_by);
  EXPECT_EQ(history_a[0].criteria.pledge_share, history_b[0].criteria.pledge_share);
  EXPECT_EQ(history_a[0].authority, history_b[0].authority);
  EXPECT_EQ(a.indicator_values(2021).at(0).number, b.indicator_values(2021).at(0).number);
  EXPECT_EQ(a.lineage_events().at(0).to.at(0).code, b.lineage_events().at(0).to.at(0).code);
  EXPECT_EQ(a.hotspots().at(0).note, b.hotspots().at(0).note);
  EXPECT_EQ(a.models().at(0).location_wkb, b.models().at(0).location_wkb);
  EXPECT_EQ(a.cluster_years(2021).at(0).standing_unit_code, b.cluster_years(2021).at(0).standing_unit_code);
  EXPECT_EQ(a.core_forces(2021).at(0).members, b.core_forces(2021).at(0).members);
  EXPECT_EQ(a.setting("home_province"), b.setting("home_province"));
  EXPECT_EQ(a.account_credentials("can.bo")->second, b.account_credentials("can.bo")->second);
  EXPECT_EQ(a.api_keys().at(0).revoked_at, b.api_keys().at(0).revoked_at);
  EXPECT_EQ(a.server_secret(), b.server_secret());
  EXPECT_EQ(a.decision_document("04792", 2015)->content, b.decision_document("04792", 2015)->content);
  EXPECT_EQ(a.decision_document("04792", 2015)->sha256, b.decision_document("04792", 2015)->sha256);
  const auto audit_a = a.audit_entries(), audit_b = b.audit_entries();
  ASSERT_EQ(audit_a.size(), audit_b.size());
  for (std::size_t i = 0; i < audit_a.size(); ++i) {
    EXPECT_EQ(audit_a[i].id, audit_b[i].id);
    EXPECT_EQ(audit_a[i].at, audit_b[i].at);
    EXPECT_EQ(audit_a[i].user, audit_b[i].user);
    EXPECT_EQ(audit_a[i].tool, audit_b[i].tool);
    EXPECT_EQ(audit_a[i].row_key, audit_b[i].row_key);
    EXPECT_EQ(audit_a[i].before_wkb, audit_b[i].before_wkb);
    EXPECT_EQ(audit_a[i].after_wkb, audit_b[i].after_wkb);
  }
  EXPECT_EQ(a.change_position(), b.change_position());
}

TEST_P(AnyStoreTest, ACopyIntoTheOtherKindOfStoreAndBackLosesNothing) {
  fill(*store);
  StoreOfEitherKind other_made, back_made;
  const Backend other_kind = GetParam() == Backend::spatialite ? Backend::postgis : Backend::spatialite;
  ANTT_MAKE_STORE(other_made, other_kind);
  ASSERT_TRUE(back_made.make(GetParam(), dir, "back.sqlite"));
  auto other = open_store(other_made.location(), true);
  auto summary = copy_store(*store, *other);
  ASSERT_EQ(summary.tables.size(), copied_tables().size());
  EXPECT_EQ(summary.tables.back().first, "audit_log");
  EXPECT_EQ(summary.tables.back().second, static_cast<std::int64_t>(store->audit_entries().size()));
  expect_same_contents(*store, *other);
  auto back = open_store(back_made.location(), true);
  copy_store(*other, *back);
  expect_same_contents(*store, *back);

  // The copy goes on as a store: new ids follow the copied ones, the rules and the audit hold again.
  const auto position = other->change_position();
  std::int64_t id = 0;
  other->write({"thu", "anttmap"}, [&] { id = other->insert_unit(commune("04800", "Xã Mới")); });
  EXPECT_GT(id, store->units({}).back().id);
  EXPECT_EQ(other->audit_entries(position).at(0).user, "thu");
  EXPECT_THROW(other->write(kTester, [&] { other->insert_unit(commune("04795", "Trùng", "2021-01-01")); }), InputError);
  EXPECT_FALSE(other_made.plain_sql("DELETE FROM unit_status"));

  // Into a store that holds anything: refused, and nothing of it changes.
  const auto before = other->audit_entries().size();
  EXPECT_THROW(copy_store(*store, *other), StoreError);
  EXPECT_EQ(other->audit_entries().size(), before);
  EXPECT_EQ(other->units({}).size(), store->units({}).size() + 1);
}

/// PostGIS only: what a database server adds (other databases, other servers' writes, notifications).
class PostgisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ANTT_MAKE_STORE(made, Backend::postgis);
  }
  testing::TempDir dir;
  StoreOfEitherKind made;
};

TEST_F(PostgisStoreTest, ADatabaseIsMadeAStoreOnlyWhenAskedAndOnlyWhenEmpty) {
  try {
    open_store(made.location(), false);
    FAIL() << "an empty database was opened as a store";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("init"), std::string::npos) << error.what();
  }
  ASSERT_TRUE(made.plain_sql("CREATE TABLE parcels (id int)"));
  try {
    open_store(made.location(), true);
    FAIL() << "a foreign database was made a store";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("not an anttmap store"), std::string::npos) << error.what();
  }
  ASSERT_TRUE(made.plain_sql("DROP TABLE parcels"));
  auto store = open_store(made.location(), true);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  store.reset();
  ASSERT_TRUE(made.plain_sql("UPDATE anttmap_schema SET version = 99"));
  try {
    open_store(made.location(), false);
    FAIL() << "a newer store was opened";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos);
  }
}

TEST_F(PostgisStoreTest, AnUnreachableServerIsAStoreErrorWithoutThePassword) {
  try {
    open_store("postgresql://anttmap:bi-mat@/khong_co?host=/nonexistent&connect_timeout=2", false);
    FAIL();
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find("bi-mat"), std::string::npos) << message;
    EXPECT_NE(message.find("PostgreSQL"), std::string::npos) << message;
  }
}

TEST_F(PostgisStoreTest, EveryChangeIsAnnouncedToListeners) {
  auto store = open_store(made.location(), true);
  auto listener = open_store(made.location(), false);
  EXPECT_FALSE(listener->wait_for_change(0, std::chrono::milliseconds(50)));
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  const auto position = store->change_position();
  EXPECT_TRUE(listener->wait_for_change(0, std::chrono::milliseconds(2000)));
  EXPECT_EQ(listener->change_position(), position);
  // A write by plain SQL is announced too.
  ASSERT_TRUE(made.plain_sql("INSERT INTO settings (key, value) VALUES ('x', 'y')"));
  EXPECT_TRUE(listener->wait_for_change(position, std::chrono::milliseconds(2000)));
  EXPECT_GT(listener->change_position(), position);
}

}  // namespace
}  // namespace antt::store
