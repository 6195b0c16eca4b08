#pragma once
// `anttmap serve` assembled: the render file (derived from the store), the map engine, the tile
// cache, the metrics and the one router; a watcher thread applies the store's changes to the
// render file and drops exactly the cached tiles they touched.
#include <atomic>
#include <functional>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "antt/core/log.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "http/http.hpp"
#include "http/metrics.hpp"
#include "http/tile_cache.hpp"
#include "mapserver/engine.hpp"
#include "serve/access_control.hpp"
#include "serve/config.hpp"
#include "serve/rate_limit.hpp"
#include "serve/params.hpp"
#include "serve/tile_routes.hpp"

namespace antt::serve {

/// An exclusive lock on the work directory: two servers (or a server and `seed`) sharing one
/// render file would rebuild it under each other.
class WorkDirLock {
 public:
  explicit WorkDirLock(const std::string& work_dir);
  ~WorkDirLock();
  WorkDirLock(const WorkDirLock&) = delete;
  WorkDirLock& operator=(const WorkDirLock&) = delete;

 private:
  int fd_ = -1;
};

class ServeApp {
 public:
  /// Builds the render file from the store and the engine; `progress` reports the build.
  ServeApp(std::string store_path, ServeConfig config, std::shared_ptr<const layers::LayerRegistry> layers,
           const std::function<void(double)>& progress = {});
  ~ServeApp();
  ServeApp(const ServeApp&) = delete;
  ServeApp& operator=(const ServeApp&) = delete;

  /// Starts the HTTP server and the watcher; returns at once. Throws if the port is taken.
  void start();
  void stop();
  int port() const;

  const http::Router& router() const { return *router_; }
  /// Renders (or takes from the scope's cache) one tile; throws RequestError for bad addresses.
  http::Response tile(const TileAddress& address, access::DataScope scope = access::DataScope::everyone);
  /// Applies pending store changes now (the watcher does this every poll interval).
  mapdata::RefreshResult refresh();

  std::vector<int> years() const;
  int default_year() const;
  /// The years and the default one, read together.
  Years years_now() const;
  std::optional<mapdata::Box> extent() const;
  const ServeConfig& config() const { return config_; }

 private:
  void watch();
  std::shared_ptr<http::Router> make_router();
  /// The cached tile, or a deferred render (Response::deferred) for the server's workers.
  http::Response answer_tile(const TileAddress& address, access::DataScope scope);
  http::Response render_tile(const TileAddress& address, const http::TileKey& key);

  std::string store_path_;
  ServeConfig config_;
  std::shared_ptr<const layers::LayerRegistry> layers_;
  std::shared_ptr<const LayerAccess> access_;  ///< each caller's layers
  std::unique_ptr<RateLimiter> rate_limiter_;   ///< requests per caller, and per address for the public
  std::unique_ptr<Credentials> credentials_;   ///< the keys, accounts and sessions the gate accepts
  std::optional<std::pair<std::string, std::string>> tls_;  ///< certificate and key (PEM) when serving HTTPS
  std::unique_ptr<WorkDirLock> work_dir_lock_;
  std::unique_ptr<mapdata::RenderStore> render_store_;
  std::unique_ptr<mapserver::MapEngine> engine_;
  std::unique_ptr<http::TileCache> cache_;
  http::Metrics metrics_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Server> redirect_server_;  ///< --redirect-http-port: plain HTTP sent on to HTTPS

  std::shared_ptr<const log::Logger> logger_;
  mutable std::mutex state_mutex_;  ///< guards years_, default_year_, extent_, refresh
  std::vector<int> years_;
  int default_year_ = 0;
  bool synthetic_ = false;  ///< the store holds invented data (store::holds_synthetic_data), read at start
  std::optional<mapdata::Box> extent_;
  std::mutex refresh_mutex_;

  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool stopping_ = false;
  std::thread watcher_;
  std::atomic<std::int64_t> change_position_{0};
  /// Bumped by every refresh that changed data: answers the HTTP server keeps are of one generation.
  std::atomic<std::uint64_t> answers_generation_{1};
  std::atomic<double> last_refresh_ms_{0};
};

}  // namespace antt::serve
