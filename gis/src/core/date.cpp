#include "antt/core/date.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "antt/core/error.hpp"

namespace antt {

std::optional<std::string> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(text.substr(0, 4)));
  unsigned m = std::stoul(std::string(text.substr(5, 2)));
  unsigned d = std::stoul(std::string(text.substr(8, 2)));
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok() || y < 1) return std::nullopt;
  return std::string(text);
}

std::string require_iso_date(std::string_view text, std::string_view what) {
  if (auto date = parse_iso_date(text)) return *date;
  throw InputError(std::string(what) + ": '" + std::string(text) +
                   "' is not a date; write YYYY-MM-DD / không phải ngày hợp lệ, hãy viết YYYY-MM-DD");
}

std::string year_end(int year) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-12-31", year);
  return buffer;
}

std::string year_start(int year) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-01-01", year);
  return buffer;
}

int date_number(std::string_view iso_date) {
  if (iso_date.size() < 10 || iso_date[4] != '-' || iso_date[7] != '-') return 0;
  int number = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (iso_date[i] < '0' || iso_date[i] > '9') return 0;
    number = number * 10 + (iso_date[i] - '0');
  }
  return number;
}

std::optional<TimeFilter> parse_time_filter(std::string_view text) {
  if (text.size() == 4) {
    int year = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      year = year * 10 + (c - '0');
    }
    return TimeFilter::of_year(year);
  }
  const auto date = parse_iso_date(text);
  if (!date) return std::nullopt;
  return TimeFilter{year_of(*date), date_number(*date)};
}

std::string today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &local);
  return buffer;
}

int year_of(std::string_view iso_date) { return std::stoi(std::string(iso_date.substr(0, 4))); }

namespace {

constexpr long long kVietnamOffsetSeconds = 7 * 3600;  // Asia/Ho_Chi_Minh, no daylight saving

bool read_digits_at(std::string_view text, std::size_t from, std::size_t count, int& value) {
  if (text.size() < from + count) return false;
  value = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

long long civil_days_since_epoch(int y, unsigned m, unsigned d) {
  const std::chrono::sys_days day = std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                                                std::chrono::day{d}};
  return day.time_since_epoch().count();
}

/// Milliseconds since 1970 (UTC) as the store's recorded_at text.
std::string utc_instant_text(long long epoch_ms) {
  const long long seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  const int millis = static_cast<int>(epoch_ms - seconds * 1000);
  const long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const long long of_day = seconds - days * 86400;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), of_day / 3600,
                of_day / 60 % 60, of_day % 60, millis);
  return buffer;
}

}  // namespace

std::optional<std::string> parse_known_at(std::string_view text) {
  if (text.size() < 10 || !parse_iso_date(text.substr(0, 10))) return std::nullopt;
  int y = 0, m = 0, d = 0;
  read_digits_at(text, 0, 4, y), read_digits_at(text, 5, 2, m), read_digits_at(text, 8, 2, d);
  const long long day_ms = civil_days_since_epoch(y, m, d) * 86400000LL;
  if (text.size() == 10) return utc_instant_text(day_ms + 86400000LL - 1 - kVietnamOffsetSeconds * 1000);
  int hour = 0, minute = 0, second = 0, millis = 0;
  if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
  if (!read_digits_at(text, 11, 2, hour) || text.size() < 16 || text[13] != ':' || !read_digits_at(text, 14, 2, minute))
    return std::nullopt;
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    if (!read_digits_at(text, at + 1, 2, second)) return std::nullopt;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      std::size_t count = 0;
      for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++count)
        if (count < 3) millis = millis * 10 + (text[at] - '0');
      if (count == 0) return std::nullopt;
      for (; count < 3; ++count) millis *= 10;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  long long offset_seconds = kVietnamOffsetSeconds;
  const std::string_view zone = text.substr(at);
  if (zone == "Z") {
    offset_seconds = 0;
  } else if (!zone.empty()) {
    int zone_hours = 0, zone_minutes = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !read_digits_at(zone, 1, 2, zone_hours) ||
        !read_digits_at(zone, 4, 2, zone_minutes) || zone_hours > 14 || zone_minutes > 59)
      return std::nullopt;
    offset_seconds = (zone[0] == '-' ? -1 : 1) * (zone_hours * 3600LL + zone_minutes * 60LL);
  }
  const long long local_ms = day_ms + ((hour * 60LL + minute) * 60 + second) * 1000 + millis;
  return utc_instant_text(local_ms - offset_seconds * 1000);
}

std::string require_known_at(std::string_view text, std::string_view what) {
  if (auto instant = parse_known_at(text)) return *instant;
  throw InputError(std::string(what) + ": '" + std::string(text) +
                   "' is neither a date (YYYY-MM-DD) nor a moment (YYYY-MM-DDTHH:MM[:SS][Z|+07:00]) / không phải "
                   "ngày hoặc thời điểm hợp lệ");
}

std::string known_at_local_date(std::string_view instant) {
  int y = 0, m = 0, d = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits_at(instant, 0, 4, y) || !read_digits_at(instant, 5, 2, m) || !read_digits_at(instant, 8, 2, d) ||
      !read_digits_at(instant, 11, 2, hour) || !read_digits_at(instant, 14, 2, minute) || !read_digits_at(instant, 17, 2, second))
    return std::string(instant.substr(0, 10));
  const long long local = civil_days_since_epoch(y, m, d) * 86400LL + hour * 3600LL + minute * 60LL + second +
                          kVietnamOffsetSeconds;
  return utc_instant_text(local * 1000).substr(0, 10);
}

}  // namespace antt
