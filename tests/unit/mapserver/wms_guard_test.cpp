#include "mapserver/wms_guard.hpp"

#include <gtest/gtest.h>

#include "antt/text/unicode.hpp"

namespace antt::mapserver {
namespace {

WmsLimits limits() {
  WmsLimits result;
  result.max_image_size = 2048;
  result.years = {2015, 2016};
  result.default_year = 2016;
  result.layers = {"communes", "villages"};
  return result;
}

std::multimap<std::string, std::string> get_map(std::multimap<std::string, std::string> extra = {}) {
  std::multimap<std::string, std::string> params = {
      {"SERVICE", "WMS"},      {"VERSION", "1.3.0"}, {"REQUEST", "GetMap"},       {"LAYERS", "communes"},
      {"STYLES", ""},          {"CRS", "EPSG:3857"}, {"BBOX", "0,0,1000,1000"},   {"WIDTH", "256"},
      {"HEIGHT", "256"},       {"FORMAT", "image/png"}};
  for (auto& [key, value] : extra) {
    params.erase(key);
    params.emplace(key, value);
  }
  return params;
}

CheckedWmsRequest accepted(const std::variant<CheckedWmsRequest, EngineResponse>& result) {
  if (const auto* refusal = std::get_if<EngineResponse>(&result)) {
    ADD_FAILURE() << "refused: " << refusal->body;
    return {};
  }
  return std::get<CheckedWmsRequest>(result);
}

EngineResponse refused(const std::variant<CheckedWmsRequest, EngineResponse>& result) {
  if (const auto* refusal = std::get_if<EngineResponse>(&result)) return *refusal;
  ADD_FAILURE() << "accepted: " << std::get<CheckedWmsRequest>(result).query_string;
  return {};
}

TEST(WmsGuard, RebuildsTheQueryFromValidatedValuesWithoutTime) {
  const auto request = accepted(check_wms_request(
      get_map({{"TIME", "2015-06-30"}, {"DPI", "96"}, {"FORMAT", "image/png;+mode=8bit"}, {"Tiled", "true"}}), limits()));
  EXPECT_EQ(request.time.year, 2015);
  EXPECT_EQ(request.time.date, 20150630);
  EXPECT_EQ(request.version, "1.3.0");
  EXPECT_EQ(request.query_string.find("TIME"), std::string::npos);
  EXPECT_EQ(request.query_string.find("DPI"), std::string::npos);
  EXPECT_NE(request.query_string.find("FORMAT=image%2Fpng%3B%20mode%3D8bit"), std::string::npos) << request.query_string;
  EXPECT_NE(request.query_string.find("LAYERS=communes"), std::string::npos);
}

TEST(WmsGuard, DefaultsTimeToTheDefaultYear) {
  const auto request = accepted(check_wms_request(get_map(), limits()));
  EXPECT_EQ(request.time.year, 2016);
  EXPECT_EQ(request.time.date, 20161231);
}

TEST(WmsGuard, RefusesDangerousAndMalformedParameters) {
  const std::vector<std::multimap<std::string, std::string>> bad = {
      get_map({{"SLD", "http://127.0.0.1:9/x.sld"}}),
      get_map({{"SLD_BODY", "<StyledLayerDescriptor/>"}}),
      get_map({{"MAP", "/etc/passwd"}}),
      get_map({{"FILTER", "<Filter/>"}}),
      get_map({{"SERVICE", "WFS"}}),
      get_map({{"REQUEST", "GetFeature"}}),
      get_map({{"FORMAT", "image/tiff"}}),
      get_map({{"WIDTH", "99999"}}),
      get_map({{"WIDTH", "12px"}}),
      get_map({{"BBOX", "1,2,3"}}),
      get_map({{"BBOX", "nan,0,1,1"}}),
      get_map({{"BBOX", "5,0,1,1"}}),
      get_map({{"CRS", "EPSG:99999"}}),
      get_map({{"LAYERS", "nope"}}),
      get_map({{"LAYERS", "communes,nope"}}),
      get_map({{"STYLES", "fancy"}}),
      get_map({{"TIME", "abc"}}),
      get_map({{"TIME", "2015-02-30"}}),
      get_map({{"TIME", "2019"}}),
  };
  for (const auto& params : bad) {
    const auto response = refused(check_wms_request(params, limits()));
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(response.body.find("<ServiceException"), std::string::npos);
    EXPECT_EQ(response.content_type, "text/xml; charset=UTF-8");
  }
}

TEST(WmsGuard, AnswersInTheExceptionFormatOfTheVersion) {
  const auto response = refused(check_wms_request(get_map({{"VERSION", "1.1.1"}, {"LAYERS", "<script>"}}), limits()));
  EXPECT_EQ(response.content_type, "application/vnd.ogc.se_xml; charset=UTF-8");
  EXPECT_NE(response.body.find("Unknown layer &apos;&lt;script&gt;&apos;"), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find("<script>"), std::string::npos);
}

TEST(WmsGuard, KeepsTheExceptionReportUtf8WhateverTheRequestHeld) {
  // Found by wms_guard_fuzzer: a layer name in Latin-1 ("xã" as one byte 0xE3) was quoted raw into a
  // report that says encoding="UTF-8", which XML parsers (OWSLib, QGIS) then refuse to read at all.
  const auto response = refused(check_wms_request(get_map({{"LAYERS", "x\xE3"}}), limits()));
  EXPECT_TRUE(text::is_valid_utf8(response.body)) << response.body;
  EXPECT_NE(response.body.find("Unknown layer &apos;x\uFFFD&apos;"), std::string::npos) << response.body;
}

TEST(WmsGuard, ClampsFeatureCountAndChecksThePixel) {
  std::multimap<std::string, std::string> info = get_map({{"REQUEST", "GetFeatureInfo"},
                                                          {"QUERY_LAYERS", "communes"},
                                                          {"INFO_FORMAT", "application/json"},
                                                          {"I", "10"},
                                                          {"J", "20"},
                                                          {"FEATURE_COUNT", "1000"}});
  const auto request = accepted(check_wms_request(info, limits()));
  EXPECT_NE(request.query_string.find("FEATURE_COUNT=50"), std::string::npos);
  info.erase("I");
  info.emplace("I", "256");
  EXPECT_EQ(refused(check_wms_request(info, limits())).status, 400);
}

TEST(WmsGuard, SplitsGeoJsonFeatureInfoOverSeveralLayersIntoOneQueryPerLayer) {
  auto info = get_map({{"REQUEST", "GetFeatureInfo"}, {"QUERY_LAYERS", "communes,villages"},
                       {"INFO_FORMAT", "application/json"}, {"I", "10"}, {"J", "20"}});
  const auto request = accepted(check_wms_request(info, limits()));
  ASSERT_EQ(request.json_info_queries.size(), 2u);
  EXPECT_NE(request.json_info_queries[0].find("QUERY_LAYERS=communes&"), std::string::npos);
  EXPECT_NE(request.json_info_queries[1].find("QUERY_LAYERS=villages&"), std::string::npos);
  EXPECT_EQ(request.json_info_queries[1].find("QUERY_LAYERS=communes"), std::string::npos);

  info.erase("INFO_FORMAT");
  info.emplace("INFO_FORMAT", "text/html");  // MapServer's HTML template takes every layer in one answer
  EXPECT_TRUE(accepted(check_wms_request(info, limits())).json_info_queries.empty());
}

TEST(WmsGuard, ParsesYearsAndRealDates) {
  EXPECT_EQ(parse_time("2016")->date, 20161231);
  EXPECT_EQ(parse_time("2016-02-29")->date, 20160229);
  EXPECT_FALSE(parse_time("2015-02-29"));
  EXPECT_FALSE(parse_time("2015-13-01"));
  EXPECT_FALSE(parse_time("15"));
  EXPECT_FALSE(parse_time("2015-1-1"));
}

}  // namespace
}  // namespace antt::mapserver
