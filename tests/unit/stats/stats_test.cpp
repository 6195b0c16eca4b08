#include "antt/stats/stats.hpp"

#include <gdal.h>
#include <ogr_api.h>

#include <chrono>
#include <set>
#include <thread>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::stats {
namespace {

using store::StatusValue;
using store::UnitKind;

// A hand-made province whose figures are computed by hand in the tests below.
class StatsTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::open_store(dir.store("s.sqlite"), true);
  const store::Actor actor{"tester", "stats_test"};

  void unit(const std::string& code, UnitKind kind, const std::string& parent,
            std::optional<std::string> valid_to = std::nullopt) {
    store->insert_unit(testing::test_unit(code, kind, parent, "2010-01-01", std::move(valid_to)));
  }

  void status(const std::string& code, StatusValue value, int year = 2015) {
    store::StatusRecord record{.unit_code = code, .year = year, .status = value};
    if (store::status_needs_decision(value)) {
      record.decision_number = "1/QĐ-UBND";
      record.decision_date = "2015-12-20";
      record.authority = "UBND huyện";
    }
    store->add_status(record);
  }

  void SetUp() override {
    store->write(actor, [&] {
      unit("17", UnitKind::province, "");
      unit("99", UnitKind::province, "");  // a neighbouring province
      unit("D1", UnitKind::district, "17");
      unit("D2", UnitKind::district, "17");
      unit("C1", UnitKind::commune, "D1");
      unit("C2", UnitKind::commune, "D1");
      unit("C3", UnitKind::commune, "D2");
      unit("N1", UnitKind::commune, "99");
      for (const char* code : {"V1", "V2", "V3", "V4"}) unit(code, UnitKind::village, "C1");
      unit("V5", UnitKind::village, "C1", "2015-12-31");  // ended on 31 Dec: not a unit of 2015
      unit("A1", UnitKind::agency, "17");                 // provincial agency, no district
      unit("S1", UnitKind::school, "C3");
      for (const char* code : {"V1", "V2", "V3"}) status(code, StatusValue::recognised);
      status("V4", StatusValue::registered);
      status("V5", StatusValue::recognised, 2014);
      status("C1", StatusValue::recognised);
      status("C2", StatusValue::proposed);
      status("C3", StatusValue::not_registered);
      status("N1", StatusValue::recognised);
      status("A1", StatusValue::recognised);
      status("S1", StatusValue::not_recognised);
      store::SelfManagementModel model{0, "M1", "to_hoa_giai", "Tổ hòa giải V1", "V1", "", "2014-03-01"};
      auto id = store->add_model(model);
      store->set_model_year({id, 2015, true});
      store->set_festival({"V1", 2015, true});
      store->set_festival({"C1", 2015, true});
      store->set_core_force({"C1", 2015, true, 12});
      store->set_core_force({"C2", 2015, false, 0});
    });
  }

  const AreaStats& district(const YearStats& stats, const std::string& code) {
    for (const auto& area : stats.districts)
      if (area.code == code) return area;
    throw std::runtime_error("no district " + code);
  }
};

TEST_F(StatsTest, DistrictCountsMatchHandComputedFigures) {
  auto stats = compute_stats(*store, 2015);
  const auto& d1 = district(stats, "D1");
  EXPECT_EQ(d1.pooled.total, 6);       // V1-V4, C1, C2 (V5 ended on 31/12/2015)
  EXPECT_EQ(d1.pooled.registered, 6);  // every one entered the cycle
  EXPECT_EQ(d1.pooled.proposed, 5);    // all but V4
  EXPECT_EQ(d1.pooled.recognised, 4);  // V1-V3, C1
  EXPECT_NEAR(d1.pooled.share_recognised(), 66.667, 0.01);
  EXPECT_EQ(d1.meets_target(), false);  // target: over 70 % from 2015
  EXPECT_EQ(d1.by_kind.at("village").total, 4);
  EXPECT_EQ(d1.by_kind.at("village").recognised, 3);
  const auto& d2 = district(stats, "D2");
  EXPECT_EQ(d2.pooled.total, 2);  // C3, S1
  EXPECT_EQ(d2.pooled.registered, 1);
  EXPECT_EQ(d2.pooled.recognised, 0);
}

TEST_F(StatsTest, AsOfAMomentCountsOnlyWhatHadBeenRecordedByThen) {
  std::string before_corrections;  // the moment the last row of SetUp was recorded
  for (const auto& [code, record] : store->statuses_of_year(2015))
    before_corrections = std::max(before_corrections, record.recorded_at);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // recorded_at counts milliseconds
  store->write(actor, [&] {
    status("V4", StatusValue::recognised);  // later recognitions ...
    status("C2", StatusValue::recognised);
    status("V1", StatusValue::registered);  // ... and a later correction downwards
  });
  // Now: V2, V3, V4, C1, C2 recognised in D1 (5 of 6); V1 fell back to registered.
  EXPECT_EQ(district(compute_stats(*store, 2015), "D1").pooled.recognised, 5);
  EXPECT_EQ(share_grade(district(compute_stats(*store, 2015), "D1").pooled), "above_70");  // 83.3 %
  // As known before both: V1-V3, C1 recognised, V4 registered (the hand-computed figures above).
  const auto then = compute_stats(*store, 2015, {}, before_corrections);
  EXPECT_EQ(then.known_at, before_corrections);
  const auto& d1 = district(then, "D1");
  EXPECT_EQ(d1.pooled.recognised, 4);
  EXPECT_EQ(d1.pooled.proposed, 5);
  EXPECT_EQ(d1.by_kind.at("village").recognised, 3);
  EXPECT_EQ(store->statuses_known_at(2015, before_corrections).at("V1").status, StatusValue::recognised);
  EXPECT_EQ(store->statuses_known_at(2015, before_corrections).at("V4").status, StatusValue::registered);
  EXPECT_EQ(to_json(then)["known_at"], before_corrections);
  // Before anything was recorded: units, but no status.
  const auto nothing = compute_stats(*store, 2015, {}, std::string("2000-01-01T00:00:00.000Z"));
  EXPECT_EQ(district(nothing, "D1").pooled.total, 6);
  EXPECT_EQ(district(nothing, "D1").pooled.with_status, 0);
  EXPECT_EQ(share_grade(district(nothing, "D1").pooled), "no_data");
  EXPECT_EQ(share_grade(district(then, "D1").pooled), "below_70");  // 66.7 %
}

TEST(KnownAt, DatesAreTheEndOfTheDayInVietnamAndMomentsKeepTheirZone) {
  EXPECT_EQ(parse_known_at("2020-03-31"), "2020-03-31T16:59:59.999Z");
  EXPECT_EQ(parse_known_at("2020-03-31T08:30:00.123Z"), "2020-03-31T08:30:00.123Z");
  EXPECT_EQ(parse_known_at("2020-03-31T08:30Z"), "2020-03-31T08:30:00.000Z");
  EXPECT_EQ(parse_known_at("2020-04-01T05:00"), "2020-03-31T22:00:00.000Z");  // no zone: Vietnam time
  EXPECT_EQ(parse_known_at("2020-04-01T05:00:07+07:00"), "2020-03-31T22:00:07.000Z");
  EXPECT_EQ(parse_known_at("2020-12-31T23:00:00-02:00"), "2021-01-01T01:00:00.000Z");
  EXPECT_EQ(parse_known_at("2021-01-01T00:00:00.5+07:00"), "2020-12-31T17:00:00.500Z");
  for (const char* bad : {"", "2020", "31/03/2020", "2020-02-30", "2020-03-31T24:00Z", "2020-03-31T08:60Z",
                          "2020-03-31T08:30+7", "2020-03-31T08:30:00.Z", "2020-03-31X", "2020-03-31T08:30Zjunk"})
    EXPECT_FALSE(parse_known_at(bad)) << bad;
  EXPECT_EQ(known_at_local_date("2020-03-31T16:59:59.999Z"), "2020-03-31");
  EXPECT_EQ(known_at_local_date("2020-03-31T17:00:00.000Z"), "2020-04-01");
}

TEST_F(StatsTest, ProvinceCountsProvincialUnitsAndExcludesNeighbours) {
  auto stats = compute_stats(*store, 2015);
  EXPECT_EQ(stats.province.code, "17");
  EXPECT_EQ(stats.province.pooled.total, 9);       // D1's 6, D2's 2 and the provincial agency A1
  EXPECT_EQ(stats.province.pooled.recognised, 5);  // N1 of province 99 is not counted
  EXPECT_EQ(stats.districts.size(), 2u);
}

TEST_F(StatsTest, TargetsAreStrictlyOverSeventyFromTwentyFifteenAndNinetyFromTwentyTwenty) {
  EXPECT_FALSE(recognised_target(2014).has_value());
  EXPECT_EQ(recognised_target(2015), 70.0);
  EXPECT_EQ(recognised_target(2019), 70.0);
  EXPECT_EQ(recognised_target(2020), 90.0);
  AreaStats exactly_seventy;
  exactly_seventy.target = 70.0;
  exactly_seventy.pooled = Counts{10, 10, 10, 10, 7};
  EXPECT_EQ(exactly_seventy.meets_target(), false);  // "trên 70 %": 70 % is not enough
  exactly_seventy.pooled.recognised = 8;
  EXPECT_EQ(exactly_seventy.meets_target(), true);
}

TEST_F(StatsTest, IndicatorsCountModelsFestivalAndCoreForces) {
  auto stats = compute_stats(*store, 2015);
  auto find = [&](const std::string& id) {
    for (const auto& indicator : stats.province.indicators)
      if (indicator.id == id) return indicator;
    throw std::runtime_error(id);
  };
  auto communes = find("communes_with_model");  // C1 through its village V1's model
  EXPECT_EQ(communes.numerator, 1);
  EXPECT_EQ(communes.denominator, 3);
  EXPECT_EQ(communes.meets(), false);
  auto festival = find("festival_held");
  EXPECT_EQ(festival.numerator, 2);
  EXPECT_EQ(festival.denominator, 9);
  auto core = find("core_forces_staffed");
  EXPECT_EQ(core.numerator, 1);
  EXPECT_EQ(core.denominator, 3);
  auto models = find("models_effective");
  EXPECT_EQ(models.numerator, 1);
  EXPECT_EQ(models.denominator, 1);
}

TEST_F(StatsTest, AYearWithoutStatusRowsCountsUnitsButNoneRegistered) {
  auto stats = compute_stats(*store, 2016);
  EXPECT_EQ(stats.province.pooled.total, 9);
  EXPECT_EQ(stats.province.pooled.registered, 0);
  EXPECT_EQ(stats.province.pooled.with_status, 0);
}

TEST_F(StatsTest, JsonHasYearProvinceAndDistrictsWithCodeAndName) {
  auto json = to_json(compute_stats(*store, 2015));
  EXPECT_EQ(json["year"], 2015);
  EXPECT_EQ(json["province"]["code"], "17");
  ASSERT_EQ(json["districts"].size(), 2u);
  EXPECT_EQ(json["districts"][0]["code"], "D1");
  EXPECT_EQ(json["districts"][0]["name"], "Đơn vị D1");
  EXPECT_EQ(json["districts"][0]["recognised"], 4);
  EXPECT_EQ(json["districts"][0]["meets_target"], false);
}

TEST_F(StatsTest, UnknownProvinceIsAClearError) {
  EXPECT_THROW(compute_stats(*store, 2015, std::string("01")), InputError);
}

TEST_F(StatsTest, XlsxWorkbookIsWritten) {
  std::string path = dir.file("stats.xlsx");
  write_xlsx(compute_stats(*store, 2015), path);
  const char* options[] = {"HEADERS=FORCE", nullptr};
  GDALDatasetH workbook = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, options, nullptr);
  ASSERT_NE(workbook, nullptr);
  OGRLayerH summary = GDALDatasetGetLayerByName(workbook, "tong_hop_2015");
  ASSERT_NE(summary, nullptr);
  OGRFeatureH first = OGR_L_GetNextFeature(summary);  // district D1: 4 of 6 recognised
  ASSERT_NE(first, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(first, OGR_L_FindFieldIndex(summary, "code", TRUE)), "D1");
  EXPECT_EQ(OGR_F_GetFieldAsInteger(first, OGR_L_FindFieldIndex(summary, "recognised", TRUE)), 4);
  EXPECT_STREQ(OGR_F_GetFieldAsString(first, OGR_L_FindFieldIndex(summary, "meets_target", TRUE)), "chưa đạt");
  OGR_F_Destroy(first);
  EXPECT_NE(GDALDatasetGetLayerByName(workbook, "chi_tieu"), nullptr);
  GDALClose(workbook);
  std::set<std::string> left;  // besides the store's own files (SpatiaLite): the workbook, no partial file
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    if (!entry.path().filename().string().starts_with("s.sqlite")) left.insert(entry.path().filename().string());
  EXPECT_EQ(left, std::set<std::string>{"stats.xlsx"});
}

}  // namespace
}  // namespace antt::stats
