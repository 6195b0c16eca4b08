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
/// in that encoding (e.g. invalid UTF-8 when utf8 is chosen).
std::string decode_to_nfc(std::string_view bytes, Encoding encoding);

/// Guesses the encoding of a sample of attribute strings (raw bytes). Valid UTF-8 with non-ASCII
/// letters → utf8; otherwise scores TCVN3, VNI and CP1258 by how Vietnamese the decoded words look.
/// Pure ASCII → utf8.
Encoding detect_encoding(const std::vector<std::string>& samples);

/// Maps a Shapefile .cpg content or a DBF language-driver code page name ("UTF-8", "1258",
/// "TCVN5712-1", "LDID/87"...) to an encoding when it names one we handle.
std::optional<Encoding> encoding_from_codepage(std::string_view codepage);

/// Text that was TCVN3/VNI bytes but got decoded as Latin-1/CP1252 somewhere upstream
/// ("Ho\u00b5 B\u00d7nh") can be repaired: re-encode to single bytes, then decode. Returns
/// nothing if the text has characters outside Latin-1/CP1252.
std::optional<std::string> to_single_bytes(std::string_view utf8);

}  // namespace antt::text
