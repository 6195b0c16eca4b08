// Legacy Vietnamese text (gis/include/antt/text/legacy_encoding.hpp) on any bytes: every decoder
// gives valid UTF-8 in NFC or refuses with InputError, detection always answers and its choice reads
// the samples, and what an encoder writes decodes back to the text it was given. Inputs are
// attribute values: scripts/fuzz.sh caps them at 512 bytes (a DBF text field holds 254).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "antt/core/error.hpp"
#include "antt/text/legacy_encoding.hpp"
#include "antt/text/unicode.hpp"
#include "fuzz_support.hpp"

namespace {

using antt::fuzz::require;
using antt::text::Encoding;

constexpr Encoding kEncodings[] = {Encoding::utf8, Encoding::tcvn3, Encoding::vni, Encoding::cp1258, Encoding::latin1};

bool is_nfc_utf8(const std::string& text) {
  return antt::text::is_valid_utf8(text) && antt::text::to_nfc(text) == text;
}

/// The text as `encoding` writes it and reads it back; nothing when the encoding has no code for
/// one of its characters (InputError, as documented).
std::optional<std::string> through(const std::string& text, Encoding encoding) {
  std::string written;
  try {
    written = antt::text::encode_from_utf8(text, encoding);
  } catch (const antt::InputError&) {
    return std::nullopt;
  }
  return antt::text::decode_to_nfc(written, encoding);
}

/// Valid UTF-8 `text` survives a round trip through `encoding` when the encoding can write it.
/// TCVN3 writes accented capitals with the lowercase codes (as ABC software did), so there the
/// second trip must change nothing.
void require_round_trip(const std::string& text, Encoding encoding) {
  const std::string nfc = antt::text::to_nfc(text);
  const auto back = through(nfc, encoding);
  if (!back) return;
  if (encoding == Encoding::tcvn3) {
    require(through(*back, encoding) == back, "a TCVN3 round trip is stable after the first");
  } else {
    require(*back == nfc, "encoding then decoding gives the text back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const bool utf8 = antt::text::is_valid_utf8(bytes);

  for (Encoding encoding : kEncodings) {
    std::string decoded;
    try {
      decoded = antt::text::decode_to_nfc(bytes, encoding);
    } catch (const antt::InputError&) {
      // Documented: invalid UTF-8 for utf8, a byte CP1258 leaves undefined. Nothing else refuses.
      require(encoding == Encoding::cp1258 || (encoding == Encoding::utf8 && !utf8), "only UTF-8 and CP1258 refuse bytes");
      continue;
    }
    require(encoding != Encoding::utf8 || utf8, "invalid UTF-8 is refused when utf8 is named");
    require(is_nfc_utf8(decoded), "decoded text is UTF-8 in NFC");
    // What a legacy decoder read, its encoder writes back (the encoders make the test data).
    if (encoding != Encoding::utf8) require_round_trip(decoded, encoding);
  }
  if (utf8) {
    for (Encoding encoding : kEncodings) require_round_trip(bytes, encoding);
    (void)antt::text::fold_for_search(bytes);
  }

  // Detection reads attribute strings: one per line here.
  std::vector<std::string> samples;
  for (std::size_t start = 0; start <= bytes.size();) {
    const auto end = std::min(bytes.find('\n', start), bytes.size());
    samples.push_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  const Encoding detected = antt::text::detect_encoding(samples);
  if (utf8) require(detected == Encoding::utf8, "valid UTF-8 is detected as UTF-8");
  // Whatever is detected then reads every sample (CP1258 wins only when no word had an undefined byte).
  for (const auto& sample : samples)
    require(is_nfc_utf8(antt::text::decode_to_nfc(sample, detected)), "the detected encoding reads the samples");

  (void)antt::text::encoding_from_codepage(bytes);
  try {
    (void)antt::text::parse_encoding(bytes);
  } catch (const antt::UsageError&) {
  }
  if (const auto single = antt::text::to_single_bytes(bytes)) {
    require(single->size() <= bytes.size(), "single bytes are no longer than their UTF-8");
  }
  return 0;
}
