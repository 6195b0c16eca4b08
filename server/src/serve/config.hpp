#pragma once
// Configuration of `anttmap serve`: one file of "key = value" lines (# comments), then flags
// on top. --print-config prints the effective values in the same format, so its output is a
// valid configuration file.
#include <string>
#include <string_view>
#include <vector>

namespace antt::serve {

struct ServeConfig {
  std::string bind = "127.0.0.1";  ///< serving beyond the machine is an explicit choice
  int port = 8080;
  int threads = 4;                     ///< HTTP worker threads; each renders synchronously
  std::string public_url;              ///< base URL written into capabilities; default http://bind:port
  std::vector<std::string> cors_allow; ///< allowed browser origins; "*" = any
  bool tile_cache = true;              ///< in-memory tile cache
  int tile_cache_mb = 128;           ///< memory cap of the tile cache (the server stays under 300 MB)
  std::string cache_dir;               ///< on-disk tile cache (also filled by `anttmap seed`); empty = none
  std::string work_dir;                ///< render file and generated mapfile; default: next to the store
  int max_image_size = 4096;           ///< WIDTH/HEIGHT cap on every path
  int poll_interval_ms = 200;          ///< how often the store is checked for changes
  /// How old the store's change position may be when /api answers from what it keeps: 0 reads it for
  /// every request (an answer is never older than the store); on PostGIS, 50-200 spares a round trip
  /// per request, and an answer then lags a write by at most this.
  int max_answer_age_ms = 0;
  /// Years before it are not served (maps, tiles, WMS TIME answer them as unknown years); later
  /// ones, new years too, as usual. 0 = from the first year with a status. The render file of a
  /// whole country's every year takes a quarter of an hour and 11 GB to build; of its last years, a
  /// fraction of that.
  int first_year = 0;
  int max_body_mb = 16;                ///< largest request body (POST /api/validate); bigger ones get 413
  std::string log_level = "info";      ///< least severe lines written: error, warn, info or debug
  std::string log_format = "text";     ///< text, or json (one JSON object per line)
  bool access_log = false;             ///< one line per request (method, path, status, bytes, duration)
  std::string tls_cert;                ///< HTTPS: certificate chain (PEM file); with tls_key
  std::string tls_key;                 ///< HTTPS: private key (PEM file)
  int redirect_http_port = 0;          ///< with HTTPS: a plain-HTTP port that redirects to it; 0 = none
  /// Plain HTTP on an address beyond this machine: refused unless asked for explicitly (keys,
  /// passwords and session cookies would cross the network in clear).
  bool insecure_http = false;
  int session_idle_minutes = 30;       ///< a browser session unused this long ends
  int session_hours = 12;              ///< every browser session ends this long after sign-in
  /// Requests a minute per key, account or token, and per address for the public (bursts of a
  /// quarter of it); loopback requests are not counted; 0 = no limit.
  int rate_limit_per_minute = 6000;
  /// A client must send its request line and headers within this many seconds of connecting (a body
  /// then at 1 KB/s or faster), or it is disconnected; 0 = no deadline.
  int request_head_seconds = 10;
  /// A render or report not ready within this many seconds is answered 503 with Retry-After; 0 = no limit.
  int request_seconds = 60;
  /// The letterhead of /report (report::read_letterhead's file: issuer, number, signer…); empty =
  /// the Ban Chỉ đạo's usual text.
  std::string report_letterhead;
};

/// True for an address only this machine reaches (127.0.0.0/8, ::1, localhost).
bool is_loopback_bind(const std::string& bind);

/// Reads a configuration file; throws UsageError naming the file, line and key on any mistake.
ServeConfig read_config_file(const std::string& path, ServeConfig base = {});
/// The same for the file's text; `origin` names it in the messages (its path).
ServeConfig read_config_text(std::string_view text, const std::string& origin, ServeConfig base = {});
/// Sets one key (from the file or a flag); throws UsageError for unknown keys or bad values.
void set_config_value(ServeConfig& config, const std::string& key, const std::string& value);
/// The effective configuration as a configuration file.
std::string to_config_text(const ServeConfig& config);
/// The base URL clients should use (public_url or http://bind:port).
std::string effective_public_url(const ServeConfig& config);

}  // namespace antt::serve
