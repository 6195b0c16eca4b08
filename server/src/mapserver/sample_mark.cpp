// The sample's mark: two lines of red text with a light edge, turned across the image's middle, drawn by
// cairo straight into the engine's pixels (one per tile, so a tiled map shows it all over).
#include "mapserver/sample_mark.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace antt::mapserver {

bool draw_sample_mark(const PremultipliedImage& image) {
  const int width = image.width, height = image.height;
  // AGG keeps blue, green, red, alpha in that order: cairo's ARGB32 in a little-endian machine's memory.
  unsigned char* base = const_cast<unsigned char*>(image.b);
  const bool cairo_layout = base && image.a && image.g == base + 1 && image.r == base + 2 && image.a == base + 3 &&
                            image.pixel_step == 4 && width > 0 && height > 0 &&
                            image.row_step == cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
  if (!cairo_layout) return false;
  const std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create_for_data(base, CAIRO_FORMAT_ARGB32, width, height, image.row_step),
      &cairo_surface_destroy);
  const std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), &cairo_destroy);
  const double size = std::clamp(std::min(width, height) / 11.0, 9.0, 44.0);
  cairo_select_font_face(cr.get(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr.get(), size);
  cairo_translate(cr.get(), width / 2.0, height / 2.0);
  cairo_rotate(cr.get(), -std::atan2(1.0, 2.0));
  const char* lines[] = {"DỮ LIỆU GIẢ LẬP", "SAMPLE DATA"};
  for (int i = 0; i < 2; ++i) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr.get(), lines[i], &extents);
    cairo_move_to(cr.get(), -extents.width / 2 - extents.x_bearing, (i == 0 ? -0.15 : 1.05) * size);
    cairo_text_path(cr.get(), lines[i]);
  }
  // Red with a light edge: legible over the dark "recognised" blue as over empty ground.
  cairo_set_source_rgba(cr.get(), 0.85, 0.1, 0.1, 0.45);
  cairo_fill_preserve(cr.get());
  cairo_set_source_rgba(cr.get(), 1, 1, 1, 0.55);
  cairo_set_line_width(cr.get(), std::max(0.6, size / 20));
  cairo_stroke(cr.get());
  cairo_surface_flush(surface.get());
  return cairo_status(cr.get()) == CAIRO_STATUS_SUCCESS;
}

}  // namespace antt::mapserver
