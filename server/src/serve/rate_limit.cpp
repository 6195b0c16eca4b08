#include "serve/rate_limit.hpp"

#include <algorithm>
#include <cmath>

#include "antt/core/error.hpp"
#include "serve/errors.hpp"

namespace antt::serve {

RateLimiter::RateLimiter(int per_minute, Clock now)
    : per_minute_(per_minute), burst_(std::max(20.0, per_minute / 4.0)), now_(std::move(now)) {}

std::optional<int> RateLimiter::take(const std::string& who) {
  if (per_minute_ <= 0) return std::nullopt;
  const auto now = now_ ? now_() : std::chrono::steady_clock::now();
  const double per_second = per_minute_ / 60.0;
  std::lock_guard lock(mutex_);
  // Full buckets say nothing: forget them when many addresses have been seen.
  if (buckets_.size() > 100000) {
    std::erase_if(buckets_, [&](const auto& entry) {
      const double seconds = std::chrono::duration<double>(now - entry.second.updated).count();
      return entry.second.tokens + seconds * per_second >= burst_;
    });
  }
  auto [found, fresh] = buckets_.try_emplace(who, Bucket{burst_, now});
  Bucket& bucket = found->second;
  if (!fresh) {
    const double seconds = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + seconds * per_second);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - bucket.tokens) / per_second)));
}

std::optional<http::Response> RateLimiter::check(const http::Request& request) {
  if (per_minute_ <= 0 || request.from_loopback()) return std::nullopt;
  const std::string who = request.caller.signed_in() ? "caller:" + request.caller.name : "address:" + request.remote_address;
  const auto wait = take(who);
  if (!wait) return std::nullopt;
  http::Response refused = json_error_response(
      RequestError(429, "too many requests; wait " + std::to_string(*wait) + " s / quá nhiều yêu cầu, xin chờ"));
  refused.headers["Retry-After"] = std::to_string(*wait);
  return refused;
}

}  // namespace antt::serve
