#include "serve/store_pool.hpp"

namespace antt::serve {

std::int64_t StoreReads::position() {
  std::unique_lock lock(position_mutex_);
  // A read that starts from now on: the one after any read already under way.
  const std::int64_t wanted = reads_started_ + 1;
  while (reads_finished_ < wanted) {
    if (reading_) {
      position_read_.wait(lock);
      continue;
    }
    reading_ = true;
    const std::int64_t number = ++reads_started_;
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
    reads_finished_ = number;
    position_read_.notify_all();
  }
  return last_position_;
}

}  // namespace antt::serve
