#include "http/deadlines.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace antt::http {
namespace {

std::int64_t monotonic_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t deadline_after(std::chrono::milliseconds limit) {
  return limit.count() > 0 ? monotonic_now_ns() + std::chrono::nanoseconds(limit).count() : 0;
}

}  // namespace

class ConnectionDeadlines::Watched {
 public:
  Watched(MHD_Connection* mhd_connection, int socket) : connection(mhd_connection), fd(socket) {}

  MHD_Connection* const connection;
  const int fd;
  /// When the watch acts (steady clock, ns); 0: no deadline now. Written by the connection's thread,
  /// cleared by the watch with a compare-exchange so a deadline set meanwhile is never lost.
  std::atomic<std::int64_t> deadline_ns{0};
  // The body being read: the connection's thread only.
  std::int64_t body_started_ns = 0;
  std::uint64_t body_bytes = 0;
  std::mutex waiting_mutex;
  std::shared_ptr<DeferredAnswer> waiting;  ///< the deferred answer the connection is suspended for
};

ConnectionDeadlines::ConnectionDeadlines(DeadlineLimits limits, Metrics* metrics) : limits_(limits), metrics_(metrics) {
  const bool any = limits_.first_head.count() > 0 || limits_.next_head.count() > 0 || limits_.answer.count() > 0 ||
                   limits_.body_bytes_per_second > 0;
  if (any) thread_ = std::thread([this] { run(); });
}

ConnectionDeadlines::~ConnectionDeadlines() { stop_watching(); }

void ConnectionDeadlines::stop_watching() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ConnectionDeadlines::Watched* ConnectionDeadlines::opened(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  auto watched = std::make_unique<Watched>(connection, info != nullptr ? info->connect_fd : -1);
  watched->deadline_ns.store(deadline_after(limits_.first_head), std::memory_order_relaxed);
  Watched* handle = watched.get();
  std::lock_guard lock(mutex_);
  connections_.emplace(handle, std::move(watched));
  return handle;
}

void ConnectionDeadlines::closed(Watched* watched) {
  if (watched == nullptr) return;
  std::unique_ptr<Watched> gone;
  std::lock_guard lock(mutex_);
  auto found = connections_.find(watched);
  if (found == connections_.end()) return;
  gone = std::move(found->second);
  connections_.erase(found);
}

void ConnectionDeadlines::head_received(Watched* watched) const {
  if (watched == nullptr) return;
  // A request without a body is answered or deferred right after this, which sets its own deadline.
  std::int64_t deadline = 0;
  if (limits_.body_bytes_per_second > 0) {
    watched->body_started_ns = monotonic_now_ns();
    watched->body_bytes = 0;
    deadline = deadline_after(limits_.first_head);
  }
  watched->deadline_ns.store(deadline, std::memory_order_relaxed);
}

void ConnectionDeadlines::body_received(Watched* watched, std::size_t bytes) const {
  if (watched == nullptr || limits_.body_bytes_per_second == 0) return;
  watched->body_bytes += bytes;
  // The grace, plus the time the bytes so far may take at the least rate: a trickle falls behind at once.
  const std::int64_t allowed_ns = std::chrono::nanoseconds(limits_.first_head).count() +
                                  static_cast<std::int64_t>(watched->body_bytes * 1'000'000'000ULL /
                                                            limits_.body_bytes_per_second);
  watched->deadline_ns.store(watched->body_started_ns + allowed_ns, std::memory_order_relaxed);
}

void ConnectionDeadlines::answer_deferred(Watched* watched, std::shared_ptr<DeferredAnswer> slot) const {
  if (watched == nullptr) return;
  {
    std::lock_guard lock(watched->waiting_mutex);
    watched->waiting = std::move(slot);
  }
  watched->deadline_ns.store(deadline_after(limits_.answer), std::memory_order_relaxed);
}

void ConnectionDeadlines::answer_queued(Watched* watched) const {
  if (watched == nullptr) return;
  watched->deadline_ns.store(0, std::memory_order_relaxed);
  std::lock_guard lock(watched->waiting_mutex);
  watched->waiting.reset();
}

void ConnectionDeadlines::request_completed(Watched* watched) const {
  if (watched == nullptr) return;
  {
    std::lock_guard lock(watched->waiting_mutex);
    watched->waiting.reset();
  }
  watched->deadline_ns.store(deadline_after(limits_.next_head), std::memory_order_relaxed);
}

ConnectionDeadlines::Watched* ConnectionDeadlines::of(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info != nullptr ? static_cast<Watched*>(info->socket_context) : nullptr;
}

void ConnectionDeadlines::run() {
  // Checked often enough that a deadline is kept to within a quarter of the shortest limit.
  std::chrono::milliseconds shortest{500};
  for (const auto limit : {limits_.first_head, limits_.next_head, limits_.answer}) {
    if (limit.count() > 0) shortest = std::min(shortest, limit / 4);
  }
  const auto period = std::max(shortest, std::chrono::milliseconds(10));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, period, [this] { return stopping_; });
    if (stopping_) break;
    const std::int64_t now = monotonic_now_ns();
    for (auto& [handle, watched] : connections_) {
      const std::int64_t deadline = watched->deadline_ns.load(std::memory_order_relaxed);
      if (deadline != 0 && deadline <= now) expire(*watched, deadline);
    }
  }
}

void ConnectionDeadlines::expire(Watched& watched, std::int64_t deadline) {
  // Whatever the connection's thread set since we looked stands.
  if (!watched.deadline_ns.compare_exchange_strong(deadline, 0, std::memory_order_relaxed)) return;
  std::shared_ptr<DeferredAnswer> slot;
  {
    std::lock_guard lock(watched.waiting_mutex);
    slot = watched.waiting;
  }
  if (slot) {
    std::lock_guard lock(slot->mutex);
    if (slot->settled) return;  // the worker was first
    slot->settled = true;
    slot->timed_out = true;
    // The connection is suspended, so it is still there; its thread answers 503.
    MHD_resume_connection(watched.connection);
    if (metrics_ != nullptr) metrics_->record_answer_timed_out();
    return;
  }
  // A head or body too slow: the socket's end makes libmicrohttpd close the connection on its own thread.
  if (watched.fd >= 0) ::shutdown(watched.fd, SHUT_RDWR);
  if (metrics_ != nullptr) metrics_->record_slow_client_cut();
}

}  // namespace antt::http
