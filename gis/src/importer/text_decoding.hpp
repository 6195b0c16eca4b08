#pragma once
// Choosing and applying the text encoding of an import (see importer.hpp "Text").
#include <string>
#include <string_view>
#include <vector>

#include "antt/text/legacy_encoding.hpp"
#include "source.hpp"

namespace antt::importer {

class TextDecoder {
 public:
  /// `via_single_bytes`: the strings came through GDAL as UTF-8 (possibly Latin-1 mojibake of a
  /// legacy encoding); valid UTF-8 is mapped back to single bytes before decoding.
  TextDecoder(text::Encoding encoding, bool via_single_bytes)
      : encoding_(encoding), via_single_bytes_(via_single_bytes) {}
  /// NFC, trimmed; throws InputError when the bytes are not text in the encoding.
  std::string decode(std::string_view raw) const;
  text::Encoding encoding() const { return encoding_; }

 private:
  text::Encoding encoding_;
  bool via_single_bytes_;
};

struct EncodingChoice {
  TextDecoder decoder;
  std::string source;  ///< how it was chosen, e.g. "from the .cpg file", "detected"
  std::vector<std::string> warnings;
};

/// The layer's field names decoded with `decoder`; throws InputError naming the field of `path`
/// whose name is not text in that encoding.
std::vector<std::string> decode_field_names(const RawLayer& layer, const TextDecoder& decoder, const std::string& path);

/// `option`: "auto" or an encoding name (parse_encoding; UsageError otherwise).
EncodingChoice choose_encoding(const std::string& option, const RawLayer& layer);

}  // namespace antt::importer
