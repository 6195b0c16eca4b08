#include "serve/config.hpp"

#include <fstream>
#include <sstream>

#include "antt/core/error.hpp"
#include "antt/core/log.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

int parse_int_in(const std::string& key, const std::string& value, int low, int high) {
  try {
    size_t used = 0;
    const int number = std::stoi(value, &used);
    if (used == value.size() && number >= low && number <= high) return number;
  } catch (const std::exception&) {
  }
  throw UsageError(key + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high) +
                   " / " + key + " phải là số nguyên từ " + std::to_string(low) + " đến " + std::to_string(high));
}

bool parse_bool(const std::string& key, const std::string& value) {
  if (value == "on" || value == "true" || value == "yes" || value == "1") return true;
  if (value == "off" || value == "false" || value == "no" || value == "0") return false;
  throw UsageError(key + " takes on or off / " + key + " nhận on hoặc off");
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> items;
  std::stringstream stream(value);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item = text::trim(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

}  // namespace

void set_config_value(ServeConfig& config, const std::string& key, const std::string& value) {
  if (key == "bind") {
    if (value.empty()) throw UsageError("bind needs an address / bind cần địa chỉ");
    config.bind = value;
  } else if (key == "port") {
    config.port = parse_int_in(key, value, 0, 65535);
  } else if (key == "threads") {
    config.threads = parse_int_in(key, value, 1, 256);
  } else if (key == "public_url") {
    // Paths are appended to it, so no trailing '/'; trimmed again after each one, so that what
    // --print-config writes reads back the same.
    std::string url = text::trim(value);
    while (!url.empty() && url.back() == '/') url = text::trim(url.substr(0, url.size() - 1));
    config.public_url = std::move(url);
  } else if (key == "cors_allow") {
    config.cors_allow = split_list(value);
  } else if (key == "tile_cache") {
    config.tile_cache = parse_bool(key, value);
  } else if (key == "tile_cache_mb") {
    config.tile_cache_mb = parse_int_in(key, value, 1, 1 << 20);
  } else if (key == "cache_dir") {
    config.cache_dir = value;
  } else if (key == "work_dir") {
    config.work_dir = value;
  } else if (key == "report_letterhead") {
    config.report_letterhead = value;
  } else if (key == "max_image_size") {
    config.max_image_size = parse_int_in(key, value, 256, 16384);
  } else if (key == "poll_interval_ms") {
    config.poll_interval_ms = parse_int_in(key, value, 10, 60000);
  } else if (key == "first_year") {
    config.first_year = parse_int_in(key, value, 0, 2100);
    if (config.first_year != 0 && config.first_year < 1900)
      throw UsageError("first_year takes 0 (every year) or a year such as 2024 / first_year nhận 0 hoặc một năm");
  } else if (key == "max_answer_age_ms") {
    config.max_answer_age_ms = parse_int_in(key, value, 0, 60000);
  } else if (key == "max_body_mb") {
    config.max_body_mb = parse_int_in(key, value, 1, 1024);
  } else if (key == "log_level") {
    if (!log::parse_level(value))
      throw UsageError("log_level takes error, warn, info or debug / log_level nhận error, warn, info hoặc debug");
    config.log_level = value;
  } else if (key == "log_format") {
    if (value != "text" && value != "json") throw UsageError("log_format takes text or json / log_format nhận text hoặc json");
    config.log_format = value;
  } else if (key == "access_log") {
    config.access_log = parse_bool(key, value);
  } else if (key == "tls_cert") {
    config.tls_cert = value;
  } else if (key == "tls_key") {
    config.tls_key = value;
  } else if (key == "redirect_http_port") {
    config.redirect_http_port = parse_int_in(key, value, 0, 65535);
  } else if (key == "insecure_http") {
    config.insecure_http = parse_bool(key, value);
  } else if (key == "session_idle_minutes") {
    config.session_idle_minutes = parse_int_in(key, value, 1, 24 * 60);
  } else if (key == "session_hours") {
    config.session_hours = parse_int_in(key, value, 1, 24 * 30);
  } else if (key == "rate_limit_per_minute") {
    config.rate_limit_per_minute = parse_int_in(key, value, 0, 10000000);
  } else if (key == "request_head_seconds") {
    config.request_head_seconds = parse_int_in(key, value, 0, 600);
  } else if (key == "request_seconds") {
    config.request_seconds = parse_int_in(key, value, 0, 3600);
  } else {
    throw UsageError("unknown configuration key '" + key + "' / khóa cấu hình không hợp lệ");
  }
}

ServeConfig read_config_file(const std::string& path, ServeConfig base) {
  std::ifstream file(path);
  if (!file) throw UsageError("cannot read configuration file " + path + " / không đọc được tệp cấu hình");
  std::ostringstream text;
  text << file.rdbuf();
  return read_config_text(text.str(), path, std::move(base));
}

ServeConfig read_config_text(std::string_view text, const std::string& origin, ServeConfig base) {
  int number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string line(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++number;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    line = text::trim(line);
    if (line.empty()) continue;
    const auto equals = line.find('=');
    if (equals == std::string::npos) {
      throw UsageError(origin + ":" + std::to_string(number) + ": expected key = value / cần dạng khóa = giá trị");
    }
    try {
      set_config_value(base, text::trim(line.substr(0, equals)), text::trim(line.substr(equals + 1)));
    } catch (const UsageError& error) {
      throw UsageError(origin + ":" + std::to_string(number) + ": " + error.what());
    }
  }
  return base;
}

bool is_loopback_bind(const std::string& bind) {
  return bind == "localhost" || bind == "::1" || bind.rfind("127.", 0) == 0;
}

std::string effective_public_url(const ServeConfig& config) {
  if (!config.public_url.empty()) return config.public_url;
  const bool ipv6 = config.bind.find(':') != std::string::npos;
  const std::string host = config.bind == "0.0.0.0" || config.bind == "::" ? "127.0.0.1"
                           : ipv6                                          ? "[" + config.bind + "]"
                                                                           : config.bind;
  return std::string(config.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(config.port);
}

std::string to_config_text(const ServeConfig& config) {
  std::ostringstream out;
  out << "# anttmap serve configuration (anttmap serve --config FILE)\n"
      << "bind = " << config.bind << "\n"
      << "port = " << config.port << "\n"
      << "threads = " << config.threads << "\n"
      << "public_url = " << config.public_url << "\n"
      << "cors_allow = " << join_list(config.cors_allow) << "\n"
      << "tile_cache = " << (config.tile_cache ? "on" : "off") << "\n"
      << "tile_cache_mb = " << config.tile_cache_mb << "\n"
      << "cache_dir = " << config.cache_dir << "\n"
      << "work_dir = " << config.work_dir << "\n"
      << "max_image_size = " << config.max_image_size << "\n"
      << "poll_interval_ms = " << config.poll_interval_ms << "\n"
      << "first_year = " << config.first_year << "\n"
      << "max_answer_age_ms = " << config.max_answer_age_ms << "\n"
      << "max_body_mb = " << config.max_body_mb << "\n"
      << "log_level = " << config.log_level << "\n"
      << "log_format = " << config.log_format << "\n"
      << "access_log = " << (config.access_log ? "on" : "off") << "\n"
      << "tls_cert = " << config.tls_cert << "\n"
      << "tls_key = " << config.tls_key << "\n"
      << "redirect_http_port = " << config.redirect_http_port << "\n"
      << "insecure_http = " << (config.insecure_http ? "on" : "off") << "\n"
      << "session_idle_minutes = " << config.session_idle_minutes << "\n"
      << "session_hours = " << config.session_hours << "\n"
      << "rate_limit_per_minute = " << config.rate_limit_per_minute << "\n"
      << "report_letterhead = " << config.report_letterhead << "\n"
      << "request_head_seconds = " << config.request_head_seconds << "\n"
      << "request_seconds = " << config.request_seconds << "\n";
  return out.str();
}

}  // namespace antt::serve
