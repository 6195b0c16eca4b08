#pragma once
// Store connections for the server's request threads: a pool of read connections (a Store is used
// by one thread at a time), and what they read kept per change position of the store.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
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
    const store::Store* operator->() const { return store_.get(); }

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

/// What the request threads read from the store, kept until its change position moves (a write by
/// anyone: this server, another one, the CLI, QGIS, plain SQL).
///
/// position() reads the change position once for all the requests waiting at that moment, with a
/// read that began after each of them came: an answer is never older than the store was when its
/// request came in, and under load one round trip (PostGIS: to the database server) serves many.
/// cached(key, read) computes read(store) once per position and shares it (at most kMaxKept values;
/// beyond them, computed per request).
class StoreReads {
 public:
  static constexpr std::size_t kMaxKept = 4096;

  /// `max_age` > 0: a position read less than this long ago serves without a new read (answers may
  /// then lag a write by up to `max_age`; ServeConfig::max_answer_age_ms).
  StoreReads(std::string location, std::size_t connections,
             std::chrono::milliseconds max_age = std::chrono::milliseconds(0))
      : location_(location), max_age_(max_age), pool_(std::move(location), connections) {}

  std::int64_t position();
  StorePool& pool() { return pool_; }

  template <typename T, typename Read>
  std::shared_ptr<const T> cached(const std::string& key, Read&& read) {
    const std::int64_t at = position();
    {
      std::lock_guard lock(values_mutex_);
      if (at > values_position_) {  // the store moved: everything kept is older
        values_.clear();
        values_position_ = at;
      }
      if (auto found = values_.find(key); found != values_.end()) return std::static_pointer_cast<const T>(found->second);
    }
    std::shared_ptr<const T> value;
    {
      auto lease = pool_.acquire();
      value = std::make_shared<const T>(read(*lease));
    }
    std::lock_guard lock(values_mutex_);
    // Read after `at` was: at least as new as `at`; kept only while `at` is the newest position seen.
    if (values_position_ == at && values_.size() < kMaxKept) values_.emplace(key, value);
    return value;
  }

 private:
  std::string location_;
  std::chrono::milliseconds max_age_;
  StorePool pool_;

  std::mutex position_mutex_;  ///< guards the five below
  std::condition_variable position_read_;
  std::int64_t reads_started_ = 0, reads_finished_ = 0, last_position_ = 0;
  std::chrono::steady_clock::time_point last_read_at_;
  bool reading_ = false;
  std::unique_ptr<store::Store> position_store_;  ///< used by the one thread reading, opened on first use

  std::mutex values_mutex_;
  std::int64_t values_position_ = -1;
  std::unordered_map<std::string, std::shared_ptr<const void>> values_;
};

}  // namespace antt::serve
