#include "serve/app.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "serve/api.hpp"
#include "serve/unit_edits.hpp"
#include "serve/ogc_features.hpp"
#include "serve/rate_limit.hpp"
#include "serve/report_route.hpp"
#include "serve/sign_in.hpp"
#include "serve/errors.hpp"
#include "serve/https_redirect.hpp"
#include "serve/tile_routes.hpp"
#include "serve/wmts.hpp"
#include "serve/web.hpp"

namespace antt::serve {
namespace {

/// The map's default TIME (and /health's default_year): this year when the map offers it (today's
/// units, drawn as "no data" until statuses come), else the latest year with a status.
int default_year_of(const std::vector<int>& years, std::optional<int> latest_status) {
  const int this_year = year_of(today());
  if (std::find(years.begin(), years.end(), this_year) != years.end()) return this_year;
  return latest_status.value_or(years.empty() ? 0 : years.back());
}


std::string default_work_dir(const std::string& store_path) {
  if (store::is_postgis_location(store_path)) {
    // Beside a shared database there is no file to sit next to, and each server needs its own
    // render file: one per process under the temporary directory (docs/serve.md names --work-dir).
    std::string database = store_path.substr(store_path.find("://") + 3);
    database = database.substr(database.find('/') == std::string::npos ? database.size() : database.find('/') + 1);
    database = database.substr(0, database.find('?'));
    for (char& c : database)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return (std::filesystem::temp_directory_path() /
            ("anttmap-serve-" + (database.empty() ? std::string("postgis") : database) + "-" + std::to_string(::getpid())))
        .string();
  }
  const auto absolute = std::filesystem::absolute(store_path);
  return (absolute.parent_path() / (absolute.filename().string() + ".serve")).string();
}

mapserver::Box tile_box(int z, int x, int y) {
  const auto box = geo::tile_box(z, x, y);
  return {box.minx, box.miny, box.maxx, box.maxy};
}

nlohmann::json cache_json(const http::TileCacheStats& stats) {
  return {{"entries", stats.entries}, {"bytes", stats.bytes},   {"hits", stats.hits},
          {"disk_hits", stats.disk_hits}, {"misses", stats.misses}, {"evictions", stats.evictions}};
}

std::string read_pem(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (file) text << file.rdbuf();
  if (!file || text.str().find("-----BEGIN") == std::string::npos)
    throw UsageError(std::string("cannot read the TLS ") + what + " " + path + " (a PEM file) / không đọc được tệp TLS");
  return text.str();
}

}  // namespace

WorkDirLock::WorkDirLock(const std::string& work_dir) {
  const auto path = (std::filesystem::path(work_dir) / "lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw UsageError("cannot open " + path + " / không mở được thư mục làm việc");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw UsageError("work directory " + work_dir +
                     " is in use by another anttmap serve or seed; give this one --work-dir DIR / thư mục làm việc "
                     "đang được tiến trình khác dùng");
  }
}

WorkDirLock::~WorkDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

ServeApp::ServeApp(std::string store_path, ServeConfig config, std::shared_ptr<const layers::LayerRegistry> layers,
                   const std::function<void(double)>& progress)
    : store_path_(std::move(store_path)), config_(std::move(config)), layers_(std::move(layers)) {
  logger_ = std::make_shared<const log::Logger>(log::Logger::to_stderr(
      {log::parse_level(config_.log_level).value_or(log::Level::info),
       config_.log_format == "json" ? log::Format::json : log::Format::text}));
  // HTTPS and the address first: a refusal comes before the render file is built.
  if (!config_.tls_cert.empty() || !config_.tls_key.empty()) {
    if (config_.tls_cert.empty() || config_.tls_key.empty())
      throw UsageError("give both --tls-cert and --tls-key / cần cả chứng chỉ và khóa TLS");
    tls_.emplace(read_pem(config_.tls_cert, "certificate"), read_pem(config_.tls_key, "key"));
    if (config_.redirect_http_port == config_.port && config_.port != 0)
      throw UsageError("--redirect-http-port must differ from --port / cổng chuyển hướng phải khác cổng HTTPS");
  } else if (config_.redirect_http_port != 0) {
    throw UsageError("--redirect-http-port sends browsers to HTTPS: give --tls-cert and --tls-key too / cần HTTPS");
  } else if (!is_loopback_bind(config_.bind) && !config_.insecure_http) {
    throw UsageError("serving " + config_.bind +
                     " (beyond this machine) without HTTPS would send keys, passwords and session cookies in clear: "
                     "give --tls-cert and --tls-key, or --insecure-http behind a TLS proxy / cần HTTPS khi phục vụ ra "
                     "mạng");
  }
  if (config_.first_year > year_of(today()))
    throw UsageError("first_year " + std::to_string(config_.first_year) +
                     " is after this year: the server would have no year to serve / first_year sau năm nay");
  if (!store::is_postgis_location(store_path_) && !std::filesystem::exists(store_path_)) {
    throw UsageError("store not found: " + store_path_ + " / không tìm thấy CSDL (anttmap --db PATH init|sample)");
  }
  // Opening the store first checks that it is ours and migrated; the render file reads it.
  auto store = store::open_store(store_path_);
  access_ = std::make_shared<const LayerAccess>(layers_);
  SessionOptions sessions;
  sessions.idle = std::chrono::minutes(config_.session_idle_minutes);
  sessions.absolute = std::chrono::hours(config_.session_hours);
  sessions.secure_cookie = !config_.tls_cert.empty();
  rate_limiter_ = std::make_unique<RateLimiter>(config_.rate_limit_per_minute);
  credentials_ = std::make_unique<Credentials>(*store, sessions, [layers = layers_](const std::string& name) {
    const auto* layer = layers->find(name);
    return layer != nullptr && layer->access == layers::Access::internal;
  });
  if (config_.work_dir.empty()) config_.work_dir = default_work_dir(store_path_);
  // MapServer resolves a relative DATA path against the mapfile's directory, which is inside the work directory.
  config_.work_dir = std::filesystem::absolute(config_.work_dir).string();
  std::filesystem::create_directories(config_.work_dir);
  work_dir_lock_ = std::make_unique<WorkDirLock>(config_.work_dir);
  const auto render_path = (std::filesystem::path(config_.work_dir) / "render.sqlite").string();
  const auto shapefile_dir = (std::filesystem::path(config_.work_dir) / "drawing-shapefiles").string();
  // Invented data (the sample) is marked on every map image the server draws (store::kSyntheticDataMark).
  synthetic_ = store::holds_synthetic_data(*store);
  render_store_ = std::make_unique<mapdata::RenderStore>(std::move(store), layers_, render_path, shapefile_dir);
  if (config_.first_year > 0) render_store_->keep_years_from(config_.first_year);
  render_store_->build_all(progress);
  years_ = render_store_->years();
  default_year_ = default_year_of(years_, render_store_->latest_status_year());
  extent_ = render_store_->extent();

  mapserver::EngineConfig engine_config;
  engine_config.layers = layers_;
  engine_config.public_layers = access_->of_scope(access::DataScope::everyone);
  engine_config.render_path = render_path;
  engine_config.work_dir = config_.work_dir;
  engine_config.online_resource = effective_public_url(config_) + "/wms";
  engine_config.max_image_size = config_.max_image_size;
  engine_config.years = years_;
  engine_config.default_year = default_year_;
  engine_config.shapefiles = [store = render_store_.get()] { return store->shapefiles(); };
  engine_config.sample_mark = synthetic_;
  engine_ = std::make_unique<mapserver::MapEngine>(engine_config);

  http::TileCacheOptions cache_options;
  cache_options.max_bytes = static_cast<std::size_t>(config_.tile_cache_mb) << 20;
  cache_options.directory = config_.cache_dir;
  cache_ = std::make_unique<http::TileCache>(cache_options);
  router_ = make_router();
}

ServeApp::~ServeApp() { stop(); }

void ServeApp::start() {
  if (!tls_ && !is_loopback_bind(config_.bind))
    logger_->warn("serve", "plain HTTP beyond this machine (--insecure-http): put a TLS proxy in front",
                  {{"bind", config_.bind}});
  http::ServerOptions options;
  if (tls_) {
    options.tls_certificate_pem = tls_->first;
    options.tls_key_pem = tls_->second;
  }
  options.bind = config_.bind;
  options.port = config_.port;
  options.threads = config_.threads;
  options.cors_allow = config_.cors_allow;
  options.max_body_bytes = static_cast<std::size_t>(config_.max_body_mb) << 20;
  options.request_head_timeout = std::chrono::seconds(config_.request_head_seconds);
  options.request_time_limit = std::chrono::seconds(config_.request_seconds);
  options.data_generation = [this] { return answers_generation_.load(); };
  options.logger = logger_;
  options.access_log = config_.access_log;
  // Kept answers share their bodies with the tile cache; half its cap bounds what they hold beyond it.
  options.reusable_answers_max_bytes = static_cast<std::size_t>(config_.tile_cache_mb) << 19;
  server_ = std::make_unique<http::Server>(options, router_, &metrics_);
  server_->start();
  if (config_.redirect_http_port != 0) {
    auto redirects = std::make_shared<http::Router>();
    const std::string public_url = config_.public_url.rfind("https://", 0) == 0 ? config_.public_url : "";
    redirects->set_fallback([target = HttpsTarget{public_url, server_->port()}](const http::Request& request) {
      return https_redirect(request, target);
    });
    http::ServerOptions plain;
    plain.bind = config_.bind;
    plain.port = config_.redirect_http_port;
    plain.threads = 1;
    plain.max_body_bytes = std::size_t{64} << 10;  // nothing is read here: a redirect follows any body
    plain.logger = logger_;
    redirect_server_ = std::make_unique<http::Server>(plain, redirects);
    try {
      redirect_server_->start();
    } catch (...) {
      server_.reset();
      throw;
    }
  }
  {
    std::lock_guard lock(watch_mutex_);
    stopping_ = false;
  }
  watcher_ = std::thread([this] { watch(); });
}

void ServeApp::stop() {
  {
    std::lock_guard lock(watch_mutex_);
    stopping_ = true;
  }
  watch_wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (redirect_server_) redirect_server_->stop();
  redirect_server_.reset();
  if (server_) server_->stop();
  server_.reset();
}

int ServeApp::port() const { return server_ ? server_->port() : config_.port; }

std::vector<int> ServeApp::years() const {
  std::lock_guard lock(state_mutex_);
  return years_;
}
int ServeApp::default_year() const {
  std::lock_guard lock(state_mutex_);
  return default_year_;
}
std::optional<mapdata::Box> ServeApp::extent() const {
  std::lock_guard lock(state_mutex_);
  return extent_;
}

mapdata::RefreshResult ServeApp::refresh() {
  std::lock_guard refresh_lock(refresh_mutex_);
  const auto started = std::chrono::steady_clock::now();
  auto result = render_store_->refresh();
  if (result.topics.count(store::ChangeTopic::account) != 0) {
    credentials_->reload(*store::open_store(store_path_));  // a revoked key stops working now
    logger_->info("serve", "API keys read again", {{"keys", credentials_->key_count()}});
  }
  if (result.changed && logger_->enabled(log::Level::debug))
    logger_->debug("serve", "store changed", {{"position", result.position}, {"dirty", result.dirty.size()}});
  // Answers the HTTP server keeps are dropped on every way out once data changed, also when a
  // step below throws: the store's refresh has moved on, so no later refresh would drop them.
  struct DropKeptAnswers {
    std::atomic<std::uint64_t>* generation;
    ~DropKeptAnswers() {
      if (generation != nullptr) generation->fetch_add(1);
    }
  } drop_kept_answers{result.changed ? &answers_generation_ : nullptr};
  if (result.changed) {
    for (const auto& dirty : result.dirty) {
      cache_->invalidate(dirty.layer, dirty.year, {dirty.box.minx, dirty.box.miny, dirty.box.maxx, dirty.box.maxy});
    }
    const auto years = render_store_->years();
    const int latest = default_year_of(years, render_store_->latest_status_year());
    {
      std::lock_guard lock(state_mutex_);
      const bool years_changed = years != years_;
      years_ = years;
      default_year_ = latest;
      extent_ = render_store_->extent();
      // A new year changes the default TIME of every cached default-year tile.
      if (years_changed) cache_->invalidate_all();
    }
    answers_generation_.fetch_add(1);  // at once: the tile cache already has the new data
    engine_->data_changed(years, latest);  // new years' mapfile: dropped again on the way out
  }
  change_position_ = result.position;
  const auto took = std::chrono::steady_clock::now() - started;
  last_refresh_ms_ = std::chrono::duration<double, std::milli>(took).count();
  if (result.changed) metrics_.record_data_refresh(took);
  return result;
}

void ServeApp::watch() {
  // A PostGIS store announces every change (LISTEN/NOTIFY): the watcher then wakes as soon as any
  // server, the CLI or plain SQL commits, instead of at the next poll; it still looks every
  // poll interval, and falls back to polling alone if it cannot listen.
  std::unique_ptr<store::Store> listener;
  if (store::is_postgis_location(store_path_)) {
    try {
      listener = store::open_store(store_path_);
    } catch (const std::exception& error) {
      logger_->warn("serve", "cannot listen for changes; polling instead", {{"reason", error.what()}});
    }
  }
  const auto interval = std::chrono::milliseconds(config_.poll_interval_ms);
  bool refresh_failed = false;  // then wait the interval: the store's position stays ahead of ours
  std::unique_lock lock(watch_mutex_);
  while (!stopping_) {
    if (listener && !refresh_failed) {
      lock.unlock();
      try {
        listener->wait_for_change(change_position_.load(), interval);
      } catch (const std::exception& error) {
        logger_->warn("serve", "lost the change channel; polling instead", {{"reason", error.what()}});
        listener.reset();
      }
      lock.lock();
    } else {
      watch_wake_.wait_for(lock, interval);
    }
    if (stopping_) break;
    lock.unlock();
    try {
      refresh();
      refresh_failed = false;
    } catch (const std::exception& error) {
      // The server keeps serving the last good data; the next poll tries again.
      logger_->error("serve", "refresh failed; serving the last good data", {{"reason", error.what()}});
      refresh_failed = true;
    }
    lock.lock();
  }
}

http::Response ServeApp::tile(const TileAddress& address, access::DataScope scope) {
  return http::resolved(answer_tile(address, scope));
}

http::Response ServeApp::answer_tile(const TileAddress& address, access::DataScope scope) {
  // Each data scope has its own tiles: a public request never gets bytes drawn for another scope.
  const http::TileKey key{std::string(access::to_string(scope)), address.layer, address.time.year,
                          address.time.whole_year() ? 0 : address.time.date,
                          address.z, address.x, address.y, address.variant};
  if (config_.tile_cache) {
    if (auto cached = cache_->get(key)) {
      metrics_.record_tile_cache(true);
      http::Response response;
      response.content_type = cached->content_type;
      response.body = cached->body;
      response.headers["ETag"] = cached->etag;
      response.headers["Cache-Control"] = "no-cache";
      response.reusable = true;  // a function of the URL, the data and the scope (kept only for the public)
      response.reused = [cache = cache_.get(), key] { cache->touch(key); };
      return response;
    }
    metrics_.record_tile_cache(false);
  }
  // A hit is answered on the I/O thread; a render goes to the server's workers.
  return http::Response::deferred([this, address, key] { return render_tile(address, key); });
}

http::Response ServeApp::render_tile(const TileAddress& address, const http::TileKey& key) {
  const bool vector = address.variant == "mvt";
  const auto generation = cache_->generation();
  const auto render_started = std::chrono::steady_clock::now();
  mapserver::EngineResponse rendered;
  try {
    if (vector) {
      rendered = engine_->render_mvt(address.layer, address.z, address.x, address.y, address.time);
    } else {
      mapserver::ImageRequest request;
      request.layers = {address.layer};
      request.bbox = tile_box(address.z, address.x, address.y);
      request.epsg = 3857;
      const bool retina = address.variant == "png@2x";
      request.width = request.height = retina ? 512 : 256;
      request.resolution = retina ? 144 : 72;
      request.time = address.time;
      rendered = engine_->render_image(request);
    }
  } catch (const RequestError& error) {
    return json_error_response(error);
  }
  metrics_.record_render(std::chrono::steady_clock::now() - render_started, rendered.status != 200);
  if (rendered.status != 200) {
    return http::Response::json_error(rendered.status, rendered.body);
  }
  auto body = std::make_shared<const std::string>(std::move(rendered.body));
  auto cached = std::make_shared<http::CachedTile>();
  cached->body = body;
  cached->content_type = rendered.content_type;
  cached->etag = http::tile_etag(*body, key.scope);
  if (config_.tile_cache) cache_->put(key, cached, generation);
  http::Response response;
  response.content_type = cached->content_type;
  response.body = body;
  response.headers["ETag"] = cached->etag;
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

Years ServeApp::years_now() const {
  std::lock_guard lock(state_mutex_);
  return {years_, default_year_};
}

std::shared_ptr<http::Router> ServeApp::make_router() {
  auto router = std::make_shared<http::Router>();
  const std::string base_url = effective_public_url(config_);
  auto years = [this] { return years_now(); };
  auto extent = [this] { return this->extent(); };
  auto tile = [this](const TileAddress& address, access::DataScope scope) { return answer_tile(address, scope); };
  // Who asks, then how often: a refused credential is not counted against the address's budget.
  // A POST or PUT passes the gate twice (before its body is read, then before its handler): it is
  // counted once, before the body, so a client over its budget never has its upload read.
  router->set_gate([this](http::Request& request, http::GateStage stage) -> std::optional<http::Response> {
    if (auto refused = credentials_->identify(request)) return refused;
    if (stage == http::GateStage::before_handler && http::carries_body(request.method)) return std::nullopt;
    return rate_limiter_->check(request);
  });

  // The details of /health and /metrics are for admins and for this machine; no answer names a path.
  auto operator_only = [](const http::Request& request) {
    return request.caller.is_admin() || (request.from_loopback() && !request.caller.signed_in());
  };
  router->get("/health", [this, operator_only](const http::Request& request) {
    if (!operator_only(request)) return http::Response::json(200, nlohmann::json{{"status", "ok"}}.dump());
    const auto now = years_now();
    nlohmann::json body{{"status", "ok"},
                        {"years", now.all},
                        {"default_year", now.default_year},
                        {"change_position", change_position_.load()},
                        {"last_refresh_ms", last_refresh_ms_.load()},
                        {"tile_cache", cache_json(cache_->stats())}};
    return http::Response::json(200, body.dump());
  });
  router->get("/metrics", [this, operator_only](const http::Request& request) {
    if (!operator_only(request)) return json_error_response(not_allowed(request.caller, "/metrics"));
    return http::Response::text(200, metrics_.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // WMS: the map engine checks the request (mapserver/wms_guard.hpp) and answers OGC exceptions.
  router->get("/wms", [this](const http::Request& request) {
    try {
      require_wms_within_token_box(request.caller, request.params);
    } catch (const RequestError& refused) {
      return json_error_response(refused);
    }
    const mapserver::WmsAudience audience{request.caller.reads_internal(), request.caller.signed_in(),
                                          request.caller.only_layers};
    return http::Response::deferred([this, params = request.params, audience] {
      const auto answer = engine_->wms(params, audience);
      http::Response response = http::Response::text(answer.status, answer.body, answer.content_type);
      response.headers["Cache-Control"] = "no-cache";
      if (answer.status == 401) response.headers["WWW-Authenticate"] = "Bearer realm=\"anttmap\"";
      return response;
    });
  });
  register_tile_routes(*router, {access_, base_url, years, extent, tile});
  register_wmts_routes(*router, {access_, base_url, years, extent, tile});
  // One set of read connections, and of values kept per change position, for OGC Features, /api and the write API.
  auto reads = std::make_shared<StoreReads>(store_path_, 8, std::chrono::milliseconds(config_.max_answer_age_ms));
  register_ogc_features(*router, [this, base_url, reads](const http::Request& request) {
    if (const auto id = request.path_params.find("collectionId"); id != request.path_params.end())
      access_->require_visible(request.caller, id->second);
    return OgcContext{access_->visible_to(request.caller), base_url, reads, years_now(), synthetic_};
  });
  register_api(*router, {access_, store_path_, extent, 8, reads});
  register_unit_edits(*router, {store_path_, base_url, reads});
  // Read at start: a bad letterhead stops the server here, not a report later.
  const report::Letterhead letterhead =
      config_.report_letterhead.empty() ? report::Letterhead{} : report::read_letterhead(config_.report_letterhead);
  add_report_route(*router, {store_path_, engine_.get(), config_.max_image_size, {}, letterhead});
  register_web_routes(*router, {access_, years, [this](const http::Request& request) {
                                  return credentials_->csrf_of(request);
                                }});
  register_sign_in_routes(*router, *credentials_);
  return router;
}

}  // namespace antt::serve
