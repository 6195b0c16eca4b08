#pragma once
// Query-parameter values shared by the server's endpoints (/api, /embed, /report).
#include <optional>
#include <string_view>

namespace antt::serve {

/// A whole four-digit year ("2020"), or nullopt for anything else (signs, spaces, other lengths).
inline std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace antt::serve
