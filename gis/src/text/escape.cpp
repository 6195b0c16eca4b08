#include "antt/text/escape.hpp"
#include "antt/text/percent_encoding.hpp"

#include <unicode/utf8.h>

#include <cctype>
#include <cstdint>

namespace antt::text {

std::string xml_escape(std::string_view text) {
  // U+FFFD REPLACEMENT CHARACTER, for bytes that are not UTF-8 (the documents say encoding="UTF-8").
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < length;) {
    const std::int32_t start = i;
    UChar32 code_point;
    U8_NEXT(bytes, i, length, code_point);
    switch (code_point) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (code_point < 0 || code_point == 0xFFFE || code_point == 0xFFFF) {
          out += kReplacement;  // XML 1.0 allows neither
        } else if (code_point < 0x20 && code_point != '\n' && code_point != '\t' && code_point != '\r') {
          out += '?';
        } else {
          out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
        }
    }
  }
  return out;
}

std::string percent_encode_except(std::string_view text, std::string_view also_kept) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    const bool kept = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
                      also_kept.find(static_cast<char>(c)) != std::string_view::npos;
    if (kept) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string url_encode(std::string_view text) { return percent_encode_except(text, ",:"); }

}  // namespace antt::text
