// The configuration file of `anttmap serve` (server/src/serve/config.hpp) on any text: it is read
// or refused with a UsageError naming the line; what is read lies within the documented ranges, and
// --print-config's text reads back to the same configuration.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "antt/core/error.hpp"
#include "antt/core/log.hpp"
#include "fuzz_support.hpp"
#include "serve/config.hpp"

namespace {

using antt::fuzz::require;

void require_in_range(const antt::serve::ServeConfig& config) {
  require(!config.bind.empty(), "bind is an address");
  require(config.port >= 0 && config.port <= 65535, "port within 0-65535");
  require(config.threads >= 1 && config.threads <= 256, "threads within 1-256");
  require(config.tile_cache_mb >= 1, "tile_cache_mb positive");
  require(config.max_image_size >= 256 && config.max_image_size <= 16384, "max_image_size within 256-16384");
  require(config.poll_interval_ms >= 10 && config.poll_interval_ms <= 60000, "poll_interval_ms within 10-60000");
  require(config.max_body_mb >= 1 && config.max_body_mb <= 1024, "max_body_mb within 1-1024");
  require(antt::log::parse_level(config.log_level).has_value(), "log_level is a level");
  require(config.log_format == "text" || config.log_format == "json", "log_format is text or json");
  require(config.session_idle_minutes >= 1 && config.session_hours >= 1, "sessions last a while");
  require(config.rate_limit_per_minute >= 0, "rate_limit_per_minute not negative");
  require(config.redirect_http_port >= 0 && config.redirect_http_port <= 65535, "redirect_http_port within 0-65535");
  require(config.request_head_seconds >= 0 && config.request_head_seconds <= 600, "request_head_seconds within 0-600");
  require(config.request_seconds >= 0 && config.request_seconds <= 3600, "request_seconds within 0-3600");
  require(!config.public_url.ends_with('/'), "public_url has no trailing slash");
  for (const auto& origin : config.cors_allow) require(!origin.empty(), "cors_allow holds no empty origin");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  antt::serve::ServeConfig config;
  try {
    config = antt::serve::read_config_text(text, "fuzz.conf");
  } catch (const antt::UsageError& refused) {
    require(std::string_view(refused.what()).starts_with("fuzz.conf:"), "a refusal names the file and line");
    return 0;
  }
  require_in_range(config);
  const std::string printed = antt::serve::to_config_text(config);
  antt::serve::ServeConfig again;
  try {
    again = antt::serve::read_config_text(printed, "printed");
  } catch (const antt::UsageError&) {
    require(false, "--print-config's text is a valid configuration file");
  }
  require(antt::serve::to_config_text(again) == printed, "--print-config's text reads back to the same configuration");
  (void)antt::serve::effective_public_url(config);
  return 0;
}
