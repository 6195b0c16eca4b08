#pragma once
// The threads that compute deferred answers (Response::deferred) for the server.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace antt::http {

/// Runs deferred answers on a fixed set of threads, first come first served: a render goes to
/// whichever thread is free, not to the I/O thread that happened to accept its connection.
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job`; false once stop() began (the caller then runs it itself).
  bool submit(std::function<void()>& job);

  /// Takes no more jobs, finishes the queued ones and joins the threads.
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace antt::http
