#pragma once
// The web-mercator (EPSG:3857) arithmetic the published documents share: boxes of the render
// file converted to the longitude/latitude (CRS84) bounds that capabilities and TileJSON quote.
#include <optional>

#include "antt/mapdata/mapdata.hpp"

namespace antt::serve {

using Box3857 = mapdata::Box;

/// Longitude/latitude (CRS84) box; the default is the whole web-mercator world.
struct LonLatBox {
  double west = -180, south = -85.0511287798066, east = 180, north = 85.0511287798066;
};

/// The CRS84 box of an EPSG:3857 box (spherical inverse); nothing gives the whole world.
LonLatBox to_lon_lat(const std::optional<Box3857>& box);

/// The deepest zoom at which `box` still fits in a `pixels`-wide square, clamped to [0, 22].
int zoom_to_fit(const LonLatBox& box, int pixels);

}  // namespace antt::serve
