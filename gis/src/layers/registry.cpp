#include <cmath>
#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/layers_data/embedded.hpp"

namespace antt::layers {
namespace {

GeometryType parse_geometry(const std::string& text) {
  if (text == "polygon") return GeometryType::polygon;
  if (text == "point") return GeometryType::point;
  if (text == "line") return GeometryType::line;
  throw Error("layers.json: unknown geometry '" + text + "'");
}

std::vector<LayerDescriptor> load_registry() {
  const auto text = layers_data::embedded_file("layers.json");
  const auto document = nlohmann::json::parse(text);
  std::vector<LayerDescriptor> layers;
  for (const auto& entry : document.at("layers")) {
    LayerDescriptor layer;
    layer.name = entry.at("name").get<std::string>();
    layer.title_vi = entry.at("title_vi").get<std::string>();
    layer.title_en = entry.at("title_en").get<std::string>();
    layer.abstract = entry.value("abstract", "");
    layer.geometry = parse_geometry(entry.at("geometry").get<std::string>());
    layer.style = entry.at("style").get<std::string>();
    layer.min_zoom = entry.value("min_zoom", 0);
    layer.max_zoom = entry.value("max_zoom", 22);
    layer.label_field = entry.value("label", "");
    layer.label_min_zoom = entry.value("label_min_zoom", layer.min_zoom);
    layer.queryable = entry.value("queryable", true);
    layer.attributes = entry.value("attributes", std::vector<std::string>{});
    layers.push_back(std::move(layer));
  }
  return layers;
}

}  // namespace

const std::vector<LayerDescriptor>& registry() {
  static const std::vector<LayerDescriptor> layers = load_registry();
  return layers;
}

const LayerDescriptor* find_layer(std::string_view name) {
  for (const auto& layer : registry()) {
    if (layer.name == name) return &layer;
  }
  return nullptr;
}

double scale_denominator_for_zoom(double zoom) {
  // 156543.034 m per pixel at z0 on the equator; 0.28 mm per pixel.
  return 156543.03392804097 / std::pow(2.0, zoom) / 0.00028;
}

}  // namespace antt::layers
