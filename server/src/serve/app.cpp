#include "serve/app.hpp"

#include <chrono>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "serve/api.hpp"
#include "serve/ogc_features.hpp"
#include "serve/report_route.hpp"
#include "serve/tilejson.hpp"
#include "serve/wmts.hpp"
#include "serve/web.hpp"
#include <variant>
#include <algorithm>

namespace antt::serve {
namespace {

constexpr const char* kTileScope = "public";  // roles (a later issue) get their own scopes

std::string default_work_dir(const std::string& store_path) {
  const auto absolute = std::filesystem::absolute(store_path);
  return (absolute.parent_path() / (absolute.filename().string() + ".serve")).string();
}

mapserver::Box tile_box(int z, int x, int y) {
  const auto box = geo::tile_box(z, x, y);
  return {box.minx, box.miny, box.maxx, box.maxy};
}

/// Parses a whole non-negative decimal integer; nullopt for anything else.
std::optional<int> parse_index(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool valid_date(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

http::Response request_error(const std::string& reason) { return http::Response::json_error(400, reason); }

nlohmann::json cache_json(const http::TileCacheStats& stats) {
  return {{"entries", stats.entries}, {"bytes", stats.bytes},   {"hits", stats.hits},
          {"disk_hits", stats.disk_hits}, {"misses", stats.misses}, {"evictions", stats.evictions}};
}

http::Response wmts_error_response(const WmtsError& error) {
  return http::Response::text(error.http_status(), wmts_exception(error.code(), error.locator(), error.what()),
                              "application/xml");
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
  if (!std::filesystem::exists(store_path_)) {
    throw UsageError("store not found: " + store_path_ + " / không tìm thấy CSDL (anttmap --db PATH init|sample)");
  }
  // Opening the store first checks that it is ours and migrated; the render file reads it.
  auto store = store::open_store(store_path_);
  if (config_.work_dir.empty()) config_.work_dir = default_work_dir(store_path_);
  // MapServer resolves a relative DATA path against the mapfile's directory, which is inside the work directory.
  config_.work_dir = std::filesystem::absolute(config_.work_dir).string();
  std::filesystem::create_directories(config_.work_dir);
  work_dir_lock_ = std::make_unique<WorkDirLock>(config_.work_dir);
  const auto render_path = (std::filesystem::path(config_.work_dir) / "render.sqlite").string();
  const auto shapefile_dir = (std::filesystem::path(config_.work_dir) / "drawing-shapefiles").string();
  render_store_ = std::make_unique<mapdata::RenderStore>(std::move(store), layers_, render_path, shapefile_dir);
  render_store_->build_all(progress);
  years_ = render_store_->years();
  default_year_ = render_store_->latest_status_year().value_or(years_.empty() ? 0 : years_.back());
  extent_ = render_store_->extent();

  mapserver::EngineConfig engine_config;
  engine_config.layers = layers_;
  engine_config.render_path = render_path;
  engine_config.work_dir = config_.work_dir;
  engine_config.online_resource = effective_public_url(config_) + "/wms";
  engine_config.max_image_size = config_.max_image_size;
  engine_config.years = years_;
  engine_config.default_year = default_year_;
  engine_config.shapefiles = [store = render_store_.get()] { return store->shapefiles(); };
  engine_ = std::make_unique<mapserver::MapEngine>(engine_config);

  http::TileCacheOptions cache_options;
  cache_options.max_bytes = static_cast<std::size_t>(config_.tile_cache_mb) << 20;
  cache_options.directory = config_.cache_dir;
  cache_ = std::make_unique<http::TileCache>(cache_options);
  router_ = make_router();
}

ServeApp::~ServeApp() { stop(); }

void ServeApp::start() {
  http::ServerOptions options;
  options.bind = config_.bind;
  options.port = config_.port;
  options.threads = config_.threads;
  options.cors_allow = config_.cors_allow;
  options.max_body_bytes = static_cast<std::size_t>(config_.max_body_mb) << 20;
  options.data_generation = [this] { return answers_generation_.load(); };
  // Kept answers share their bodies with the tile cache; half its cap bounds what they hold beyond it.
  options.reusable_answers_max_bytes = static_cast<std::size_t>(config_.tile_cache_mb) << 19;
  server_ = std::make_unique<http::Server>(options, router_, &metrics_);
  server_->start();
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
    const int latest = render_store_->latest_status_year().value_or(years.empty() ? 0 : years.back());
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
  last_refresh_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void ServeApp::watch() {
  std::unique_lock lock(watch_mutex_);
  while (!stopping_) {
    watch_wake_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms));
    if (stopping_) break;
    lock.unlock();
    try {
      refresh();
    } catch (const std::exception& error) {
      // The server keeps serving the last good data; the next poll tries again.
      std::fprintf(stderr, "anttmap serve: refresh failed: %s\n", error.what());
    }
    lock.lock();
  }
}

http::Response ServeApp::tile(const TileAddress& address) { return http::resolved(answer_tile(address)); }

http::Response ServeApp::answer_tile(const TileAddress& address) {
  const http::TileKey key{kTileScope, address.layer, address.time.year,
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
      response.reusable = true;  // a function of the URL and the data (one access scope so far)
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
  } catch (const mapserver::RequestError& error) {
    return request_error(error.what());
  }
  metrics_.record_render(std::chrono::steady_clock::now() - render_started, rendered.status != 200);
  if (rendered.status != 200) {
    return http::Response::json_error(rendered.status, rendered.body);
  }
  auto body = std::make_shared<const std::string>(std::move(rendered.body));
  auto cached = std::make_shared<http::CachedTile>();
  cached->body = body;
  cached->content_type = rendered.content_type;
  cached->etag = http::strong_etag(*body);
  if (config_.tile_cache) cache_->put(key, cached, generation);
  http::Response response;
  response.content_type = cached->content_type;
  response.body = body;
  response.headers["ETag"] = cached->etag;
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

std::shared_ptr<http::Router> ServeApp::make_router() {
  auto router = std::make_shared<http::Router>();
  const std::string base_url = effective_public_url(config_);

  // TIME of a request: ?year=YYYY, or ?time= / ?date= with YYYY or YYYY-MM-DD; default the latest year.
  auto time_of = [this](const http::Request& request) -> std::variant<mapserver::TimeFilter, std::string> {
    auto text = request.param("year");
    if (!text) text = request.param("time");
    if (!text) text = request.param("date");
    const auto years = this->years();
    mapserver::TimeFilter time;
    if (!text || text->empty()) {
      time.year = default_year();
      time.date = time.year * 10000 + 1231;
      return time;
    }
    int month = 12, day = 31;
    const std::string& value = *text;
    std::optional<int> year;
    if (value.size() == 4) {
      year = parse_index(value);
    } else if (value.size() == 10 && value[4] == '-' && value[7] == '-') {
      year = parse_index(value.substr(0, 4));
      auto m = parse_index(value.substr(5, 2));
      auto d = parse_index(value.substr(8, 2));
      if (!m || !d || !year || !valid_date(*year, *m, *d)) year.reset();
      else month = *m, day = *d;
    }
    if (!year) return std::string("year/time must be YYYY or YYYY-MM-DD / năm phải có dạng YYYY hoặc YYYY-MM-DD");
    if (std::find(years.begin(), years.end(), *year) == years.end()) {
      return "no data for year " + std::to_string(*year) + " (available " +
             (years.empty() ? std::string("none") : std::to_string(years.front()) + "-" + std::to_string(years.back())) +
             ") / không có dữ liệu năm này";
    }
    time.year = *year;
    time.date = *year * 10000 + month * 100 + day;
    return time;
  };

  auto tile_handler = [this, time_of](const http::Request& request, const std::string& layer, const std::string& z_text,
                                      const std::string& x_text, const std::string& y_file) -> http::Response {
    if (!layers_->find(layer)) return http::Response::json_error(404, "unknown layer '" + layer + "' / không có lớp này");
    TileAddress address;
    address.layer = layer;
    std::string y_text = y_file;
    if (y_text.ends_with("@2x.png")) {
      address.variant = "png@2x";
      y_text.resize(y_text.size() - 7);
    } else if (y_text.ends_with(".png")) {
      address.variant = "png";
      y_text.resize(y_text.size() - 4);
    } else if (y_text.ends_with(".mvt") || y_text.ends_with(".pbf")) {
      address.variant = "mvt";
      y_text.resize(y_text.size() - 4);
    } else {
      return http::Response::json_error(404, "tiles end in .png, @2x.png or .mvt / ô bản đồ phải là .png hoặc .mvt");
    }
    const auto z = parse_index(z_text), x = parse_index(x_text), y = parse_index(y_text);
    if (!z || !x || !y || *z > 22) return request_error("z/x/y must be integers, z 0-22 / z, x, y phải là số nguyên");
    const long long size = 1LL << *z;
    if (*x >= size || *y >= size) return request_error("tile outside the zoom level / ô nằm ngoài mức thu phóng");
    address.z = *z, address.x = *x, address.y = *y;
    auto time = time_of(request);
    if (auto* reason = std::get_if<std::string>(&time)) return request_error(*reason);
    address.time = std::get<mapserver::TimeFilter>(time);
    return answer_tile(address);
  };

  router->get("/health", [this](const http::Request&) {
    nlohmann::json body{{"status", "ok"},
                        {"store", store_path_},
                        {"years", years()},
                        {"default_year", default_year()},
                        {"change_position", change_position_.load()},
                        {"last_refresh_ms", last_refresh_ms_.load()},
                        {"tile_cache", cache_json(cache_->stats())}};
    return http::Response::json(200, body.dump());
  });
  router->get("/metrics", [this](const http::Request&) {
    return http::Response::text(200, metrics_.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  router->get("/wms", [this](const http::Request& request) {
    return http::Response::deferred([this, params = request.params] {
      const auto answer = engine_->wms(params);
      http::Response response = http::Response::text(answer.status, answer.body, answer.content_type);
      response.headers["Cache-Control"] = "no-cache";
      return response;
    });
  });
  router->get("/tiles/{layer}/{z}/{x}/{y}", [tile_handler](const http::Request& request) {
    return tile_handler(request, request.path_params.at("layer"), request.path_params.at("z"),
                        request.path_params.at("x"), request.path_params.at("y"));
  });
  // TileJSON: /tiles/{layer}.json (raster) and /tiles/{layer}.mvt.json? -> /tiles/{layer}/vector.json
  auto tilejson_handler = [this, base_url, time_of](const http::Request& request, std::string name, bool vector) {
    const auto* layer = layers_->find(name);
    if (!layer) return http::Response::json_error(404, "unknown layer '" + name + "' / không có lớp này");
    auto time = time_of(request);
    if (auto* reason = std::get_if<std::string>(&time)) return request_error(*reason);
    return http::Response::json(200, tilejson(base_url, *layer, std::get<mapserver::TimeFilter>(time).year, vector,
                                              extent()));
  };
  router->get("/tiles/{layer}", [tilejson_handler](const http::Request& request) {
    std::string name = request.path_params.at("layer");
    if (!name.ends_with(".json")) return http::Response::json_error(404, "see /tiles/{layer}.json");
    name.resize(name.size() - 5);
    return tilejson_handler(request, name, false);
  });
  router->get("/tiles/{layer}/tilejson.json", [tilejson_handler](const http::Request& request) {
    return tilejson_handler(request, request.path_params.at("layer"), false);
  });
  router->get("/tiles/{layer}/vector.json", [tilejson_handler](const http::Request& request) {
    return tilejson_handler(request, request.path_params.at("layer"), true);
  });

  // WMTS 1.0.0: KVP at /wmts, RESTful capabilities and tiles under /wmts/.
  auto wmts_context = [this, base_url] {
    return WmtsContext{layers_.get(), base_url, years(), default_year(), extent()};
  };
  auto wmts_tile = [this](const WmtsTileRequest& wmts, const mapserver::TimeFilter& fallback) {
    TileAddress address;
    address.layer = wmts.layer;
    address.z = wmts.zoom, address.x = wmts.col, address.y = wmts.row;
    address.variant = "png";
    address.time = wmts.time ? TimeFilter::of_year(*wmts.time) : fallback;
    return answer_tile(address);
  };
  router->get("/wmts", [this, wmts_context, wmts_tile](const http::Request& request) {
    try {
      if (wmts_kvp_operation(request) == WmtsOperation::get_capabilities) {
        return http::Response::text(200, wmts_capabilities(wmts_context()), "application/xml");
      }
      const auto wmts = parse_wmts_kvp(request, *layers_, years());
      const int year = default_year();
      return wmts_tile(wmts, TimeFilter::of_year(year));
    } catch (const WmtsError& error) {
      return wmts_error_response(error);
    }
  });
  router->get("/wmts/1.0.0/WMTSCapabilities.xml", [wmts_context](const http::Request&) {
    return http::Response::text(200, wmts_capabilities(wmts_context()), "application/xml");
  });
  router->get("/wmts/{layer}/{style}/{time}/{matrixset}/{z}/{row}/{col}",
              [this, wmts_tile](const http::Request& request) {
                // The RESTful form goes through the same validation as KVP.
                http::Request kvp;
                std::string col = request.path_params.at("col");
                std::string format = "image/png";
                if (col.ends_with(".png")) col.resize(col.size() - 4);
                else format = "unsupported";
                kvp.params = {{"SERVICE", "WMTS"},
                              {"REQUEST", "GetTile"},
                              {"VERSION", "1.0.0"},
                              {"LAYER", request.path_params.at("layer")},
                              {"STYLE", request.path_params.at("style")},
                              {"FORMAT", format},
                              {"TILEMATRIXSET", request.path_params.at("matrixset")},
                              {"TILEMATRIX", request.path_params.at("z")},
                              {"TILEROW", request.path_params.at("row")},
                              {"TILECOL", col},
                              {"TIME", request.path_params.at("time")}};
                try {
                  const auto wmts = parse_wmts_kvp(kvp, *layers_, years());
                  const int year = default_year();
                  return wmts_tile(wmts, TimeFilter::of_year(year));
                } catch (const WmtsError& error) {
                  return wmts_error_response(error);
                }
              });

  // OGC API Features: the context is rebuilt per request, so new years show at once.
  auto ogc = [this, base_url](http::Response (*handler)(const http::Request&, const OgcContext&)) {
    return [this, base_url, handler](const http::Request& request) {
      OgcContext context;
      context.layers = layers_;
      context.base_url = base_url;
      context.open_store = [this] { return store::open_store(store_path_); };
      context.years = years();
      context.default_year = default_year();
      return handler(request, context);
    };
  };
  router->get("/ogc", ogc(&ogc_landing_page));
  router->get("/ogc/conformance", ogc(&ogc_conformance));
  router->get("/ogc/collections", ogc(&ogc_collections));
  router->get("/ogc/collections/{collectionId}", ogc(&ogc_collection));
  router->get("/ogc/collections/{collectionId}/items", ogc(&ogc_items));
  router->get("/ogc/collections/{collectionId}/items/{featureId}", ogc(&ogc_item));
  register_api(*router, {layers_, store_path_, [this] { return extent(); }});
  add_report_route(*router, {store_path_, engine_.get(), config_.max_image_size, {}});
  register_web_routes(*router, {layers_, [this] { return years(); }});
  return router;
}

}  // namespace antt::serve
