#include "mapserver/png_writer.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "antt/core/error.hpp"

namespace antt::mapserver {
namespace {

// libdeflate's level 3 was the fastest of levels 1-6 on our tiles and within 1.5 % of the smallest.
constexpr int kCompressionLevel = 3;

struct CompressorDeleter {
  void operator()(libdeflate_compressor* compressor) const { libdeflate_free_compressor(compressor); }
};
using Compressor = std::unique_ptr<libdeflate_compressor, CompressorDeleter>;

/// Straight-alpha value of premultiplied `c` at alpha `a`: the expression MapServer's saveAsPNG
/// evaluates (a double division truncated to a byte), tabulated once.
class Unpremultiply {
 public:
  Unpremultiply() {
    for (int alpha = 1; alpha < 256; ++alpha) {
      const double share = alpha / 255.0;
      for (int value = 0; value < 256; ++value)
        table_[static_cast<std::size_t>(alpha * 256 + value)] = static_cast<unsigned char>(value / share);
    }
  }
  unsigned char operator()(unsigned alpha, unsigned value) const { return table_[alpha * 256 + value]; }

 private:
  std::array<unsigned char, 256 * 256> table_{};
};

const Unpremultiply& unpremultiply() {
  static const Unpremultiply table;
  return table;
}

void put_u32(std::string& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  out.append(bytes, 4);
}

void put_chunk(std::string& out, const char (&type)[5], const unsigned char* data, std::size_t size) {
  put_u32(out, static_cast<std::uint32_t>(size));
  const std::size_t type_at = out.size();
  out.append(type, 4);
  if (size > 0) out.append(reinterpret_cast<const char*>(data), size);
  // The CRC covers the type and the data.
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(out.data() + type_at), static_cast<uInt>(4 + size));
  put_u32(out, static_cast<std::uint32_t>(crc));
}

/// Uninitialised working memory for one encoding. Tile-sized needs reuse the calling thread's
/// block (no allocation, no zero-filling of memory about to be overwritten); larger images get their
/// own, freed afterwards, so a rare 4096 px GetMap does not stay resident in every worker.
class ScratchBytes {
 public:
  ScratchBytes(std::vector<std::unique_ptr<unsigned char[]>>& kept, std::size_t slot, std::size_t size) {
    constexpr std::size_t kKeptBytes = std::size_t{1} << 20;
    if (size > kKeptBytes) {
      own_ = std::make_unique_for_overwrite<unsigned char[]>(size);
      data_ = own_.get();
      return;
    }
    if (kept.size() <= slot) kept.resize(slot + 1);
    if (!kept[slot]) kept[slot] = std::make_unique_for_overwrite<unsigned char[]>(kKeptBytes);
    data_ = kept[slot].get();
  }
  unsigned char* data() const { return data_; }

 private:
  std::unique_ptr<unsigned char[]> own_;
  unsigned char* data_ = nullptr;
};

/// True when every pixel's alpha is 255: the image is written as RGB, a quarter less to compress.
bool fully_opaque(const PremultipliedImage& image) {
  for (int y = 0; y < image.height; ++y) {
    const unsigned char* a = image.a + static_cast<std::ptrdiff_t>(y) * image.row_step;
    for (int x = 0; x < image.width; ++x)
      if (a[static_cast<std::ptrdiff_t>(x) * image.pixel_step] != 255) return false;
  }
  return true;
}

}  // namespace

std::string encode_png(const PremultipliedImage& image) {
  if (image.width < 1 || image.height < 1 || !image.r || !image.g || !image.b)
    throw Error("png writer: the image is empty");
  const bool alpha = image.a != nullptr && !fully_opaque(image);
  const int channels = alpha ? 4 : 3;
  const std::size_t row_bytes = 1 + static_cast<std::size_t>(image.width) * channels;  // filter byte + pixels
  thread_local std::vector<std::unique_ptr<unsigned char[]>> kept_scratch;
  const std::size_t raw_size = row_bytes * static_cast<std::size_t>(image.height);
  const ScratchBytes raw(kept_scratch, 0, raw_size);
  const auto& straight = unpremultiply();
  for (int y = 0; y < image.height; ++y) {
    unsigned char* out = raw.data() + row_bytes * static_cast<std::size_t>(y);
    *out++ = 0;  // filter type None, as MapServer writes
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(y) * image.row_step;
    const unsigned char* r = image.r + row;
    const unsigned char* g = image.g + row;
    const unsigned char* b = image.b + row;
    const unsigned char* a = alpha ? image.a + row : nullptr;
    for (int x = 0; x < image.width; ++x) {
      const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(x) * image.pixel_step;
      if (!alpha) {
        out[0] = r[at], out[1] = g[at], out[2] = b[at];
        out += 3;
        continue;
      }
      const unsigned opacity = a[at];
      if (opacity == 0) {
        out[0] = out[1] = out[2] = out[3] = 0;
      } else {
        out[0] = straight(opacity, r[at]), out[1] = straight(opacity, g[at]), out[2] = straight(opacity, b[at]);
        out[3] = static_cast<unsigned char>(opacity);
      }
      out += 4;
    }
  }

  // A compressor holds about 1 MB of tables: one per thread, reused.
  thread_local Compressor compressor(libdeflate_alloc_compressor(kCompressionLevel));
  if (!compressor) throw Error("png writer: libdeflate could not allocate a compressor");
  const std::size_t bound = libdeflate_zlib_compress_bound(compressor.get(), raw_size);
  const ScratchBytes compressed(kept_scratch, 1, bound);
  const std::size_t compressed_size =
      libdeflate_zlib_compress(compressor.get(), raw.data(), raw_size, compressed.data(), bound);
  if (compressed_size == 0) throw Error("png writer: compression failed");

  std::string png("\x89PNG\r\n\x1a\n", 8);
  png.reserve(8 + 25 + 12 + compressed_size + 12);
  const unsigned char header[13] = {
      static_cast<unsigned char>(image.width >> 24), static_cast<unsigned char>(image.width >> 16),
      static_cast<unsigned char>(image.width >> 8),  static_cast<unsigned char>(image.width),
      static_cast<unsigned char>(image.height >> 24), static_cast<unsigned char>(image.height >> 16),
      static_cast<unsigned char>(image.height >> 8),  static_cast<unsigned char>(image.height),
      8,                                  // bits per channel
      static_cast<unsigned char>(alpha ? 6 : 2),  // colour type: RGBA or RGB
      0, 0, 0};                           // deflate, adaptive filtering (all rows None), no interlace
  put_chunk(png, "IHDR", header, sizeof header);
  put_chunk(png, "IDAT", compressed.data(), compressed_size);
  put_chunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace antt::mapserver
