#pragma once
// Request parameters shared by the server's endpoints, parsed and checked here only: the time of a
// request (a year, or a day of it: one TimeFilter), years, lon/lat boxes, layer lists, counts and
// free text. A bad value throws antt::RequestError (400) whose reason names the parameter, in
// English and Vietnamese; serve/errors.hpp turns it into the answer.
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "antt/core/date.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "http/http.hpp"

namespace antt::serve {

/// The years a server holds (first to last status year, ascending) and the one an answer shows
/// when the request names none.
struct Years {
  std::vector<int> all;
  int default_year = 0;

  bool contains(int year) const;
  /// "2012-2020", or "none".
  std::string range_text() const;
  /// RequestError unless `year` is one of them.
  void require(int year) const;
};

/// A whole four-digit year ("2020"); nothing for signs, spaces or other lengths.
std::optional<int> parse_year(std::string_view text);

/// The time of a map request: the first of `names` present (YYYY, or YYYY-MM-DD for a day of the
/// year), which must be one of `years`; the default year when none is present or it is empty.
TimeFilter time_param(const http::Request& request, const Years& years,
                      std::initializer_list<std::string_view> names = {"year", "time", "date"});
/// A year parameter (YYYY) that must be one of `years`; the default year when absent or empty.
int year_param(const http::Request& request, const Years& years, std::string_view name = "year");

/// A whole number parameter from `min` to `max`; `fallback` when absent.
int integer_param(const http::Request& request, std::string_view name, int fallback, int min, int max);

/// "west,south,east,north" in degrees, west < east and south < north, within the web-mercator
/// world (latitudes to ±85.05°).
geo::LonLatBox lon_lat_box_param(std::string_view text, std::string_view name = "bbox");

/// "a,b,c": layers of `registry`, each once, at least one.
std::vector<const layers::LayerDescriptor*> layer_list_param(std::string_view text,
                                                             const layers::LayerRegistry& registry,
                                                             std::string_view name = "layers");

/// `text` as NFC after checking it: at most `max_bytes`, valid UTF-8, no control characters.
std::string checked_text(const std::string& text, std::size_t max_bytes, std::string_view name);

/// RequestError naming the first parameter that is not printable UTF-8 (a NUL would cut a reason
/// short, a control character would end up in a page).
void require_printable_params(const http::Request& request);

}  // namespace antt::serve
