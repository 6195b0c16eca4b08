#pragma once
// Answers marked Response::reusable, kept ready to be sent again (see ReusableAnswers).
#include <microhttpd.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace antt::http {

/// Answers marked Response::reusable, kept as ready libmicrohttpd responses by request target and
/// sent again as they are (libmicrohttpd counts references, so one response may be queued on many
/// connections at once). A cached tile then costs no request parsing, routing or header building:
/// that was a quarter of the server's CPU time per cached tile (perf), and with less CPU per
/// request the I/O threads sleep between bursts instead of being preempted with answers pending.
/// Each shard holds answers of one data generation: a newer generation empties it.
class ReusableAnswers {
 public:
  struct Answer {
    std::shared_ptr<MHD_Response> response;
    unsigned int status = 200;
    std::string label;                                   ///< metrics route label
    std::size_t body_bytes = 0;                          ///< for the access log
    std::size_t bytes = 0;                               ///< what keeping it costs
    std::function<void()> reused;                        ///< Response::reused
    mutable std::atomic<std::int64_t> reused_second{0};  ///< when `reused` last ran (steady clock)
  };

  explicit ReusableAnswers(std::size_t max_bytes) : shard_max_bytes_(max_bytes / shard_count) {}

  /// The answer kept for `target` at `generation`, or null.
  std::shared_ptr<const Answer> find(std::string_view target, std::uint64_t generation);

  /// Keeps `answer`, made from the data of `generation`, unless a newer generation was seen.
  /// The oldest answers of the shard go when it passes its share of the byte cap.
  void keep(std::string_view target, std::shared_ptr<const Answer> answer, std::uint64_t generation);

 private:
  static constexpr std::size_t shard_count = 16;

  struct TargetHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  struct Shard {
    using Answers = std::unordered_map<std::string, std::shared_ptr<const Answer>, TargetHash, std::equal_to<>>;
    std::shared_mutex mutex;
    std::uint64_t generation = 0;
    Answers answers;
    std::deque<const std::string*> order;  ///< keys, oldest first (node keys do not move)
    std::size_t bytes = 0;

    /// Empties the shard for a newer generation; returns the older answers, for the caller to
    /// free once it let go of the lock (thousands of responses may go at once).
    Answers reset(std::uint64_t newer);
  };

  Shard& shard_for(std::string_view target) { return shards_[(TargetHash{}(target) >> 8) % shard_count]; }

  std::array<Shard, shard_count> shards_;
  const std::size_t shard_max_bytes_;
};

}  // namespace antt::http
