#pragma once
// Percent-encoding for URLs the tool writes (links, redirects): what stays as it is depends on the part.
#include <string>
#include <string_view>

namespace antt::text {

/// Percent-encodes every byte but A-Z a-z 0-9 - _ . ~ and the characters in `also_kept`.
std::string percent_encode_except(std::string_view text, std::string_view also_kept);

}  // namespace antt::text
