// Changes of units in time (antt::editing lineage): one change at a time and whole reforms from a
// crosswalk, on a real SpatiaLite store. WKT in, stored versions out. The fixture: province 99,
// district 990, communes 99001 [105.78, 105.80] and 99002 [105.80, 105.82] × [21.00, 21.03], and a
// village in each.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/exporter/exporter.hpp"
#include "antt/importer/importer.hpp"
#include "antt/geo/geos.hpp"
#include "antt/stats/stats.hpp"
#include "test_support.hpp"

namespace antt::editing {
namespace {

using antt::testing::rectangle_wkb;

const store::Actor kOperator{"can.bo.tinh", "anttmap lineage"};

store::UnitVersion unit(std::string code, std::string name, store::UnitKind kind, std::string parent,
                        std::string wkb, std::string subtype = "xa") {
  store::UnitVersion version;
  version.code = std::move(code);
  version.name = std::move(name);
  version.kind = kind;
  version.subtype = kind == store::UnitKind::commune ? std::move(subtype) : "";
  version.parent_code = std::move(parent);
  version.geometry_wkb = std::move(wkb);
  version.valid_from = "2008-01-01";
  return version;
}

class LineageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store(dir_.store("lineage.sqlite"), true);
    store_->write({"setup", "test"}, [&] {
      antt::testing::add_tiny_province(*store_, 2015);
      store_->insert_unit(unit("V1", "Thôn Nà Mường", store::UnitKind::village, "99001",
                               rectangle_wkb(105.78, 21.00, 105.80, 21.03)));
      store_->insert_unit(unit("V2", "Bản Suối Hoa", store::UnitKind::village, "99002",
                               rectangle_wkb(105.80, 21.00, 105.82, 21.03)));
    });
  }

  std::optional<store::UnitVersion> on(const std::string& code, const std::string& date) const {
    return store_->unit_at(code, date, true);
  }

  antt::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(LineageTest, AMergeEndsBothVersionsStartsTheMergedOneAndMovesTheVillages) {
  LineageChange change;
  change.kind = store::LineageKind::merge;
  change.effective_date = "2020-01-01";
  change.decision = "830/NQ-UBTVQH14";
  change.from = {"99001", "99002"};
  store::UnitVersion merged;
  merged.code = "99003";
  merged.name = "Xã Hợp Nhất Ỷ Lã";
  merged.kind = store::UnitKind::commune;
  merged.subtype = "xa";
  merged.parent_code = "990";
  change.to = {merged};
  const auto result = apply_lineage(*store_, kOperator, change);
  EXPECT_EQ(result.closed, (std::vector<std::string>{"99001", "99002"}));
  EXPECT_EQ(result.opened, (std::vector<std::string>{"99003"}));
  EXPECT_EQ(result.moved.size(), 2u);
  EXPECT_TRUE(on("99001", "2019-12-31"));
  EXPECT_FALSE(on("99001", "2020-01-01"));
  const auto after = on("99003", "2020-01-01");
  ASSERT_TRUE(after);
  // The merged unit's boundary is the union of its predecessors'.
  geo::GeosContext geos;
  EXPECT_TRUE(antt::testing::geometries_equal("MULTIPOLYGON(((105.78 21,105.82 21,105.82 21.03,105.78 21.03,105.78 21)))",
                                              geo::Geometry::from_wkb(geos, after->geometry_wkb).wkt(9), 1e-9));
  EXPECT_EQ(on("V1", "2020-01-01")->parent_code, "99003");
  EXPECT_EQ(on("V1", "2019-12-31")->parent_code, "99001");
  const auto lineage = lineage_of(*store_, "99003");
  ASSERT_EQ(lineage["before"].size(), 2u);
  EXPECT_EQ(lineage["before"][0]["code"], "99001");
  EXPECT_EQ(lineage_of(*store_, "99001")["after"][0]["code"], "99003");
  // Audited under the operator's account.
  bool audited = false;
  for (const auto& entry : store_->audit_entries())
    audited = audited || (entry.table_name == "lineage_event" && entry.user == "can.bo.tinh");
  EXPECT_TRUE(audited);
}

TEST_F(LineageTest, ARenameKeepsTheCodeAndTheGeometryAndRefusesWhatIsNotARename) {
  LineageChange change;
  change.kind = store::LineageKind::rename;
  change.effective_date = "2021-02-01";
  change.decision = "1189/NQ-UBTVQH14";
  change.from = {"99001"};
  store::UnitVersion renamed;
  renamed.code = "99001";
  renamed.name = "Xã Quỳnh Lâm Ửng";
  renamed.kind = store::UnitKind::commune;
  change.to = {renamed};
  apply_lineage(*store_, kOperator, change);
  EXPECT_EQ(on("99001", "2021-02-01")->name, "Xã Quỳnh Lâm Ửng");
  EXPECT_EQ(on("99001", "2021-01-31")->name, "Xã Hòa Bình Ngãi");
  EXPECT_EQ(on("99001", "2021-02-01")->geometry_wkb, on("99001", "2021-01-31")->geometry_wkb);
  EXPECT_EQ(on("V1", "2021-02-01")->parent_code, "99001");  // the village stays, same code
  // Again on the same day: the version it would end no longer reaches that day.
  EXPECT_THROW(apply_lineage(*store_, kOperator, change), InputError);
  change.decision = " ";
  EXPECT_THROW(apply_lineage(*store_, kOperator, change), InputError);
}

TEST_F(LineageTest, AbolishingAUnitThatStillHasVillagesIsRefusedAndWritesNothing) {
  LineageChange change;
  change.kind = store::LineageKind::abolish;
  change.effective_date = "2022-01-01";
  change.decision = "1/NQ";
  change.from = {"99002"};
  const auto position = store_->change_position();
  try {
    apply_lineage(*store_, kOperator, change);
    FAIL() << "abolished a commune with a village";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("V2"), std::string::npos) << error.what();
  }
  EXPECT_EQ(store_->change_position(), position);
  EXPECT_TRUE(on("99002", "2022-06-01"));
}

/// The two communes become 99001 (all of 99001, the west half of 99002) and 99005 (the rest).
class CrosswalkTest : public LineageTest {
 protected:
  Crosswalk reform() const {
    Crosswalk crosswalk;
    crosswalk.effective_date = "2025-07-01";
    crosswalk.decision = "1676/NQ-UBTVQH15";
    crosswalk.rows = {{"99001", "99001", std::nullopt, false},
                      {"99002", "99001", std::nullopt, true},
                      {"99002", "99005", std::nullopt, true}};
    crosswalk.new_units = {unit("99001", "Phường Đồng Tiến Mỹ", store::UnitKind::commune, "99",
                                rectangle_wkb(105.78, 21.00, 105.81, 21.03), "phuong"),
                           unit("99005", "Xã Thượng Cốc Hữu", store::UnitKind::commune, "99",
                                rectangle_wkb(105.81, 21.00, 105.82, 21.03))};
    return crosswalk;
  }
};

TEST_F(CrosswalkTest, AReformSplitsByOverlapEndsTheOldVersionsAndCarriesVillagesByLocation) {
  const auto result = apply_crosswalk(*store_, kOperator, reform());
  EXPECT_EQ(result.closed, 2);
  EXPECT_EQ(result.opened, 2);
  ASSERT_EQ(result.resolved_shares.size(), 1u);
  EXPECT_NE(result.resolved_shares[0].find("99001 0.500"), std::string::npos) << result.resolved_shares[0];
  EXPECT_EQ(on("99001", "2025-07-01")->parent_code, "99");
  EXPECT_EQ(on("99001", "2025-07-01")->subtype, "phuong");
  EXPECT_FALSE(on("99002", "2025-07-01"));
  // V2 lies across the new border, more of it (105.80-105.81 vs 105.81-105.82: equal) — by overlap it
  // goes to the first best, and it does go to one of the two successors.
  const auto v2 = on("V2", "2025-07-01");
  ASSERT_TRUE(v2);
  EXPECT_TRUE(v2->parent_code == "99001" || v2->parent_code == "99005") << v2->parent_code;
  EXPECT_EQ(lineage_of(*store_, "99005")["before"][0]["code"], "99002");
}

TEST_F(CrosswalkTest, AHoleIsRefusedNamingTheUnitAndNothingIsWritten) {
  auto crosswalk = reform();
  crosswalk.rows.pop_back();  // 99002 only partly into 99001: the rest goes nowhere
  crosswalk.new_units.pop_back();
  const auto position = store_->change_position();
  try {
    apply_crosswalk(*store_, kOperator, crosswalk);
    FAIL() << "a crosswalk with a hole was applied";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("hole"), std::string::npos) << message;
    EXPECT_NE(message.find("99002"), std::string::npos) << message;
  }
  EXPECT_EQ(store_->change_position(), position);
  EXPECT_TRUE(on("99002", "2025-07-01"));
}

TEST_F(CrosswalkTest, AMissingSiblingIsAHoleUnlessTheReformIsPartial) {
  auto crosswalk = reform();
  crosswalk.rows = {{"99001", "99001", std::nullopt, false}};
  crosswalk.new_units.pop_back();
  crosswalk.new_units[0].geometry_wkb = rectangle_wkb(105.78, 21.00, 105.80, 21.03);
  try {
    apply_crosswalk(*store_, kOperator, crosswalk);
    FAIL() << "a crosswalk leaving out 99002 was applied";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("99002"), std::string::npos) << error.what();
  }
  crosswalk.partial = true;
  EXPECT_NO_THROW(apply_crosswalk(*store_, kOperator, crosswalk));
}

TEST_F(CrosswalkTest, ADoubleCountIsRefusedNamingTheUnits) {
  auto crosswalk = reform();
  crosswalk.rows = {{"99001", "99001", std::nullopt, false},
                    {"99002", "99001", 0.5, false},
                    {"99002", "99005", 1.0, false}};  // 150 % of 99002 given away
  try {
    apply_crosswalk(*store_, kOperator, crosswalk);
    FAIL() << "a double count was applied";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("counted twice"), std::string::npos) << message;
    EXPECT_NE(message.find("99002"), std::string::npos) << message;
  }
  EXPECT_TRUE(on("99002", "2025-07-01"));
}

TEST_F(CrosswalkTest, ANewUnitWhoseAreaItsRowsDoNotGiveIsRefused) {
  auto crosswalk = reform();
  // 99005 twice as large as the half of 99002 it is made from: ground from nowhere.
  crosswalk.new_units[1].geometry_wkb = rectangle_wkb(105.81, 21.00, 105.83, 21.03);
  try {
    apply_crosswalk(*store_, kOperator, crosswalk);
    FAIL() << "an area out of tolerance was applied";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("99005"), std::string::npos) << error.what();
  }
}

TEST_F(CrosswalkTest, LineageRoundTripsThroughCsvIntoAnotherStore) {
  apply_crosswalk(*store_, kOperator, reform());
  const auto rows = lineage_rows(*store_);
  const std::string csv = dir_.file("lineage.csv");
  {
    std::ofstream file(csv);
    const auto& columns = lineage_columns();
    for (size_t i = 0; i < columns.size(); ++i) file << (i ? "," : "") << columns[i];
    file << "\n";
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) file << (i ? "," : "") << '"' << row[i] << '"';
      file << "\n";
    }
  }
  const auto events = read_lineage_file(csv);
  EXPECT_EQ(events.size(), store_->lineage_events().size());
  // Loading into the same store adds nothing: every event is already there.
  EXPECT_EQ(load_lineage(*store_, kOperator, events), 0);
  // A store without the units refuses them, naming the unit.
  auto empty = store::open_store(dir_.store("other.sqlite"), true);
  EXPECT_THROW(load_lineage(*empty, kOperator, events), InputError);
}

// Export from one store (a GeoPackage: the units of a day and the table `lineage`), into another that
// has the same versions: the same events come back; the units import of the file ignores the table.
TEST_F(CrosswalkTest, LineageRoundTripsThroughAGeoPackageExport) {
  apply_crosswalk(*store_, kOperator, reform());
  const std::string gpkg = dir_.file("export.gpkg");
  exporter::ExportOptions options;
  options.kind = store::UnitKind::commune;
  options.date = "2026-12-31";
  exporter::export_units(*store_, gpkg, options);

  auto other = store::open_store(dir_.store("other.sqlite"), true);
  store::UnitQuery all;
  auto versions = store_->units(all);
  std::stable_sort(versions.begin(), versions.end(), [](const store::UnitVersion& a, const store::UnitVersion& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  other->write({"setup", "test"}, [&] {
    for (auto version : versions) version.id = 0, other->insert_unit(version);
  });
  const auto read = read_lineage_file(gpkg);
  EXPECT_EQ(load_lineage(*other, kOperator, read), static_cast<int>(store_->lineage_events().size()));
  auto summary = [](const std::vector<store::LineageEvent>& events) {
    std::multiset<std::string> out;
    for (const auto& event : events) {
      std::string line = std::string(store::to_string(event.kind)) + "|" + event.effective_date + "|" + event.decision +
                         "|" + event.note;
      for (const auto& ref : event.from) line += "|f:" + ref.code + "@" + ref.valid_from;
      for (const auto& ref : event.to) line += "|t:" + ref.code + "@" + ref.valid_from;
      out.insert(line);
    }
    return out;
  };
  EXPECT_EQ(summary(other->lineage_events()), summary(store_->lineage_events()));
  EXPECT_EQ(lineage_of(*other, "99005")["before"], lineage_of(*store_, "99005")["before"]);
  // The file's units import without naming a layer: the lineage table is not a layer of units.
  auto third = store::open_store(dir_.store("third.sqlite"), true);
  importer::ImportOptions units;
  units.kind = store::UnitKind::commune;
  units.valid_from = "2025-07-01";
  third->write({"setup", "test"}, [&] {
    third->insert_unit(unit("99", "Tỉnh Thử Nghiệm", store::UnitKind::province, "", rectangle_wkb(105.77, 20.99, 105.83, 21.04)));
  });
  EXPECT_EQ(importer::import_units(*third, kOperator, gpkg, units).imported, 2);
}

/// Re-expression on today's units, hand-computed: in 2015 99001 was recognised and 99002 not; V1
/// recognised, V2 not. 99001 of 2025 = all of old 99001 (0.02° wide) + half of old 99002 (0.01°):
/// 2/3 of its ground was recognised; its villages: V1 (recognised) and, if carried there, V2.
TEST_F(CrosswalkTest, HistoryIsReExpressedOnTodaysUnitsByLineageAndOverlap) {
  store_->write({"setup", "test"}, [&] {
    for (auto [code, value] : {std::pair{"99002", store::StatusValue::not_recognised},
                               std::pair{"V1", store::StatusValue::recognised},
                               std::pair{"V2", store::StatusValue::not_recognised}}) {
      store::StatusRecord record;
      record.unit_code = code;
      record.year = 2015;
      record.status = value;
      if (store::status_needs_decision(value)) record.decision_number = "2/QĐ", record.decision_date = "2015-12-20",
                                               record.authority = "UBND";
      store_->add_status(record);
    }
  });
  apply_crosswalk(*store_, kOperator, reform());
  const auto units = stats::reexpress(*store_, "2026-12-31", {2015}, std::string("99"));
  ASSERT_EQ(units.size(), 2u);
  const auto& big = units[0].code == "99001" ? units[0] : units[1];
  const auto& small = units[0].code == "99001" ? units[1] : units[0];
  ASSERT_EQ(big.years.size(), 1u);
  EXPECT_NEAR(*big.years[0].area_share(), 200.0 / 3, 0.01);
  EXPECT_NEAR(*small.years[0].area_share(), 0.0, 1e-9);
  EXPECT_NEAR(big.years[0].area_km2 + small.years[0].area_km2,
              big.years[0].area_km2 * 4 / 3, big.years[0].area_km2 * 0.001);  // 0.03° and 0.01° wide
  const std::string v2_parent = store_->unit_at("V2", "2026-12-31", false)->parent_code;
  EXPECT_EQ(big.years[0].villages, v2_parent == "99001" ? 2 : 1);
  EXPECT_EQ(big.years[0].villages_recognised, 1);
  EXPECT_EQ(small.years[0].villages, v2_parent == "99005" ? 1 : 0);
  EXPECT_EQ(small.years[0].villages_recognised, 0);
}

}  // namespace
}  // namespace antt::editing
