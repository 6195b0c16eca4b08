#include "report/cairo_handles.hpp"

#include <cairo-pdf.h>

#include <cstring>

namespace antt::report {
namespace {

struct PngReader {
  const std::string* data;
  std::size_t offset = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->offset + length > reader->data->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader->data->data() + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Surface checked(Surface surface, const char* what) {
  if (!surface) throw Error(std::string("report: cannot create ") + what);
  const auto status = cairo_surface_status(surface.get());
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(std::string("report: ") + what + " failed: " + cairo_status_to_string(status));
  return surface;
}

Cairo make_cairo(cairo_surface_t* target) {
  Cairo context(cairo_create(target));
  const auto status = cairo_status(context.get());
  if (status != CAIRO_STATUS_SUCCESS) throw Error(std::string("report: cairo context: ") + cairo_status_to_string(status));
  return context;
}

Surface image_surface(int width, int height) {
  return checked(Surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)), "image surface");
}

Surface png_surface(const std::string& png) {
  PngReader reader{&png};
  return checked(Surface(cairo_image_surface_create_from_png_stream(&read_png, &reader)), "reading the map PNG");
}

std::string png_bytes(cairo_surface_t* surface) {
  std::string out;
  cairo_surface_flush(surface);
  const auto status = cairo_surface_write_to_png_stream(surface, &append, &out);
  if (status != CAIRO_STATUS_SUCCESS) throw Error(std::string("report: writing PNG: ") + cairo_status_to_string(status));
  return out;
}

Surface pdf_surface(std::string& out, double width_pt, double height_pt) {
  return checked(Surface(cairo_pdf_surface_create_for_stream(&append, &out, width_pt, height_pt)), "PDF surface");
}

Surface recording_surface() {
  return checked(Surface(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr)), "recording surface");
}

}  // namespace antt::report
