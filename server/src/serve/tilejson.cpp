#include "serve/tilejson.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace antt::serve {
namespace {

/// Attributes the render file stores as numbers (see mapdata.hpp's schema); the rest are text.
bool is_numeric_attribute(const std::string& name) {
  static const std::set<std::string> numeric{"share", "recognised", "total", "effective"};
  return numeric.contains(name);
}

}  // namespace

std::string tilejson(const std::string& base_url, const layers::LayerDescriptor& layer, int year, bool vector,
                     std::optional<geo::MercatorBox> extent) {
  const geo::LonLatBox bounds = geo::to_lon_lat(extent);
  // Opening zoom: the whole province on a typical 1024 px map, within the layer's own range.
  const int center_zoom = std::clamp(extent ? geo::zoom_to_fit(bounds, 1024) : layer.min_zoom, layer.min_zoom, layer.max_zoom);
  const std::string extension = vector ? "mvt" : "png";

  nlohmann::ordered_json doc;
  doc["tilejson"] = "3.0.0";
  doc["name"] = layer.title_vi;
  doc["description"] = layer.abstract;
  doc["version"] = "1.0.0";
  doc["attribution"] = "anttmap — phong trào \"An toàn về an ninh, trật tự\"";
  doc["scheme"] = "xyz";
  doc["tiles"] = {base_url + "/tiles/" + layer.name + "/{z}/{x}/{y}." + extension + "?year=" + std::to_string(year)};
  doc["minzoom"] = layer.min_zoom;
  doc["maxzoom"] = layer.max_zoom;
  doc["bounds"] = {bounds.west, bounds.south, bounds.east, bounds.north};
  doc["center"] = {(bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2, center_zoom};
  if (vector) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    for (const auto& attribute : layer.attributes)
      fields[attribute] = is_numeric_attribute(attribute) ? "Number" : "String";
    doc["vector_layers"] = {{{"id", layer.name},
                             {"description", layer.title_vi},
                             {"minzoom", layer.min_zoom},
                             {"maxzoom", layer.max_zoom},
                             {"fields", fields}}};
  }
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace antt::serve
