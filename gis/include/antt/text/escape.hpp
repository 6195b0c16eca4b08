#pragma once
// Escaping for the documents and URLs the tool writes (capabilities, exceptions, QML/SLD, links).
#include <string>
#include <string_view>

namespace antt::text {

/// `text` with & < > " ' as XML entities; control characters XML 1.0 forbids (a request may carry
/// them) become '?', and bytes that are not UTF-8 (or U+FFFE, U+FFFF) U+FFFD, so the document stays
/// well-formed UTF-8 whatever the text held.
std::string xml_escape(std::string_view text);

/// Percent-encodes everything but A-Z a-z 0-9 - _ . ~ , : (commas and colons stay readable in
/// BBOX and CRS values).
std::string url_encode(std::string_view text);

}  // namespace antt::text
