#pragma once
// Unicode helpers: every Vietnamese string the store keeps is NFC.
#include <string>
#include <string_view>

namespace antt::text {

/// Unicode NFC of UTF-8 text; throws InputError when `utf8` is not valid UTF-8.
std::string to_nfc(std::string_view utf8);

/// True when `bytes` is valid UTF-8.
bool is_valid_utf8(std::string_view bytes);

/// Lower-case text without diacritics, đ→d ("Hoà Bình" → "hoa binh"); for search and matching.
std::string fold_for_search(std::string_view utf8);

/// Trims ASCII white space at both ends.
std::string trim(std::string_view text);

}  // namespace antt::text
