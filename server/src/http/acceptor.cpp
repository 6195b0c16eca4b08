#include "http/acceptor.hpp"

#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace antt::http {

ConnectionGate::ConnectionGate(std::size_t limit, Metrics* metrics)
    : limit_(std::max<std::size_t>(limit, 1)), metrics_(metrics) {}

void ConnectionGate::handed() {
  std::lock_guard lock(mutex_);
  ++handed_;
}

void ConnectionGate::refused() {
  std::lock_guard lock(mutex_);
  if (handed_ > started_) --handed_;
  changed_.notify_all();
}

void ConnectionGate::started() {
  std::lock_guard lock(mutex_);
  ++started_;
  if (handed_ < started_) handed_ = started_;
  ++open_;
  changed_.notify_all();
}

void ConnectionGate::closed() {
  std::lock_guard lock(mutex_);
  if (open_ > 0) --open_;
  changed_.notify_all();
}

void ConnectionGate::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  changed_.notify_all();
}

bool ConnectionGate::wait_for_room() {
  std::unique_lock lock(mutex_);
  bool counted = false;
  while (!stopping_) {
    if (open_ + (handed_ - started_) < limit_) return true;
    if (!counted && metrics_ != nullptr) metrics_->record_connection_limit_wait();
    counted = true;
    const std::uint64_t seen_open = open_, seen_started = started_;
    changed_.wait_for(lock, std::chrono::milliseconds(100));
    // Nothing started or closed meanwhile: the connections handed over and never started were
    // refused by libmicrohttpd itself (out of memory), so they no longer count.
    if (open_ == seen_open && started_ == seen_started) handed_ = started_;
  }
  return false;
}

Acceptor::Acceptor(SocketHandle listener, MHD_Daemon* daemon, ConnectionGate& gate, const log::Logger& logger)
    : listener_(std::move(listener)), daemon_(daemon), gate_(gate), logger_(logger) {
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "anttmap-accept");
}

void Acceptor::stop() {
  stopping_ = true;
  gate_.stop();
  ::shutdown(listener_.get(), SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
}

void Acceptor::run() {
  // One line per spell of trouble, not one per connection, so a flood cannot fill the log.
  bool reported_error = false;
  while (!stopping_ && gate_.wait_for_room()) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int client =
        ::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
      reported_error = false;
      gate_.handed();
      // libmicrohttpd owns the socket from here, and closes it itself when it cannot take it.
      if (MHD_add_connection(daemon_, client, reinterpret_cast<sockaddr*>(&peer), length) != MHD_YES) {
        gate_.refused();
      }
      continue;
    }
    const int error = errno;
    if (stopping_) return;
    if (error == EINTR || error == ECONNABORTED || error == EAGAIN) continue;
    // Anything else (no descriptors or memory left, a network error of the new connection, a
    // firewall hook) is waited out: the server must never stay up without accepting.
    if (!reported_error) {
      logger_.error("http", "cannot accept connections for now: " + std::string(std::strerror(error)));
    }
    reported_error = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace antt::http
