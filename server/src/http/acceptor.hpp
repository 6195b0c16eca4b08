#pragma once
// The accept thread: takes connections off the listening socket and hands them to libmicrohttpd,
// never more than max_connections at once (the rest wait in the listen backlog).
#include <microhttpd.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

#include "antt/core/log.hpp"
#include "http/listen_socket.hpp"
#include "http/metrics.hpp"

namespace antt::http {

/// Counts the connections libmicrohttpd has open (its start and close notices) plus those handed
/// to it and not started yet, so the accept thread stops accepting at the limit and further
/// clients wait in the listen backlog, as with libmicrohttpd's own accept (which takes its listening
/// socket out of epoll at the limit).
class ConnectionGate {
 public:
  /// `metrics` (may be null) counts the waits at the limit.
  ConnectionGate(std::size_t limit, Metrics* metrics);

  void handed();
  void refused();  ///< MHD_add_connection said no: the socket is closed, nothing will start
  void started();
  void closed();
  void stop();

  /// Waits until a connection may be accepted; false once stopping.
  bool wait_for_room();

 private:
  const std::size_t limit_;
  Metrics* const metrics_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t handed_ = 0;   ///< connections given to libmicrohttpd
  std::uint64_t started_ = 0;  ///< ... that it started
  std::uint64_t open_ = 0;     ///< started and not closed yet
  bool stopping_ = false;
};

/// Accepts connections on a thread of its own and hands each to libmicrohttpd, which gives it to
/// the I/O thread of its descriptor number (modulo the thread count), so connections opened
/// together are spread evenly. With libmicrohttpd's own accept, whichever thread woke first took
/// the connection: 64 wrk connections split 57/7 and 44/20 over two threads, and the busier
/// thread's connections waited up to twice as long (docs/serve.md).
class Acceptor {
 public:
  /// `logger` gets a line when accepting fails (once per spell of trouble); it must outlive the acceptor.
  Acceptor(SocketHandle listener, MHD_Daemon* daemon, ConnectionGate& gate, const log::Logger& logger);
  ~Acceptor() { stop(); }
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  /// Stops accepting (shutdown wakes the blocked accept) and joins; open connections stay.
  void stop();

 private:
  void run();

  SocketHandle listener_;
  MHD_Daemon* daemon_;
  ConnectionGate& gate_;
  const log::Logger& logger_;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

}  // namespace antt::http
