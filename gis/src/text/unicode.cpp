#include "antt/text/unicode.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>

#include "antt/core/error.hpp"

namespace antt::text {

bool is_valid_utf8(std::string_view bytes) {
  int32_t i = 0;
  const auto length = static_cast<int32_t>(bytes.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(bytes.data()), i, length, c);
    if (c < 0) return false;
  }
  return true;
}

std::string to_nfc(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) throw InputError("text is not valid UTF-8: choose its encoding with --encoding");
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw Error("ICU NFC normaliser unavailable");
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  if (nfc->isNormalized(source, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  icu::UnicodeString normalised = nfc->normalize(source, status);
  if (U_FAILURE(status)) throw InputError("text could not be normalised to NFC");
  std::string out;
  normalised.toUTF8String(out);
  return out;
}

std::string fold_for_search(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), utf8.size()));
  icu::UnicodeString decomposed = nfd->normalize(source, status);
  icu::UnicodeString folded;
  for (int32_t i = 0; i < decomposed.length(); ++i) {
    char16_t c = decomposed.charAt(i);
    if (c >= 0x0300 && c <= 0x036F) continue;  // combining marks: tones, circumflex, breve, horn
    if (c == 0x0110 || c == 0x0111) c = u'd';  // Đ đ
    folded.append(c);
  }
  folded.toLower();
  std::string out;
  folded.toUTF8String(out);
  return out;
}

std::string trim(std::string_view text) {
  const char* spaces = " \t\r\n\f\v";
  size_t first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(spaces);
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace antt::text
