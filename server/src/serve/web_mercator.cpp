#include "serve/web_mercator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace antt::serve {
namespace {

constexpr double kEarthRadius = 6378137.0;  // EPSG:3857 sphere
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

double lon_of(double x) { return x / kEarthRadius * kRadToDeg; }
double lat_of(double y) { return std::atan(std::sinh(y / kEarthRadius)) * kRadToDeg; }

}  // namespace

LonLatBox to_lon_lat(const std::optional<Box3857>& box) {
  if (!box) return {};
  return {lon_of(box->minx), lat_of(box->miny), lon_of(box->maxx), lat_of(box->maxy)};
}

int zoom_to_fit(const LonLatBox& box, int pixels) {
  // Web-mercator x is linear in longitude; y is not, so measure the latitude span in metres.
  const double width_m = (box.east - box.west) / kRadToDeg * kEarthRadius;
  auto y_of = [](double lat) { return kEarthRadius * std::asinh(std::tan(lat / kRadToDeg)); };
  const double height_m = y_of(box.north) - y_of(box.south);
  const double span = std::max(width_m, height_m);
  if (span <= 0) return 22;
  const double world = 2 * std::numbers::pi * kEarthRadius;
  const double zoom = std::floor(std::log2(world / span * pixels / 256.0));
  return static_cast<int>(std::clamp(zoom, 0.0, 22.0));
}

}  // namespace antt::serve
