// Saving edited boundaries (antt::editing::save_boundaries): correction or new version, and copies
// that went stale. WKT in, stored geometry out, on a real SpatiaLite store with the tiny province
// (communes 99001 | 99002 meeting at 105.80 E).
#include <gtest/gtest.h>

#include "antt/core/error.hpp"
#include "antt/editing/boundaries.hpp"
#include "antt/geo/geos.hpp"
#include "test_support.hpp"

namespace antt::editing {
namespace {

using antt::testing::rectangle_wkb;

const store::Actor kEditor{"can.bo.huyen", "api"};

class BoundaryEditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store(dir_.store("edit.sqlite"), true);
    store_->write({"setup", "test"}, [&] {
      antt::testing::add_tiny_province(*store_, 2020);
      // The province and district exactly covered by the two communes: a clean tiling to start from.
      for (const char* code : {"99", "990"})
        store_->update_unit_geometry(store_->unit_at(code, "2020-12-31", false)->id,
                                     rectangle_wkb(105.78, 21.00, 105.82, 21.03));
    });
  }

  /// The shared border moved to `border` (degrees east): both communes, as one edit.
  BoundaryEdit border_at(double border) const {
    BoundaryEdit edit;
    edit.year = 2020;
    edit.boundaries = {{"99001", rectangle_wkb(105.78, 21.00, border, 21.03)},
                       {"99002", rectangle_wkb(border, 21.00, 105.82, 21.03)}};
    return edit;
  }

  std::string geometry_on(const std::string& code, const std::string& date) const {
    const auto version = store_->unit_at(code, date, true);
    return version ? version->geometry_wkb : std::string();
  }

  std::size_t versions_of(const std::string& code) const {
    store::UnitQuery query;
    query.code = code;
    query.with_geometry = false;
    return store_->units(query).size();
  }

  antt::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(BoundaryEditTest, ACorrectionReplacesTheGeometryOfTheYearsVersionInPlace) {
  const std::string before = unit_version_tag(*store_->unit_at("99001", "2020-12-31"));
  const auto result = save_boundaries(*store_, kEditor, border_at(105.805));
  ASSERT_TRUE(result.written) << validate::to_json(result.report).dump();
  EXPECT_EQ(result.changed, (std::vector<std::string>{"99001", "99002"}));
  EXPECT_EQ(geometry_on("99001", "2010-01-01"), rectangle_wkb(105.78, 21.00, 105.805, 21.03));  // the same version
  EXPECT_EQ(versions_of("99001"), 1u);
  EXPECT_NE(result.tags.at("99001"), before);
  EXPECT_EQ(result.tags.at("99001"), unit_version_tag(*store_->unit_at("99001", "2020-12-31")));
}

TEST_F(BoundaryEditTest, ANewVersionEndsTheOldOneTheDayItStarts) {
  BoundaryEdit edit = border_at(105.805);
  edit.new_version_from = "2024-01-01";
  const auto result = save_boundaries(*store_, kEditor, edit);
  ASSERT_TRUE(result.written) << validate::to_json(result.report).dump();
  EXPECT_EQ(geometry_on("99001", "2023-12-31"), rectangle_wkb(105.78, 21.00, 105.80, 21.03));
  EXPECT_EQ(geometry_on("99001", "2024-01-01"), rectangle_wkb(105.78, 21.00, 105.805, 21.03));
  EXPECT_EQ(geometry_on("99002", "2030-06-01"), rectangle_wkb(105.805, 21.00, 105.82, 21.03));
  EXPECT_EQ(versions_of("99001"), 2u);
  const auto old_version = store_->unit_at("99001", "2023-12-31", false);
  ASSERT_TRUE(old_version->valid_to);
  EXPECT_EQ(*old_version->valid_to, "2024-01-01");
  const auto next = store_->unit_at("99001", "2024-01-01", false);
  EXPECT_EQ(next->name, "Xã Hòa Bình Ngãi");
  EXPECT_EQ(next->parent_code, "990");
  EXPECT_FALSE(next->valid_to);

  BoundaryEdit again = border_at(105.81);  // the new version starts that day: a second edit corrects it
  again.new_version_from = "2024-01-01";
  EXPECT_THROW(save_boundaries(*store_, kEditor, again), InputError);
  EXPECT_EQ(versions_of("99001"), 2u);
}

TEST_F(BoundaryEditTest, AnEditOfAStaleCopyWritesNothingAndNamesTheUnit) {
  const std::string read_by_both = unit_version_tag(*store_->unit_at("99001", "2020-12-31"));
  BoundaryEdit first = border_at(105.805);
  first.expected_tags = {{"99001", read_by_both}};
  ASSERT_TRUE(save_boundaries(*store_, kEditor, first).written);
  const std::string after_first = geometry_on("99001", "2020-12-31");

  BoundaryEdit second = border_at(105.79);
  second.expected_tags = {{"99001", read_by_both}};
  const auto result = save_boundaries(*store_, {"other.editor", "qgis"}, second);
  EXPECT_FALSE(result.written);
  EXPECT_EQ(result.stale, std::vector<std::string>{"99001"});
  EXPECT_TRUE(result.changed.empty());
  EXPECT_EQ(geometry_on("99001", "2020-12-31"), after_first);
  EXPECT_EQ(geometry_on("99002", "2020-12-31"), rectangle_wkb(105.805, 21.00, 105.82, 21.03));  // not half an edit
  EXPECT_EQ(result.tags.at("99001"), unit_version_tag(*store_->unit_at("99001", "2020-12-31")));

  second.expected_tags = {{"99001", result.tags.at("99001")}};  // decided again on the current copy
  EXPECT_TRUE(save_boundaries(*store_, {"other.editor", "qgis"}, second).written);
  EXPECT_EQ(geometry_on("99001", "2020-12-31"), rectangle_wkb(105.78, 21.00, 105.79, 21.03));
}

TEST_F(BoundaryEditTest, ErrorsRefuseTheEditUnlessAReasonIsGiven) {
  BoundaryEdit overlapping;
  overlapping.year = 2020;
  overlapping.boundaries = {{"99001", rectangle_wkb(105.78, 21.00, 105.81, 21.03)}};  // into 99002
  const auto refused = save_boundaries(*store_, kEditor, overlapping);
  EXPECT_FALSE(refused.written);
  EXPECT_GT(refused.report.errors(), 0);
  EXPECT_EQ(geometry_on("99001", "2020-12-31"), rectangle_wkb(105.78, 21.00, 105.80, 21.03));
  overlapping.override_reason = "Quyết định 12/QĐ-UBND điều chỉnh địa giới";
  const auto saved = save_boundaries(*store_, kEditor, overlapping);
  EXPECT_TRUE(saved.written);
  ASSERT_TRUE(saved.override_id);
  EXPECT_EQ(store_->validation_overrides().back().reason, "Quyết định 12/QĐ-UBND điều chỉnh địa giới");
}

}  // namespace
}  // namespace antt::editing
