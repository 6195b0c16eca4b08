#include "antt/geo/web_mercator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace antt::geo {
namespace {

using namespace web_mercator;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr int kGridMaxZoom = 30;  // beyond it tile numbers leave int

}  // namespace

MercatorBox tile_box(int z, int x, int y) {
  const double size = 2 * kHalfWorld / std::ldexp(1.0, z);
  return {-kHalfWorld + x * size, kHalfWorld - (y + 1) * size, -kHalfWorld + (x + 1) * size, kHalfWorld - y * size};
}

TileRange tiles_touching(const MercatorBox& box, int z) {
  TileRange range;
  if (z < 0 || z > kGridMaxZoom || box.minx > box.maxx || box.miny > box.maxy) return range;
  const double tiles = std::ldexp(1.0, z);
  const double last = tiles - 1;
  auto column = [&](double metres) { return (metres + kHalfWorld) / (2 * kHalfWorld) * tiles; };
  auto row = [&](double metres) { return (kHalfWorld - metres) / (2 * kHalfWorld) * tiles; };
  // Tile i spans [i, i+1] in these units; it touches [lo, hi] when i <= hi and i + 1 >= lo.
  const double first_x = std::max(0.0, std::ceil(column(box.minx)) - 1);
  const double last_x = std::min(last, std::floor(column(box.maxx)));
  const double first_y = std::max(0.0, std::ceil(row(box.maxy)) - 1);
  const double last_y = std::min(last, std::floor(row(box.miny)));
  if (first_x > last_x || first_y > last_y) return range;
  range.first_x = static_cast<int>(first_x);
  range.last_x = static_cast<int>(last_x);
  range.first_y = static_cast<int>(first_y);
  range.last_y = static_cast<int>(last_y);
  return range;
}

double metres_per_pixel(double zoom) { return 2 * kHalfWorld / kTilePixels / std::pow(2.0, zoom); }

double scale_denominator(double zoom) { return metres_per_pixel(zoom) / 0.00028; }

double lon_of(double x) { return x / kEarthRadius * kRadToDeg; }
double lat_of(double y) { return std::atan(std::sinh(y / kEarthRadius)) * kRadToDeg; }
double x_of(double lon) { return lon / kRadToDeg * kEarthRadius; }
double y_of(double lat) { return kEarthRadius * std::asinh(std::tan(lat / kRadToDeg)); }

LonLatBox to_lon_lat(const std::optional<MercatorBox>& box) {
  if (!box) return {};
  return {lon_of(box->minx), lat_of(box->miny), lon_of(box->maxx), lat_of(box->maxy)};
}

int zoom_to_fit(const LonLatBox& box, int pixels) {
  // Web-mercator x is linear in longitude; y is not, so measure the latitude span in metres.
  const double width_m = x_of(box.east) - x_of(box.west);
  const double height_m = y_of(box.north) - y_of(box.south);
  const double span = std::max(width_m, height_m);
  if (span <= 0) return kMaxZoom;
  const double zoom = std::floor(std::log2(2 * kHalfWorld / span * pixels / kTilePixels));
  return static_cast<int>(std::clamp(zoom, 0.0, static_cast<double>(kMaxZoom)));
}

}  // namespace antt::geo
