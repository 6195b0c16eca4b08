#pragma once
// The sample's mark ("DỮ LIỆU GIẢ LẬP / SAMPLE DATA") drawn over a map image the engine made, so a map of
// invented data never passes for a real one wherever it is shown or embedded. No MapServer headers:
// the engine hands over its pixel buffer (png_writer.hpp's PremultipliedImage).
#include "mapserver/png_writer.hpp"

namespace antt::mapserver {

/// Draws the mark across the middle of `image`, in place. False (nothing drawn) unless the pixels are
/// premultiplied BGRA in rows cairo can address (AGG's layout, cairo's ARGB32 on little-endian).
bool draw_sample_mark(const PremultipliedImage& image);

}  // namespace antt::mapserver
