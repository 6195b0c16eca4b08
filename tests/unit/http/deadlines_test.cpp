// Slow clients and late answers against a real libmicrohttpd server: a client trickling its request
// is disconnected at its deadline without holding the I/O thread, and an answer that takes too long
// is answered 503 while its work is dropped.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "http/http.hpp"
#include "http/metrics.hpp"
#include "http_test_client.hpp"
#include "server_probes.hpp"

namespace antt::http {
namespace {

using antt::testing::eventually;
using antt::testing::HttpTestClient;
using namespace std::chrono_literals;

/// A plain TCP connection to the server, for sending bytes one at a time.
class TrickleClient {
 public:
  explicit TrickleClient(int port) : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (socket_ < 0 || ::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("trickle client: cannot connect");
    }
  }
  ~TrickleClient() { ::close(socket_); }
  TrickleClient(const TrickleClient&) = delete;
  TrickleClient& operator=(const TrickleClient&) = delete;

  /// Sends `text` one byte every `pause` until the server closes the connection; how long that took,
  /// or nothing when all of it was sent with the connection still open.
  std::optional<std::chrono::steady_clock::duration> trickle(const std::string& text, std::chrono::milliseconds pause) {
    const auto started = std::chrono::steady_clock::now();
    for (char byte : text) {
      if (closed_by_server()) return std::chrono::steady_clock::now() - started;
      if (::send(socket_, &byte, 1, MSG_NOSIGNAL) != 1) return std::chrono::steady_clock::now() - started;
      std::this_thread::sleep_for(pause);
    }
    return std::nullopt;
  }

  void send_now(const std::string& text) {
    if (::send(socket_, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) {
      throw std::runtime_error("trickle client: send failed");
    }
  }

  /// True once the server ended the connection (end of stream or reset), without answering.
  bool closed_by_server() {
    pollfd wanted{socket_, POLLIN, 0};
    if (::poll(&wanted, 1, 0) <= 0) return false;
    char buffer[256];
    const ssize_t got = ::recv(socket_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) answered_ += std::string(buffer, static_cast<std::size_t>(got));
    return got <= 0;
  }

  const std::string& answered() const { return answered_; }

 private:
  int socket_;
  std::string answered_;
};

std::shared_ptr<Router> quick_router() {
  auto router = std::make_shared<Router>();
  router->get("/hello", [](const Request&) { return Response::text(200, "hello"); });
  router->post("/echo", [](const Request& request) { return Response::text(200, std::to_string(request.body.size())); });
  return router;
}

ServerOptions quick_deadlines() {
  ServerOptions options;
  options.port = 0;
  options.threads = 1;  // one I/O thread: a trickling client must not hold it
  options.request_head_timeout = 400ms;
  options.body_min_bytes_per_second = 1024;
  options.request_time_limit = 400ms;
  return options;
}

TEST(HttpServerDeadlines, AClientTricklingItsHeadIsCutOffWhileOthersAreServed) {
  Metrics metrics;
  Server server(quick_deadlines(), quick_router(), &metrics);
  server.start();
  std::optional<std::chrono::steady_clock::duration> cut_after;
  std::thread slow([&] {
    TrickleClient client(server.port());
    cut_after = client.trickle("GET /hello HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(200, 'a'), 50ms);
  });
  // Meanwhile the only I/O thread answers everyone else at once.
  for (int i = 0; i < 5; ++i) {
    HttpTestClient other(server.port());
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(other.get("/hello").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    std::this_thread::sleep_for(40ms);
  }
  slow.join();
  ASSERT_TRUE(cut_after.has_value()) << "the trickling client was never disconnected";
  EXPECT_GE(*cut_after, 350ms);
  EXPECT_LT(*cut_after, 2s);
  EXPECT_EQ(metrics.slow_clients_cut(), 1u);
  EXPECT_NE(metrics.prometheus_text().find("anttmap_http_slow_clients_cut_total 1"), std::string::npos);
}

TEST(HttpServerDeadlines, AnIdleKeptAliveConnectionOutlivesTheHeadDeadline) {
  Metrics metrics;
  Server server(quick_deadlines(), quick_router(), &metrics);
  server.start();
  HttpTestClient client(server.port());
  EXPECT_EQ(client.get("/hello").status, 200);
  // Waiting between requests is what keep-alive is for: libmicrohttpd's idle timeout (30 s) governs it.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(client.get("/hello").body, "hello");
  EXPECT_EQ(metrics.slow_clients_cut(), 0u);
}

TEST(HttpServerDeadlines, ABodyTrickledBelowTheLeastRateIsCutOff) {
  Metrics metrics;
  Server server(quick_deadlines(), quick_router(), &metrics);
  server.start();
  {
    TrickleClient client(server.port());
    client.send_now("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    "Content-Length: 500\r\n\r\n");
    const auto cut_after = client.trickle(std::string(500, ' '), 50ms);
    ASSERT_TRUE(cut_after.has_value()) << "the trickled body was read to its end";
    EXPECT_LT(*cut_after, 2s);
    EXPECT_EQ(client.answered(), "");  // cut off, not answered
  }
  EXPECT_EQ(metrics.slow_clients_cut(), 1u);
  // A body sent at once is read and answered as ever.
  HttpTestClient fast(server.port());
  const auto echoed = fast.post("/echo", std::string(100000, ' '));
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.body, "100000");
}

TEST(HttpServerDeadlines, ALateAnswerIs503AndQueuedWorkPastItsTimeIsSkipped) {
  std::atomic<int> runs{0};
  auto router = quick_router();
  router->get("/slow", [&](const Request&) {
    return Response::deferred([&] {
      ++runs;
      std::this_thread::sleep_for(1200ms);  // a render that cannot be interrupted
      return Response::text(200, "finally");
    });
  });
  Metrics metrics;
  Server server(quick_deadlines(), router, &metrics);  // one worker
  server.start();
  antt::testing::HttpReply first, second;
  std::thread queued_behind([&] {
    std::this_thread::sleep_for(100ms);  // the first is running by now: this one waits in the queue
    HttpTestClient client(server.port());
    second = client.get("/slow");
  });
  const auto started = std::chrono::steady_clock::now();
  HttpTestClient client(server.port());
  first = client.get("/slow");
  const auto took = std::chrono::steady_clock::now() - started;
  queued_behind.join();
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.header("Retry-After"), "10");
  EXPECT_NE(first.body.find("took longer than"), std::string::npos) << first.body;
  EXPECT_LT(took, 1100ms);  // answered at its deadline, not when the work ended
  EXPECT_EQ(second.status, 503);
  // The connection is still good, and the server answers at once.
  EXPECT_EQ(client.get("/hello").body, "hello");
  EXPECT_TRUE(eventually([&] { return metrics.answers_timed_out() == 2u; }));
  std::this_thread::sleep_for(1500ms);  // the first work has ended; the queued one never started
  EXPECT_EQ(runs.load(), 1);
  server.stop();
}

}  // namespace
}  // namespace antt::http
