// The WMS guard (server/src/mapserver/wms_guard.hpp) on any query string: it never throws, and
// what it lets through to MapServer is only what it validated.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "antt/text/unicode.hpp"
#include "fuzz_support.hpp"
#include "mapserver/wms_guard.hpp"

namespace {

using antt::fuzz::require;

const antt::mapserver::WmsLimits& limits() {
  static const antt::mapserver::WmsLimits limits = [] {
    antt::mapserver::WmsLimits made;
    made.max_image_size = 4096;
    made.years = {2015, 2016, 2017, 2018, 2019, 2020};
    made.default_year = 2020;
    made.layers = {"provinces", "districts", "communes", "villages"};
    made.hidden_layers = {"hotspots", "clusters"};
    made.hidden_status = 401;
    return made;
  }();
  return limits;
}

bool known_layer(std::string_view name) {
  const auto& layers = limits().layers;
  return std::find(layers.begin(), layers.end(), name) != layers.end();
}

/// Every parameter of a rebuilt query is one the guard writes, once, with a URL-encoded value.
void require_rebuilt_query(std::string_view query) {
  static const std::set<std::string, std::less<>> written = {
      "SERVICE", "VERSION", "REQUEST", "LAYERS",        "STYLES", "CRS",   "SRS", "BBOX", "WIDTH",
      "HEIGHT",  "FORMAT",  "TRANSPARENT", "BGCOLOR",   "INFO_FORMAT", "QUERY_LAYERS", "I", "J", "X", "Y",
      "FEATURE_COUNT", "LAYER", "SLD_VERSION", "SCALE"};
  std::set<std::string, std::less<>> seen;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    require(equals != std::string_view::npos, "every rebuilt parameter has a value");
    const std::string_view key = pair.substr(0, equals);
    require(written.count(key) == 1, "the rebuilt query holds only parameters the guard writes");
    require(seen.emplace(key).second, "no parameter appears twice in the rebuilt query");
    for (const char c : pair.substr(equals + 1)) {
      const bool plain = std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_.~,:%").find(c) != std::string_view::npos;
      require(plain, "rebuilt values are URL-encoded");
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

void require_accepted(const antt::mapserver::CheckedWmsRequest& checked) {
  require_rebuilt_query(checked.query_string);
  const auto& years = limits().years;
  require(std::find(years.begin(), years.end(), checked.time.year) != years.end(), "TIME is one of the years held");
  for (const auto& query : checked.json_info_queries) require_rebuilt_query(query);
  if (!checked.get_map) return;
  const auto& map = *checked.get_map;
  require(!map.layers.empty(), "a GetMap draws at least one layer");
  for (const auto& layer : map.layers) require(known_layer(layer), "a GetMap draws only layers the caller may see");
  require(map.width >= 1 && map.width <= limits().max_image_size, "WIDTH within the limit");
  require(map.height >= 1 && map.height <= limits().max_image_size, "HEIGHT within the limit");
  const auto& box = map.bbox;
  require(std::isfinite(box.minx) && std::isfinite(box.miny) && std::isfinite(box.maxx) && std::isfinite(box.maxy),
          "BBOX is finite");
  require(box.minx < box.maxx && box.miny < box.maxy, "BBOX has min < max");
}

void require_refusal(const antt::mapserver::EngineResponse& refusal) {
  require(refusal.status == 400 || refusal.status == limits().hidden_status, "a refusal is 400, or 401 for a hidden layer");
  require(refusal.body.starts_with("<?xml"), "a refusal is an OGC ServiceException report");
  // The report is XML in UTF-8: whatever the request held, the document must stay well-formed.
  require(antt::text::is_valid_utf8(refusal.body), "the ServiceException report is valid UTF-8");
  const auto open = refusal.body.rfind("<ServiceException");  // the element, not the report around it
  const auto text = refusal.body.find('>', open);
  const auto close = refusal.body.find("</ServiceException>");
  require(open != std::string::npos && text != std::string::npos && close != std::string::npos && text < close,
          "the report holds one ServiceException");
  require(refusal.body.substr(text + 1, close - text - 1).find('<') == std::string::npos,
          "the message is escaped: no markup from the request");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const auto result = antt::mapserver::check_wms_request(antt::fuzz::query_params(query), limits());
  if (const auto* checked = std::get_if<antt::mapserver::CheckedWmsRequest>(&result)) {
    require_accepted(*checked);
  } else {
    require_refusal(std::get<antt::mapserver::EngineResponse>(result));
  }
  return 0;
}
