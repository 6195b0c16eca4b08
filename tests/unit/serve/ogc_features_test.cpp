// OGC API – Features on the sample province: what a client (QGIS, a browser) would see at /ogc.
#include <set>
#include "serve/ogc_features.hpp"

#include <nlohmann/json.hpp>

#include "antt/stats/stats.hpp"
#include "antt/text/unicode.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

class OgcFeaturesTest : public ::testing::Test {
 protected:
  // The sample takes seconds to build: one store for the whole suite, opened read-only per request.
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    store_ = dir_->store("sample.sqlite");
    testing::copy_sample_store(store_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  OgcContext context{layers::LayerRegistry::standard(), "http://127.0.0.1:8080",
                     std::make_shared<StoreReads>(store_, 2),
                     {{2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020}, 2020}};

  static http::Request request(const std::string& path, std::map<std::string, std::string> path_params = {},
                               std::initializer_list<std::pair<const char*, const char*>> params = {}) {
    http::Request out;
    out.path = path;
    out.path_params = std::move(path_params);
    for (const auto& [name, value] : params) out.params.emplace(name, value);
    return out;
  }

  http::Response items(const std::string& collection, std::initializer_list<std::pair<const char*, const char*>> params) {
    return ogc_items(request("/ogc/collections/" + collection + "/items", {{"collectionId", collection}}, params),
                     context);
  }

  static json body(const http::Response& response) { return json::parse(*response.body); }

  static std::string link(const json& document, const std::string& rel) {
    for (const auto& entry : document["links"])
      if (entry["rel"] == rel) return entry["href"];
    return "";
  }

  static testing::TempDir* dir_;
  inline static std::string store_;
};

testing::TempDir* OgcFeaturesTest::dir_ = nullptr;

TEST_F(OgcFeaturesTest, LandingPageAndConformance) {
  auto landing = ogc_landing_page(request("/ogc"), context);
  ASSERT_EQ(landing.status, 200) << *landing.body;
  EXPECT_EQ(landing.content_type, "application/json");
  const auto page = body(landing);
  EXPECT_EQ(link(page, "conformance"), "http://127.0.0.1:8080/ogc/conformance");
  EXPECT_EQ(link(page, "data"), "http://127.0.0.1:8080/ogc/collections");
  EXPECT_EQ(link(page, "self"), "http://127.0.0.1:8080/ogc");

  const auto conformance = body(ogc_conformance(request("/ogc/conformance"), context));
  const auto& classes = conformance["conformsTo"];
  EXPECT_NE(std::find(classes.begin(), classes.end(), "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"),
            classes.end());
  EXPECT_NE(std::find(classes.begin(), classes.end(), "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"),
            classes.end());
}

TEST_F(OgcFeaturesTest, CollectionsHaveSpatialAndTemporalExtents) {
  auto response = ogc_collections(request("/ogc/collections"), context);
  ASSERT_EQ(response.status, 200) << *response.body;
  const auto document = body(response);
  std::vector<std::string> ids;
  for (const auto& collection : document["collections"]) ids.push_back(collection["id"]);
  // Every layer of the registry: the unit layers and those whose items are rows.
  EXPECT_EQ(ids, (std::vector<std::string>{"districts", "communes", "villages", "units", "hotspots", "clusters",
                                           "models"}));

  const auto communes = body(ogc_collection(request("/ogc/collections/communes", {{"collectionId", "communes"}}), context));
  EXPECT_EQ(communes["title"], "Xã, phường, thị trấn theo trạng thái ANTT");
  EXPECT_EQ(link(communes, "items"), "http://127.0.0.1:8080/ogc/collections/communes/items");
  const auto& bbox = communes["extent"]["spatial"]["bbox"][0];
  ASSERT_EQ(bbox.size(), 4u);
  // Hòa Bình lies around 104.8-106.0 E, 20.3-21.1 N.
  EXPECT_GT(bbox[0].get<double>(), 104.0);
  EXPECT_LT(bbox[2].get<double>(), 107.0);
  EXPECT_GT(bbox[1].get<double>(), 19.5);
  EXPECT_LT(bbox[3].get<double>(), 22.0);
  EXPECT_EQ(communes["extent"]["spatial"]["crs"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
  EXPECT_EQ(communes["extent"]["temporal"]["interval"][0][0], "2012-01-01T00:00:00Z");
  EXPECT_EQ(communes["extent"]["temporal"]["interval"][0][1], "2020-12-31T23:59:59Z");
}

TEST_F(OgcFeaturesTest, HotspotItemsAreTheDesignationsInForceWithTheirCommunes) {
  auto store = store::open_store(store_, false);
  const auto in_force = store->hotspots_at("2020-12-31");
  ASSERT_FALSE(in_force.empty());
  auto response = ogc_items(request("/ogc/collections/hotspots/items", {{"collectionId", "hotspots"}},
                                    {{"year", "2020"}, {"limit", "1000"}}),
                            context);
  ASSERT_EQ(response.status, 200) << *response.body;
  const auto document = body(response);
  std::set<std::string> codes;
  for (const auto& feature : document["features"]) {
    codes.insert(feature["id"].get<std::string>());
    EXPECT_EQ(feature["properties"]["class"], "hotspot");
    EXPECT_TRUE(feature["geometry"]["type"] == "MultiPolygon" || feature["geometry"]["type"] == "Polygon");
  }
  std::set<std::string> expected;
  for (const auto& hotspot : in_force) expected.insert(hotspot.commune_code);
  EXPECT_EQ(codes, expected);
  const auto code = *expected.begin();
  auto one = ogc_item(request("/ogc/collections/hotspots/items/" + code,
                              {{"collectionId", "hotspots"}, {"featureId", code}}, {{"year", "2020"}}),
                      context);
  EXPECT_EQ(one.status, 200) << *one.body;
  auto none = ogc_item(request("/ogc/collections/hotspots/items/00000",
                               {{"collectionId", "hotspots"}, {"featureId", "00000"}}, {{"year", "2020"}}),
                       context);
  EXPECT_EQ(none.status, 404);
}

TEST_F(OgcFeaturesTest, UnknownCollectionIs404) {
  EXPECT_EQ(ogc_collection(request("/ogc/collections/roads", {{"collectionId", "roads"}}), context).status, 404);
  auto response = items("roads", {});
  EXPECT_EQ(response.status, 404);
  EXPECT_TRUE(body(response).contains("error"));
  EXPECT_EQ(ogc_item(request("/ogc/collections/communes/items/nope", {{"collectionId", "communes"}, {"featureId", "nope"}}),
                     context)
                .status,
            404);
}

TEST_F(OgcFeaturesTest, CommunesAreThoseOfTheYear) {
  auto before = items("communes", {{"year", "2019"}, {"limit", "1000"}});
  ASSERT_EQ(before.status, 200) << *before.body;
  EXPECT_EQ(before.content_type, "application/geo+json");
  const auto collection_2019 = body(before);
  EXPECT_EQ(collection_2019["type"], "FeatureCollection");
  EXPECT_EQ(collection_2019["numberMatched"], 210);
  EXPECT_EQ(collection_2019["numberReturned"], 210);
  EXPECT_EQ(body(items("communes", {{"year", "2015"}, {"limit", "1"}}))["numberMatched"], 210);
  EXPECT_EQ(body(items("communes", {{"year", "2020"}}))["numberMatched"], 151);
  EXPECT_EQ(body(items("communes", {}))["numberMatched"], 151) << "the default year is 2020";
  // datetime picks the day: before and after the 2020 mergers.
  EXPECT_EQ(body(items("communes", {{"datetime", "2019-06-30"}}))["numberMatched"], 210);
  EXPECT_EQ(body(items("communes", {{"datetime", "2020-06-30T12:00:00Z"}}))["numberMatched"], 151);
  EXPECT_EQ(body(items("communes", {{"datetime", "2019"}}))["numberMatched"], 210);
}

TEST_F(OgcFeaturesTest, AnswersFromInventedDataSayAnswersFromRealDataDoNot) {
  EXPECT_FALSE(body(items("communes", {{"limit", "1"}})).contains("synthetic"));
  context.synthetic = true;  // as the server sets it for a store `anttmap sample` made
  EXPECT_EQ(body(items("communes", {{"limit", "1"}}))["synthetic"], true);
  EXPECT_EQ(body(items("hotspots", {{"year", "2020"}, {"limit", "1"}}))["synthetic"], true);
  const auto one = ogc_item(request("/ogc/collections/communes/items/04831",
                                    {{"collectionId", "communes"}, {"featureId", "04831"}}, {{"year", "2020"}}),
                            context);
  ASSERT_EQ(one.status, 200) << *one.body;
  EXPECT_EQ(nlohmann::json::parse(*one.body)["synthetic"], true);
}

TEST_F(OgcFeaturesTest, FeaturesCarryTheStoredStatusAndLonLatGeometry) {
  const auto collection = body(items("communes", {{"year", "2015"}, {"limit", "1000"}}));
  auto store = store::open_store(store_, false);
  const auto statuses = store->statuses_of_year(2015);
  int compared = 0;
  for (const auto& feature : collection["features"]) {
    const std::string code = feature["id"];
    EXPECT_EQ(feature["properties"]["code"], code);
    EXPECT_EQ(feature["properties"]["kind"], "commune");
    EXPECT_EQ(feature["properties"]["year"], 2015);
    auto status = statuses.find(code);
    if (status == statuses.end()) continue;
    EXPECT_EQ(feature["properties"]["status"], std::string(store::to_string(status->second.status))) << code;
    EXPECT_EQ(feature["properties"]["status_label"], std::string(store::vietnamese_label(status->second.status)));
    ++compared;
  }
  EXPECT_GT(compared, 100);

  const auto& first = collection["features"][0];
  EXPECT_EQ(first["geometry"]["type"], "MultiPolygon");
  const auto& point = first["geometry"]["coordinates"][0][0][0];
  EXPECT_GT(point[0].get<double>(), 104.0) << "longitude first (CRS84)";
  EXPECT_LT(point[1].get<double>(), 22.0);

  // The same feature on its own.
  const std::string code = first["id"];
  auto one = ogc_item(request("/ogc/collections/communes/items/" + code,
                              {{"collectionId", "communes"}, {"featureId", code}}, {{"year", "2015"}}),
                      context);
  ASSERT_EQ(one.status, 200) << *one.body;
  EXPECT_EQ(one.content_type, "application/geo+json");
  const auto feature = body(one);
  EXPECT_EQ(feature["type"], "Feature");
  EXPECT_EQ(feature["id"], code);
  EXPECT_EQ(feature["properties"], first["properties"]);
}

TEST_F(OgcFeaturesTest, NamesAreNfcVietnamese) {
  const auto collection = body(items("villages", {{"year", "2018"}, {"limit", "1000"}}));
  ASSERT_GT(collection["numberReturned"].get<int>(), 0);
  int non_ascii = 0;
  for (const auto& feature : collection["features"]) {
    const std::string name = feature["properties"]["name"];
    EXPECT_EQ(text::to_nfc(name), name);
    non_ascii += std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  }
  EXPECT_GT(non_ascii, 0);
}

TEST_F(OgcFeaturesTest, DistrictsCarryTheShareRecognised) {
  const auto collection = body(items("districts", {{"year", "2015"}}));
  auto store = store::open_store(store_, false);
  const auto stats = stats::compute_stats(*store, 2015);
  ASSERT_EQ(collection["numberMatched"].get<std::size_t>(), stats.districts.size());
  for (const auto& feature : collection["features"]) {
    const auto& district = *std::find_if(stats.districts.begin(), stats.districts.end(),
                                         [&](const auto& d) { return d.code == feature["id"]; });
    EXPECT_NEAR(feature["properties"]["share"].get<double>(), district.pooled.share_recognised(), 0.01);
    EXPECT_EQ(feature["properties"]["recognised"], district.pooled.recognised);
    EXPECT_EQ(feature["properties"]["total"], district.pooled.total);
  }
}

TEST_F(OgcFeaturesTest, BboxKeepsOnlyUnitsThatReachIt) {
  const auto all = body(items("communes", {{"year", "2015"}}));
  const auto few = body(items("communes", {{"year", "2015"}, {"bbox", "105.3,20.7,105.4,20.8"}, {"limit", "1000"}}));
  EXPECT_GT(few["numberMatched"].get<int>(), 0);
  EXPECT_LT(few["numberMatched"].get<int>(), all["numberMatched"].get<int>());
  const auto none = body(items("communes", {{"year", "2015"}, {"bbox", "0,0,1,1"}}));
  EXPECT_EQ(none["numberMatched"], 0);
  EXPECT_EQ(none["features"].size(), 0u);
}

TEST_F(OgcFeaturesTest, PagesLinkToEachOther) {
  const auto first = body(items("communes", {{"year", "2019"}, {"limit", "100"}}));
  EXPECT_EQ(first["numberReturned"], 100);
  EXPECT_EQ(link(first, "next"),
            "http://127.0.0.1:8080/ogc/collections/communes/items?year=2019&limit=100&offset=100");
  EXPECT_EQ(link(first, "prev"), "");
  const auto last = body(items("communes", {{"year", "2019"}, {"limit", "100"}, {"offset", "200"}}));
  EXPECT_EQ(last["numberReturned"], 10);
  EXPECT_EQ(link(last, "next"), "");
  EXPECT_EQ(link(last, "prev"), "http://127.0.0.1:8080/ogc/collections/communes/items?year=2019&limit=100&offset=100");
  EXPECT_NE(first["features"][0]["id"], last["features"][0]["id"]);
  const auto beyond = body(items("communes", {{"year", "2019"}, {"offset", "5000"}}));
  EXPECT_EQ(beyond["numberReturned"], 0);
  EXPECT_EQ(beyond["numberMatched"], 210);
  // Larger limits are lowered to the maximum rather than refused (OGC API – Features Part 1).
  EXPECT_EQ(body(items("villages", {{"year", "2019"}, {"limit", "5000"}}))["numberReturned"].get<int>() <= kOgcMaxLimit,
            true);
}

TEST_F(OgcFeaturesTest, BadParametersAre400WithAReason) {
  for (auto params : std::vector<std::vector<std::pair<const char*, const char*>>>{
           {{"year", "1990"}}, {{"year", "twenty"}}, {{"datetime", "2015-02-30"}}, {{"datetime", "2015-01-01/2016-01-01"}},
           {{"bbox", "105,20,106"}}, {{"bbox", "105,20,x,21"}}, {{"bbox", "200,20,210,21"}}, {{"bbox", "106,20,105,21"}},
           {{"limit", "0"}}, {{"limit", "ten"}}, {{"offset", "-1"}}, {{"colour", "red"}}, {{"f", "html"}}}) {
    http::Request bad = request("/ogc/collections/communes/items", {{"collectionId", "communes"}});
    for (const auto& [name, value] : params) bad.params.emplace(name, value);
    auto response = ogc_items(bad, context);
    EXPECT_EQ(response.status, 400) << params.front().first << "=" << params.front().second;
    EXPECT_FALSE(body(response)["error"].get<std::string>().empty());
  }
}

}  // namespace
}  // namespace antt::serve
