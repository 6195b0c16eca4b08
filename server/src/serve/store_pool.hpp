#pragma once
// Store connections for the server's request threads: a pool of read connections (a Store is used
// by one thread at a time) and the store's change position, read on a connection of its own.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::serve {

/// Read connections to the store, one per concurrent request, reused between requests
/// (opening one loads SpatiaLite and checks the schema). A Store is used by one thread at a time.
class StorePool {
 public:
  StorePool(std::string path, std::size_t keep) : path_(std::move(path)), keep_(keep) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store) : pool_(pool), store_(std::move(store)) {}
    ~Lease() { pool_.release(std::move(store_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    const store::Store& operator*() const { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<store::Store> store_;
  };

  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<store::Store> store = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(store));
      }
    }
    return Lease(*this, store::open_store(path_));
  }

 private:
  void release(std::unique_ptr<store::Store> store) noexcept {
    try {
      std::lock_guard lock(mutex_);
      if (idle_.size() < keep_) idle_.push_back(std::move(store));
    } catch (...) {
      // out of memory: the connection closes instead
    }
  }

  std::string path_;
  std::size_t keep_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

/// The store's change position, read on a connection of our own: it moves with every write, from
/// any client (the CLI, QGIS, plain SQL), so a cache keyed on it is never older than the store.
class ChangePosition {
 public:
  explicit ChangePosition(const std::string& location) : store_(store::open_store(location)) {}

  std::int64_t current() const {
    std::lock_guard lock(mutex_);
    return store_->change_position();
  }

 private:
  std::unique_ptr<store::Store> store_;
  mutable std::mutex mutex_;
};

}  // namespace antt::serve
