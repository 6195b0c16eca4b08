// TileJSON: valid JSON whose templates, zooms and bounds a map client can use directly.
#include "serve/tilejson.hpp"

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace antt::serve {
namespace {

const geo::MercatorBox kProvince{11700000, 2300000, 11900000, 2450000};

TEST(TileJson, RasterTemplateZoomsAndBounds) {
  const auto& villages = *layers::LayerRegistry::standard()->find("villages");
  const auto doc = nlohmann::json::parse(tilejson("http://127.0.0.1:8080", villages, 2015, false, kProvince));
  EXPECT_EQ(doc["tilejson"], "3.0.0");
  EXPECT_EQ(doc["name"], villages.title_vi);
  ASSERT_EQ(doc["tiles"].size(), 1u);
  EXPECT_EQ(doc["tiles"][0], "http://127.0.0.1:8080/tiles/villages/{z}/{x}/{y}.png?year=2015");
  EXPECT_EQ(doc["minzoom"], 11);
  EXPECT_EQ(doc["maxzoom"], 22);
  ASSERT_EQ(doc["bounds"].size(), 4u);
  EXPECT_NEAR(doc["bounds"][0].get<double>(), 105.1029, 1e-3);
  EXPECT_NEAR(doc["bounds"][1].get<double>(), 20.2275, 1e-3);
  EXPECT_NEAR(doc["bounds"][2].get<double>(), 106.8995, 1e-3);
  EXPECT_NEAR(doc["bounds"][3].get<double>(), 21.4866, 1e-3);
  ASSERT_EQ(doc["center"].size(), 3u);
  EXPECT_NEAR(doc["center"][0].get<double>(), 106.0012, 1e-3);
  EXPECT_EQ(doc["center"][2], 11) << "the province fits at z9 but villages start at z11";
  EXPECT_FALSE(doc.contains("vector_layers"));
  EXPECT_FALSE(doc["attribution"].get<std::string>().empty());
}

TEST(TileJson, VectorTilesListTheLayerFields) {
  const auto& districts = *layers::LayerRegistry::standard()->find("districts");
  const auto doc = nlohmann::json::parse(tilejson("http://h", districts, 2020, true, std::nullopt));
  EXPECT_EQ(doc["tiles"][0], "http://h/tiles/districts/{z}/{x}/{y}.mvt?year=2020");
  EXPECT_EQ(doc["bounds"][0], -180.0);
  ASSERT_EQ(doc["vector_layers"].size(), 1u);
  const auto& layer = doc["vector_layers"][0];
  EXPECT_EQ(layer["id"], "districts");
  EXPECT_EQ(layer["fields"].size(), districts.attributes.size());
  EXPECT_EQ(layer["fields"]["name"], "String");
  EXPECT_EQ(layer["fields"]["share"], "Number");
}

}  // namespace
}  // namespace antt::serve
