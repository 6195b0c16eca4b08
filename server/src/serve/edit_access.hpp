#pragma once
// What every write over the network shares (docs/api.md, "Editing"): one writer connection to the
// store used one write at a time, the rule that only editors (inside their scope) and admins write,
// and the attribution of a write to the signed-in account and its client.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "antt/access/access.hpp"
#include "antt/store/store.hpp"
#include "http/http.hpp"
#include "serve/store_pool.hpp"

namespace antt::serve {

/// The server's one writer connection, opened on first use. SQLite has one writer at a time
/// anyway; the mutex keeps the server's own writes from queueing on SQLite's busy handler.
class StoreWriter {
 public:
  explicit StoreWriter(std::string store_path) : store_path_(store_path), readers_(std::move(store_path), 8) {}

  /// Runs `work(store)` on a read connection of its own: reads do not queue behind the writer (with
  /// PostGIS each statement is a round trip to the database server).
  template <typename Work>
  auto read(Work&& work) {
    auto lease = readers_.acquire();
    return work(*lease);
  }

  /// Runs `work(store)` holding the writer; returns what it returns.
  template <typename Work>
  auto with(Work&& work) {
    std::lock_guard lock(mutex_);
    if (!store_) store_ = store::open_store(store_path_);
    return work(*store_);
  }

 private:
  std::string store_path_;
  StorePool readers_;
  std::mutex mutex_;
  std::unique_ptr<store::Store> store_;
};

/// 401/403 (a RequestError) unless `caller` is a signed-in editor or admin; `what` names the write.
void require_editor(const access::Caller& caller, const std::string& what);

/// True when `unit` or one of its parents on `date` is among the caller's scope codes (admins:
/// always).
bool within_scope(const store::Store& units, const store::UnitVersion& unit, const std::string& date,
                  const access::Caller& caller);

/// 404 for an unknown code, 400 for a year the unit did not exist (31 December), 403 outside the
/// caller's scope.
void require_unit_in_scope(const store::Store& writer, const std::string& code, int year,
                           const access::Caller& caller);

/// The caller's scope codes, comma-separated, for messages.
std::string scope_text(const access::Caller& caller);

/// The audit's account and client of a write made by `request`.
store::Actor actor_of(const http::Request& request);

/// The client a write came from, for the audit: the X-Anttmap-Client header when it names one of
/// web, qgis, api; else qgis for QGIS's User-Agent, web for a browser session, api otherwise.
std::string client_of(const http::Request& request);

}  // namespace antt::serve
