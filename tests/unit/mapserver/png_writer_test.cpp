#include "mapserver/png_writer.hpp"

#include <gdal.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <vector>

#include "antt/core/error.hpp"

namespace antt::mapserver {
namespace {

/// Pixels of a PNG decoded by GDAL's PNG driver (libpng): bands × width × height bytes, band-major.
struct Decoded {
  int width = 0, height = 0, bands = 0;
  std::vector<unsigned char> bytes;
  unsigned char at(int band, int x, int y) const {
    return bytes[(static_cast<std::size_t>(band) * height + y) * width + x];
  }
};

Decoded decode(const std::string& png) {
  static std::atomic<int> counter{0};
  GDALAllRegister();
  const auto name = "/vsimem/png_writer_test_" + std::to_string(counter++) + ".png";
  VSIFCloseL(VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())),
                                  static_cast<vsi_l_offset>(png.size()), FALSE));
  Decoded out;
  if (GDALDatasetH dataset = GDALOpen(name.c_str(), GA_ReadOnly)) {
    EXPECT_STREQ(GDALGetDriverShortName(GDALGetDatasetDriver(dataset)), "PNG");
    out.width = GDALGetRasterXSize(dataset);
    out.height = GDALGetRasterYSize(dataset);
    out.bands = GDALGetRasterCount(dataset);
    out.bytes.resize(static_cast<std::size_t>(out.width) * out.height * out.bands);
    EXPECT_EQ(GDALDatasetRasterIO(dataset, GF_Read, 0, 0, out.width, out.height, out.bytes.data(), out.width,
                                  out.height, GDT_Byte, out.bands, nullptr, 0, 0, 0),
              CE_None);
    GDALClose(dataset);
  }
  VSIUnlink(name.c_str());
  return out;
}

/// An image in the layout of MapServer's AGG buffer: premultiplied BGRA, row by row.
struct Bgra {
  int width, height;
  std::vector<unsigned char> pixels;
  Bgra(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 4) {}
  void set(int x, int y, int r, int g, int b, int a) {
    auto* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 4];
    p[0] = static_cast<unsigned char>(b), p[1] = static_cast<unsigned char>(g), p[2] = static_cast<unsigned char>(r);
    p[3] = static_cast<unsigned char>(a);
  }
  PremultipliedImage view(bool with_alpha = true) const {
    PremultipliedImage image;
    image.width = width;
    image.height = height;
    image.b = pixels.data();
    image.g = pixels.data() + 1;
    image.r = pixels.data() + 2;
    image.a = with_alpha ? pixels.data() + 3 : nullptr;
    image.pixel_step = 4;
    image.row_step = width * 4;
    return image;
  }
};

// What MapServer 8.0's saveAsPNG (mapimageio.c) writes for a premultiplied channel value: the
// value divided by alpha/255 in double precision, truncated to a byte; 0 for transparent pixels.
unsigned char mapserver_straight(int value, int alpha) {
  if (alpha == 0) return 0;
  const double share = alpha / 255.0;
  return static_cast<unsigned char>(value / share);
}

TEST(PngWriter, EveryPremultipliedValueBecomesWhatMapServerWrites) {
  // x = premultiplied value, y = alpha: every pair a renderer can produce (value <= alpha).
  Bgra image(256, 256);
  for (int alpha = 0; alpha < 256; ++alpha)
    for (int value = 0; value <= alpha; ++value) image.set(value, alpha, value, value / 2, alpha - value, alpha);
  const auto png = encode_png(image.view());
  ASSERT_EQ(png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)), 0);
  const auto decoded = decode(png);
  ASSERT_EQ(decoded.width, 256);
  ASSERT_EQ(decoded.height, 256);
  ASSERT_EQ(decoded.bands, 4);
  int checked = 0;
  for (int alpha = 0; alpha < 256; ++alpha) {
    for (int value = 0; value <= alpha; ++value) {
      ASSERT_EQ(decoded.at(0, value, alpha), mapserver_straight(value, alpha)) << value << "/" << alpha;
      ASSERT_EQ(decoded.at(1, value, alpha), mapserver_straight(value / 2, alpha)) << value << "/" << alpha;
      ASSERT_EQ(decoded.at(2, value, alpha), mapserver_straight(alpha - value, alpha)) << value << "/" << alpha;
      ASSERT_EQ(decoded.at(3, value, alpha), alpha);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 256 * 257 / 2);
}

TEST(PngWriter, OpaqueColoursAndStridesArePreserved) {
  // A 300x7 image inside a wider buffer (row_step larger than width * 4), as an odd tile would be.
  const int width = 300, height = 7, stride_pixels = 320;
  Bgra buffer(stride_pixels, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) buffer.set(x, y, (x * 7) % 256, (y * 31) % 256, (x + y) % 256, 255);
  auto view = buffer.view();
  view.width = width;
  const auto png = encode_png(view);
  EXPECT_EQ(static_cast<unsigned char>(png[25]), 2) << "fully opaque: colour type 2, RGB";
  const auto decoded = decode(png);
  ASSERT_EQ(decoded.width, width);
  ASSERT_EQ(decoded.height, height);
  ASSERT_EQ(decoded.bands, 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      ASSERT_EQ(decoded.at(0, x, y), (x * 7) % 256);
      ASSERT_EQ(decoded.at(1, x, y), (y * 31) % 256);
      ASSERT_EQ(decoded.at(2, x, y), (x + y) % 256);
    }
  // One pixel short of opaque (outside the 300 px window, in the padding, must not count; inside, it does).
  buffer.set(310, 3, 1, 2, 3, 128);
  EXPECT_EQ(static_cast<unsigned char>(encode_png(view)[25]), 2);
  buffer.set(299, 6, 1, 2, 3, 128);
  const auto translucent = encode_png(view);
  EXPECT_EQ(static_cast<unsigned char>(translucent[25]), 6) << "colour type 6, RGBA";
  EXPECT_EQ(decode(translucent).at(3, 299, 6), 128);
}

TEST(PngWriter, ImagesWithoutAlphaAreWrittenAsRgb) {
  Bgra buffer(16, 16);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) buffer.set(x, y, 200, 100, 50, 0);  // alpha bytes ignored
  const auto decoded = decode(encode_png(buffer.view(false)));
  ASSERT_EQ(decoded.bands, 3);
  EXPECT_EQ(decoded.at(0, 5, 5), 200);
  EXPECT_EQ(decoded.at(1, 5, 5), 100);
  EXPECT_EQ(decoded.at(2, 5, 5), 50);
}

TEST(PngWriter, FlatTilesCompress) {
  Bgra buffer(256, 256);
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) buffer.set(x, y, 10, 20, 30, 255);
  EXPECT_LT(encode_png(buffer.view()).size(), 2000u);  // 256 KB of pixels
}

TEST(PngWriter, LargeAndSmallImagesInTurnOnOneThread) {
  // A tile reuses the thread's working memory; an image over 1 MB gets its own. Neither may
  // leave bytes that show up in the next image (the working memory is never zero-filled).
  auto gradient = [](int width, int height, int seed) {
    Bgra buffer(width, height);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const int alpha = x % 2 ? 255 : 128;  // premultiplied values never exceed alpha
        buffer.set(x, y, (x + seed) % 256 * alpha / 255, (y * 3) % 256 * alpha / 255, seed * alpha / 255, alpha);
      }
    return buffer;
  };
  for (const auto& [width, height, seed] : {std::tuple{256, 256, 1}, {900, 700, 2}, {256, 256, 3}, {64, 32, 4}}) {
    auto buffer = gradient(width, height, seed);
    const auto decoded = decode(encode_png(buffer.view()));
    ASSERT_EQ(decoded.width, width);
    ASSERT_EQ(decoded.height, height);
    ASSERT_EQ(decoded.bands, 4);
    for (int y = 0; y < height; y += 7)
      for (int x = 0; x < width; x += 5) {
        const int alpha = x % 2 ? 255 : 128;
        ASSERT_EQ(decoded.at(0, x, y), mapserver_straight((x + seed) % 256 * alpha / 255, alpha)) << width;
        ASSERT_EQ(decoded.at(3, x, y), alpha) << width;
      }
  }
}

TEST(PngWriter, RefusesAnEmptyImage) {
  PremultipliedImage empty;
  EXPECT_THROW(encode_png(empty), Error);
}

}  // namespace
}  // namespace antt::mapserver
