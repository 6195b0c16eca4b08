// The programme's indicators (antt/editing/indicators.hpp) on a real SpatiaLite store: values read
// as offices write them, recorded all or nothing and audited, corrections kept (as of a moment),
// summed and shared in the statistics against hand-computed figures, and through the CLI.
#include "antt/editing/indicators.hpp"

#include <chrono>
#include <set>
#include <thread>

#include <gdal.h>
#include <nlohmann/json.hpp>
#include <ogr_api.h>

#include "antt/core/error.hpp"
#include "antt/stats/stats.hpp"
#include "test_support.hpp"

namespace antt::editing {
namespace {

using store::UnitKind;

store::IndicatorValue parsed(const std::string& id, const std::string& text) {
  store::IndicatorValue value;
  parse_indicator_value(indicator_definition(id), text, value);
  return value;
}

TEST(IndicatorCatalogue, EachIndicatorHasAnIdALabelAndWhoReportsIt) {
  std::set<std::string> ids;
  for (const auto& definition : indicator_definitions()) {
    EXPECT_TRUE(ids.insert(definition.id).second) << definition.id;
    EXPECT_FALSE(definition.label_vi.empty());
    EXPECT_FALSE(definition.reported_by.empty()) << definition.id;
  }
  for (const char* id : {"resolution_and_plan", "pledge_share", "festival_19_8", "core_force_staffed",
                         "propaganda_sessions", "police_training_courses", "prestigious_persons", "movement_grade",
                         "budget_planned_vnd", "budget_spent_vnd"})
    EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_THROW(indicator_definition("no_such_thing"), UsageError);
}

TEST(IndicatorValues, ReadAsOfficesWriteThem) {
  EXPECT_EQ(parsed("propaganda_sessions", " 12 ").number, 12);
  EXPECT_EQ(parsed("budget_spent_vnd", "1.500.000").number, 1500000);
  EXPECT_EQ(parsed("budget_spent_vnd", "1500000").number, 1500000);
  EXPECT_EQ(parsed("pledge_share", "85,5").number, 85.5);
  EXPECT_EQ(parsed("pledge_share", "100").number, 100);
  EXPECT_EQ(parsed("resolution_and_plan", "Có").number, 1);
  EXPECT_EQ(parsed("resolution_and_plan", "không").number, 0);
  EXPECT_EQ(parsed("resolution_and_plan", "yes").number, 1);
  EXPECT_EQ(parsed("movement_grade", "Trung bình").text, "trung_binh");
  EXPECT_EQ(parsed("movement_grade", "khá").text, "kha");
  EXPECT_EQ(parsed("movement_grade", "yeu").text, "yeu");
  for (const auto& [id, bad] : std::vector<std::pair<std::string, std::string>>{
           {"propaganda_sessions", "-3"}, {"propaganda_sessions", "12.5"}, {"propaganda_sessions", ""},
           {"propaganda_sessions", "mười"}, {"budget_spent_vnd", "1.50"}, {"budget_spent_vnd", "1.500.00"},
           {"budget_spent_vnd", "1,500,000"}, {"pledge_share", "101"}, {"pledge_share", "85,5,1"},
           {"pledge_share", "%"}, {"resolution_and_plan", "maybe"}, {"movement_grade", "tốt"}}) {
    store::IndicatorValue value;
    EXPECT_THROW(parse_indicator_value(indicator_definition(id), bad, value), InputError) << id << "=" << bad;
  }
  EXPECT_EQ(format_indicator_value(indicator_definition("budget_spent_vnd"), parsed("budget_spent_vnd", "1500000")),
            "1.500.000 đ");
  EXPECT_EQ(format_indicator_value(indicator_definition("pledge_share"), parsed("pledge_share", "85.5")), "85,5 %");
  EXPECT_EQ(format_indicator_value(indicator_definition("movement_grade"), parsed("movement_grade", "trung binh")),
            "trung bình");
}

// A hand-made province: 17 > D1 > C1 (villages V1, V2), C2; D2 > C3; and the agency A1 under 17.
class IndicatorsTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.store("s.sqlite");
  std::unique_ptr<store::Store> store = store::open_store(path, true);
  const store::Actor actor{"cán bộ thống kê", "indicators_test"};

  void unit(const std::string& code, UnitKind kind, const std::string& parent) {
    store->insert_unit(testing::test_unit(code, kind, parent));
  }

  void SetUp() override {
    store->write(actor, [&] {
      unit("17", UnitKind::province, "");
      unit("D1", UnitKind::district, "17");
      unit("D2", UnitKind::district, "17");
      unit("C1", UnitKind::commune, "D1");
      unit("C2", UnitKind::commune, "D1");
      unit("C3", UnitKind::commune, "D2");
      unit("V1", UnitKind::village, "C1");
      unit("V2", UnitKind::village, "C1");
      unit("A1", UnitKind::agency, "17");
      store->set_setting("home_province", "17");
    });
  }

  std::vector<store::IndicatorValue> record(const std::string& code, std::vector<std::pair<std::string, std::string>> values) {
    return record_indicators(*store, actor, code, 2020, values, "Báo cáo 6 tháng — ỹ ữ ẵ ộ");
  }

  static const stats::AreaStats& district(const stats::YearStats& stats, const std::string& code) {
    for (const auto& area : stats.districts)
      if (area.code == code) return area;
    throw std::runtime_error("no district " + code);
  }
  static const stats::Indicator* indicator(const stats::AreaStats& area, const std::string& id) {
    for (const auto& entry : area.indicators)
      if (entry.id == id) return &entry;
    return nullptr;
  }
};

TEST_F(IndicatorsTest, RecordedAllOrNothingAuditedAndCorrectedByANewRow) {
  const auto audit_before = store->audit_entries().size();
  // One bad value: nothing of the three is written.
  EXPECT_THROW(record("V1", {{"propaganda_sessions", "3"}, {"pledge_share", "120"}, {"movement_grade", "khá"}}),
               InputError);
  EXPECT_THROW(record("V1", {{"budget_spent_vnd", "100"}}), InputError);  // a village has no budget line
  EXPECT_THROW(record("NOPE", {{"propaganda_sessions", "3"}}), InputError);
  EXPECT_THROW(record("V1", {{"propaganda_sessions", "3"}, {"propaganda_sessions", "4"}}), UsageError);
  EXPECT_TRUE(store->indicator_history("V1").empty());
  EXPECT_EQ(store->audit_entries().size(), audit_before);

  const auto recorded = record("V1", {{"propaganda_sessions", "3"}, {"pledge_share", "95,5"}, {"festival_19_8", "có"}});
  ASSERT_EQ(recorded.size(), 3u);
  const auto history = store->indicator_history("V1");
  ASSERT_EQ(history.size(), 2u);  // the festival keeps its own table
  EXPECT_EQ(history[0].recorded_by, "cán bộ thống kê");
  EXPECT_EQ(history[0].note, "Báo cáo 6 tháng — ỹ ữ ẵ ộ");
  EXPECT_EQ(store->festivals(2020).at(0).unit_code, "V1");
  EXPECT_TRUE(store->festivals(2020).at(0).held);
  const auto entries = store->audit_entries();
  EXPECT_EQ(entries.back().user, "cán bộ thống kê");

  // A correction later: the first value stays, superseded; as of before it, the first is in force.
  std::string before_correction;
  for (const auto& value : store->indicator_history("V1")) before_correction = std::max(before_correction, value.recorded_at);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // recorded_at counts milliseconds
  record("V1", {{"propaganda_sessions", "7"}});
  const auto now = indicators_of_unit(*store, "V1", 2020);
  const auto then = indicators_of_unit(*store, "V1", 2020, before_correction);
  auto sessions = [](const std::vector<store::IndicatorValue>& values) {
    for (const auto& value : values)
      if (value.indicator == "propaganda_sessions") return *value.number;
    return -1.0;
  };
  EXPECT_EQ(sessions(now), 7);
  EXPECT_EQ(sessions(then), 3);
  const auto rows = store->indicator_history("V1");  // by year, indicator, then oldest first
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].indicator, "propaganda_sessions");
  EXPECT_EQ(rows[2].supersedes, rows[1].id);
  EXPECT_EQ(now.front().indicator, "pledge_share");  // in the catalogue's order
}

TEST_F(IndicatorsTest, StatisticsSumCountsAndShareTargetsByHand) {
  record("V1", {{"resolution_and_plan", "có"}, {"propaganda_sessions", "3"}, {"movement_grade", "khá"},
                {"pledge_share", "100"}});
  record("V2", {{"resolution_and_plan", "không"}, {"movement_grade", "yếu"}, {"pledge_share", "80"}});
  record("C1", {{"resolution_and_plan", "có"}, {"propaganda_sessions", "5"}, {"budget_spent_vnd", "2.000.000"}});
  record("C3", {{"propaganda_sessions", "4"}});
  record("17", {{"budget_spent_vnd", "1.500.000"}, {"police_training_courses", "2"}, {"commended_collectives", "3"}});
  record("V2", {{"commended_individuals", "2"}, {"drug_prevention_day", "không"}});
  record("C2", {{"drug_prevention_day", "có"}});
  const auto stats = stats::compute_stats(*store, 2020);

  const auto& d1 = district(stats, "D1");
  EXPECT_EQ(d1.totals.at("propaganda_sessions"), 8);  // V1 3 + C1 5
  EXPECT_EQ(d1.totals.at("budget_spent_vnd"), 2000000);
  EXPECT_EQ(d1.totals.at("movement_grade:kha"), 1);
  EXPECT_EQ(d1.totals.at("movement_grade:yeu"), 1);
  // Reporting units of D1: V1, V2, C1, C2; a resolution in V1 and C1: 2 of 4, against 100 %.
  const auto* resolution = indicator(d1, "resolution_and_plan");
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(resolution->numerator, 2);
  EXPECT_EQ(resolution->denominator, 4);
  EXPECT_EQ(resolution->target, 100.0);
  EXPECT_EQ(resolution->meets(), false);
  // Every household signed in V1 only: 1 of 4.
  EXPECT_EQ(indicator(d1, "pledge_share")->numerator, 1);
  EXPECT_EQ(indicator(d1, "pledge_share")->denominator, 4);

  const auto& d2 = district(stats, "D2");
  EXPECT_EQ(d2.totals.at("propaganda_sessions"), 4);
  EXPECT_EQ(indicator(d2, "resolution_and_plan")->numerator, 0);
  EXPECT_EQ(indicator(d2, "resolution_and_plan")->denominator, 1);  // C3

  // The province: its districts' figures plus its own units (the agency A1 reports; 17's budget).
  EXPECT_EQ(stats.province.totals.at("propaganda_sessions"), 12);
  EXPECT_EQ(stats.province.totals.at("budget_spent_vnd"), 3500000);
  EXPECT_EQ(stats.province.totals.at("police_training_courses"), 2);
  EXPECT_EQ(stats.province.totals.at("commended_collectives"), 3);  // given by the province
  EXPECT_EQ(stats.province.totals.at("commended_individuals"), 2);  // in V2, counted up to the province
  EXPECT_EQ(d1.totals.at("commended_individuals"), 2);
  // A campaign day without a target: 1 of D1's 4 reporting units held it (C2), nothing to meet.
  const auto* drug_day = indicator(d1, "drug_prevention_day");
  ASSERT_NE(drug_day, nullptr);
  EXPECT_EQ(drug_day->numerator, 1);
  EXPECT_EQ(drug_day->denominator, 4);
  EXPECT_FALSE(drug_day->target.has_value());
  EXPECT_FALSE(drug_day->meets().has_value());
  EXPECT_EQ(indicator(stats.province, "resolution_and_plan")->denominator, 6);  // V1 V2 C1 C2 C3 A1
  EXPECT_EQ(indicator(stats.province, "resolution_and_plan")->numerator, 2);
  // Nothing recorded in 2019: no such indicator, nothing summed.
  const auto before = stats::compute_stats(*store, 2019);
  EXPECT_EQ(indicator(before.province, "resolution_and_plan"), nullptr);
  EXPECT_TRUE(before.province.totals.empty());
  const auto json = stats::to_json(stats);
  EXPECT_EQ(json["province"]["totals"]["budget_spent_vnd"], 3500000);
  EXPECT_NE(stats::to_text(stats).find("Kinh phí đã chi cho phong trào (đồng): 3500000"), std::string::npos);
  EXPECT_NE(stats::to_text(stats).find("Xếp loại phong trào (khá, trung bình, yếu): khá: 1"), std::string::npos);

  // The workbook carries the sums on their own sheet.
  const auto xlsx = dir.file("thong-ke.xlsx");
  stats::write_xlsx(stats, xlsx);
  GDALAllRegister();
  GDALDatasetH book = GDALOpenEx(xlsx.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  ASSERT_NE(book, nullptr);
  OGRLayerH sheet = GDALDatasetGetLayerByName(book, "tong_so");
  ASSERT_NE(sheet, nullptr);
  double province_budget = 0;
  while (OGRFeatureH row = OGR_L_GetNextFeature(sheet)) {
    if (std::string(OGR_F_GetFieldAsString(row, 0)) == "17" &&
        std::string(OGR_F_GetFieldAsString(row, 2)) == "budget_spent_vnd")
      province_budget = OGR_F_GetFieldAsDouble(row, 4);
    OGR_F_Destroy(row);
  }
  GDALClose(book);
  EXPECT_EQ(province_budget, 3500000);
}

TEST_F(IndicatorsTest, TheCliSetsAndShowsAndRefusesABadValueWritingNothing) {
  store.reset();  // the CLI opens the file itself
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", path});
    return testing::run_anttmap(args);
  };
  const auto set = run({"--json", "record", "set", "C1", "--year", "2020", "propaganda_sessions=12",
                        "resolution_and_plan=có", "movement_grade=Trung bình", "--note", "Báo cáo năm"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(nlohmann::json::parse(set.out)["recorded"].size(), 3u);

  const auto bad = run({"record", "set", "C1", "--year", "2020", "propaganda_sessions=20", "pledge_share=abc"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("pledge_share: 'abc' is not a percentage"), std::string::npos) << bad.err;
  EXPECT_NE(run({"record", "set", "C1", "--year", "2020", "propaganda_sessions"}).err.find("INDICATOR=VALUE"),
            std::string::npos);
  EXPECT_NE(run({"record", "set", "C1", "--year", "2020", "nope=1"}).err.find("unknown indicator 'nope'"),
            std::string::npos);

  const auto show = run({"--json", "record", "show", "C1", "--year", "2020"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const auto shown = nlohmann::json::parse(show.out);
  ASSERT_EQ(shown["indicators"].size(), 3u);
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& item : shown["indicators"]) by_id[item["indicator"]] = item;
  EXPECT_EQ(by_id["propaganda_sessions"]["value"], 12) << "the refused run wrote nothing";
  EXPECT_EQ(by_id["movement_grade"]["value"], "trung_binh");
  EXPECT_EQ(by_id["movement_grade"]["shown"], "trung bình");
  EXPECT_EQ(by_id["resolution_and_plan"]["note"], "Báo cáo năm");

  const auto catalogue = run({"--json", "record", "indicators"});
  ASSERT_EQ(catalogue.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(catalogue.out)["indicators"].size(), indicator_definitions().size());
  const auto help = run({"record", "--help"});
  EXPECT_NE(help.out.find("INDICATOR=VALUE"), std::string::npos);
}

}  // namespace
}  // namespace antt::editing
