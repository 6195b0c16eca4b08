#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/layers_data/embedded.hpp"
#include "antt/styles/styles.hpp"
#include "builders.hpp"

namespace antt::layers {
namespace {

using Json = nlohmann::json;

GeometryType parse_geometry(const std::string& text) {
  if (text == "polygon") return GeometryType::polygon;
  if (text == "point") return GeometryType::point;
  if (text == "line") return GeometryType::line;
  throw Error("layers.json: unknown geometry '" + text + "'");
}

Access parse_access(const std::string& text) {
  if (text == "public") return Access::everyone;
  if (text == "internal") return Access::internal;
  throw Error("layers.json: access must be public or internal, not '" + text + "'");
}

store::ChangeTopic parse_topic(const std::string& text) {
  for (auto topic : {store::ChangeTopic::unit, store::ChangeTopic::status, store::ChangeTopic::lineage,
                     store::ChangeTopic::hotspot, store::ChangeTopic::cluster, store::ChangeTopic::cluster_membership,
                     store::ChangeTopic::model, store::ChangeTopic::model_year, store::ChangeTopic::core_force,
                     store::ChangeTopic::festival, store::ChangeTopic::setting,
                     store::ChangeTopic::validation_override, store::ChangeTopic::account,
                     store::ChangeTopic::indicator})
    if (store::to_string(topic) == text) return topic;
  throw Error("layers.json: unknown change topic '" + text + "'");
}

std::vector<store::UnitKind> parse_kinds(const Json& list) {
  std::vector<store::UnitKind> kinds;
  for (const auto& kind : list) kinds.push_back(store::parse_unit_kind(kind.get<std::string>()));
  return kinds;
}

LayerDescriptor parse_layer(const Json& entry) {
  LayerDescriptor layer;
  layer.name = entry.at("name").get<std::string>();
  layer.title_vi = entry.at("title_vi").get<std::string>();
  layer.title_en = entry.at("title_en").get<std::string>();
  layer.abstract = entry.value("abstract", "");
  layer.unit_kinds = parse_kinds(entry.value("kinds", Json::array()));
  layer.geometry = parse_geometry(entry.at("geometry").get<std::string>());
  layer.rows_name = entry.at("rows").get<std::string>();
  layer.rows = standard_row_builder(layer.rows_name, layer.unit_kinds, layer.geometry == GeometryType::point);
  for (const auto& dependency : entry.at("depends_on"))
    layer.depends_on.push_back({parse_topic(dependency.at("topic").get<std::string>()),
                                parse_kinds(dependency.value("kinds", Json::array())),
                                dependency.value("every_year", false)});
  layer.style = entry.at("style").get<std::string>();
  layer.min_zoom = entry.value("min_zoom", 0);
  layer.max_zoom = entry.value("max_zoom", 22);
  layer.label_field = entry.value("label", "");
  layer.label_min_zoom = entry.value("label_min_zoom", layer.min_zoom);
  layer.queryable = entry.value("queryable", true);
  layer.shown_by_default = entry.value("shown", false);
  layer.editable = entry.value("editable", false);
  layer.attributes = entry.value("attributes", std::vector<std::string>{});
  layer.access = parse_access(entry.value("access", "public"));
  return layer;
}

LayerRegistry load_standard() {
  const auto document = Json::parse(layers_data::embedded_file("layers.json"));
  LayerRegistry registry;
  for (const auto& entry : document.at("layers")) registry.add(parse_layer(entry));
  return registry;
}

bool kinds_meet(const std::vector<store::UnitKind>& wanted, const std::vector<store::UnitKind>& given) {
  if (wanted.empty() || given.empty()) return true;  // any kind, or a change whose units are unknown
  return std::any_of(given.begin(), given.end(),
                     [&](store::UnitKind kind) { return std::find(wanted.begin(), wanted.end(), kind) != wanted.end(); });
}

/// Lower-case letters, digits and underscores, starting with a letter: safe in URLs, WMS names,
/// file and table names.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace

std::string_view to_string(GeometryType geometry) {
  switch (geometry) {
    case GeometryType::polygon: return "polygon";
    case GeometryType::point: return "point";
    case GeometryType::line: return "line";
  }
  return "polygon";
}

std::string_view to_string(Access access) { return access == Access::internal ? "internal" : "public"; }

bool LayerDescriptor::affected_by(const store::Change& change) const {
  return std::any_of(depends_on.begin(), depends_on.end(), [&](const ChangeDependency& dependency) {
    return dependency.topic == change.topic && kinds_meet(dependency.kinds, change.unit_kinds);
  });
}

bool LayerDescriptor::affects_every_year(const store::Change& change) const {
  return std::any_of(depends_on.begin(), depends_on.end(), [&](const ChangeDependency& dependency) {
    return dependency.topic == change.topic && kinds_meet(dependency.kinds, change.unit_kinds) &&
           (dependency.every_year || !change.years);
  });
}

std::shared_ptr<const LayerRegistry> LayerRegistry::standard() {
  static const std::shared_ptr<const LayerRegistry> registry = std::make_shared<const LayerRegistry>(load_standard());
  return registry;
}

void LayerRegistry::add(LayerDescriptor layer) {
  if (!valid_name(layer.name))
    throw Error("layer registry: '" + layer.name +
                "' is not a layer name (lower-case letters, digits and _, starting with a letter, at most 40)");
  if (find(layer.name)) throw Error("layer registry: a layer named '" + layer.name + "' is already registered");
  if (!layer.rows) throw Error("layer registry: layer '" + layer.name + "' has no row builder");
  if (layer.min_zoom < 0 || layer.max_zoom > 22 || layer.min_zoom > layer.max_zoom)
    throw Error("layer registry: layer '" + layer.name + "' has zooms " + std::to_string(layer.min_zoom) + "-" +
                std::to_string(layer.max_zoom) + "; they must lie within 0-22");
  styles::style(layer.style);  // throws, naming the known styles
  layers_.push_back(std::move(layer));
}

const LayerDescriptor* LayerRegistry::find(std::string_view name) const {
  for (const auto& layer : layers_)
    if (layer.name == name) return &layer;
  return nullptr;
}

std::string LayerRegistry::names() const {
  std::string out;
  for (const auto& layer : layers_) out += (out.empty() ? "" : ", ") + layer.name;
  return out;
}

std::string registry_json(const LayerRegistry& registry) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& layer : registry.layers()) {
    nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
    for (auto kind : layer.unit_kinds) kinds.push_back(store::to_string(kind));
    nlohmann::ordered_json dependencies = nlohmann::ordered_json::array();
    for (const auto& dependency : layer.depends_on) {
      nlohmann::ordered_json entry{{"topic", store::to_string(dependency.topic)}};
      if (!dependency.kinds.empty()) {
        entry["kinds"] = nlohmann::ordered_json::array();
        for (auto kind : dependency.kinds) entry["kinds"].push_back(store::to_string(kind));
      }
      if (dependency.every_year) entry["every_year"] = true;
      dependencies.push_back(std::move(entry));
    }
    layers.push_back({{"name", layer.name},
                      {"title_vi", layer.title_vi},
                      {"title_en", layer.title_en},
                      {"abstract", layer.abstract},
                      {"geometry", to_string(layer.geometry)},
                      {"kinds", kinds},
                      {"rows", layer.rows_name},
                      {"depends_on", dependencies},
                      {"style", layer.style},
                      {"min_zoom", layer.min_zoom},
                      {"max_zoom", layer.max_zoom},
                      {"label", layer.label_field.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(layer.label_field)},
                      {"label_min_zoom", layer.label_min_zoom},
                      {"queryable", layer.queryable},
                      {"shown", layer.shown_by_default},
                      {"editable", layer.editable},
                      {"access", to_string(layer.access)},
                      {"attributes", layer.attributes}});
  }
  return nlohmann::ordered_json{{"layers", std::move(layers)}}.dump();
}

}  // namespace antt::layers
