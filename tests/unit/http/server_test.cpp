// A real libmicrohttpd server on an ephemeral port, driven over sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "antt/core/log.hpp"
#include "http/http.hpp"
#include "http/metrics.hpp"
#include "http_test_client.hpp"
#include "server_probes.hpp"

namespace antt::http {
namespace {

using antt::testing::eventually;
using antt::testing::gunzip;
using antt::testing::HttpTestClient;
using antt::testing::listen_backlog;

std::string tile_bytes() {
  std::string bytes(12288, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) % 251);
  return bytes;
}

std::string big_json() {
  nlohmann::json layers = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) layers.push_back({{"name", "layer" + std::to_string(i)}, {"title", "Layer"}});
  return nlohmann::json{{"layers", layers}}.dump();
}

constexpr std::size_t kMaxBody = 64 * 1024;

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() : tile(std::make_shared<const std::string>(tile_bytes())) {
    auto router = std::make_shared<Router>();
    router->get("/hello", [](const Request&) { return Response::text(200, "hello"); });
    router->get("/big.json", [](const Request&) { return Response::json(200, big_json()); });
    router->get("/tile/{z}/{x}/{y}", [this](const Request&) {
      Response response = Response::shared(200, tile, "image/png");
      response.headers["ETag"] = "\"tile-v1\"";
      response.headers["Cache-Control"] = "public, max-age=60";
      return response;
    });
    router->get("/echo/{name}", [](const Request& request) {
      return Response::text(200, request.path_params.at("name") + "|" + request.param("a").value_or("-") + "|" +
                                     request.param("b").value_or("-") + "|" + request.query);
    });
    router->get("/boom", [](const Request&) -> Response { throw std::runtime_error("renderer exploded"); });
    router->post("/echo-body", [](const Request& request) {
      return Response::json(200, nlohmann::json{{"bytes", request.body.size()}, {"body", request.body}}.dump());
    });

    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.cors_allow = {"https://allowed.example"};
    options.max_body_bytes = kMaxBody;
    options.logger = std::make_shared<const log::Logger>(log::Logger::to_function([this](std::string_view line) {
      std::lock_guard lock(log_mutex);
      log_lines.emplace_back(line);
    }));
    server = std::make_unique<Server>(options, router, &metrics);
    server->start();
  }

  std::shared_ptr<const std::string> tile;
  Metrics metrics;
  std::mutex log_mutex;
  std::vector<std::string> log_lines;
  std::unique_ptr<Server> server;
};

TEST_F(HttpServerTest, ListensOnAnEphemeralPort) { EXPECT_GT(server->port(), 0); }

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  HttpTestClient client(server->port());
  auto first = client.get("/hello");
  auto second = client.get("/tile/1/2/3.png");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "hello");
  EXPECT_NE(first.header("Connection"), "close");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, *tile);
  EXPECT_FALSE(client.closed_by_server());
}

TEST_F(HttpServerTest, EtagThenIfNoneMatchAnswers304) {
  HttpTestClient client(server->port());
  auto fresh = client.get("/hello");
  const std::string etag = fresh.header("ETag");
  ASSERT_EQ(etag, strong_etag("hello"));
  EXPECT_EQ(fresh.header("Cache-Control"), "no-cache");

  auto same = client.get("/hello", {{"If-None-Match", "\"other\", W/" + etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.header("ETag"), etag);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(client.get("/hello", {{"If-None-Match", "*"}}).status, 304);
  EXPECT_EQ(client.get("/hello", {{"If-None-Match", "\"stale\""}}).status, 200);

  // A handler's own ETag and Cache-Control are kept.
  auto tile_reply = client.get("/tile/1/2/3.png");
  EXPECT_EQ(tile_reply.header("ETag"), "\"tile-v1\"");
  EXPECT_EQ(tile_reply.header("Cache-Control"), "public, max-age=60");
  auto tile_again = client.get("/tile/1/2/3.png", {{"If-None-Match", "\"tile-v1\""}});
  EXPECT_EQ(tile_again.status, 304);
  EXPECT_EQ(tile_again.header("Cache-Control"), "public, max-age=60");
}

TEST_F(HttpServerTest, GzipsTextWhenAcceptedButNeverImages) {
  HttpTestClient client(server->port());
  auto zipped = client.get("/big.json", {{"Accept-Encoding", "br;q=1.0, gzip;q=0.8"}});
  EXPECT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("Content-Encoding"), "gzip");
  EXPECT_NE(zipped.header("Vary").find("Accept-Encoding"), std::string::npos);
  EXPECT_LT(zipped.body.size(), big_json().size());
  EXPECT_EQ(gunzip(zipped.body), big_json());

  auto plain = client.get("/big.json");
  EXPECT_FALSE(plain.has("Content-Encoding"));
  EXPECT_EQ(plain.body, big_json());
  EXPECT_NE(plain.header("Vary").find("Accept-Encoding"), std::string::npos);
  EXPECT_NE(plain.header("ETag"), zipped.header("ETag"));  // one strong ETag per encoding

  EXPECT_FALSE(client.get("/big.json", {{"Accept-Encoding", "gzip;q=0"}}).has("Content-Encoding"));
  EXPECT_FALSE(client.get("/hello", {{"Accept-Encoding", "gzip"}}).has("Content-Encoding"));  // too small
  auto image = client.get("/tile/1/2/3.png", {{"Accept-Encoding", "gzip"}});
  EXPECT_FALSE(image.has("Content-Encoding"));
  EXPECT_EQ(image.body, *tile);
}

TEST_F(HttpServerTest, CorsEchoesOnlyAllowedOrigins) {
  HttpTestClient client(server->port());
  auto allowed = client.get("/hello", {{"Origin", "https://allowed.example"}});
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "https://allowed.example");
  EXPECT_NE(allowed.header("Vary").find("Origin"), std::string::npos);

  auto refused = client.get("/hello", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(refused.status, 200);
  EXPECT_FALSE(refused.has("Access-Control-Allow-Origin"));

  auto preflight = client.request("OPTIONS", "/tile/1/2/3.png",
                                  {{"Origin", "https://allowed.example"},
                                   {"Access-Control-Request-Method", "GET"},
                                   {"Access-Control-Request-Headers", "if-none-match"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "https://allowed.example");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Headers"), "if-none-match");
  EXPECT_EQ(preflight.header("Access-Control-Max-Age"), "86400");

  auto refused_preflight = client.request(
      "OPTIONS", "/hello", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_FALSE(refused_preflight.has("Access-Control-Allow-Origin"));
  EXPECT_FALSE(refused_preflight.has("Access-Control-Allow-Methods"));
}

TEST_F(HttpServerTest, AnyOriginWhenStarIsConfigured) {
  auto router = std::make_shared<Router>();
  router->get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  ServerOptions options;
  options.port = 0;
  options.cors_allow = {"*"};
  Server open_server(options, router);
  open_server.start();
  HttpTestClient client(open_server.port());
  EXPECT_EQ(client.get("/hello", {{"Origin", "https://anyone.example"}}).header("Access-Control-Allow-Origin"), "*");
}

TEST_F(HttpServerTest, HeadHasTheGetHeadersAndNoBody) {
  HttpTestClient client(server->port());
  auto full = client.get("/tile/1/2/3.png");
  auto head = client.request("HEAD", "/tile/1/2/3.png");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(tile->size()));
  EXPECT_EQ(head.header("Content-Type"), "image/png");
  EXPECT_EQ(head.header("ETag"), full.header("ETag"));
  // Had the server sent a body after HEAD, this reply would be parsed from those bytes and fail.
  auto after = client.get("/hello");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "hello");
}

TEST_F(HttpServerTest, ThrowingHandlerAnswers500AndTheServerKeepsServing) {
  HttpTestClient client(server->port());
  auto failed = client.get("/boom");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.header("Content-Type"), "application/json");
  auto document = nlohmann::json::parse(failed.body);
  EXPECT_EQ(document["status"], 500);
  EXPECT_NE(document["error"].get<std::string>().find("/boom"), std::string::npos);
  {
    std::lock_guard lock(log_mutex);
    ASSERT_EQ(log_lines.size(), 1u);
    EXPECT_NE(log_lines[0].find("renderer exploded"), std::string::npos);
  }
  EXPECT_EQ(client.get("/hello").body, "hello");
  EXPECT_EQ(HttpTestClient(server->port()).get("/hello").body, "hello");
}

TEST_F(HttpServerTest, DecodesPathAndQueryAndRefusesTraversal) {
  HttpTestClient client(server->port());
  auto echoed = client.get("/echo/a%20b?A=1&b=x%20y+z&b=second");
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.body, "a b|1|x y z|A=1&b=x%20y+z&b=second");
  EXPECT_EQ(client.get("/hel%6Co").body, "hello");
  EXPECT_EQ(client.get("/echo/%2e%2e").status, 400);
  EXPECT_EQ(client.get("/echo/a%00b").status, 400);
  EXPECT_EQ(client.get("/tile/../../etc/passwd").status, 400);
  auto missing = client.get("/nothing/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["status"], 404);
}

TEST_F(HttpServerTest, MethodsOtherThanGetAre405) {
  HttpTestClient client(server->port());
  auto deleted = client.request("DELETE", "/hello");
  EXPECT_EQ(deleted.status, 405);
  EXPECT_EQ(deleted.header("Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(HttpServerTest, PostBodyReachesTheHandlerAndTheConnectionStaysOpen) {
  HttpTestClient client(server->port());
  const std::string body = "{\"ten\":\"Hòa Bình\",\"pad\":\"" + std::string(40000, 'x') + "\"}";
  auto posted = client.post("/echo-body", body);
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(nlohmann::json::parse(posted.body)["body"], body);
  EXPECT_EQ(client.get("/hello").body, "hello");  // keep-alive after a body
  EXPECT_EQ(client.post("/echo-body", "{}", "application/geo+json").status, 200);
}

TEST_F(HttpServerTest, ChunkedPostBodyIsCollected) {
  HttpTestClient client(server->port());
  client.send_raw(
      "POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n");
  auto reply = client.read();
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(nlohmann::json::parse(reply.body)["body"], "{\"a\":1}");
}

TEST_F(HttpServerTest, ExpectContinueGetsContinueThenTheAnswer) {
  HttpTestClient client(server->port());
  client.send_raw(
      "POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.read().status, 100);
  client.send_raw("{}");
  EXPECT_EQ(client.read().status, 200);
}

TEST_F(HttpServerTest, OversizedDeclaredBodyIs413BeforeItIsSent) {
  HttpTestClient client(server->port());
  // Only the head goes out: the answer must come without the server waiting for 10 MB.
  client.send_raw("POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  "Content-Length: 10485760\r\nExpect: 100-continue\r\n\r\n");
  auto refused = client.read();
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(refused.header("Content-Type"), "application/json");
  EXPECT_NE(nlohmann::json::parse(refused.body)["error"].get<std::string>().find("larger than"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(HttpTestClient(server->port()).get("/hello").body, "hello");
  EXPECT_EQ(metrics.requests("refused", 4), 1u);
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413AndNotKept) {
  HttpTestClient client(server->port());
  client.send_raw("POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", kMaxBody);
  for (int i = 0; i < 2; ++i) client.send_raw(size + std::string(kMaxBody, 'x') + "\r\n");
  client.send_raw("0\r\n\r\n");
  EXPECT_EQ(client.read().status, 413);
}

TEST_F(HttpServerTest, PostWithoutLengthIs411AndBadContentTypeIs415BeforeTheBody) {
  {
    HttpTestClient client(server->port());
    client.send_raw("POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\r\n");
    EXPECT_EQ(client.read().status, 411);
  }
  {
    HttpTestClient client(server->port());
    client.send_raw("POST /echo-body HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 50000\r\n\r\n");
    auto refused = client.read();  // answered without the 50000 bytes
    EXPECT_EQ(refused.status, 415);
    EXPECT_TRUE(client.closed_by_server());  // the unread body is never parsed as a request
  }
  {
    HttpTestClient client(server->port());
    client.send_raw("POST /nowhere HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n");
    EXPECT_EQ(client.read().status, 404);
  }
  HttpTestClient client(server->port());
  EXPECT_EQ(client.post("/echo-body", "").status, 400);  // empty body: read (nothing), connection kept
  auto get_post_only = client.get("/echo-body");
  EXPECT_EQ(get_post_only.status, 405);
  EXPECT_EQ(get_post_only.header("Allow"), "POST, OPTIONS");
  auto post_get_only = client.post("/hello", "{}");  // refused before its body: the connection closes
  EXPECT_EQ(post_get_only.status, 405);
  EXPECT_EQ(post_get_only.header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, PreflightAllowsPostWhereThePathTakesIt) {
  HttpTestClient client(server->port());
  auto preflight = client.request("OPTIONS", "/echo-body",
                                  {{"Origin", "https://allowed.example"},
                                   {"Access-Control-Request-Method", "POST"},
                                   {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "https://allowed.example");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Headers"), "content-type");
  auto posted = client.request("POST", "/echo-body",
                               {{"Origin", "https://allowed.example"}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(posted.status, 200);
  EXPECT_EQ(posted.header("Access-Control-Allow-Origin"), "https://allowed.example");
}

TEST_F(HttpServerTest, InProcessHandleAppliesTheBodyCap) {
  Request request;
  request.method = "POST";
  request.path = "/echo-body";
  request.headers["Content-Type"] = "application/json";
  request.body = std::string(kMaxBody + 1, ' ');
  EXPECT_EQ(server->handle(request).status, 413);
  request.body = "{}";
  EXPECT_EQ(server->handle(request).status, 200);
}

TEST_F(HttpServerTest, CountsRequestsByRouteAndStatusClass) {
  HttpTestClient client(server->port());
  client.get("/hello");
  client.get("/tile/1/2/3.png");
  client.get("/tile/1/2/4.png");
  client.get("/nothing");
  client.get("/boom");
  EXPECT_EQ(metrics.requests("hello", 2), 1u);
  EXPECT_EQ(metrics.requests("tile", 2), 2u);
  EXPECT_EQ(metrics.requests("unmatched", 4), 1u);
  EXPECT_EQ(metrics.requests("error", 5), 1u);
}

TEST_F(HttpServerTest, SixtyFourConnectionsTimesHundredRequests) {
  constexpr int connections = 64;
  constexpr int requests_each = 100;
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      try {
        HttpTestClient client(server->port());
        for (int i = 0; i < requests_each; ++i) {
          if ((i + c) % 2 == 0) {
            auto reply = client.get("/tile/" + std::to_string(c) + "/" + std::to_string(i) + "/0.png");
            if (reply.status == 200 && reply.body == *tile) ++correct;
          } else {
            auto reply = client.get("/echo/c" + std::to_string(c) + "?a=" + std::to_string(i));
            if (reply.status == 200 &&
                reply.body.rfind("c" + std::to_string(c) + "|" + std::to_string(i) + "|", 0) == 0)
              ++correct;
          }
        }
      } catch (const std::exception&) {
        // counted as missing answers below
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(correct.load(), connections * requests_each);
}

TEST_F(HttpServerTest, ServesOnIpv6Loopback) {
  auto router = std::make_shared<Router>();
  router->get("/hello", [](const Request&) { return Response::text(200, "hello v6"); });
  ServerOptions options;
  options.bind = "::1";
  options.port = 0;
  Server v6_server(options, router);
  try {
    v6_server.start();
  } catch (const std::runtime_error& error) {
    GTEST_SKIP() << "no IPv6 loopback here: " << error.what();
  }
  HttpTestClient client(v6_server.port(), "::1");
  EXPECT_EQ(client.get("/hello").body, "hello v6");
}

TEST_F(HttpServerTest, StartFailsClearlyWhenThePortIsTaken) {
  auto router = std::make_shared<Router>();
  ServerOptions options;
  options.port = server->port();
  Server second(options, router);
  EXPECT_THROW(second.start(), ListenError);
  options.bind = "not-an-address";
  Server bad_bind(options, router);
  EXPECT_THROW(bad_bind.start(), std::runtime_error);
}

TEST_F(HttpServerTest, HandleWrapsWithoutSockets) {
  Request request;
  request.path = "/big.json";
  request.headers["Accept-Encoding"] = "gzip";
  Response response = server->handle(request);
  EXPECT_EQ(response.headers.at("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(*response.body), big_json());
}

}  // namespace
}  // namespace antt::http

namespace antt::http {
namespace {

/// At max_connections the server stops accepting: further clients wait in the listen backlog
/// (as with libmicrohttpd's own accept), not accepted and dropped.
TEST(HttpServerLimits, ConnectionsOverTheLimitWaitUntilOneCloses) {
  auto router = std::make_shared<Router>();
  router->get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.max_connections = 2;
  Metrics metrics;
  Server server(options, router, &metrics);
  server.start();
  auto first = std::make_unique<HttpTestClient>(server.port());
  HttpTestClient second(server.port());
  ASSERT_EQ(first->get("/hello").status, 200);
  ASSERT_EQ(second.get("/hello").status, 200);
  // With both open, the accept thread stops accepting ...
  ASSERT_TRUE(eventually([&] { return metrics.connection_limit_waits() == 1; }));

  // ... so a third client, connected by the kernel, waits in the listen backlog: neither
  // accepted, answered nor closed.
  std::atomic<bool> answered{false};
  std::string third_body;
  std::thread third([&] {
    try {
      HttpTestClient client(server.port());
      third_body = client.get("/hello").body;
    } catch (const std::exception& error) {
      third_body = error.what();
    }
    answered = true;
  });
  EXPECT_TRUE(eventually([&] { return listen_backlog(server.port()) == 1u; }));
  EXPECT_EQ(second.get("/hello").body, "hello");  // the open ones are served meanwhile
  EXPECT_EQ(listen_backlog(server.port()), 1u);
  EXPECT_FALSE(answered.load());

  // ... and is served once a connection closes.
  first.reset();
  third.join();
  EXPECT_EQ(third_body, "hello");
  EXPECT_EQ(listen_backlog(server.port()), 0u);
}

/// A server whose /kept answers are marked reusable, with a data generation the test turns.
class HttpServerReuseTest : public ::testing::Test {
 protected:
  HttpServerReuseTest() {
    auto router = std::make_shared<Router>();
    router->get("/kept/{name}", [this](const Request& request) {
      kept_calls.fetch_add(1);
      // Different bytes per generation, as a tile drawn from changed data.
      auto body = std::make_shared<const std::string>(request.path_params.at("name") + " drawn from data v" +
                                                      std::to_string(generation.load()) + std::string(700, '.'));
      Response response = Response::shared(200, body, "image/png");
      response.reusable = true;
      response.reused = [this] { reused_calls.fetch_add(1); };
      return response;
    });
    router->get("/kept-text", [this](const Request&) {
      other_calls.fetch_add(1);
      Response response = Response::text(200, std::string(2000, 'a'));  // gzipped for clients that accept it
      response.reusable = true;
      return response;
    });
    router->get("/fresh", [this](const Request&) {
      other_calls.fetch_add(1);
      return Response::shared(200, std::make_shared<const std::string>(std::string(700, 'f')), "image/png");
    });
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.cors_allow = {"https://allowed.example"};
    options.data_generation = [this] { return generation.load(); };
    server = std::make_unique<Server>(options, router, &metrics);
    server->start();
  }

  std::atomic<int> kept_calls{0};
  std::atomic<int> reused_calls{0};
  std::atomic<int> other_calls{0};
  std::atomic<std::uint64_t> generation{1};
  Metrics metrics;
  std::unique_ptr<Server> server;
};

TEST_F(HttpServerReuseTest, AKeptAnswerIsSentAgainUntilTheDataGenerationChanges) {
  HttpTestClient client(server->port());
  const auto first = client.get("/kept/a.png?year=2020");
  const auto again = client.get("/kept/a.png?year=2020");
  EXPECT_EQ(kept_calls.load(), 1);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("ETag"), first.header("ETag"));
  EXPECT_EQ(again.header("Content-Type"), "image/png");
  EXPECT_EQ(again.header("Cache-Control"), "no-cache");
  EXPECT_EQ(metrics.reused_answers(), 1u);
  EXPECT_EQ(metrics.requests("kept", 2), 2u);
  EXPECT_EQ(reused_calls.load(), 1);  // the tile cache hears of it (at most once a second)

  EXPECT_EQ(client.get("/kept/a.png?year=2019").status, 200);  // another target, another answer
  EXPECT_EQ(kept_calls.load(), 2);

  generation = 2;  // the data changed: nothing kept before may be sent
  const auto changed = client.get("/kept/a.png?year=2020");
  EXPECT_EQ(kept_calls.load(), 3);
  EXPECT_NE(changed.body, first.body);
  EXPECT_NE(changed.header("ETag"), first.header("ETag"));
  EXPECT_EQ(client.get("/kept/a.png?year=2020").body, changed.body);
  EXPECT_EQ(kept_calls.load(), 3);
}

TEST_F(HttpServerReuseTest, RequestsThatChangeTheWrappingAreAnsweredAfresh) {
  HttpTestClient client(server->port());
  const auto plain = client.get("/kept/b.png");
  ASSERT_EQ(kept_calls.load(), 1);

  const auto conditional = client.get("/kept/b.png", {{"If-None-Match", plain.header("ETag")}});
  EXPECT_EQ(conditional.status, 304);
  const auto cross_origin = client.get("/kept/b.png", {{"Origin", "https://allowed.example"}});
  EXPECT_EQ(cross_origin.header("Access-Control-Allow-Origin"), "https://allowed.example");
  EXPECT_EQ(client.request("HEAD", "/kept/b.png").status, 200);
  EXPECT_EQ(kept_calls.load(), 4);

  // The kept answer is the one without CORS headers, whatever was asked in between.
  const auto plain_again = client.get("/kept/b.png");
  EXPECT_EQ(kept_calls.load(), 4);
  EXPECT_FALSE(plain_again.has("Access-Control-Allow-Origin"));
  EXPECT_EQ(plain_again.header("Vary"), "Origin");

  // Not marked reusable, or varying with Accept-Encoding: never kept.
  client.get("/fresh");
  client.get("/fresh");
  EXPECT_EQ(gunzip(client.get("/kept-text", {{"Accept-Encoding", "gzip"}}).body), std::string(2000, 'a'));
  EXPECT_EQ(client.get("/kept-text").body, std::string(2000, 'a'));
  EXPECT_EQ(other_calls.load(), 4);
}

TEST_F(HttpServerReuseTest, ManyConnectionsShareKeptAnswersWhileTheGenerationTurns) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      HttpTestClient client(server->port());
      for (int i = 0; i < 200; ++i) {
        const std::string name = "t" + std::to_string((c + i) % 5) + ".png";
        const std::uint64_t before = generation.load();
        const auto reply = client.get("/kept/" + name);
        const std::uint64_t after = generation.load();
        // The answer is drawn from a generation no older than the one current when it was asked.
        bool fits = false;
        for (std::uint64_t g = before; g <= after; ++g) {
          fits = fits || reply.body.rfind(name + " drawn from data v" + std::to_string(g) + ".", 0) == 0;
        }
        if (reply.status != 200 || !fits) wrong.fetch_add(1);
        if (c == 0 && i % 40 == 0) generation.fetch_add(1);
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(metrics.reused_answers(), 1000u);
}

/// The access log has one line per request, whichever way its answer went: routed, not found,
/// deferred to a worker, kept and sent again, HEAD, refused before its body was read.
TEST(HttpServerAccessLog, OneLinePerRequest) {
  auto router = std::make_shared<Router>();
  router->get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  router->get("/later", [](const Request&) { return Response::deferred([] { return Response::text(200, "later"); }); });
  router->get("/kept", [](const Request&) {
    Response response = Response::shared(200, std::make_shared<const std::string>(700, 'k'), "image/png");
    response.reusable = true;
    return response;
  });
  router->post("/upload", [](const Request&) { return Response::text(200, "stored"); });
  std::mutex lines_mutex;
  std::vector<std::string> lines;
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.data_generation = [] { return std::uint64_t{1}; };
  options.access_log = true;
  options.logger = std::make_shared<const log::Logger>(log::Logger::to_function(
      [&](std::string_view line) {
        std::lock_guard lock(lines_mutex);
        lines.emplace_back(line);
      },
      {.format = log::Format::json}));
  Metrics metrics;
  Server server(options, router, &metrics);
  server.start();
  {
    HttpTestClient client(server.port());
    EXPECT_EQ(client.get("/hello?year=2020").status, 200);
    EXPECT_EQ(client.get("/missing").status, 404);
    EXPECT_EQ(client.get("/later").body, "later");
    EXPECT_EQ(client.get("/kept").status, 200);
    EXPECT_EQ(client.get("/kept").status, 200);  // the kept answer, sent without the router
    EXPECT_EQ(client.request("HEAD", "/hello").status, 200);
    EXPECT_EQ(client.request("POST", "/upload", {{"Content-Type", "text/plain"}}, "x").status, 415);
  }
  server.stop();  // every thread that logs has finished
  ASSERT_EQ(metrics.reused_answers(), 1u);

  struct Expected {
    std::string method, path;
    int status;
    std::optional<std::size_t> bytes;  ///< nothing: a JSON error body of some length
    std::string route;
  };
  const std::vector<Expected> expected = {
      {"GET", "/hello", 200, 5, "hello"},     {"GET", "/missing", 404, {}, "unmatched"},
      {"GET", "/later", 200, 5, "later"},     {"GET", "/kept", 200, 700, "kept"},
      {"GET", "/kept", 200, 700, "kept"},     {"HEAD", "/hello", 200, 0, "hello"},
      {"POST", "/upload", 415, {}, "upload"},
  };
  std::lock_guard lock(lines_mutex);
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json line = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(line.at("level"), "info") << lines[i];
    EXPECT_EQ(line.at("component"), "http") << lines[i];
    EXPECT_EQ(line.at("message"), "request") << lines[i];
    EXPECT_EQ(line.at("method"), expected[i].method) << lines[i];
    EXPECT_EQ(line.at("path"), expected[i].path) << lines[i];
    EXPECT_EQ(line.at("status"), expected[i].status) << lines[i];
    EXPECT_EQ(line.at("route"), expected[i].route) << lines[i];
    EXPECT_GE(line.at("duration_ms").get<double>(), 0.0) << lines[i];
    if (expected[i].bytes) {
      EXPECT_EQ(line.at("bytes"), *expected[i].bytes) << lines[i];
    } else {
      EXPECT_GT(line.at("bytes").get<std::size_t>(), 0u) << lines[i];
    }
  }
}

/// One I/O thread and one worker: a deferred answer that waits must not hold up another
/// connection of the same I/O thread (before deferral, a render blocked every connection its
/// thread had accepted: with 8 connections on one thread, one core idled).
TEST(HttpServerDeferred, AWaitingDeferredAnswerDoesNotHoldUpOtherConnections) {
  std::mutex gate_mutex;
  std::condition_variable gate_changed;
  bool open = false, entered = false;
  auto router = std::make_shared<Router>();
  router->get("/slow", [&](const Request&) {
    return Response::deferred([&] {
      std::unique_lock lock(gate_mutex);
      entered = true;
      gate_changed.notify_all();
      gate_changed.wait_for(lock, std::chrono::seconds(20), [&] { return open; });
      Response response = Response::text(200, open ? "slow done" : "gate never opened");
      response.headers["ETag"] = "\"slow\"";
      return response;
    });
  });
  router->get("/fast", [](const Request&) { return Response::text(200, "fast"); });
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  Server server(options, router);
  server.start();

  antt::testing::HttpReply slow;
  std::thread slow_client([&] {
    HttpTestClient client(server.port());
    slow = client.get("/slow", {{"If-None-Match", "\"other\""}});
  });
  {
    std::unique_lock lock(gate_mutex);
    ASSERT_TRUE(gate_changed.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  // The only I/O thread answers while the slow answer is still being computed.
  HttpTestClient other(server.port());
  const auto started = std::chrono::steady_clock::now();
  const auto fast = other.get("/fast");
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(fast.body, "fast");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  {
    std::lock_guard lock(gate_mutex);
    open = true;
  }
  gate_changed.notify_all();
  slow_client.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "slow done");
  EXPECT_EQ(slow.header("ETag"), "\"slow\"");  // the usual wrapping applies to deferred answers
  EXPECT_EQ(slow.header("Cache-Control"), "no-cache");
}

TEST(HttpServerDeferred, InProcessCallersGetTheComputedAnswer) {
  auto router = std::make_shared<Router>();
  router->get("/later", [](const Request&) { return Response::deferred([] { return Response::text(201, "later"); }); });
  router->get("/fails", [](const Request&) {
    return Response::deferred([]() -> Response { throw std::runtime_error("renderer exploded"); });
  });
  Request request;
  request.path = "/later";
  EXPECT_TRUE(router->dispatch_deferred(request).work);
  const auto direct = router->dispatch(request);
  EXPECT_FALSE(direct.work);
  EXPECT_EQ(direct.status, 201);
  EXPECT_EQ(direct.route, "/later");
  ServerOptions options;
  options.logger = std::make_shared<const log::Logger>(log::Logger::discarding());
  Server server(options, router);  // not started: in-process only
  EXPECT_EQ(server.handle(request).status, 201);
  EXPECT_EQ(*server.handle(request).body, "later");
  request.path = "/fails";
  EXPECT_EQ(server.handle(request).status, 500);
}

TEST(HttpServerDeferred, StopFinishesDeferredAnswersFirst) {
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0, finished = 0;
  std::atomic<int> port{0};
  auto router = std::make_shared<Router>();
  router->get("/work", [&](const Request&) {
    return Response::deferred([&] {
      {
        std::lock_guard lock(mutex);
        ++started;
      }
      changed.notify_all();
      // In flight until stop() is under way (the port no longer listens), then the rest of a
      // render: stop() meets this answer unfinished, and must wait for it.
      eventually([&] { return !listen_backlog(port.load()).has_value(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      {
        std::lock_guard lock(mutex);
        ++finished;
      }
      return Response::text(200, "worked");
    });
  });
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  auto server = std::make_unique<Server>(options, router);
  server->start();
  port = server->port();
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      try {
        HttpTestClient client(server->port());
        if (client.get("/work").status == 200) ++answered;
      } catch (const std::exception&) {  // refused or cut off by the stopping server: allowed
      }
    });
  }
  {
    std::unique_lock lock(mutex);  // both workers busy with an answer
    EXPECT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return started >= 2; }));
  }
  server->stop();  // must neither hang nor crash with answers in flight
  {
    std::lock_guard lock(mutex);
    EXPECT_GE(started, 2);
    EXPECT_EQ(finished, started);  // none left running once stop() returned
  }
  for (auto& client : clients) client.join();
  EXPECT_LE(answered.load(), finished);
}

}  // namespace
}  // namespace antt::http
