#pragma once
// Counters for `anttmap serve`, exposed as Prometheus text (format 0.0.4) on /metrics.
// Owned by the application and passed to the server and the tile handlers; nothing global.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>

namespace antt::http {

class Metrics {
 public:
  /// Upper bounds (seconds) of the request latency histogram; +Inf is implied.
  static constexpr std::array<double, 14> latency_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1.0,   2.5,  5.0,   7.5,  10.0};

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  /// One answered request: route label (low cardinality), HTTP status, time to build the answer.
  void record_request(const std::string& route, int status, std::chrono::nanoseconds duration);
  void record_tile_cache(bool hit);
  /// An answer the server sent again as kept (Response::reusable), without asking the router.
  void record_reused_answer();
  void record_render(std::chrono::nanoseconds duration, bool failed);
  /// A refresh that took in a change of the store (render file, drawing files, tiles dropped).
  void record_data_refresh(std::chrono::nanoseconds duration);
  /// The accept thread found max_connections open and stopped accepting: new clients wait in the
  /// listen backlog until one closes. Once per wait, not per client.
  void record_connection_limit_wait();
  /// A client too slow to send its request's head or body was cut off at its deadline.
  void record_slow_client_cut();
  /// A deferred answer (a render, a report) passed its time and was answered 503.
  void record_answer_timed_out();

  std::uint64_t requests(const std::string& route, int status_class) const;  ///< status_class 1..5
  std::uint64_t tile_cache_hits() const { return cache_hits_.load(std::memory_order_relaxed); }
  std::uint64_t tile_cache_misses() const { return cache_misses_.load(std::memory_order_relaxed); }
  std::uint64_t reused_answers() const { return reused_answers_.load(std::memory_order_relaxed); }
  std::uint64_t render_errors() const { return render_errors_.load(std::memory_order_relaxed); }
  std::uint64_t connection_limit_waits() const { return connection_limit_waits_.load(std::memory_order_relaxed); }
  std::uint64_t slow_clients_cut() const { return slow_clients_cut_.load(std::memory_order_relaxed); }
  std::uint64_t answers_timed_out() const { return answers_timed_out_.load(std::memory_order_relaxed); }

  std::string prometheus_text() const;

 private:
  struct RouteCounters {
    std::array<std::atomic<std::uint64_t>, 5> by_class{};  // 1xx..5xx
  };
  RouteCounters& counters_for(const std::string& route);

  mutable std::shared_mutex routes_mutex_;  // guards the map's shape; counts are atomics
  std::map<std::string, std::unique_ptr<RouteCounters>> routes_;
  std::array<std::atomic<std::uint64_t>, latency_buckets.size() + 1> latency_counts_{};  // last: +Inf
  std::atomic<std::uint64_t> latency_sum_ns_{0};
  std::atomic<std::uint64_t> cache_hits_{0};
  std::atomic<std::uint64_t> cache_misses_{0};
  std::atomic<std::uint64_t> reused_answers_{0};
  std::atomic<std::uint64_t> renders_{0};
  std::atomic<std::uint64_t> render_errors_{0};
  std::atomic<std::uint64_t> render_sum_ns_{0};
  std::atomic<std::uint64_t> data_refreshes_{0};
  std::atomic<std::uint64_t> data_refresh_sum_ns_{0};
  std::atomic<std::uint64_t> data_refresh_max_ns_{0};
  std::atomic<std::uint64_t> connection_limit_waits_{0};
  std::atomic<std::uint64_t> slow_clients_cut_{0};
  std::atomic<std::uint64_t> answers_timed_out_{0};
};

}  // namespace antt::http
