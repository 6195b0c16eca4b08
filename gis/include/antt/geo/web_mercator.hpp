#pragma once
// Web mercator (EPSG:3857, spherical) and its tile grid: the arithmetic XYZ and vector tiles, WMTS
// GoogleMapsCompatible, the tile cache, the render levels, TileJSON and `seed` share.
#include <optional>

namespace antt::geo {

namespace web_mercator {
inline constexpr double kEarthRadius = 6378137.0;            ///< of the EPSG:3857 sphere, metres
inline constexpr double kHalfWorld = 20037508.342789244;     ///< metres from the origin to the edge
inline constexpr double kMaxLatitude = 85.0511287798066;     ///< the grid's edge, degrees
inline constexpr int kTilePixels = 256;
inline constexpr int kMaxZoom = 22;                          ///< deepest zoom anttmap serves
}  // namespace web_mercator

/// A box in EPSG:3857 metres.
struct MercatorBox {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
};

/// A longitude/latitude box (CRS84); the default is the whole web-mercator world.
struct LonLatBox {
  double west = -180, south = -web_mercator::kMaxLatitude, east = 180, north = web_mercator::kMaxLatitude;
};

/// Tiles [first_x, last_x] x [first_y, last_y] of one zoom; empty when first > last.
struct TileRange {
  int first_x = 0, last_x = -1, first_y = 0, last_y = -1;
  bool empty() const { return first_x > last_x || first_y > last_y; }
  bool contains(int x, int y) const { return x >= first_x && x <= last_x && y >= first_y && y <= last_y; }
  long long count() const { return empty() ? 0 : static_cast<long long>(last_x - first_x + 1) * (last_y - first_y + 1); }
};

/// The area of tile (z, x, y) (y counted from the north).
MercatorBox tile_box(int z, int x, int y);
/// The tiles of zoom `z` whose area touches `box` (edges included); empty for z outside 0-30.
TileRange tiles_touching(const MercatorBox& box, int z);
/// Ground metres per pixel of a 256 px tile at `zoom`, at the equator.
double metres_per_pixel(double zoom);
/// Scale denominator of `zoom` at 0.28 mm pixels (the OGC standard rendering pixel).
double scale_denominator(double zoom);

double lon_of(double x);
double lat_of(double y);
double x_of(double lon);
double y_of(double lat);
/// The lon/lat box of a mercator box (spherical inverse); nothing gives the whole world.
LonLatBox to_lon_lat(const std::optional<MercatorBox>& box);
/// The deepest zoom at which `box` still fits in a `pixels`-wide square, clamped to [0, 22].
int zoom_to_fit(const LonLatBox& box, int pixels);

}  // namespace antt::geo
