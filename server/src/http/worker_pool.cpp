#include "http/worker_pool.hpp"

#include <pthread.h>

namespace antt::http {

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { run(); });
    pthread_setname_np(workers_.back().native_handle(), "anttmap-worker");
  }
}

bool WorkerPool::submit(std::function<void()>& job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_)
    if (worker.joinable()) worker.join();
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();  // never throws: the server's jobs catch everything
  }
}

}  // namespace antt::http
