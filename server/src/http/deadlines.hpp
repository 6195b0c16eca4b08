#pragma once
// Deadlines libmicrohttpd does not keep: its connection timeout restarts at every byte, so a client
// sending one byte every 5 s would hold its connection (and a slot of max_connections) forever, and
// an answer nobody can interrupt (a render) would keep its client waiting as long as it runs.
#include <microhttpd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "http/http.hpp"
#include "http/metrics.hpp"

namespace antt::http {

/// A deferred answer on its way: a worker or the deadline watch settles it (whichever is first), then
/// resumes the connection, whose thread sends it.
struct DeferredAnswer {
  std::mutex mutex;
  std::optional<Response> answer;
  std::chrono::steady_clock::time_point started;
  bool settled = false;    ///< an answer is there, or the deadline passed: the connection was resumed
  bool timed_out = false;  ///< settled by the deadline: the worker's answer, if any, is dropped
};

struct DeadlineLimits {
  std::chrono::milliseconds first_head{0};  ///< request line and headers of a connection's first request
  std::chrono::milliseconds next_head{0};   ///< of a later request on the same connection, from the last answer
  std::size_t body_bytes_per_second = 0;    ///< least average body rate after a grace of first_head
  std::chrono::milliseconds answer{0};      ///< a deferred answer's time before it is answered 503
};

/// Watches every open connection on a thread of its own: one past its deadline for a request head or
/// body is shut down (libmicrohttpd then sees the socket end and closes it, no worker involved); a
/// deferred answer past its time is settled as timed out and its connection resumed. A zero limit
/// means no deadline of that kind.
class ConnectionDeadlines {
 public:
  /// One open connection (libmicrohttpd's socket context for it).
  class Watched;

  /// `metrics` (may be null) counts the connections cut off and the answers that timed out.
  ConnectionDeadlines(DeadlineLimits limits, Metrics* metrics);
  ~ConnectionDeadlines();
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  /// Ends the watch (the server is stopping); the notices below may still come.
  void stop_watching();

  /// From libmicrohttpd's start notice: its first request head is due within limits.first_head.
  Watched* opened(MHD_Connection* connection);
  /// From libmicrohttpd's close notice, which comes before the socket is closed, so a shutdown by the
  /// watch never reaches a descriptor number already reused for another connection.
  void closed(Watched* watched);

  /// The connection's head is complete: a body, if any, is due at limits.body_bytes_per_second.
  void head_received(Watched* watched) const;
  void body_received(Watched* watched, std::size_t bytes) const;
  /// The answer is being computed by a worker: it is settled as timed out after limits.answer.
  void answer_deferred(Watched* watched, std::shared_ptr<DeferredAnswer> slot) const;
  /// The answer is queued: no deadline while it is sent (a slow reader meets libmicrohttpd's timeout).
  void answer_queued(Watched* watched) const;
  /// The answer was sent: the next request's head is due within limits.next_head.
  void request_completed(Watched* watched) const;

  /// The connection's Watched, from libmicrohttpd's connection info (null when not watched).
  static Watched* of(MHD_Connection* connection);

 private:
  void run();
  void expire(Watched& watched, std::int64_t now_ns);

  const DeadlineLimits limits_;
  Metrics* const metrics_;
  std::mutex mutex_;  ///< guards connections_ and stopping_; held while the watch acts on a connection
  std::condition_variable wake_;
  std::unordered_map<Watched*, std::unique_ptr<Watched>> connections_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace antt::http
