// A year after a reform grouped by the districts of the day before it (stats::former_areas), on a
// hand-made province whose figures are counted by hand below.
#include "antt/core/error.hpp"
#include "antt/stats/stats.hpp"
#include "test_support.hpp"

namespace antt::stats {
namespace {

using store::StatusValue;
using store::UnitKind;

// Districts D1 (C1 105.0-105.1, C2 105.1-105.2) and D2 (C3 105.2-105.3) until 2025-07-01; then two
// communes straight under the province: N1 (105.00-105.16: C1 and most of C2, all D1 ground) and
// N2 (105.16-105.30: 0.04° of D1's C2, 0.10° of D2's C3, so mostly D2's ground).
class GroupingTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::open_store(dir.store("g.sqlite"), true);
  const store::Actor actor{"tester", "grouping_test"};

  void unit(const std::string& code, UnitKind kind, const std::string& parent, const std::string& from,
            std::optional<std::string> to, double west, double east) {
    auto version = testing::test_unit(code, kind, parent, from, std::move(to), testing::rectangle_wkb(west, 20.0, east, 20.1));
    version.name += " — Mường Chiềng, Đà Bắc";
    store->insert_unit(version);
  }

  void status(const std::string& code, StatusValue value) {
    store::StatusRecord record{.unit_code = code, .year = 2026, .status = value};
    if (store::status_needs_decision(value)) {
      record.decision_number = "3/QĐ-UBND";
      record.decision_date = "2026-12-20";
      record.authority = "UBND xã";
    }
    store->add_status(record);
  }

  void SetUp() override {
    const std::string reform = "2025-07-01";
    store->write(actor, [&] {
      unit("17", UnitKind::province, "", "2010-01-01", std::nullopt, 105.0, 105.3);
      unit("D1", UnitKind::district, "17", "2010-01-01", reform, 105.0, 105.2);
      unit("D2", UnitKind::district, "17", "2010-01-01", reform, 105.2, 105.3);
      unit("C1", UnitKind::commune, "D1", "2010-01-01", reform, 105.0, 105.1);
      unit("C2", UnitKind::commune, "D1", "2010-01-01", reform, 105.1, 105.2);
      unit("C3", UnitKind::commune, "D2", "2010-01-01", reform, 105.2, 105.3);
      unit("N1", UnitKind::commune, "17", reform, std::nullopt, 105.0, 105.16);
      unit("N2", UnitKind::commune, "17", reform, std::nullopt, 105.16, 105.3);
      unit("V1", UnitKind::village, "N1", reform, std::nullopt, 105.00, 105.05);
      unit("V2", UnitKind::village, "N1", reform, std::nullopt, 105.05, 105.10);
      unit("V3", UnitKind::village, "N2", reform, std::nullopt, 105.20, 105.25);
      unit("A1", UnitKind::agency, "17", "2010-01-01", std::nullopt, 105.0, 105.01);  // provincial: no area
      status("N1", StatusValue::recognised);
      status("N2", StatusValue::not_recognised);
      status("V1", StatusValue::recognised);
      status("V2", StatusValue::registered);
      status("V3", StatusValue::recognised);
      status("A1", StatusValue::recognised);
      store->set_setting("home_province", "17");
    });
  }
};

TEST_F(GroupingTest, AYearAfterTheReformIsCountedByTheDistrictsOfTheDayBefore) {
  const auto grouping = former_areas(*store, 2026, "district");
  EXPECT_EQ(grouping.level, "former_district");
  EXPECT_EQ(grouping.reference_date, "2025-06-30");
  EXPECT_EQ(grouping.area_of_commune.at("N1"), "D1");
  EXPECT_EQ(grouping.area_of_commune.at("N2"), "D2");  // 0.10° of D2's ground against 0.04° of D1's
  const auto plain = compute_stats(*store, 2026);
  EXPECT_EQ(plain.area_level, "commune");
  const auto grouped = compute_stats(*store, 2026, {}, {}, &grouping);
  EXPECT_EQ(grouped.area_level, "former_district");
  EXPECT_EQ(grouped.grouped_as_of, "2025-06-30");
  ASSERT_EQ(grouped.districts.size(), 2u);
  // D1: N1, V1, V2 — 2 of 3 recognised; D2: N2, V3 — 1 of 2; the province adds its agency A1: 4 of 6.
  const auto& d1 = grouped.districts[0];
  const auto& d2 = grouped.districts[1];
  EXPECT_EQ(d1.code, "D1");
  EXPECT_EQ(d1.name, "Đơn vị D1 — Mường Chiềng, Đà Bắc");
  EXPECT_EQ(d1.pooled.total, 3);
  EXPECT_EQ(d1.pooled.recognised, 2);
  EXPECT_EQ(d1.by_kind.at("village").total, 2);
  EXPECT_EQ(d2.code, "D2");
  EXPECT_EQ(d2.pooled.total, 2);
  EXPECT_EQ(d2.pooled.recognised, 1);
  EXPECT_DOUBLE_EQ(d2.pooled.share_recognised(), 50.0);
  EXPECT_EQ(grouped.province.pooled.total, 6);
  EXPECT_EQ(grouped.province.pooled.recognised, 4);
  EXPECT_EQ(plain.province.pooled.total, grouped.province.pooled.total);  // the same units, grouped otherwise
  const auto document = to_json(grouped);
  EXPECT_EQ(document["area_level"], "former_district");
  EXPECT_EQ(document["grouped_as_of"], "2025-06-30");
  EXPECT_EQ(document["districts"][1]["recognised"], 1);

  // By the province of the day before: all of it lay in 17.
  const auto provinces = former_areas(*store, 2026, "former_province", std::string("2025-06-30"));
  EXPECT_EQ(provinces.area_of_commune.at("N2"), "17");
  const auto by_province = compute_stats(*store, 2026, {}, {}, &provinces);
  ASSERT_EQ(by_province.districts.size(), 1u);
  EXPECT_EQ(by_province.districts[0].pooled.total, 5);
}

TEST_F(GroupingTest, WithoutFormerAreasOrWithADateAfterTheYearItIsRefused) {
  EXPECT_THROW(former_areas(*store, 2024, "district"), UsageError);  // no district had ended by 2024
  EXPECT_THROW(former_areas(*store, 2026, "district", std::string("2027-01-01")), UsageError);
  EXPECT_THROW(former_areas(*store, 2026, "district", std::string("30/06/2025")), InputError);
  EXPECT_THROW(former_areas(*store, 2026, "ward"), UsageError);
  // An explicit earlier day works where the default has nothing: 2024 by the districts of 2015.
  const auto grouping = former_areas(*store, 2024, "district", std::string("2015-12-31"));
  EXPECT_EQ(grouping.area_of_commune.at("C2"), "D1");
}

}  // namespace
}  // namespace antt::stats
