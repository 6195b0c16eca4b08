#pragma once
// Requests per caller: a token bucket per key, account or token holder, and per address for the
// public, so one client cannot take every worker. Loopback requests are not counted (local tools,
// benchmarks, a reverse proxy that limits on its own).
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/http.hpp"

namespace antt::serve {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// `per_minute` requests a minute on average, in bursts of up to `per_minute / 4` (at least 20); 0 = no limit.
  explicit RateLimiter(int per_minute, Clock now = {});

  /// Counts one request of `who`; the seconds to wait when it is over its limit.
  std::optional<int> take(const std::string& who);
  /// take() for a request whose caller is known (after the gate): 429 with Retry-After, or nothing.
  std::optional<http::Response> check(const http::Request& request);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
  };
  int per_minute_;
  double burst_;
  Clock now_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace antt::serve
