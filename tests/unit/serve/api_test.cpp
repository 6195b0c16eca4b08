// The JSON API (/api/...) on the sample province, through the real router (and, for POST, a real
// server on a socket): what the web viewer and the QGIS plugin see. docs/api.md is the contract.
#include "serve/api.hpp"

#include <cpl_conv.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "../http/http_test_client.hpp"
#include "antt/core/date.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/store.hpp"
#include "antt/text/unicode.hpp"
#include "http/http.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

using Params = std::vector<std::pair<std::string, std::string>>;

http::Request get(const std::string& path, const Params& params = {}) {
  http::Request request;
  request.path = path;
  for (const auto& [name, value] : params) request.params.emplace(name, value);
  return request;
}

/// The same request from a viewer (a key's caller, as the server's gate would set it).
http::Request as_viewer(http::Request request) {
  request.caller.role = access::Role::viewer;
  request.caller.credential = access::Credential::api_key;
  request.caller.name = "leadership";
  return request;
}

http::Request post(const std::string& path, std::string body, const Params& params = {}) {
  http::Request request = get(path, params);
  request.method = "POST";
  request.headers["Content-Type"] = "application/geo+json";
  request.body = std::move(body);
  return request;
}

json body(const http::Response& response) { return json::parse(*response.body); }

std::string error_of(const http::Response& response) { return body(response).at("error").get<std::string>(); }

/// Every coordinate of a GeoJSON geometry moved east by `dlon` degrees.
void shift(json& coordinates, double dlon) {
  if (coordinates.is_array() && !coordinates.empty() && coordinates[0].is_number()) {
    coordinates[0] = coordinates[0].get<double>() + dlon;
    return;
  }
  for (auto& item : coordinates) shift(item, dlon);
}

class ApiTest : public ::testing::Test {
 protected:
  // The sample takes seconds to build: one store for the whole suite.
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    store_ = dir_->store("sample.sqlite");
    testing::copy_sample_store(store_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  ApiTest() { register_api(router, {std::make_shared<const LayerAccess>(layers::LayerRegistry::standard()), store_path(), [] { return std::optional<mapdata::Box>(kExtent); }}); }

  static std::string store_path() { return store_; }

  http::Response dispatch(http::Request request) const { return router.dispatch(std::move(request)); }
  /// The core's document an answer carries: the sample's answers add "synthetic": true, checked here.
  static json unmarked(json answer) {
    EXPECT_EQ(answer["synthetic"], true) << "the sample's answers say they are invented";
    answer.erase("synthetic");
    return answer;
  }

  json get_json(const std::string& path, const Params& params = {}) const {
    const http::Response response = dispatch(get(path, params));
    EXPECT_EQ(response.status, 200) << path << ": " << *response.body;
    EXPECT_EQ(response.content_type, "application/json");
    return body(response);
  }

  /// The sample's commune 04831 (Thị trấn Đà Bắc) of 2020 moved 0.01° east: it overlaps its neighbours.
  static std::string moved_commune_geojson() {
    auto store = store::open_store(store_path(), false);
    auto commune = store->unit_at("04831", "2020-12-31");
    EXPECT_TRUE(commune.has_value());
    geo::OgrGeometry geometry = geo::OgrGeometry::from_wkb(commune->geometry_wkb);
    char* text = OGR_G_ExportToJson(geometry.get());
    json moved = json::parse(text);
    CPLFree(text);
    shift(moved["coordinates"], 0.01);
    return json{{"type", "FeatureCollection"},
                {"features", {{{"type", "Feature"}, {"properties", {{"code", "04831"}}}, {"geometry", moved}}}}}
        .dump();
  }

  static constexpr mapdata::Box kExtent{11650000, 2300000, 11800000, 2420000};
  static testing::TempDir* dir_;
  inline static std::string store_;
  http::Router router;
};

testing::TempDir* ApiTest::dir_ = nullptr;

TEST_F(ApiTest, YearsAreTheStatusYearsWithTheDefaultAndTheExtentInDegrees) {
  // From the first status year to this year (the sample's statuses run to 2026): the map opens on today.
  const json years = get_json("/api/years");
  const int last = std::max(2026, year_of(today()));
  json expected = json::array();
  for (int year = 2012; year <= last; ++year) expected.push_back(year);
  EXPECT_EQ(years["years"], expected);
  EXPECT_EQ(years["default"], year_of(today()));
  const auto extent = years["extent"].get<std::vector<double>>();
  ASSERT_EQ(extent.size(), 4u);
  EXPECT_NEAR(extent[0], 104.655, 0.01);  // 11650000 m east
  EXPECT_NEAR(extent[2], 106.003, 0.01);
  EXPECT_GT(extent[1], 20.0);
  EXPECT_LT(extent[3], 21.5);
  EXPECT_LT(extent[1], extent[3]);
}

TEST_F(ApiTest, StatsIsTheCliDocument) {
  for (const std::string year : {"2015", "2020"}) {
    const auto cli = testing::run_anttmap({"--db", store_path(), "--json", "stats", "--year", year});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(unmarked(get_json("/api/stats", {{"year", year}})), json::parse(cli.out)) << year;
  }
  EXPECT_EQ(get_json("/api/stats")["year"], year_of(today()));  // default: this year
}

TEST_F(ApiTest, BadYearsAre400WithAReason) {
  for (const std::string year : {"1850", "2030", "20x5", "99999", "-2015", " 2015"}) {
    const http::Response refused = dispatch(get("/api/stats", {{"year", year}}));
    EXPECT_EQ(refused.status, 400) << year;
    EXPECT_NE(error_of(refused).find("year"), std::string::npos) << year;
  }
  EXPECT_NE(error_of(dispatch(get("/api/stats", {{"year", "2030"}}))).find("2012-" + std::to_string(std::max(2026, year_of(today())))),
            std::string::npos);
}

TEST_F(ApiTest, ProgressIsThePooledShareOfTheStatistics) {
  const json progress = get_json("/api/progress");
  EXPECT_EQ(progress["years"].size(), static_cast<size_t>(std::max(2026, year_of(today())) - 2012 + 1));
  EXPECT_EQ(progress["targets"], json::parse(R"([{"from":2015,"share":70.0,"strictly_over":true,"plan":"886/QĐ-UBND"},
                                                  {"from":2020,"share":90.0,"strictly_over":true,"plan":"886/QĐ-UBND"}])"));
  // The province as it is now (Hòa Bình merged into Phú Thọ on 2025-07-01); its series goes back.
  EXPECT_EQ(progress["province"]["code"], "25");
  EXPECT_EQ(progress["province"]["name"], "Tỉnh Phú Thọ");

  auto store = store::open_store(store_path(), false);
  std::size_t checked = 0;
  for (int year : {2012, 2015, 2019, 2020, 2026}) {
    const stats::YearStats expected = stats::compute_stats(*store, year);
    const json stats_json = stats::to_json(expected);
    auto point_of = [&](const json& area) -> json {
      for (const auto& point : area["series"])
        if (point["year"] == year) return point;
      return nullptr;
    };
    const json province = point_of(progress["province"]);
    EXPECT_EQ(province["recognised"], stats_json["province"]["pooled"]["recognised"]);
    EXPECT_EQ(province["total"], stats_json["province"]["pooled"]["total"]);
    EXPECT_EQ(province["share"], stats_json["province"]["pooled"]["share_recognised"]);
    EXPECT_EQ(province["target"], stats_json["target"]);
    for (const auto& district : stats_json["districts"]) {
      const json* found = nullptr;
      for (const auto& entry : progress["districts"])
        if (entry["code"] == district["code"]) found = &entry;
      ASSERT_NE(found, nullptr) << district["code"];
      const json point = point_of(*found);
      ASSERT_FALSE(point.is_null()) << district["code"] << " " << year;
      EXPECT_EQ(point["recognised"], district["pooled"]["recognised"]);
      EXPECT_EQ(point["total"], district["pooled"]["total"]);
      EXPECT_EQ(point["share"], district["pooled"]["share_recognised"]) << district["code"] << " " << year;
      EXPECT_EQ(point["meets_target"], district["meets_target"]);
      ++checked;
    }
  }
  EXPECT_GT(checked, 30u);
  // Kỳ Sơn (151) was merged into the city in 2020: its series ends in 2019.
  for (const auto& entry : progress["districts"])
    if (entry["code"] == "151") {
      EXPECT_EQ(entry["series"].back()["year"], 2019);
    }
}

TEST_F(ApiTest, ProgressAndStatsFollowTheStoreAtOnce) {
  // A copy of the sample, so the other tests keep theirs.
  const std::string copy = dir_->store("edited.sqlite");
  testing::copy_sample_store(copy);
  http::Router edited_router;
  register_api(edited_router, {std::make_shared<const LayerAccess>(layers::LayerRegistry::standard()), copy, {}});
  auto share_of = [&](const std::string& district) {  // the district's point of 2020
    const json progress = body(edited_router.dispatch(get("/api/progress")));
    for (const auto& entry : progress["districts"])
      if (entry["code"] == district)
        for (const auto& point : entry["series"])
          if (point["year"] == 2020) return point;
    return json();
  };

  // A commune of Đà Bắc recognised in 2020 gets its recognition revoked, by another connection.
  auto store = store::open_store(copy, false);
  const auto statuses = store->statuses_of_year(2020);
  std::string commune;
  for (const auto& unit : store->units({std::string("2020-12-31"), {store::UnitKind::commune}, {}, false})) {
    auto status = statuses.find(unit.code);
    if (unit.parent_code == "150" && status != statuses.end() &&
        status->second.status == store::StatusValue::recognised) {
      commune = unit.code;
      break;
    }
  }
  ASSERT_FALSE(commune.empty());
  const json before = share_of("150");
  const json units_before = body(edited_router.dispatch(get("/api/units/" + commune)));
  store->write({"tester", "api_test"}, [&] {
    store::StatusRecord revoked;
    revoked.unit_code = commune;
    revoked.year = 2020;
    revoked.status = store::StatusValue::revoked;
    revoked.decision_number = "12/QĐ-UBND";
    revoked.decision_date = "2020-12-30";
    revoked.authority = "UBND huyện Đà Bắc";
    store->add_status(revoked);
  });

  const json after = share_of("150");  // no refresh, no watcher: the next request sees it
  EXPECT_EQ(after["recognised"].get<int>(), before["recognised"].get<int>() - 1);
  EXPECT_LT(after["share"].get<double>(), before["share"].get<double>());
  const json stats = body(edited_router.dispatch(get("/api/stats", {{"year", "2020"}})));
  for (const auto& district : stats["districts"])
    if (district["code"] == "150") {
      EXPECT_EQ(district["pooled"]["recognised"], after["recognised"]);
    }

  // The mark follows the store too: a store of real data says nothing of the kind.
  EXPECT_EQ(stats["synthetic"], true);
  store->write({"tester", "api_test"}, [&] { store->set_setting(store::kSyntheticDataSetting, "0"); });
  for (const char* path : {"/api/stats", "/api/years", "/api/progress"})
    EXPECT_FALSE(body(edited_router.dispatch(get(path))).contains("synthetic")) << path;

  // The history keeps the corrected row, flagged, under the new one.
  const json all_rows = body(edited_router.dispatch(as_viewer(get("/api/units/" + commune))))["statuses"];
  ASSERT_EQ(all_rows.size(), units_before["statuses"].size() + 1);
  json history = json::array();  // the rows of 2020, newest first
  for (const auto& row : all_rows)
    if (row["year"] == 2020) history.push_back(row);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["year"], 2020);
  EXPECT_EQ(history[0]["status"], "revoked");
  EXPECT_EQ(history[0]["superseded"], false);
  EXPECT_EQ(history[0]["recorded_by"], "tester");
  EXPECT_EQ(history[1]["year"], 2020);
  EXPECT_EQ(history[1]["status"], "recognised");
  // Editors' names are internal: the public gets the history without them.
  const json public_history = body(edited_router.dispatch(get("/api/units/" + commune)))["statuses"];
  for (const auto& row : public_history) EXPECT_TRUE(row["recorded_by"].is_null());
  EXPECT_EQ(history[1]["superseded"], true);
  EXPECT_EQ(history[0]["supersedes"], history[1]["id"]);
}

TEST_F(ApiTest, SearchIgnoresDiacriticsTonePlacementAndCase) {
  const json plain = get_json("/api/search", {{"q", "hoa binh"}, {"year", "2020"}});
  ASSERT_GE(plain["results"].size(), 2u);
  // Whole names first: the province, then the city (its prefix aside, the name is the query).
  EXPECT_EQ(plain["results"][0]["code"], "17");
  EXPECT_EQ(plain["results"][0]["name"], "Tỉnh Hòa Bình");
  EXPECT_EQ(plain["results"][1]["code"], "148");
  EXPECT_EQ(plain["results"][1]["name"], "Thành phố Hòa Bình");
  EXPECT_EQ(plain["query"], "hoa binh");
  // Old-style tone placement (Hoà), upper case, decomposed (NFD) input: the same answer.
  for (const std::string query : {"Hoà Bình", "HÒA BÌNH", "  hoa   BINH ", "Ho\xCC\x80" "a Bi\xCC\x80nh"}) {
    const json other = get_json("/api/search", {{"q", query}, {"year", "2020"}});
    EXPECT_EQ(other["results"], plain["results"]) << query;
  }

  const json da_bac = get_json("/api/search", {{"q", "da bac"}, {"year", "2020"}});
  ASSERT_GE(da_bac["results"].size(), 2u);
  const json& district = da_bac["results"][0];
  EXPECT_EQ(district["code"], "150");
  EXPECT_EQ(district["name"], "Huyện Đà Bắc");
  EXPECT_EQ(district["kind"], "district");
  EXPECT_EQ(district["parent_code"], "17");
  EXPECT_EQ(district["parent_name"], "Tỉnh Hòa Bình");
  EXPECT_EQ(da_bac["results"][1]["name"], "Thị trấn Đà Bắc");
  EXPECT_EQ(da_bac["results"][1]["parent_name"], "Huyện Đà Bắc");
  // bbox and center in EPSG:4326 degrees, the center inside the box.
  const auto bbox = district["bbox"].get<std::vector<double>>();
  const auto center = district["center"].get<std::vector<double>>();
  ASSERT_EQ(bbox.size(), 4u);
  EXPECT_GT(bbox[0], 104.5);
  EXPECT_LT(bbox[2], 106.5);
  EXPECT_GT(bbox[1], 20.0);
  EXPECT_LT(bbox[3], 21.5);
  EXPECT_TRUE(center[0] > bbox[0] && center[0] < bbox[2] && center[1] > bbox[1] && center[1] < bbox[3]);
  // Units whose name merely contains the words come after the whole names.
  const json all_da_bac = get_json("/api/search", {{"q", "da bac"}, {"limit", "100"}, {"year", "2020"}})["results"];
  std::size_t whole = 0, partial = 0;
  for (std::size_t i = 0; i < all_da_bac.size(); ++i) {
    if (all_da_bac[i]["name"] == "Xóm Đá Bạc") whole = i;  // the same letters without their marks
    if (all_da_bac[i]["name"] == "Công ty TNHH Thủy điện Đà Bắc") partial = i;
  }
  EXPECT_GT(whole, 0u);
  EXPECT_GT(partial, whole);
}

TEST_F(ApiTest, SearchRanksWordPrefixesAndFollowsTheYear) {
  // "bac" starts a word of "Huyện Đà Bắc" but sits inside one elsewhere: word starts rank first.
  const json prefix = get_json("/api/search", {{"q", "bac"}, {"limit", "100"}, {"year", "2020"}});
  ASSERT_FALSE(prefix["results"].empty());
  bool seen_inside_word = false;
  for (const auto& result : prefix["results"]) {
    const std::string folded = text::fold_for_search(result["name"].get<std::string>());
    const bool word_start = folded.rfind("bac", 0) == 0 || folded.find(" bac") != std::string::npos;
    if (!word_start) seen_inside_word = true;
    else EXPECT_FALSE(seen_inside_word) << "a word-start match after a match inside a word: " << folded;
  }
  // Every word of the query starting a word of the name, in any order, still matches.
  EXPECT_EQ(get_json("/api/search", {{"q", "bac da"}, {"year", "2020"}})["results"][0]["code"], "150");
  // Today Đà Bắc is a commune of Phú Thọ: the district is not found in 2026.
  EXPECT_EQ(get_json("/api/search", {{"q", "da bac"}, {"year", "2026"}})["results"][0]["code"], "04831");
  // A commune merged away in 2020 is found in 2019 only.
  auto store = store::open_store(store_path(), false);
  std::string name, code;
  for (const auto& unit : store->units({std::string("2019-12-31"), {store::UnitKind::commune}, {}, false})) {
    if (unit.valid_to == "2020-01-01" && !store->unit_at(unit.code, "2020-12-31", false)) {
      name = unit.name, code = unit.code;
      break;
    }
  }
  ASSERT_FALSE(name.empty());
  auto codes = [&](const std::string& year) {
    std::vector<std::string> found;
    const json answer = get_json("/api/search", {{"q", name}, {"year", year}});
    for (const auto& result : answer["results"]) found.push_back(result["code"]);
    return found;
  };
  ASSERT_FALSE(codes("2019").empty()) << name;
  EXPECT_EQ(codes("2019").at(0), code);
  const auto in_2020 = codes("2020");
  EXPECT_EQ(std::find(in_2020.begin(), in_2020.end(), code), in_2020.end());
}

TEST_F(ApiTest, SearchLimitsAndRefusesBadQueries) {
  const json all = get_json("/api/search", {{"q", "xom"}, {"limit", "100"}});
  EXPECT_EQ(all["results"].size(), 100u);
  EXPECT_GT(all["total"].get<int>(), 100);
  EXPECT_EQ(get_json("/api/search", {{"q", "xom"}})["results"].size(), 20u);  // default limit
  EXPECT_EQ(get_json("/api/search", {{"q", "xom"}, {"limit", "3"}})["results"].size(), 3u);
  EXPECT_TRUE(get_json("/api/search", {{"q", "zzzqqq"}})["results"].empty());

  for (const std::string limit : {"0", "101", "abc", "-1", "1e3", ""}) {
    const http::Response refused = dispatch(get("/api/search", {{"q", "xom"}, {"limit", limit}}));
    EXPECT_EQ(refused.status, 400) << limit;
    EXPECT_NE(error_of(refused).find("limit"), std::string::npos);
  }
  for (const std::string& query : std::vector<std::string>{"", "   ", std::string(300, 'a'), "h\xff\xfe", std::string("a\0", 2), "a\x1b"}) {
    const http::Response refused = dispatch(get("/api/search", {{"q", query}}));
    EXPECT_EQ(refused.status, 400) << query;
    EXPECT_NE(error_of(refused).find("q "), std::string::npos) << error_of(refused);
  }
  EXPECT_EQ(dispatch(get("/api/search")).status, 400);
  EXPECT_EQ(dispatch(get("/api/search", {{"q", "xom"}, {"year", "1999"}})).status, 400);
  // Query text is data, never SQL or a pattern.
  EXPECT_TRUE(get_json("/api/search", {{"q", "' OR 1=1 --"}})["results"].empty());
  EXPECT_TRUE(get_json("/api/search", {{"q", "%"}})["results"].empty());
}

TEST_F(ApiTest, UnitHasItsVersionsAndStatusHistoryNewestFirst) {
  const json district = get_json("/api/units/150");
  EXPECT_EQ(district["name"], "Huyện Đà Bắc");
  EXPECT_EQ(district["kind"], "district");
  EXPECT_EQ(district["parent_name"], "Tỉnh Hòa Bình");
  EXPECT_EQ(district["valid_from"], "2008-08-01");
  EXPECT_EQ(district["valid_to"], "2025-07-01");  // districts ended with the two-tier reform
  EXPECT_EQ(district["bbox"].size(), 4u);
  EXPECT_TRUE(district["statuses"].empty());  // districts are graded by their units' share, not recognised

  // Without a year, the newest version: since 2025-07-01 Xã Đà Bắc directly under Phú Thọ.
  const json today = get_json("/api/units/04831");
  EXPECT_EQ(today["name"], "Xã Đà Bắc");
  EXPECT_EQ(today["subtype"], "xa");
  EXPECT_EQ(today["parent_name"], "Tỉnh Phú Thọ");
  const json unit = get_json("/api/units/04831", {{"year", "2020"}});
  EXPECT_EQ(unit["name"], "Thị trấn Đà Bắc");
  EXPECT_EQ(unit["subtype"], "thi_tran");
  EXPECT_EQ(unit["parent_name"], "Huyện Đà Bắc");
  auto store = store::open_store(store_path(), false);
  const auto history = store->status_history("04831");
  const json& statuses = unit["statuses"];
  ASSERT_EQ(statuses.size(), history.size());
  ASSERT_FALSE(statuses.empty());
  for (std::size_t i = 1; i < statuses.size(); ++i)
    EXPECT_GE(statuses[i - 1]["year"].get<int>(), statuses[i]["year"].get<int>());
  bool saw_recognised = false;
  for (const auto& status : statuses) {
    if (status["status"] != "recognised") continue;
    saw_recognised = true;
    EXPECT_EQ(status["label_vi"], "Đạt chuẩn An toàn về ANTT");
    EXPECT_EQ(status["label_en"], "Recognised safe");
    EXPECT_TRUE(status["decision"].is_string());
    EXPECT_TRUE(status["date"].is_string());
    EXPECT_TRUE(status["authority"].is_string());
  }
  EXPECT_TRUE(saw_recognised);

  // The city has two versions (Kỳ Sơn merged into it in 2020); ?year= picks one.
  const json city = get_json("/api/units/148");
  EXPECT_EQ(city["versions"].size(), 2u);
  EXPECT_EQ(city["valid_from"], "2020-01-01");
  EXPECT_EQ(get_json("/api/units/148", {{"year", "2019"}})["valid_to"], "2020-01-01");
  const json village = get_json("/api/units/" + store->units({std::string("2020-12-31"), {store::UnitKind::village}, {}, false})
                                                    .front()
                                                    .code);
  EXPECT_EQ(village["kind"], "village");
  EXPECT_FALSE(village["parent_name"].is_null());
}

TEST_F(ApiTest, LineageAndHistoryReExpressedOnTodaysUnits) {
  const json lineage = get_json("/api/units/04795/lineage");
  EXPECT_EQ(lineage["name"], "Phường Hoà Bình");
  std::set<std::string> before;
  for (const auto& item : lineage["before"]) before.insert(item["code"].get<std::string>());
  for (const char* code : {"04798", "04801", "04804", "04807", "04816", "04918"}) EXPECT_TRUE(before.count(code)) << code;
  EXPECT_EQ(get_json("/api/units/17/lineage")["after"][0]["code"], "25");
  EXPECT_EQ(dispatch(get("/api/units/NOPE/lineage")).status, 404);

  const json history = get_json("/api/history", {{"on_units_of", "2026-12-31"}, {"years", "2015,2020"}});
  ASSERT_EQ(history["units"].size(), 46u);
  auto store = store::open_store(store_path(), false);
  const auto expected = stats::reexpress(*store, "2026-12-31", {2015, 2020});
  EXPECT_EQ(unmarked(history), stats::to_json(expected, "2026-12-31"));
  for (const auto& unit : history["units"]) {
    EXPECT_TRUE(unit["years"]["2015"]["area_share"].is_number()) << unit["code"];
    EXPECT_GT(unit["years"]["2020"]["villages"].get<int>(), 0) << unit["code"];
  }
  for (const auto& bad : std::vector<Params>{
           {{"years", "2015"}}, {{"on_units_of", "2026-13-01"}, {"years", "2015"}},
           {{"on_units_of", "2026-12-31"}, {"years", "abc"}}, {{"on_units_of", "2026-12-31"}}})
    EXPECT_EQ(dispatch(get("/api/history", bad)).status, 400);
}

TEST_F(ApiTest, StatsAsOfAMomentEqualTheCoresAndRefuseABadMoment) {
  // The sample's rows were all recorded when it was made: before 2013 nothing of 2012 was known.
  const json before = get_json("/api/stats", {{"year", "2012"}, {"as_of", "2012-06-30"}});
  EXPECT_EQ(before["known_at"], "2012-06-30T16:59:59.999Z");
  EXPECT_EQ(before["province"]["pooled"]["with_status"], 0);
  auto store = store::open_store(store_path(), false);
  EXPECT_EQ(unmarked(get_json("/api/stats", {{"year", "2020"}, {"as_of", "2099-01-01T00:00+07:00"}})),
            stats::to_json(stats::compute_stats(*store, 2020, {}, std::string("2098-12-31T17:00:00.000Z"))));
  EXPECT_EQ(get_json("/api/stats", {{"year", "2020"}, {"as_of", "2099-01-01"}})["province"],
            get_json("/api/stats", {{"year", "2020"}})["province"]);  // everything recorded by then
  for (const char* bad : {"yesterday", "2020-02-30", "2020-01-01T25:00Z", ""}) {
    const http::Response refused = dispatch(get("/api/stats", {{"year", "2020"}, {"as_of", bad}}));
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_NE(error_of(refused).find("as_of"), std::string::npos) << bad;
  }
}

TEST_F(ApiTest, ThePlansOtherIndicatorsReachInternalRolesOnly) {
  const std::string copy = dir_->store("indicators.sqlite");
  testing::copy_sample_store(copy);
  {
    auto store = store::open_store(copy, false);
    editing::record_indicators(*store, {"tester", "api_test"}, "04831", 2020,
                               {{"budget_spent_vnd", "1.500.000"}, {"resolution_and_plan", "có"}}, "");
  }
  http::Router router;
  register_api(router, {std::make_shared<const LayerAccess>(layers::LayerRegistry::standard()), copy, {}});
  auto has_indicator = [](const json& area, const std::string& id) {
    return std::any_of(area["indicators"].begin(), area["indicators"].end(),
                       [&](const json& indicator) { return indicator["id"] == id; });
  };
  const json internal = body(router.dispatch(as_viewer(get("/api/stats", {{"year", "2020"}}))));
  EXPECT_EQ(internal["province"]["totals"]["budget_spent_vnd"], 1500000);
  EXPECT_TRUE(has_indicator(internal["province"], "resolution_and_plan"));
  const json everyone = body(router.dispatch(get("/api/stats", {{"year", "2020"}})));
  EXPECT_EQ(everyone["province"]["totals"], json::object());
  EXPECT_FALSE(has_indicator(everyone["province"], "resolution_and_plan"));
  EXPECT_TRUE(has_indicator(everyone["province"], "festival_held"));  // the figures that were always public
  for (const auto& district : everyone["districts"]) EXPECT_EQ(district["totals"], json::object());
}

TEST_F(ApiTest, UnknownUnitsAre404AndBadCodes400) {
  const http::Response missing = dispatch(get("/api/units/99999"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(error_of(missing).find("99999"), std::string::npos);
  EXPECT_EQ(dispatch(get("/api/units/151", {{"year", "2020"}})).status, 404);  // merged away in 2020
  EXPECT_EQ(dispatch(get("/api/units/151", {{"year", "2019"}})).status, 200);
  EXPECT_EQ(dispatch(get("/api/units/150", {{"year", "abcd"}})).status, 400);
  EXPECT_EQ(dispatch(get("/api/units/" + std::string(100, '1'))).status, 400);
  EXPECT_EQ(dispatch(get("/api/units/%ff")).status, 404);
  EXPECT_EQ(dispatch(get(std::string("/api/units/\xff\xfe"))).status, 400);
  EXPECT_EQ(dispatch(get("/api/units/04831\n")).status, 400);  // a control character, not an unknown code
  EXPECT_EQ(dispatch(get("/api/units")).status, 404);
  EXPECT_EQ(dispatch(get("/api/nothing")).status, 404);
}

TEST_F(ApiTest, LegendIsWhatTheStylesCommandPrints) {
  const auto all = testing::run_anttmap({"styles", "--format", "json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const http::Response legend = dispatch(as_viewer(get("/api/legend")));
  EXPECT_EQ(legend.status, 200);
  EXPECT_EQ(legend.content_type, "application/json");
  EXPECT_EQ(*legend.body, all.out);
  // The public's legend has the public layers' styles only.
  const json public_legend = body(dispatch(get("/api/legend")));
  std::vector<std::string> ids;
  for (const auto& style : public_legend) ids.push_back(style["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"unit_status", "unit_status_point", "district_share"}));
  const auto districts = testing::run_anttmap({"styles", "--format", "json", "--layer", "districts"});
  ASSERT_EQ(districts.exit_code, 0) << districts.err;
  EXPECT_EQ(*dispatch(get("/api/legend", {{"layer", "districts"}})).body, districts.out);
  EXPECT_EQ(body(dispatch(get("/api/legend", {{"layer", "districts"}})))["id"], "district_share");
  const http::Response unknown = dispatch(get("/api/legend", {{"layer", "roads"}}));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(error_of(unknown).find("communes"), std::string::npos);  // names the known layers
}

TEST_F(ApiTest, ValidateAnswersWhatTheCliAnswersAndWritesNothing) {
  const std::string candidate = moved_commune_geojson();
  const auto version_of_store = [] {
    auto store = store::open_store(store_path());
    const auto unit = store->unit_at("04831", "2020-12-31", true);
    return std::to_string(store->change_position()) + "/" + (unit ? unit->geometry_wkb : std::string());
  };
  const std::string before = version_of_store();

  const http::Response answered = dispatch(post("/api/validate", candidate, {{"year", "2020"}}));
  ASSERT_EQ(answered.status, 200) << *answered.body;
  const json report = body(answered);
  EXPECT_GT(report["errors"].get<int>(), 0);
  bool overlap = false;
  for (const auto& finding : report["findings"]) {
    const auto units = finding["units"].get<std::vector<std::string>>();
    const bool candidate_involved = std::find(units.begin(), units.end(), "04831") != units.end();
    overlap = overlap || (finding["problem"] == "overlap" && finding["severity"] == "error" && candidate_involved);
  }
  EXPECT_TRUE(overlap);

  testing::write_file(dir_->file("candidate.geojson"), candidate);
  const auto cli = testing::run_anttmap(
      {"--db", store_path(), "--json", "validate", "--year", "2020", "--candidate", dir_->file("candidate.geojson")});
  EXPECT_EQ(cli.exit_code, 6) << cli.err;
  EXPECT_EQ(unmarked(report), json::parse(cli.out));
  EXPECT_EQ(version_of_store(), before);

  // The unmoved commune has nothing to report; date= picks the day.
  auto unmoved = json::parse(candidate);
  shift(unmoved["features"][0]["geometry"]["coordinates"], -0.01);
  const json clean = body(dispatch(post("/api/validate", unmoved.dump(), {{"date", "2020-06-30"}})));
  EXPECT_EQ(clean["date"], "2020-06-30");
  EXPECT_EQ(clean["errors"], 0);

  // No features: the whole store is checked, as `anttmap validate` without --candidate (the QGIS
  // plugin's "validate the store" through a server).
  const http::Response whole =
      dispatch(post("/api/validate", R"({"type":"FeatureCollection","features":[]})", {{"year", "2019"}}));
  ASSERT_EQ(whole.status, 200) << *whole.body;
  const auto cli_whole = testing::run_anttmap({"--db", store_path(), "--json", "validate", "--year", "2019"});
  EXPECT_EQ(unmarked(body(whole)), json::parse(cli_whole.out));
  EXPECT_EQ(body(whole)["date"], "2019-12-31");
}

TEST_F(ApiTest, ValidateRefusesBadInputWithAReason) {
  const std::string candidate = moved_commune_geojson();
  struct Case {
    std::string body;
    Params params;
    int status;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"{\"type\": \"FeatureCollection\", \"features\": [", {}, 400, "not valid JSON"},
      {"not json at all", {}, 400, "not valid JSON"},
      {"[1, 2, 3]", {}, 400, "FeatureCollection"},
      {R"({"type":"Point","coordinates":[105,20]})", {}, 400, "FeatureCollection"},
      {R"({"type":"FeatureCollection"})", {}, 400, "features"},
      {R"({"type":"FeatureCollection","features":{}})", {}, 400, "features"},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"XX-404"},
          "geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}}]})",
       {{"year", "2020"}}, 400, "XX-404"},
      {R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},
          "geometry":{"type":"Polygon","coordinates":[[[105,20],[105.1,20],[105.1,20.1],[105,20]]]}}]})",
       {}, 400, "code"},
      {R"({"type":"FeatureCollection","crs":{"type":"link","properties":{"href":"http://127.0.0.1:9/x"}},"features":[]})",
       {}, 400, "crs"},
      {R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"/etc/passwd"}},"features":[]})",
       {}, 400, "EPSG"},
      {R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"+proj=longlat +init=x"}},"features":[]})",
       {}, 400, "EPSG"},
      {R"({"type":"FeatureCollection","crs":{"type":"name"},"features":[]})", {}, 400, "EPSG"},
      {R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[]})",
       {}, 200, ""},
      {R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9211"}},"features":[]})",
       {}, 200, ""},
      {std::string(200, '[') + std::string(200, ']'), {}, 400, "deeper"},
      {std::string("{\"type\":\"FeatureCollection\",\"name\":\"\xff\"}"), {}, 400, "UTF-8"},
      {candidate, {{"year", "1800"}}, 400, "year"},
      {candidate, {{"year", "2020"}, {"date", "2020-01-01"}}, 400, "not both"},
      {candidate, {{"date", "2020-02-30"}}, 400, "date"},
      {candidate, {{"date", "yesterday"}}, 400, "date"},
  };
  std::string many = R"({"type":"FeatureCollection","features":[)";
  for (int i = 0; i < 20001; ++i) many += (i ? "," : "") + std::string(R"({"type":"Feature","properties":{},"geometry":null})");
  cases.push_back({many + "]}", {}, 400, "at most 20000"});
  for (const auto& c : cases) {
    const http::Response refused = dispatch(post("/api/validate", c.body, c.params));
    EXPECT_EQ(refused.status, c.status) << c.body.substr(0, 80) << " -> " << *refused.body;
    if (refused.status >= 400) {
      EXPECT_NE(error_of(refused).find(c.reason), std::string::npos) << *refused.body;
    }
  }
  http::Request wrong_type = post("/api/validate", candidate);
  wrong_type.headers["Content-Type"] = "text/plain";
  EXPECT_EQ(dispatch(wrong_type).status, 415);
  EXPECT_EQ(dispatch(post("/api/validate", "")).status, 400);
  const http::Response get_validate = dispatch(get("/api/validate"));
  EXPECT_EQ(get_validate.status, 405);
  EXPECT_EQ(get_validate.headers.at("Allow"), "POST, OPTIONS");
}

TEST_F(ApiTest, ValidateRefusesCoordinatesThatAreNotDegreesAndSurvivesHugeOnes) {
  // GEOS 3.11 wrote the finding's WKT of a 1e300 polygon into a 28-byte stack buffer: the server
  // died of a smashed stack. Such coordinates, and metres sent without a "crs", are refused.
  const auto polygon = [](const std::string& ring, const std::string& crs = "") {
    return R"({"type":"FeatureCollection",)" + crs + R"("features":[{"type":"Feature","properties":{"code":"04831"},
        "geometry":{"type":"Polygon","coordinates":[)" + ring + "]}}]}";
  };
  const std::vector<std::string> refused = {
      polygon("[[1e300,1e300],[-1e300,1e300],[-1e300,-1e300],[1e300,1e300]]"),
      polygon("[[400000,2300000],[410000,2300000],[410000,2310000],[400000,2300000]]"),  // VN-2000 metres, no crs
      polygon("[[105,95],[106,95],[106,96],[105,95]]"),
  };
  for (const std::string& candidate : refused) {
    const http::Response answered = dispatch(post("/api/validate", candidate, {{"year", "2020"}}));
    EXPECT_EQ(answered.status, 400) << candidate.substr(0, 120) << " -> " << answered.body->substr(0, 300);
    if (answered.status == 400) {
      EXPECT_NE(error_of(answered).find("crs"), std::string::npos) << *answered.body;
    }
  }
  // The same metres with their named crs are read and validated.
  const http::Response named = dispatch(post(
      "/api/validate",
      polygon("[[400000,2300000],[410000,2300000],[410000,2310000],[400000,2300000]]",
              R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::9211"}},)"),
      {{"year", "2020"}}));
  EXPECT_EQ(named.status, 200) << *named.body;
}

TEST_F(ApiTest, OverRealSocketsConcurrently) {
  http::ServerOptions options;
  options.port = 0;
  options.threads = 4;
  options.max_body_bytes = 1 << 20;
  http::Server server(options, std::make_shared<http::Router>(router));
  server.start();
  const std::string candidate = moved_commune_geojson();

  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      antt::testing::HttpTestClient client(server.port());
      for (int i = 0; i < 5; ++i) {
        const auto search = client.get("/api/search?q=da%20bac&limit=5&year=2020");
        const auto progress = client.get("/api/progress");
        const auto stats = client.get("/api/stats?year=" + std::to_string(2012 + (t + i) % 9));
        const auto unit = client.get("/api/units/150");
        if (search.status == 200 && json::parse(search.body)["results"][0]["code"] == "150" &&
            progress.status == 200 && stats.status == 200 && unit.status == 200)
          ++good;
      }
      if (t == 0) {
        const auto validated = client.post("/api/validate?year=2020", candidate, "application/geo+json");
        if (validated.status == 200 && json::parse(validated.body)["errors"].get<int>() > 0) ++good;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(good.load(), 21);

  antt::testing::HttpTestClient client(server.port());
  // 2 MB declared: refused before the body is sent.
  client.send_raw("POST /api/validate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  "Content-Length: 2097152\r\n\r\n");
  const auto too_large = client.read();
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(json::parse(too_large.body)["error"].get<std::string>().find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace antt::serve
