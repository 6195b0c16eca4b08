#include "text_decoding.hpp"

#include <algorithm>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::importer {
namespace {

bool has_non_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return true;
  return false;
}

/// Field names and every string value: what the encoding has to explain.
std::vector<std::string> string_samples(const RawLayer& layer) {
  std::vector<std::string> samples;
  for (const auto& field : layer.fields) samples.push_back(field.name);
  for (const auto& feature : layer.features)
    for (size_t i = 0; i < layer.fields.size(); ++i)
      if (layer.fields[i].type == OFTString && feature.values[i] && !feature.values[i]->empty())
        samples.push_back(*feature.values[i]);
  return samples;
}

/// True when valid UTF-8 `text` holds a character that Vietnamese text never has but Latin-1 or
/// CP1252 readings of TCVN3/VNI bytes do: C1 controls, symbols (µ ¸ ® ×…), CP1252 punctuation,
/// or Latin-1 letters foreign to Vietnamese (ø ï ñ ö…). Guards the repair against genuine UTF-8
/// names that happen to fit in Latin-1 ("Xã Phúc Tuy").
bool looks_like_mojibake(std::string_view text) {
  static const std::u32string vietnamese_latin1 = U"àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ";
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    char32_t code_point = lead;
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (length > 1) {
      code_point = lead & (0xFF >> (length + 1));
      for (size_t k = 1; k < length && i + k < text.size(); ++k)
        code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += length;
    if (code_point < 0x80) continue;
    if (code_point > 0xFF) return true;  // CP1252 punctuation (to_single_bytes accepted it)
    if (vietnamese_latin1.find(code_point) == std::u32string::npos) return true;
  }
  return false;
}

std::string encoding_name(text::Encoding encoding) { return std::string(text::to_string(encoding)); }

}  // namespace

std::string TextDecoder::decode(std::string_view raw) const {
  if (via_single_bytes_ && encoding_ != text::Encoding::utf8 && text::is_valid_utf8(raw))
    if (auto bytes = text::to_single_bytes(raw)) return text::trim(text::decode_to_nfc(*bytes, encoding_));
  return text::trim(text::decode_to_nfc(raw, encoding_));
}

std::vector<std::string> decode_field_names(const RawLayer& layer, const TextDecoder& decoder, const std::string& path) {
  std::vector<std::string> names;
  for (size_t i = 0; i < layer.fields.size(); ++i) {
    try {
      names.push_back(decoder.decode(layer.fields[i].name));
    } catch (const InputError& error) {
      throw InputError("field " + std::to_string(i + 1) + " of '" + path + "' has a name that is not " +
                       encoding_name(decoder.encoding()) + " text (" + error.what() +
                       "); choose the encoding with --encoding");
    }
  }
  return names;
}

EncodingChoice choose_encoding(const std::string& option, const RawLayer& layer) {
  if (option != "auto") {
    auto encoding = text::parse_encoding(option);
    return {TextDecoder(encoding, !layer.raw_strings && encoding != text::Encoding::utf8), "given with --encoding", {}};
  }
  const auto samples = string_samples(layer);
  std::vector<std::string> warnings;

  if (layer.raw_strings) {
    const std::pair<const std::string*, const char*> hints[] = {{&layer.cpg_codepage, ".cpg file"},
                                                                {&layer.ldid_codepage, "DBF code page"}};
    for (const auto& [value, where] : hints) {
      if (value->empty()) continue;
      auto encoding = text::encoding_from_codepage(*value);
      // Latin-1 is what DBF writers claim by default (LDID 87); Vietnamese text is never Latin-1.
      if (!encoding || *encoding == text::Encoding::latin1) continue;
      if (*encoding == text::Encoding::utf8) {
        bool all_utf8 = true;
        for (const auto& sample : samples) all_utf8 = all_utf8 && text::is_valid_utf8(sample);
        if (!all_utf8) {
          warnings.push_back("the " + std::string(where) + " says UTF-8 but the text is not UTF-8; the encoding "
                             "was detected instead");
          continue;
        }
      }
      return {TextDecoder(*encoding, false), "from the " + std::string(where) + " (" + *value + ")", warnings};
    }
  }

  text::Encoding detected = text::detect_encoding(samples);
  if (detected == text::Encoding::utf8) {
    // UTF-8 that is really TCVN3/VNI bytes read as Latin-1 somewhere upstream ("Ho\u00b5 B\u00d7nh").
    std::vector<std::string> single_bytes;
    bool all_convertible = true;
    for (const auto& sample : samples) {
      if (!has_non_ascii(sample)) continue;
      auto bytes = text::to_single_bytes(sample);
      if (!bytes) {
        all_convertible = false;
        break;
      }
      single_bytes.push_back(*bytes);
    }
    bool marked = std::any_of(samples.begin(), samples.end(), [](const std::string& s) { return looks_like_mojibake(s); });
    if (all_convertible && marked && !single_bytes.empty()) {
      text::Encoding legacy = text::detect_encoding(single_bytes);
      if (legacy == text::Encoding::tcvn3 || legacy == text::Encoding::vni) {
        warnings.push_back("the text is " + encoding_name(legacy) +
                           " that was decoded as Latin-1 before it reached this file; it was repaired");
        return {TextDecoder(legacy, true), "detected (repaired Latin-1 mojibake)", warnings};
      }
    }
    return {TextDecoder(text::Encoding::utf8, false), "detected", warnings};
  }
  if (detected == text::Encoding::latin1)
    warnings.push_back("the text does not look like Vietnamese in any known encoding; it was read as Latin-1 "
                       "(choose another with --encoding)");
  return {TextDecoder(detected, !layer.raw_strings), "detected", warnings};
}

}  // namespace antt::importer
