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

TEST(RouterFallback, AnswersEveryPathNoRouteHasWhateverTheMethod) {
  Router router;
  router.get("/health", [](const Request&) { return Response::text(200, "ok"); });
  router.set_fallback([](const Request& request) { return Response::text(301, request.method + " " + request.path); });
  EXPECT_EQ(*router.dispatch(get("/health")).body, "ok");
  const Response moved = router.dispatch(get("/tiles/a/1/2/3.png", "DELETE"));
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(*moved.body, "DELETE /tiles/a/1/2/3.png");
  EXPECT_EQ(moved.route, "fallback");
  EXPECT_FALSE(router.refuse_before_body(get("/anything", "POST")).has_value());
  EXPECT_EQ(router.dispatch(get("/a/../etc/passwd")).status, 400);  // bad paths are still refused
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

class RouterPostTest : public ::testing::Test {
 protected:
  RouterPostTest() {
    router.get("/things", [](const Request&) { return Response::text(200, "list"); });
    router.post("/things", [](const Request& request) { return Response::text(201, "got " + request.body); });
    router.post("/check/{id}", [](const Request& request) {
      return Response::text(200, request.path_params.at("id") + ":" + request.body);
    });
  }

  static Request post(std::string path, std::string body, std::string content_type = "application/json") {
    Request request = get(std::move(path), "POST");
    request.body = std::move(body);
    if (!content_type.empty()) request.headers["Content-Type"] = std::move(content_type);
    return request;
  }

  Router router;
};

TEST_F(RouterPostTest, PostRunsItsHandlerWithTheBodyAndCaptures) {
  EXPECT_EQ(*router.dispatch(post("/things", "{\"a\":1}")).body, "got {\"a\":1}");
  EXPECT_EQ(router.dispatch(post("/things", "{}")).status, 201);
  EXPECT_EQ(*router.dispatch(get("/things")).body, "list");  // GET and POST share the path
  Response captured = router.dispatch(post("/check/04831", "[]", "application/geo+json; charset=UTF-8"));
  EXPECT_EQ(*captured.body, "04831:[]");
  EXPECT_EQ(captured.route, "/check/{id}");
}

TEST_F(RouterPostTest, ContentTypeMustBeJsonInUtf8) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/json; charset=latin1", ""}) {
    Response refused = router.dispatch(post("/things", "{}", type));
    EXPECT_EQ(refused.status, 415) << type;
    EXPECT_NE(body_json(refused).at("error").get<std::string>().find("application/json"), std::string::npos)
        << type;
  }
  EXPECT_EQ(router.dispatch(post("/things", "{}", "Application/JSON ; charset=\"utf-8\"")).status, 201);
}

TEST_F(RouterPostTest, EmptyBodyIs400) {
  Response refused = router.dispatch(post("/things", ""));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(body_json(refused).at("error").get<std::string>().find("empty"), std::string::npos);
}

TEST_F(RouterPostTest, WrongMethodIs405WithTheMethodsOfThePath) {
  Response get_only = router.dispatch(get("/check/1"));
  EXPECT_EQ(get_only.status, 405);
  EXPECT_EQ(get_only.headers.at("Allow"), "POST, OPTIONS");
  Response put = router.dispatch(get("/things", "PUT"));
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.headers.at("Allow"), "GET, HEAD, POST, OPTIONS");
  Response options = router.dispatch(get("/things", "OPTIONS"));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers.at("Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(router.dispatch(post("/nowhere", "{}")).status, 404);
  EXPECT_EQ(router.dispatch(get("/nowhere", "DELETE")).status, 404);
}

TEST_F(RouterPostTest, RefusalsBeforeTheBodyIsRead) {
  Request head = post("/things", "");
  EXPECT_FALSE(router.refuse_before_body(head).has_value());  // an acceptable head: read the body
  EXPECT_EQ(router.refuse_before_body(post("/things", "", "text/csv"))->status, 415);
  EXPECT_EQ(router.refuse_before_body(post("/nowhere", ""))->status, 404);
  EXPECT_EQ(router.refuse_before_body(post("/x/../things", ""))->status, 400);
  EXPECT_EQ(router.refuse_before_body(post("/check", ""))->status, 404);
  EXPECT_EQ(router.allowed_methods("/check/7"), "POST, OPTIONS");
  EXPECT_EQ(router.allowed_methods("/things"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(router.allowed_methods("/nowhere"), "");
}

TEST(HttpMediaTypeTest, LowerCaseWithoutParameters) {
  EXPECT_EQ(media_type("Application/GEO+json; charset=utf-8"), "application/geo+json");
  EXPECT_EQ(media_type(" text/plain "), "text/plain");
  EXPECT_EQ(media_type(""), "");
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
