#pragma once
// Owners of the cairo and pango handles the report writers use: one type per handle, factories
// that throw antt::Error when cairo reports a failure status, and PNG in/out through memory.
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "antt/core/error.hpp"

namespace antt::report {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* context) const { cairo_destroy(context); }
};
struct GObjectDeleter {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* description) const { pango_font_description_free(description); }
};
struct FontOptionsDeleter {
  void operator()(cairo_font_options_t* options) const { cairo_font_options_destroy(options); }
};
struct GFreeDeleter {
  void operator()(gpointer memory) const { g_free(memory); }
};

using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Cairo = std::unique_ptr<cairo_t, ContextDeleter>;
using PangoContextHandle = std::unique_ptr<PangoContext, GObjectDeleter>;
using Layout = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontDescription = std::unique_ptr<PangoFontDescription, FontDescriptionDeleter>;
using FontOptions = std::unique_ptr<cairo_font_options_t, FontOptionsDeleter>;
using GString = std::unique_ptr<char, GFreeDeleter>;

/// Throws Error naming `what` when the surface is in an error state; returns it otherwise.
Surface checked(Surface surface, const char* what);
Cairo make_cairo(cairo_surface_t* target);
/// An ARGB32 image surface.
Surface image_surface(int width, int height);
/// Decodes PNG bytes; throws Error when they are not a PNG cairo can read.
Surface png_surface(const std::string& png);
/// Encodes an image surface as PNG bytes.
std::string png_bytes(cairo_surface_t* surface);
/// A PDF surface writing into `out` (appended); `out` must outlive the surface.
Surface pdf_surface(std::string& out, double width_pt, double height_pt);
/// A recording surface (unbounded): draws nothing, used to measure and count pages.
Surface recording_surface();

}  // namespace antt::report
