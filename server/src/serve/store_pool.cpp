#include "serve/store_pool.hpp"

namespace antt::serve {

std::int64_t StoreReads::position() {
  std::unique_lock lock(position_mutex_);
  if (max_age_.count() > 0 && reads_finished_ > 0 && std::chrono::steady_clock::now() - last_read_at_ < max_age_)
    return last_position_;
  // A read that starts from now on: the one after any read already under way.
  const std::int64_t wanted = reads_started_ + 1;
  while (reads_finished_ < wanted) {
    if (reading_) {
      position_read_.wait(lock);
      continue;
    }
    reading_ = true;
    const std::int64_t number = ++reads_started_;
    const auto started_at = std::chrono::steady_clock::now();  // the position is the store's as of then
    lock.unlock();
    std::int64_t read = 0;
    try {
      if (!position_store_) position_store_ = store::open_store(location_);
      read = position_store_->change_position();
    } catch (...) {
      lock.lock();
      reading_ = false;
      position_store_.reset();  // a lost connection is opened again by the next read
      position_read_.notify_all();
      throw;
    }
    lock.lock();
    reading_ = false;
    last_position_ = read;
    last_read_at_ = started_at;
    reads_finished_ = number;
    position_read_.notify_all();
  }
  return last_position_;
}

}  // namespace antt::serve
