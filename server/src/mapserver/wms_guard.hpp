#pragma once
// The WMS request guard: the only place request parameters are read. It accepts a small,
// advertised subset of WMS 1.1.1/1.3.0, refuses what is dangerous (SLD fetches, MAP=, vendor
// FILTER, unadvertised formats) and rebuilds the query string MapServer sees from validated
// values only. No MapServer headers here, so it is unit-tested on its own.
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mapserver/engine.hpp"

namespace antt::mapserver {

struct WmsLimits {
  int max_image_size = 4096;
  std::vector<int> years;           ///< TIME values accepted
  int default_year = 0;             ///< TIME when the request has none
  std::vector<std::string> layers;  ///< registry names (MapServer group names) the caller may see
  /// Registry names the caller may not see: asking for one is refused with hidden_status (401 for
  /// the public, 403 for a signed-in caller), not as an unknown layer.
  std::vector<std::string> hidden_layers;
  int hidden_status = 401;
};

/// A request that passed the guard: what msOWSDispatch gets, and the time filter we apply.
struct CheckedWmsRequest {
  std::string query_string;  ///< URL-encoded, without TIME
  std::string version;       ///< "1.1.1", "1.3.0", ... or empty (GetCapabilities without VERSION)
  TimeFilter time;
  /// GetMap only: the same request as a direct render (axis order already x east, y north), so the
  /// engine draws it on the thread's reused map instead of a fresh copy through msOWSDispatch.
  std::optional<ImageRequest> get_map;
  /// GetFeatureInfo in GeoJSON over several layers: one query string per layer, answers merged by
  /// the engine (MapServer's OGR GeoJSON writer takes one layer per answer and fails on the second).
  std::vector<std::string> json_info_queries;
};

/// Validates decoded WMS parameters (names case-insensitive). A refusal comes back as a ready
/// OGC ServiceException response (status 400, or hidden_status for a hidden layer).
std::variant<CheckedWmsRequest, EngineResponse> check_wms_request(
    const std::multimap<std::string, std::string>& params, const WmsLimits& limits);

/// An OGC ServiceException report in the format of `version` (1.3.0: text/xml; older:
/// application/vnd.ogc.se_xml), with `message` XML-escaped.
EngineResponse service_exception(const std::string& version, const std::string& code, const std::string& message,
                                 int status);

/// Parses "YYYY" or "YYYY-MM-DD" (a real calendar date); nullopt otherwise.
std::optional<TimeFilter> parse_time(const std::string& text);

}  // namespace antt::mapserver
