#pragma once
// Legacy Vietnamese encodings found in old provincial GIS attributes (TCVN3/ABC, VNI-Windows,
// CP1258), decoded to Unicode NFC. GDAL 3.6's own recoding drops the last letter of TCVN3 strings
// (DOMAIN.md), so the importer reads raw bytes and decodes them here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antt::text {

enum class Encoding { utf8, tcvn3, vni, cp1258, latin1 };

/// "utf-8", "tcvn3", "vni", "cp1258", "latin1".
std::string_view to_string(Encoding encoding);
/// Accepts the CLI spellings (utf-8|utf8|tcvn3|abc|vni|cp1258|windows-1258|latin1);
/// throws UsageError otherwise. "auto" is handled by callers.
Encoding parse_encoding(std::string_view text);

/// Decodes `bytes` in `encoding` to UTF-8 NFC; throws InputError on bytes that are not text
/// in that encoding (invalid UTF-8 when utf8 is chosen, a byte CP1258 leaves undefined).
/// tcvn3 reads the full TCVN 5712:1993 VN1 table (the same as glibc's "TCVN5712-1"), a superset of
/// the VN3/ABC subset that real files use; vni reads VNI-Windows (base letter + diacritic byte),
/// with bytes that are not Vietnamese read as CP1252.
std::string decode_to_nfc(std::string_view bytes, Encoding encoding);

/// Encodes UTF-8 text (normalised to NFC first) in `encoding`; the inverse of decode_to_nfc, used
/// to write legacy test data. tcvn3 writes the VN3/ABC subset as old software did: accented
/// capitals other than Ă Â Ê Ô Ơ Ư Đ have no VN3 code and are written with the lowercase code
/// (so "Ủy" comes back as "ủy"). cp1258 writes precomposed letters where the code page has them,
/// otherwise base letter + tone mark, as Windows does. Throws InputError for invalid UTF-8 and
/// for a character the encoding cannot represent.
std::string encode_from_utf8(std::string_view utf8, Encoding encoding);

/// Guesses the encoding of a sample of attribute strings (raw bytes). Valid UTF-8 (including pure
/// ASCII) → utf8; otherwise each word with a non-ASCII byte is decoded as TCVN3, VNI and CP1258 and
/// the encoding under which most of them are well-formed Vietnamese syllables wins (ties go to
/// TCVN3, then VNI: the usual order in northern provincial data). latin1 when no reading yields a
/// single Vietnamese syllable.
Encoding detect_encoding(const std::vector<std::string>& samples);

/// Maps a Shapefile .cpg content or a DBF language-driver code page name ("UTF-8", "1258",
/// "TCVN5712-1", "LDID/87"...) to an encoding when it names one we handle (case-insensitive,
/// trimmed). Western code pages (1252, ISO-8859-1, LDID/87 "ANSI") give nothing: legacy
/// Vietnamese files routinely carry them while holding TCVN3 or VNI bytes, so callers should
/// detect instead.
std::optional<Encoding> encoding_from_codepage(std::string_view codepage);

/// Text that was TCVN3/VNI bytes but got decoded as Latin-1/CP1252 somewhere upstream
/// ("Ho\u00b5 B\u00d7nh") can be repaired: re-encode to single bytes, then decode. Returns
/// nothing if the text has characters outside Latin-1/CP1252.
std::optional<std::string> to_single_bytes(std::string_view utf8);

}  // namespace antt::text
