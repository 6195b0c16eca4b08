// Zoom bands of the render file's generalisation levels.
#include <cmath>
#include <string>

#include "antt/core/error.hpp"
#include "antt/mapdata/mapdata.hpp"

namespace antt::mapdata {
namespace {

// Highest web-mercator zoom of each band; g3 runs to the registry's deepest zoom.
constexpr int kBandTop[kLevels] = {8, 11, 14, 22};
// Simplification error, in pixels, that a reader does not see.
constexpr double kInvisiblePixels = 0.8;

void require_level(int level) {
  if (level < 0 || level >= kLevels)
    throw Error("mapdata: generalisation level " + std::to_string(level) + " does not exist (0.." +
                std::to_string(kLevels - 1) + ")");
}

}  // namespace

int level_for_zoom(int zoom) {
  for (int level = 0; level < kLevels - 1; ++level)
    if (zoom <= kBandTop[level]) return level;
  return kLevels - 1;
}

std::pair<int, int> zoom_range_of_level(int level) {
  require_level(level);
  return {level == 0 ? 0 : kBandTop[level - 1] + 1, kBandTop[level]};
}

double tolerance_of_level(int level) {
  require_level(level);
  if (level == kLevels - 1) return 0.0;
  // 0.8 pixel at the band's most detailed zoom, less below it: the displacement GeoServer's renderer
  // (GeoTools StreamingRenderer) allows by default when it generalises. Against half a pixel: 5 % faster drawing.
  return geo::metres_per_pixel(kBandTop[level]) * kInvisiblePixels;
}

std::string table_name(const std::string& layer, int level) {
  require_level(level);
  return layer + "_g" + std::to_string(level);
}

}  // namespace antt::mapdata
