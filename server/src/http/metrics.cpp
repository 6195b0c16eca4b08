#include "http/metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

namespace antt::http {
namespace {

std::string escape_label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped.push_back('\\');
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(c);
  }
  return escaped;
}

std::string seconds(std::uint64_t nanoseconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", static_cast<double>(nanoseconds) / 1e9);
  return text;
}

std::string bucket_bound(double bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", bound);
  return text;
}

/// Resident set size from /proc/self/statm (second field, in pages); 0 where unavailable.
std::uint64_t resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  const long page_size = sysconf(_SC_PAGESIZE);
  return resident_pages * static_cast<std::uint64_t>(page_size > 0 ? page_size : 4096);
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::RouteCounters& Metrics::counters_for(const std::string& route) {
  {
    std::shared_lock lock(routes_mutex_);
    auto found = routes_.find(route);
    if (found != routes_.end()) return *found->second;
  }
  std::unique_lock lock(routes_mutex_);
  auto& slot = routes_[route];
  if (!slot) slot = std::make_unique<RouteCounters>();
  return *slot;
}

void Metrics::record_request(const std::string& route, int status, std::chrono::nanoseconds duration) {
  const int status_class = (status >= 100 && status < 600) ? status / 100 : 5;
  counters_for(route).by_class[static_cast<std::size_t>(status_class - 1)].fetch_add(1, std::memory_order_relaxed);

  const double duration_s = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < latency_buckets.size() && duration_s > latency_buckets[bucket]) ++bucket;
  latency_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(duration.count() > 0 ? duration.count() : 0),
                            std::memory_order_relaxed);
}

void Metrics::record_tile_cache(bool hit) {
  (hit ? cache_hits_ : cache_misses_).fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_reused_answer() { reused_answers_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::record_render(std::chrono::nanoseconds duration, bool failed) {
  renders_.fetch_add(1, std::memory_order_relaxed);
  if (failed) render_errors_.fetch_add(1, std::memory_order_relaxed);
  render_sum_ns_.fetch_add(static_cast<std::uint64_t>(duration.count() > 0 ? duration.count() : 0),
                           std::memory_order_relaxed);
}

void Metrics::record_data_refresh(std::chrono::nanoseconds duration) {
  const auto ns = static_cast<std::uint64_t>(duration.count() > 0 ? duration.count() : 0);
  data_refreshes_.fetch_add(1, std::memory_order_relaxed);
  data_refresh_sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  auto max = data_refresh_max_ns_.load(std::memory_order_relaxed);
  while (ns > max && !data_refresh_max_ns_.compare_exchange_weak(max, ns, std::memory_order_relaxed)) {
  }
}

void Metrics::record_connection_limit_wait() { connection_limit_waits_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::record_slow_client_cut() { slow_clients_cut_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::record_answer_timed_out() { answers_timed_out_.fetch_add(1, std::memory_order_relaxed); }

std::uint64_t Metrics::requests(const std::string& route, int status_class) const {
  if (status_class < 1 || status_class > 5) return 0;
  std::shared_lock lock(routes_mutex_);
  auto found = routes_.find(route);
  if (found == routes_.end()) return 0;
  return found->second->by_class[static_cast<std::size_t>(status_class - 1)].load(std::memory_order_relaxed);
}

std::string Metrics::prometheus_text() const {
  std::ostringstream out;
  header(out, "anttmap_http_requests_total", "counter", "HTTP requests answered, by route and status class.");
  {
    std::shared_lock lock(routes_mutex_);
    for (const auto& [route, counters] : routes_) {
      for (std::size_t i = 0; i < counters->by_class.size(); ++i) {
        const std::uint64_t count = counters->by_class[i].load(std::memory_order_relaxed);
        if (count == 0) continue;
        out << "anttmap_http_requests_total{route=\"" << escape_label(route) << "\",code=\"" << (i + 1) << "xx\"} "
            << count << '\n';
      }
    }
  }

  header(out, "anttmap_http_request_duration_seconds", "histogram", "Time to build an HTTP answer.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_counts_.size(); ++i) {
    cumulative += latency_counts_[i].load(std::memory_order_relaxed);
    const std::string bound = i < latency_buckets.size() ? bucket_bound(latency_buckets[i]) : "+Inf";
    out << "anttmap_http_request_duration_seconds_bucket{le=\"" << bound << "\"} " << cumulative << '\n';
  }
  out << "anttmap_http_request_duration_seconds_sum " << seconds(latency_sum_ns_.load(std::memory_order_relaxed))
      << '\n';
  out << "anttmap_http_request_duration_seconds_count " << cumulative << '\n';

  header(out, "anttmap_tile_cache_hits_total", "counter",
         "Tiles answered from the tile cache, with the kept answers sent again (anttmap_http_reused_answers_total).");
  out << "anttmap_tile_cache_hits_total " << tile_cache_hits() + reused_answers() << '\n';
  header(out, "anttmap_tile_cache_misses_total", "counter", "Tiles not found in the tile cache.");
  out << "anttmap_tile_cache_misses_total " << tile_cache_misses() << '\n';
  header(out, "anttmap_http_reused_answers_total", "counter",
         "Answers sent again as kept (cached tiles asked for by the same URL), without the router.");
  out << "anttmap_http_reused_answers_total " << reused_answers() << '\n';
  header(out, "anttmap_renders_total", "counter", "Map renders (tiles and WMS images).");
  out << "anttmap_renders_total " << renders_.load(std::memory_order_relaxed) << '\n';
  header(out, "anttmap_render_errors_total", "counter", "Map renders that failed.");
  out << "anttmap_render_errors_total " << render_errors() << '\n';
  header(out, "anttmap_render_seconds_total", "counter", "Time spent rendering.");
  out << "anttmap_render_seconds_total " << seconds(render_sum_ns_.load(std::memory_order_relaxed)) << '\n';
  header(out, "anttmap_data_refreshes_total", "counter",
         "Changes of the store taken in (render file and drawing files rewritten, their tiles dropped).");
  out << "anttmap_data_refreshes_total " << data_refreshes_.load(std::memory_order_relaxed) << '\n';
  header(out, "anttmap_data_refresh_seconds_total", "counter", "Time spent taking in changes of the store.");
  out << "anttmap_data_refresh_seconds_total " << seconds(data_refresh_sum_ns_.load(std::memory_order_relaxed)) << '\n';
  header(out, "anttmap_data_refresh_seconds_max", "gauge", "The longest time one change of the store took to take in.");
  out << "anttmap_data_refresh_seconds_max " << seconds(data_refresh_max_ns_.load(std::memory_order_relaxed)) << '\n';
  header(out, "anttmap_http_connection_limit_waits_total", "counter",
         "Times the server had max_connections open and left new clients waiting in the listen backlog.");
  out << "anttmap_http_connection_limit_waits_total " << connection_limit_waits() << '\n';
  header(out, "anttmap_http_slow_clients_cut_total", "counter",
         "Connections closed because the client sent its request's head or body too slowly.");
  out << "anttmap_http_slow_clients_cut_total " << slow_clients_cut() << '\n';
  header(out, "anttmap_http_answers_timed_out_total", "counter",
         "Deferred answers (renders, reports) answered 503 because they took longer than request_seconds.");
  out << "anttmap_http_answers_timed_out_total " << answers_timed_out() << '\n';
  header(out, "anttmap_process_resident_memory_bytes", "gauge", "Resident memory of the server process.");
  out << "anttmap_process_resident_memory_bytes " << resident_memory_bytes() << '\n';
  return out.str();
}

}  // namespace antt::http
