#pragma once
// The render file's generalisation levels and zoom bands, and its table names.
#include <string>
#include <utility>

#include "antt/geo/web_mercator.hpp"

namespace antt::mapdata {

inline constexpr int kLevels = 4;
inline constexpr int kOpenEnd = 99991231;

/// Generalisation level for a web-mercator zoom: g0 z<=8, g1 z9-11, g2 z12-14, g3 z>=15 (full detail).
int level_for_zoom(int zoom);
/// Zoom range [min, max] a level serves.
std::pair<int, int> zoom_range_of_level(int level);
/// Simplification tolerance of a level in metres (EPSG:3857): 0.8 pixel at the band's highest zoom; 0 for g3.
double tolerance_of_level(int level);
/// "communes_g2".
std::string table_name(const std::string& layer, int level);

/// A box in EPSG:3857 metres.
using Box = geo::MercatorBox;

}  // namespace antt::mapdata
