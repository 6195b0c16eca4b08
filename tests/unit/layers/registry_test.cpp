#include "antt/layers/layers.hpp"

#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::layers {
namespace {

using store::ChangeTopic;
using store::UnitKind;

LayerDescriptor minimal(const std::string& name) {
  LayerDescriptor layer;
  layer.name = name;
  layer.title_vi = layer.title_en = name;
  layer.style = "unit_status";
  layer.rows = [](RowSource&, int) { return std::vector<LayerRow>{}; };
  return layer;
}

store::Change change(ChangeTopic topic, std::vector<UnitKind> kinds, std::optional<store::YearSpan> years) {
  store::Change out;
  out.topic = topic;
  out.unit_kinds = std::move(kinds);
  out.years = years;
  return out;
}

TEST(LayerRegistry, TheStandardLayersInDrawingOrder) {
  const auto registry = LayerRegistry::standard();
  EXPECT_EQ(registry->names(), "districts, communes, villages, units, hotspots, clusters, models");
  const auto* communes = registry->find("communes");
  ASSERT_NE(communes, nullptr);
  EXPECT_EQ(communes->unit_kinds, std::vector<UnitKind>{UnitKind::commune});
  EXPECT_TRUE(communes->editable);
  EXPECT_EQ(registry->find("hotspots")->access, Access::internal);
  EXPECT_EQ(registry->find("districts")->access, Access::everyone);
  EXPECT_EQ(registry->find("nope"), nullptr);
}

TEST(LayerRegistry, AddRefusesDuplicatesBadNamesUnknownStylesAndMissingRows) {
  LayerRegistry registry(*LayerRegistry::standard());
  EXPECT_THROW(registry.add(minimal("communes")), Error);
  EXPECT_THROW(registry.add(minimal("Bad Name")), Error);
  EXPECT_THROW(registry.add(minimal("../etc")), Error);
  auto unknown_style = minimal("ok_layer");
  unknown_style.style = "no_such_style";
  EXPECT_THROW(registry.add(unknown_style), Error);
  auto no_rows = minimal("ok_layer");
  no_rows.rows = nullptr;
  EXPECT_THROW(registry.add(no_rows), Error);
  auto zooms = minimal("ok_layer");
  zooms.max_zoom = 30;
  EXPECT_THROW(registry.add(zooms), Error);
  registry.add(minimal("ok_layer"));
  EXPECT_EQ(registry.layers().back().name, "ok_layer");
  EXPECT_EQ(LayerRegistry::standard()->find("ok_layer"), nullptr);  // the shared one is untouched
}

TEST(LayerDescriptor, ChangesMatchTheirDependenciesByTopicAndKind) {
  const auto registry = LayerRegistry::standard();
  const auto& villages = *registry->find("villages");
  const auto& districts = *registry->find("districts");
  const auto& clusters = *registry->find("clusters");
  const store::YearSpan y2015{2015, 2015};
  EXPECT_TRUE(villages.affected_by(change(ChangeTopic::status, {UnitKind::village}, y2015)));
  EXPECT_FALSE(villages.affected_by(change(ChangeTopic::status, {UnitKind::commune}, y2015)));
  EXPECT_TRUE(villages.affected_by(change(ChangeTopic::status, {}, y2015)));  // unknown unit: assume it matters
  EXPECT_FALSE(villages.affects_every_year(change(ChangeTopic::status, {UnitKind::village}, y2015)));
  EXPECT_TRUE(villages.affects_every_year(change(ChangeTopic::status, {UnitKind::village}, std::nullopt)));
  EXPECT_TRUE(districts.affected_by(change(ChangeTopic::status, {UnitKind::school}, y2015)));
  EXPECT_TRUE(districts.affects_every_year(change(ChangeTopic::setting, {}, std::nullopt)));
  EXPECT_FALSE(villages.affected_by(change(ChangeTopic::setting, {}, std::nullopt)));
  EXPECT_TRUE(clusters.affects_every_year(change(ChangeTopic::cluster, {}, y2015)));  // renamed: every year
  EXPECT_FALSE(clusters.affects_every_year(change(ChangeTopic::cluster_membership, {UnitKind::commune}, y2015)));
}

TEST(LayerRegistry, ItsJsonDescribesEveryLayer) {
  const auto document = nlohmann::json::parse(registry_json(*LayerRegistry::standard()));
  ASSERT_EQ(document.at("layers").size(), LayerRegistry::standard()->layers().size());
  const auto& hotspots = document.at("layers").at(4);
  EXPECT_EQ(hotspots.at("name"), "hotspots");
  EXPECT_EQ(hotspots.at("access"), "internal");
  EXPECT_EQ(hotspots.at("rows"), "hotspots");
  EXPECT_EQ(hotspots.at("depends_on").at(0).at("topic"), "hotspot");
  EXPECT_EQ(document.at("layers").at(1).at("kinds"), nlohmann::json::array({"commune"}));
}

}  // namespace
}  // namespace antt::layers
