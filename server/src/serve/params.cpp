#include "serve/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<double> parse_number(std::string_view text) {
  text = http::trim_whitespace(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string quoted(std::string_view name) { return std::string(name); }

}  // namespace

bool Years::contains(int year) const { return std::find(all.begin(), all.end(), year) != all.end(); }

std::string Years::range_text() const {
  return all.empty() ? std::string("none") : std::to_string(all.front()) + "-" + std::to_string(all.back());
}

void Years::require(int year) const {
  if (!contains(year))
    throw RequestError("no data for year " + std::to_string(year) + " (available " + range_text() +
                       ") / không có dữ liệu năm " + std::to_string(year));
}

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

TimeFilter time_param(const http::Request& request, const Years& years,
                      std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    const auto text = request.param(name);
    if (!text) continue;
    if (text->empty()) break;
    const auto time = parse_time_filter(*text);
    if (!time)
      throw RequestError(quoted(name) + " must be YYYY or YYYY-MM-DD, not '" + *text +
                         "' / năm phải có dạng YYYY hoặc YYYY-MM-DD");
    years.require(time->year);
    return *time;
  }
  return TimeFilter::of_year(years.default_year);
}

int year_param(const http::Request& request, const Years& years, std::string_view name) {
  const auto text = request.param(name);
  if (!text || text->empty()) return years.default_year;
  const auto year = parse_year(*text);
  if (!year) throw RequestError(quoted(name) + " must be YYYY, e.g. " + quoted(name) + "=2020 / năm phải có dạng YYYY");
  years.require(*year);
  return *year;
}

int integer_param(const http::Request& request, std::string_view name, int fallback, int min, int max) {
  const auto text = request.param(name);
  if (!text) return fallback;
  long long value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || error != std::errc{} || end != text->data() + text->size() || value < min || value > max)
    throw RequestError(quoted(name) + " must be a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + " / " + quoted(name) + " phải là số nguyên từ " + std::to_string(min) +
                       " đến " + std::to_string(max));
  return static_cast<int>(value);
}

geo::LonLatBox lon_lat_box_param(std::string_view text, std::string_view name) {
  const auto parts = split(text, ',');
  std::vector<double> numbers;
  for (auto part : parts)
    if (auto number = parse_number(part)) numbers.push_back(*number);
  if (parts.size() != 4 || numbers.size() != 4)
    throw RequestError(quoted(name) +
                       " must be four numbers minlon,minlat,maxlon,maxlat in degrees (WGS 84), e.g. "
                       "105.0,20.3,105.9,21.1 / " +
                       quoted(name) + " phải là 4 số: kinh độ, vĩ độ nhỏ nhất, kinh độ, vĩ độ lớn nhất");
  const geo::LonLatBox box{numbers[0], numbers[1], numbers[2], numbers[3]};
  const double edge = geo::web_mercator::kMaxLatitude;
  if (box.west < -180 || box.east > 180 || box.south < -edge || box.north > edge)
    throw RequestError(quoted(name) + " outside longitude -180..180 / latitude -85..85 (give degrees, not metres) / " +
                       quoted(name) + " nằm ngoài phạm vi kinh độ, vĩ độ");
  if (!(box.west < box.east) || !(box.south < box.north))
    throw RequestError(quoted(name) + " must be minlon,minlat,maxlon,maxlat with min < max / " + quoted(name) +
                       ": giá trị nhỏ phải đứng trước");
  return box;
}

std::vector<const layers::LayerDescriptor*> layer_list_param(std::string_view text,
                                                             const layers::LayerRegistry& registry,
                                                             std::string_view name) {
  if (http::trim_whitespace(text).empty())
    throw RequestError(quoted(name) + " is empty: give e.g. " + quoted(name) + "=communes,villages / thiếu tên lớp");
  std::vector<const layers::LayerDescriptor*> chosen;
  for (std::string_view part : split(text, ',')) {
    part = http::trim_whitespace(part);
    const auto* layer = registry.find(part);
    if (!layer)
      throw RequestError("unknown layer '" + std::string(part) + "' (known: " + registry.names() +
                         ") / không có lớp này");
    if (std::find(chosen.begin(), chosen.end(), layer) != chosen.end())
      throw RequestError("layer '" + std::string(part) + "' listed twice / lớp bị lặp");
    chosen.push_back(layer);
  }
  return chosen;
}

std::string checked_text(const std::string& text, std::size_t max_bytes, std::string_view name) {
  const std::string what(name);
  if (text.size() > max_bytes)
    throw RequestError(what + " is longer than " + std::to_string(max_bytes) + " bytes / " + what + " quá dài");
  if (!text::is_valid_utf8(text)) throw RequestError(what + " is not valid UTF-8 / " + what + " không phải UTF-8");
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    throw RequestError(what + " contains a control character / " + what + " chứa ký tự điều khiển");
  return text::to_nfc(text);
}

void require_printable_params(const http::Request& request) {
  for (const auto& [name, value] : request.params) {
    const bool control =
        std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (control || !text::is_valid_utf8(value) || !text::is_valid_utf8(name)) {
      const std::string shown = text::is_valid_utf8(name) ? name : std::string("?");
      throw RequestError("parameter '" + shown + "' is not printable UTF-8 text / tham số '" + shown +
                         "' không phải văn bản UTF-8 hợp lệ");
    }
  }
}

}  // namespace antt::serve
