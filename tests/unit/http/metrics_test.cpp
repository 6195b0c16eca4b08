#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

namespace antt::http {
namespace {

using namespace std::chrono_literals;

/// Sample lines ("name{labels} value") keyed by "name{labels}"; fails on any other line shape.
std::map<std::string, double> parse_samples(const std::string& text) {
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*")*\})?) ([-+0-9.eE]+|\+Inf|NaN)$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (line.rfind('#', 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
      continue;
    }
    if (!std::regex_match(line, match, sample)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    samples[match[1]] = std::stod(match[2]);
  }
  return samples;
}

TEST(MetricsTest, PrometheusTextParsesAndCounts) {
  Metrics metrics;
  metrics.record_request("tiles", 200, 2ms);
  metrics.record_request("tiles", 304, 500us);
  metrics.record_request("tiles", 404, 20ms);
  metrics.record_request("wms", 500, 3s);
  metrics.record_tile_cache(true);
  metrics.record_tile_cache(true);
  metrics.record_tile_cache(false);
  metrics.record_render(40ms, false);
  metrics.record_render(10ms, true);
  metrics.record_connection_limit_wait();
  metrics.record_data_refresh(30ms);
  metrics.record_data_refresh(120ms);
  metrics.record_data_refresh(20ms);

  const std::string text = metrics.prometheus_text();
  const auto samples = parse_samples(text);
  EXPECT_EQ(samples.at(R"(anttmap_http_requests_total{route="tiles",code="2xx"})"), 1);
  EXPECT_EQ(samples.at(R"(anttmap_http_requests_total{route="tiles",code="3xx"})"), 1);
  EXPECT_EQ(samples.at(R"(anttmap_http_requests_total{route="tiles",code="4xx"})"), 1);
  EXPECT_EQ(samples.at(R"(anttmap_http_requests_total{route="wms",code="5xx"})"), 1);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="0.001"})"), 1);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="0.0025"})"), 2);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="0.025"})"), 3);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="2.5"})"), 3);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="5"})"), 4);
  EXPECT_EQ(samples.at(R"(anttmap_http_request_duration_seconds_bucket{le="+Inf"})"), 4);
  EXPECT_EQ(samples.at("anttmap_http_request_duration_seconds_count"), 4);
  EXPECT_NEAR(samples.at("anttmap_http_request_duration_seconds_sum"), 3.0225, 1e-9);
  EXPECT_EQ(samples.at("anttmap_tile_cache_hits_total"), 2);
  EXPECT_EQ(samples.at("anttmap_tile_cache_misses_total"), 1);
  EXPECT_EQ(samples.at("anttmap_render_errors_total"), 1);
  EXPECT_NEAR(samples.at("anttmap_render_seconds_total"), 0.05, 1e-9);
  EXPECT_EQ(samples.at("anttmap_http_connection_limit_waits_total"), 1);
  EXPECT_EQ(samples.at("anttmap_data_refreshes_total"), 3);
  EXPECT_NEAR(samples.at("anttmap_data_refresh_seconds_total"), 0.17, 1e-9);
  EXPECT_NEAR(samples.at("anttmap_data_refresh_seconds_max"), 0.12, 1e-9);
  EXPECT_GT(samples.at("anttmap_process_resident_memory_bytes"), 1e6);
  EXPECT_NE(text.find("# TYPE anttmap_http_request_duration_seconds histogram\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.record_request("we\"ird\\route", 200, 1ms);
  const auto samples = parse_samples(metrics.prometheus_text());
  EXPECT_EQ(samples.count(R"(anttmap_http_requests_total{route="we\"ird\\route",code="2xx"})"), 1u);
}

}  // namespace
}  // namespace antt::http
