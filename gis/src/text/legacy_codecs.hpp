#pragma once
// Internal to the text module: the byte tables of the legacy encodings (CP1252, TCVN3, CP1258,
// VNI-Windows, Latin-1) and their decoders and encoders. legacy_encoding.cpp picks one by
// antt::text::Encoding, and detects which one a file uses.
//
// All decoders here are table-driven, not iconv: glibc's TCVN5712-1 and CP1258 converters hold back
// the last base letter waiting for a combining mark, which is how GDAL 3.6 loses the last letter
// of every TCVN3 string (DOMAIN.md §4). The tests check the TCVN3 and CP1258 tables against glibc.
#include <optional>
#include <string>
#include <string_view>

namespace antt::text::detail {

/// The CP1252 byte of a code point, the exact inverse of reading CP1252 as Windows does (undefined
/// bytes pass through as C1 controls).
std::optional<unsigned char> cp1252_byte(char32_t code_point);

/// TCVN3 (TCVN 5712:1993 VN1 table) to UTF-8 NFC.
std::string decode_tcvn3(std::string_view bytes);
/// Code points to the VN3/ABC subset; accented capitals are written with the lowercase code.
/// Throws InputError for a character VN3 cannot represent.
std::string encode_tcvn3(std::u32string_view text);

/// CP1258 to UTF-8 NFC; throws InputError on a byte CP1258 leaves undefined.
std::string decode_cp1258(std::string_view bytes);
/// Code points to CP1258: precomposed where the code page has the letter, else base + tone mark.
std::string encode_cp1258(std::u32string_view text);

/// VNI-Windows to UTF-8 NFC; `misplaced_marks` counts diacritic bytes that followed no vowel they
/// fit (kept as their CP1252 letters), which genuine VNI text never has.
std::string decode_vni(std::string_view bytes, int& misplaced_marks);
/// Code points to VNI-Windows; throws InputError for a character VNI fonts cannot show.
std::string encode_vni(std::u32string_view text);

/// Latin-1 to UTF-8 (already NFC).
std::string decode_latin1(std::string_view bytes);
/// Code points to Latin-1; throws InputError above U+00FF.
std::string encode_latin1(std::u32string_view text);

}  // namespace antt::text::detail
