// The style definition: complete for every layer and class key, and consistent with the store's labels.
#include "antt/styles/styles.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/model.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

std::vector<std::string> keys_of(const styles::Style& style) {
  std::vector<std::string> keys;
  for (const auto& entry : style.entries) keys.push_back(entry.key);
  return keys;
}

std::vector<std::string> status_keys() {
  std::vector<std::string> keys;
  for (auto status : {store::StatusValue::not_registered, store::StatusValue::registered, store::StatusValue::proposed,
                      store::StatusValue::recognised, store::StatusValue::not_recognised, store::StatusValue::revoked})
    keys.emplace_back(store::to_string(status));
  keys.emplace_back("no_data");
  return keys;
}

TEST(StylesDefinition, EveryLayerStyleExists) {
  for (const auto& layer : layers::LayerRegistry::standard()->layers()) EXPECT_NO_THROW(styles::style(layer.style)) << layer.name;
}

TEST(StylesDefinition, EveryClassKeyOfTheContractIsPresent) {
  EXPECT_EQ(keys_of(styles::style("unit_status")), status_keys());
  EXPECT_EQ(keys_of(styles::style("unit_status_point")), status_keys());
  EXPECT_EQ(keys_of(styles::style("district_share")),
            (std::vector<std::string>{"below_70", "above_70", "above_90", "no_data"}));
  EXPECT_EQ(keys_of(styles::style("hotspot")), std::vector<std::string>{"hotspot"});
  EXPECT_EQ(keys_of(styles::style("cluster")), std::vector<std::string>{"cluster"});
  EXPECT_EQ(keys_of(styles::style("model")), store::model_types());
}

TEST(StylesDefinition, StatusLabelsMatchTheStore) {
  for (const char* id : {"unit_status", "unit_status_point"})
    for (const auto& entry : styles::style(id).entries) {
      if (entry.key == "no_data") continue;
      EXPECT_EQ(entry.label_vi, store::vietnamese_label(store::parse_status(entry.key))) << id << " " << entry.key;
    }
}

TEST(StylesDefinition, EveryEntryHasLabelsAndColours) {
  for (const auto& style : styles::all_styles()) {
    EXPECT_FALSE(style.title_vi.empty()) << style.id;
    for (const auto& entry : style.entries) {
      EXPECT_FALSE(entry.label_vi.empty()) << style.id << " " << entry.key;
      EXPECT_FALSE(entry.label_en.empty()) << style.id << " " << entry.key;
      EXPECT_EQ(entry.stroke.size(), 7u) << style.id << " " << entry.key;
    }
  }
  EXPECT_EQ(styles::style("hotspot").entries[0].pattern, "hatch");
  EXPECT_TRUE(styles::style("cluster").entries[0].fill.empty());
}

TEST(StylesDefinition, UnknownStyleNamesTheKnownOnes) {
  try {
    styles::style("nope");
    FAIL() << "no exception";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("unit_status"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("district_share"), std::string::npos);
  }
}

TEST(StylesLegend, JsonListsEveryStyleWithItsEntries) {
  const auto legend = nlohmann::json::parse(styles::legend_json());
  ASSERT_TRUE(legend.is_array());
  EXPECT_EQ(legend.size(), styles::all_styles().size());
  for (const auto& style : legend) {
    EXPECT_EQ(style.at("entries").size(), styles::style(style.at("id").get<std::string>()).entries.size());
    if (style.at("id") == "model") {
      EXPECT_EQ(style.at("effective").size(), 2u);
    }
    if (style.at("id") == "unit_status_point") {
      EXPECT_EQ(style.at("kinds").size(), 3u);
    }
  }
}

TEST(StylesMapfile, ClassesTestTheClassColumnAndCarryTheLegendName) {
  styles::MapfileOptions options;
  options.label_item = "name";
  options.label_max_scale = 50000;
  const auto text = styles::mapfile_classes("unit_status", options);
  EXPECT_NE(text.find("EXPRESSION ((\"[class]\" = \"recognised\"))"), std::string::npos) << text;
  EXPECT_NE(text.find("NAME \"Đạt chuẩn An toàn về ANTT\""), std::string::npos);
  EXPECT_NE(text.find("COLOR 8 81 156"), std::string::npos);
  EXPECT_NE(text.find("SYMBOL \"hatch\""), std::string::npos);
  EXPECT_NE(text.find("TEXT \"[name]\""), std::string::npos);
  EXPECT_NE(text.find("MAXSCALEDENOM 50000"), std::string::npos);
  const auto points = styles::mapfile_classes("unit_status_point", {});
  EXPECT_NE(points.find("(\"[kind]\" = \"school\")"), std::string::npos);
  EXPECT_EQ(points.find("LABEL"), std::string::npos);
  const auto models = styles::mapfile_classes("model", {});
  EXPECT_NE(models.find("(\"[effective]\" != \"1\")"), std::string::npos);
  for (const char* name : {"\"hatch\"", "\"circle\"", "\"square\"", "\"triangle\"", "\"star\"", "\"cross\""})
    EXPECT_NE(styles::mapfile_symbols().find(std::string("NAME ") + name), std::string::npos) << name;
  EXPECT_THROW(styles::mapfile_classes("unit_status", {"na\"me", 0, "sans"}), UsageError);
}

TEST(StylesMapfile, WithClassItemClassOnlyTestsArePlainStrings) {
  // The engine's layers declare CLASSITEM "class": MapServer then compares a string EXPRESSION
  // directly instead of parsing a logical expression for every feature and class.
  styles::MapfileOptions options;
  options.class_item = true;
  const auto text = styles::mapfile_classes("unit_status", options);
  EXPECT_NE(text.find("EXPRESSION \"recognised\"\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("[class]"), std::string::npos) << text;
  // Classes that also test kind or effective keep a logical expression (CLASSITEM does not apply to those).
  const auto points = styles::mapfile_classes("unit_status_point", options);
  EXPECT_NE(points.find("EXPRESSION ((\"[class]\" = \"recognised\") AND (\"[kind]\" = \"school\"))"), std::string::npos)
      << points;
  const auto models = styles::mapfile_classes("model", options);
  EXPECT_NE(models.find("(\"[effective]\" != \"1\")"), std::string::npos);
}

TEST(StylesMapfile, OutlinesAsLinesForStylesThatFillEveryClass) {
  // Boundaries drawn once need every polygon to cover what an earlier one drew: only filled styles.
  EXPECT_TRUE(styles::fills_every_class("unit_status"));
  EXPECT_TRUE(styles::fills_every_class("district_share"));
  EXPECT_FALSE(styles::fills_every_class("hotspot"));  // hatching only: the commune below shows through
  EXPECT_FALSE(styles::fills_every_class("cluster"));  // hollow
  EXPECT_FALSE(styles::fills_every_class("unit_status_point"));
  EXPECT_THROW(styles::mapfile_outline_classes("cluster", {}), Error);

  styles::MapfileOptions options;
  options.class_item = true;
  options.outlines = false;
  const auto fills = styles::mapfile_classes("unit_status", options);
  EXPECT_EQ(fills.find("OUTLINECOLOR 115 115 115"), std::string::npos) << fills;
  EXPECT_NE(fills.find("COLOR 8 81 156"), std::string::npos) << fills;   // recognised fill #08519c
  EXPECT_NE(fills.find("SYMBOL \"hatch\""), std::string::npos) << fills;  // hatching stays with the fills
  const auto lines = styles::mapfile_outline_classes("unit_status", options);
  EXPECT_NE(lines.find("EXPRESSION \"revoked\"\n    STYLE\n      COLOR 178 24 43\n      WIDTH 0.8\n"), std::string::npos)
      << lines;  // its stroke #b2182b, at the style's stroke width
  EXPECT_EQ(lines.find("OUTLINECOLOR"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("LABEL"), std::string::npos) << lines;
}

TEST(StylesQml, CategorisedOnClassWithVietnameseLabels) {
  const auto text = styles::qml("unit_status", "name");
  EXPECT_NE(text.find("type=\"categorizedSymbol\" attr=\"class\""), std::string::npos);
  EXPECT_NE(text.find("label=\"Bị thu hồi công nhận\""), std::string::npos);
  EXPECT_NE(text.find("LinePatternFill"), std::string::npos);
  EXPECT_NE(text.find("fieldName=\"name\""), std::string::npos);
  EXPECT_EQ(styles::qml("unit_status").find("<labeling"), std::string::npos);
}

TEST(StylesSld, OneRulePerClassFilteredOnClass) {
  const auto text = styles::sld("district_share", "districts", "name");
  size_t rules = 0;
  for (size_t at = text.find("<Rule>"); at != std::string::npos; at = text.find("<Rule>", at + 1)) ++rules;
  EXPECT_EQ(rules, 4u);
  EXPECT_NE(text.find("<ogc:PropertyName>class</ogc:PropertyName><ogc:Literal>above_90</ogc:Literal>"),
            std::string::npos);
  EXPECT_NE(text.find("<TextSymbolizer>"), std::string::npos);  // districts are labelled
}

}  // namespace
}  // namespace antt::testing
