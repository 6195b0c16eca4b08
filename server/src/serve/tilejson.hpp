#pragma once
// TileJSON 3.0.0 documents of the published layers, one per layer, year and tile kind, so that
// MapLibre, Leaflet or QGIS find the tile URL template, zoom range and bounds in one request.
#include <optional>
#include <string>

#include "antt/layers/layers.hpp"
#include "antt/geo/web_mercator.hpp"

namespace antt::serve {

/// TileJSON 3.0.0 for `layer` in `year`: raster tiles base_url + "/tiles/<layer>/{z}/{x}/{y}.png?year=Y",
/// or with `vector` Mapbox vector tiles ".mvt" and a "vector_layers" entry listing the layer's
/// attributes with their types. `extent` (EPSG:3857) gives bounds and center; nothing: the world.
std::string tilejson(const std::string& base_url, const layers::LayerDescriptor& layer, int year, bool vector,
                     std::optional<geo::MercatorBox> extent);

}  // namespace antt::serve
