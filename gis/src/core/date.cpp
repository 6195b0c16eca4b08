#include "antt/core/date.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

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

}  // namespace antt
