#include <sqlite3.h>

#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
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

class StoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.file("store.sqlite");
  std::unique_ptr<Store> store = open_spatialite_store(path, true);

  int rows(const std::string& table) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &statement, nullptr);
    sqlite3_step(statement);
    int count = sqlite3_column_int(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
  }

  /// Runs SQL through a plain sqlite3 connection without SpatiaLite, as another client would.
  /// With `spatialite`, loads mod_spatialite first, as QGIS or ogr2ogr would.
  int plain_sql(const std::string& sql, std::string* error = nullptr, bool spatialite = false) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    if (spatialite) {
      sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
      sqlite3_load_extension(db, "mod_spatialite", nullptr, nullptr);
    }
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (error && message) *error = message;
    sqlite3_free(message);
    sqlite3_close(db);
    return rc;
  }
};

TEST_F(StoreTest, NewStoreIsAtLatestSchemaInWalMode) {
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr);
  sqlite3_step(statement);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(StoreTest, ReopeningDoesNotMigrateAgainAndKeepsData) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  store.reset();
  auto reopened = open_spatialite_store(path, false);
  EXPECT_EQ(reopened->units({}).size(), 1u);
}

TEST_F(StoreTest, ForeignSqliteFileIsRefused) {
  std::string other = dir.file("other.sqlite");
  sqlite3* db = nullptr;
  sqlite3_open(other.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW(open_spatialite_store(other, false), StoreError);
}

TEST_F(StoreTest, StoreOfANewerSchemaIsRefused) {
  store.reset();
  std::string error;
  ASSERT_EQ(plain_sql("PRAGMA user_version = 99", &error), SQLITE_OK) << error;
  try {
    open_spatialite_store(path, false);
    FAIL() << "a newer store was opened";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos);
  }
}

TEST_F(StoreTest, MissingStoreWithoutCreateSaysHowToInit) {
  try {
    open_spatialite_store(dir.file("none.sqlite"), false);
    FAIL();
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("init"), std::string::npos);
  }
}

TEST_F(StoreTest, UnitsOfADateFollowTheTimeRules) {
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

TEST_F(StoreTest, OverlappingVersionsAreRefusedAlsoFromPlainSql) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01")); });
  EXPECT_THROW(store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2015-01-01")); }),
               InputError);
  std::string error;
  EXPECT_NE(plain_sql("INSERT INTO unit (code, name, kind, valid_from) VALUES ('04792', 'X', 'commune', '2010-01-01')",
                      &error, true),
            SQLITE_OK);
  EXPECT_NE(error.find("overlap"), std::string::npos);
  EXPECT_EQ(rows("unit"), 1);
}

TEST_F(StoreTest, AFailedWriteChangesNothing) {
  EXPECT_THROW(store->write(kTester,
                            [&] {
                              store->insert_unit(commune("04792", "Xã Tân Hòa"));
                              throw InputError("second row is bad");
                            }),
               InputError);
  EXPECT_EQ(rows("unit"), 0);
  EXPECT_EQ(rows("audit_log"), 0);
}

TEST_F(StoreTest, RecognisedNeedsDecisionNumberDateAndAuthority) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  StatusRecord record{.unit_code = "04792", .year = 2015, .status = StatusValue::recognised};
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
  std::string error;
  EXPECT_NE(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2015, 'revoked')", &error),
            SQLITE_OK);
  record.decision_number = "12/QĐ-UBND";
  record.decision_date = "2015-12-20";
  record.authority = "UBND thành phố Hòa Bình";
  store->write(kTester, [&] { store->add_status(record); });
  EXPECT_EQ(store->statuses_of_year(2015).at("04792").status, StatusValue::recognised);
}

TEST_F(StoreTest, StatusHistoryIsAppendOnlyAndCorrectionsSupersede) {
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
  EXPECT_NE(plain_sql("UPDATE unit_status SET status = 'recognised'"), SQLITE_OK);
  EXPECT_NE(plain_sql("DELETE FROM unit_status"), SQLITE_OK);
  EXPECT_EQ(rows("unit_status"), 2);
}

TEST_F(StoreTest, StatusForAYearTheUnitDoesNotExistIsRefused) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa", "2008-08-01", "2020-01-01")); });
  StatusRecord record{.unit_code = "04792", .year = 2020, .status = StatusValue::registered};
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
  record.unit_code = "99999";
  record.year = 2015;
  EXPECT_THROW(store->write(kTester, [&] { store->add_status(record); }), InputError);
}

TEST_F(StoreTest, AuditLogRecordsActorToolAndBeforeAfter) {
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

TEST_F(StoreTest, PlainSqlChangesAreAuditedAsSql) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  ASSERT_EQ(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2014, 'registered')"),
            SQLITE_OK);
  auto entries = store->audit_entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().table_name, "unit_status");
  EXPECT_EQ(entries.back().user, "sql");
  EXPECT_NE(entries.back().after_json.find("\"registered\""), std::string::npos);
}

TEST_F(StoreTest, AreasMustBeMultiPolygonsPointsOnlyForAgencies) {
  UnitVersion unit = commune("04792", "Xã Tân Hòa");
  unit.geometry_wkb = wkb_of("POINT(105 20)");
  EXPECT_THROW(store->write(kTester, [&] { store->insert_unit(unit); }), InputError);
  unit.kind = UnitKind::school;
  unit.subtype.clear();
  unit.code = "TH-001";
  store->write(kTester, [&] { store->insert_unit(unit); });
  EXPECT_EQ(store->units({}).size(), 1u);
}

TEST_F(StoreTest, BackupAndRestoreRoundTrip) {
  store->write(kTester, [&] { store->insert_unit(commune("04792", "Xã Tân Hòa")); });
  std::string backup = dir.file("backup.sqlite");
  store->backup_to(backup);
  store->write(kTester, [&] { store->insert_unit(commune("04795", "Xã Thịnh Lang")); });
  store.reset();
  restore_spatialite_store(backup, path);
  auto restored = open_spatialite_store(path, false);
  EXPECT_EQ(restored->units({}).size(), 1u);
}

TEST_F(StoreTest, VietnameseNamesKeepEveryToneMark) {
  const std::string name = "Xã Ngọc Mỹ Hữu Thượng Đồng Tiến Cuối Hạ";
  store->write(kTester, [&] { store->insert_unit(commune("04999", name)); });
  EXPECT_EQ(store->units({})[0].name, name);
}

TEST_F(StoreTest, TheChangeFeedNamesTopicUnitsKindsYearsAndBoxes) {
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
  ASSERT_EQ(plain_sql("INSERT INTO unit_status (unit_code, year, status) VALUES ('04792', 2015, 'registered')"), SQLITE_OK);
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

TEST_F(StoreTest, AHotspotDesignationEndsOnceAndAfterItStarts) {
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

}  // namespace
}  // namespace antt::store
