#pragma once
// The map server's layer registry: one descriptor per published layer, read from the
// layers/layers.json file compiled into the tool. Everything that publishes layers (mapfile,
// capabilities, TileJSON, vector tiles, OGC API collections) iterates this list.
#include <string>
#include <string_view>
#include <vector>

namespace antt::layers {

enum class GeometryType { polygon, point, line };

struct LayerDescriptor {
  std::string name;  ///< URL and WMS name: districts, communes, villages, units, hotspots, clusters, models
  std::string title_vi;
  std::string title_en;
  std::string abstract;
  GeometryType geometry = GeometryType::polygon;
  std::string style;  ///< style id in styles/anttmap-styles.json
  int min_zoom = 0;   ///< drawn from this web-mercator zoom ...
  int max_zoom = 22;  ///< ... up to this one
  std::string label_field;  ///< empty: no labels
  int label_min_zoom = 0;
  bool queryable = true;
  std::vector<std::string> attributes;  ///< columns exposed in feature info, vector tiles and /ogc
};

/// Every layer, in drawing order (bottom first).
const std::vector<LayerDescriptor>& registry();
/// The descriptor named `name`, or nullptr.
const LayerDescriptor* find_layer(std::string_view name);

/// Scale denominator of a web-mercator zoom level at 0.28 mm pixels (OGC standard rendering pixel).
double scale_denominator_for_zoom(double zoom);

}  // namespace antt::layers
