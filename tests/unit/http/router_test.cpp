#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/http.hpp"

namespace antt::http {
namespace {

Request get(std::string path, std::string method = "GET") {
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

nlohmann::json body_json(const Response& response) { return nlohmann::json::parse(*response.body); }

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.get("/health", [](const Request&) { return Response::text(200, "ok"); });
    router.get("/tiles/{layer}/{z}/{x}/{y}", [](const Request& request) {
      return Response::text(200, request.path_params.at("layer") + "|" + request.path_params.at("z") + "|" +
                                     request.path_params.at("x") + "|" + request.path_params.at("y"));
    });
    router.get("/layers/{name}",
               [](const Request& request) { return Response::text(200, "layer " + request.path_params.at("name")); });
    router.get("/layers/catalog", [](const Request&) { return Response::text(200, "catalog"); });
    router.get("/", [](const Request&) { return Response::text(200, "root"); });
  }
  Router router;
};

TEST_F(RouterTest, CapturesSegmentsAndKeepsTheExtension) {
  Response response = router.dispatch(get("/tiles/roads/12/2048/1361.png"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(*response.body, "roads|12|2048|1361.png");
  EXPECT_EQ(response.route, "/tiles/{layer}/{z}/{x}/{y}");
}

TEST_F(RouterTest, LiteralSegmentBeatsCaptureWhateverTheOrder) {
  EXPECT_EQ(*router.dispatch(get("/layers/catalog")).body, "catalog");
  EXPECT_EQ(*router.dispatch(get("/layers/rivers")).body, "layer rivers");
  EXPECT_EQ(*router.dispatch(get("/")).body, "root");
}

TEST_F(RouterTest, UnknownPathIsJson404) {
  Response response = router.dispatch(get("/tiles/roads/12/2048"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(body_json(response)["status"], 404);
  EXPECT_EQ(body_json(response)["error"], "no resource at /tiles/roads/12/2048");
  EXPECT_TRUE(response.route.empty());
}

TEST_F(RouterTest, OtherMethodsAre405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    Response response = router.dispatch(get("/health", method));
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(response.headers.at("allow"), "GET, HEAD, OPTIONS");
    EXPECT_EQ(body_json(response)["status"], 405);
  }
}

TEST_F(RouterTest, HeadRunsTheGetHandlerAndOptionsAnswersAllow) {
  EXPECT_EQ(*router.dispatch(get("/health", "HEAD")).body, "ok");
  Response options = router.dispatch(get("/health", "OPTIONS"));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers.at("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(router.dispatch(get("/nowhere", "OPTIONS")).status, 404);
}

TEST_F(RouterTest, TraversalNulAndOverlongPathsAre400) {
  EXPECT_EQ(router.dispatch(get("/tiles/../../etc/passwd/1")).status, 400);
  EXPECT_EQ(router.dispatch(get("/layers/..")).status, 400);
  EXPECT_EQ(router.dispatch(get(std::string("/layers/a\0b", 11))).status, 400);
  EXPECT_EQ(router.dispatch(get("/layers/" + std::string(3000, 'a'))).status, 400);
  EXPECT_EQ(router.dispatch(get("relative")).status, 400);
  // A name that merely contains dots is fine.
  EXPECT_EQ(*router.dispatch(get("/layers/a..b.png")).body, "layer a..b.png");
  EXPECT_EQ(body_json(router.dispatch(get("/layers/.."))).at("error"), "request path must not contain '..' segments");
}

TEST_F(RouterTest, RejectsBadPatterns) {
  EXPECT_THROW(router.get("no-slash", [](const Request&) { return Response{}; }), std::invalid_argument);
  EXPECT_THROW(router.get("/x", Handler{}), std::invalid_argument);
}

TEST(HttpRequestTest, ParamAndHeaderNamesAreCaseInsensitive) {
  Request request;
  request.params = {{"SERVICE", "WMS"}, {"request", "GetMap"}, {"Service", "second"}};
  request.headers["Accept-Encoding"] = "gzip";
  EXPECT_EQ(request.param("service"), "WMS");
  EXPECT_EQ(request.param("REQUEST"), "GetMap");
  EXPECT_FALSE(request.param("layers").has_value());
  EXPECT_EQ(request.header("accept-encoding"), "gzip");
  EXPECT_FALSE(request.header("Origin").has_value());
}

TEST(HttpResponseTest, JsonErrorIsUtf8Json) {
  Response response = Response::json_error(400, "couche « routes » inconnue");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(*response.body, "{\"error\":\"couche « routes » inconnue\",\"status\":400}");
  // Invalid UTF-8 in a reason is replaced, never thrown from an error path.
  EXPECT_NO_THROW(Response::json_error(400, std::string("bad \xff byte")));
}

TEST(HttpResponseTest, StrongEtagIsQuotedAndStable) {
  const std::string etag = strong_etag("hello");
  EXPECT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(etag, strong_etag("hello"));
  EXPECT_NE(etag, strong_etag("hellp"));
  EXPECT_NE(strong_etag(std::string(12288, 'a')), strong_etag(std::string(12288, 'b')));
}

TEST(HttpResponseTest, PercentDecodeLeavesMalformedEscapes) {
  EXPECT_EQ(percent_decode("/a%20b%2Fc"), "/a b/c");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(HttpRouteLabelTest, DefaultLabelIsTheFirstLiteralSegment) {
  Response response;
  response.route = "/tiles/{layer}/{z}/{x}/{y}";
  EXPECT_EQ(default_route_label(response), "tiles");
  response.route = "/";
  EXPECT_EQ(default_route_label(response), "root");
  response.route.clear();
  EXPECT_EQ(default_route_label(response), "unmatched");
}

}  // namespace
}  // namespace antt::http
