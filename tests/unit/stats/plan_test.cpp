#include "antt/stats/plan.hpp"

#include "antt/core/error.hpp"
#include "antt/stats/stats.hpp"
#include "test_support.hpp"

namespace antt::stats {
namespace {

using nlohmann::json;
using store::StatusValue;
using store::UnitKind;

json later_plan() {
  return json::parse(R"({"id": "150/KH-UBND", "title": "Kế hoạch giai đoạn 2021-2025 — ỹ ữ ẵ ộ",
    "decision": "Kế hoạch số 150/KH-UBND ngày 15/3/2021", "from_year": 2021, "to_year": 2025,
    "targets": {"recognised": [75, {"from_year": 2024, "percent": 80, "strictly_over": true}],
                "communes_with_model": {"percent": 50}, "pledge_share": 100}})");
}

/// The message of the InputError parse_plan throws for `document` (empty when it reads).
std::string refusal(const json& document) {
  try {
    parse_plan(document);
  } catch (const InputError& error) {
    return error.what();
  }
  return {};
}

TEST(ProgrammePlan, TheFoundingPlanSetsSeventyFromFifteenAndNinetyFromTwenty) {
  const auto& plan = founding_plan();
  EXPECT_TRUE(plan.built_in);
  EXPECT_FALSE(plan.target(kRecognisedIndicator, 2014).has_value());
  EXPECT_EQ(plan.target(kRecognisedIndicator, 2015)->percent, 70.0);
  EXPECT_TRUE(plan.target(kRecognisedIndicator, 2015)->strictly_over);
  EXPECT_EQ(plan.target(kRecognisedIndicator, 2020)->percent, 90.0);
  EXPECT_EQ(plan.steps_text(kRecognisedIndicator), "trên 70 % từ 2015, trên 90 % từ 2020");
  EXPECT_EQ(plan.target("agencies_with_model", 2016)->text(), "trên 70 %");
  EXPECT_EQ(plan.target("agencies_with_model", 2020)->text(), "100 %");
  EXPECT_EQ(plan.target("resolution_and_plan", 2013)->percent, 100.0);  // from the indicator catalogue
  EXPECT_FALSE(plan.target("propaganda_sessions", 2016).has_value());    // a count: summed, no target
  // "Trên 70 %" is strictly over; "100 %" is at least.
  EXPECT_FALSE(plan.target(kRecognisedIndicator, 2016)->met_by(70.0));
  EXPECT_TRUE(plan.target(kRecognisedIndicator, 2016)->met_by(70.01));
  EXPECT_TRUE(plan.target("pledge_share", 2016)->met_by(100.0));
}

TEST(ProgrammePlan, AConfiguredPlanReadsAndComesBackTheSame) {
  const auto plan = parse_plan(later_plan());
  EXPECT_EQ(plan.title, "Kế hoạch giai đoạn 2021-2025 — ỹ ữ ẵ ộ");
  ASSERT_EQ(plan.targets.at("recognised").size(), 2u);
  EXPECT_EQ(plan.target(kRecognisedIndicator, 2023)->text(), "75 %");   // a number: at least, from 2021
  EXPECT_EQ(plan.target(kRecognisedIndicator, 2024)->text(), "trên 80 %");
  EXPECT_EQ(plan.target("communes_with_model", 2021)->percent, 50.0);
  EXPECT_FALSE(plan.target("festival_held", 2022).has_value());  // not named: no target in this plan
  const auto again = parse_plan(to_json(plan));
  EXPECT_EQ(to_json(again), to_json(plan));
}

TEST(ProgrammePlan, ABadPlanIsRefusedNamingTheField) {
  auto with = [](const char* pointer, json value) {
    auto document = later_plan();
    document[json::json_pointer(pointer)] = std::move(value);
    return document;
  };
  EXPECT_NE(refusal(with("/targets/recognized", 90)).find("targets.recognized: unknown indicator"), std::string::npos);
  EXPECT_NE(refusal(with("/targets/pledge_share", 120)).find("targets.pledge_share: a share must be between 0 and 100"),
            std::string::npos);
  EXPECT_NE(refusal(with("/targets/recognised", json::parse(R"([{"from_year": 2019, "percent": 90}])")))
                .find("outside the plan's years"),
            std::string::npos);
  EXPECT_NE(refusal(with("/targets/recognised",
                         json::parse(R"([{"from_year": 2024, "percent": 90}, {"from_year": 2022, "percent": 95}])")))
                .find("follow each other by year"),
            std::string::npos);
  EXPECT_NE(refusal(with("/targets/recognised", json::parse(R"({"percent": 90, "strict": true})")))
                .find("targets.recognised.strict: unknown key"),
            std::string::npos);
  EXPECT_NE(refusal(with("/to_year", 2019)).find("to_year: is before from_year"), std::string::npos);
  EXPECT_NE(refusal(with("/title", "  ")).find("title: is empty"), std::string::npos);
  EXPECT_NE(refusal(with("/from_year", "2021")).find("from_year: must be a year"), std::string::npos);
  EXPECT_NE(refusal(with("/owner", "x")).find("owner: unknown key"), std::string::npos);
  EXPECT_EQ(refusal(later_plan()), "");
}

// A province of four communes, three recognised in 2019 and in 2022 (75 %), measured against the
// plan in force each year.
class PlanInForceTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::open_store(dir.store("p.sqlite"), true);
  const store::Actor actor{"can.bo.ke.hoach", "plan_test"};

  void SetUp() override {
    store->write(actor, [&] {
      auto unit = [&](const std::string& code, UnitKind kind, const std::string& parent) {
        store->insert_unit(testing::test_unit(code, kind, parent));
      };
      unit("17", UnitKind::province, "");
      unit("D1", UnitKind::district, "17");
      for (const char* code : {"C1", "C2", "C3", "C4"}) unit(code, UnitKind::commune, "D1");
      for (int year : {2019, 2022, 2024}) {
        for (const char* code : {"C1", "C2", "C3", "C4"}) {
          const bool recognised = std::string(code) != "C4";
          store::StatusRecord record{.unit_code = code, .year = year,
                                     .status = recognised ? StatusValue::recognised : StatusValue::not_recognised};
          record.decision_number = "1/QĐ-UBND";
          record.decision_date = std::to_string(year) + "-12-20";
          record.authority = "UBND huyện";
          store->add_status(record);
        }
      }
      store->set_setting("home_province", "17");
    });
  }
};

TEST_F(PlanInForceTest, EachYearIsMeasuredAgainstThePlanInForceThen) {
  // Only the founding plan: 75 % is short of "over 90 %" in 2019 and still in 2022 (no later plan yet).
  auto before = compute_stats(*store, 2022);
  EXPECT_EQ(before.plan.id, "886/QĐ-UBND");
  EXPECT_EQ(before.province.target, 90.0);
  EXPECT_EQ(before.province.meets_target(), false);

  const auto audited_before = store->audit_entries().size();
  save_plan(*store, actor, parse_plan(later_plan()));
  const auto audit = store->audit_entries();
  ASSERT_EQ(audit.size(), audited_before + 1);
  EXPECT_EQ(audit.back().table_name, "settings");
  EXPECT_EQ(audit.back().user, "can.bo.ke.hoach");

  const auto plans = programme_plans(*store);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plan_in_force(plans, 2020).id, "886/QĐ-UBND");
  EXPECT_EQ(plan_in_force(plans, 2021).id, "150/KH-UBND");
  EXPECT_EQ(plan_in_force(plans, 2030).id, "150/KH-UBND");  // kept past its term until a later one
  EXPECT_EQ(plan_in_force(plans, 2005).id, "886/QĐ-UBND");

  const auto y2019 = compute_stats(*store, 2019);  // the founding plan: over 70 %, met by 75 %
  EXPECT_EQ(y2019.plan.id, "886/QĐ-UBND");
  EXPECT_EQ(y2019.province.target, 70.0);
  EXPECT_EQ(y2019.province.meets_target(), true);
  const auto y2022 = compute_stats(*store, 2022);  // the later plan: at least 75 %, met exactly
  EXPECT_EQ(y2022.plan.id, "150/KH-UBND");
  EXPECT_EQ(y2022.province.target, 75.0);
  EXPECT_FALSE(y2022.province.target_strictly_over);
  EXPECT_EQ(y2022.province.meets_target(), true);
  EXPECT_EQ(y2022.districts.at(0).meets_target(), true);
  const auto y2024 = compute_stats(*store, 2024);  // its second step: over 80 %, not met
  EXPECT_EQ(y2024.province.target, 80.0);
  EXPECT_EQ(y2024.province.meets_target(), false);
  // The model indicator's target follows the plan too: 50 % of communes (none has a model: 0 of 4).
  for (const auto& indicator : y2022.province.indicators) {
    if (indicator.id == "communes_with_model") {
      EXPECT_EQ(indicator.target, 50.0);
      EXPECT_EQ(indicator.meets(), false);
    }
    if (indicator.id == "festival_held") EXPECT_FALSE(indicator.target.has_value());
  }
  const auto document = to_json(y2022);
  EXPECT_EQ(document["plan"]["id"], "150/KH-UBND");
  EXPECT_EQ(document["target"], 75.0);
  EXPECT_EQ(document["province"]["target_strictly_over"], false);

  remove_plan(*store, actor, "150/KH-UBND");
  EXPECT_EQ(compute_stats(*store, 2022).plan.id, "886/QĐ-UBND");
}

TEST_F(PlanInForceTest, APlanThatClashesIsRefusedAndNothingIsWritten) {
  save_plan(*store, actor, parse_plan(later_plan()));
  const auto audited = store->audit_entries().size();
  auto same_start = later_plan();
  same_start["id"] = "151/KH-UBND";
  EXPECT_THROW(save_plan(*store, actor, parse_plan(same_start)), InputError);
  auto founding = later_plan();
  founding["id"] = "886/QĐ-UBND";
  EXPECT_THROW(save_plan(*store, actor, parse_plan(founding)), InputError);
  auto too_early = later_plan();
  too_early["id"] = "1/KH";
  too_early["from_year"] = 2010;
  too_early["targets"] = json::object();
  EXPECT_THROW(save_plan(*store, actor, parse_plan(too_early)), InputError);
  EXPECT_THROW(remove_plan(*store, actor, "886/QĐ-UBND"), InputError);
  EXPECT_THROW(remove_plan(*store, actor, "nothing"), InputError);
  EXPECT_EQ(store->audit_entries().size(), audited);
  // Saving the same id again replaces it (a corrected plan), one audited change.
  auto corrected = later_plan();
  corrected["targets"]["recognised"] = 85;
  save_plan(*store, actor, parse_plan(corrected));
  EXPECT_EQ(store->audit_entries().size(), audited + 1);
  EXPECT_EQ(programme_plans(*store).size(), 2u);
  EXPECT_EQ(compute_stats(*store, 2022).province.target, 85.0);
}

}  // namespace
}  // namespace antt::stats
