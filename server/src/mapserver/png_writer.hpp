#pragma once
// PNG encoding of the RGBA images MapServer draws. MapServer's own writer (libpng, zlib) took
// about a quarter of an uncached 256x256 GetMap; this one writes the same pixels (the same
// un-premultiplication, filter None, 8-bit RGBA) through libdeflate, about 25 % faster and 9 %
// smaller at its level 3 than zlib at level 1 (docs/benchmarks-server.md). No MapServer headers:
// the engine hands over the raster buffer's channel pointers.
#include <string>

namespace antt::mapserver {

/// A premultiplied 8-bit image as MapServer's AGG renderer keeps it (its rasterBufferObj):
/// channel pointers into interleaved pixels; `a` is null for images without alpha.
struct PremultipliedImage {
  int width = 0;
  int height = 0;
  const unsigned char* r = nullptr;
  const unsigned char* g = nullptr;
  const unsigned char* b = nullptr;
  const unsigned char* a = nullptr;
  int pixel_step = 4;  ///< bytes from one pixel to the next
  int row_step = 0;    ///< bytes from one row to the next
};

/// The PNG file: colour type RGBA with straight alpha, each channel value c / (alpha / 255)
/// truncated as MapServer's saveAsPNG computes it, fully transparent pixels 0; colour type RGB
/// when `a` is null or every alpha is 255 (the same pixels, a quarter less data to compress).
/// Throws antt::Error when the image is empty or compression fails.
std::string encode_png(const PremultipliedImage& image);

}  // namespace antt::mapserver
