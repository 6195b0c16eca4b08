#pragma once
// Calendar dates as ISO strings (YYYY-MM-DD). Lexicographic order equals date order, which is
// what the store's SQL compares, so one representation serves C++ and SQL alike.
#include <optional>
#include <string>
#include <string_view>

namespace antt {

/// Returns the canonical YYYY-MM-DD form, or nothing if `text` is not a real calendar date.
std::optional<std::string> parse_iso_date(std::string_view text);

/// Like parse_iso_date but throws InputError naming `what` (e.g. "--valid-from").
std::string require_iso_date(std::string_view text, std::string_view what);

/// The date that stands for a year: its 31 December (units of year Y are those valid then).
std::string year_end(int year);

/// Today's date in local time.
std::string today();

/// The year of an ISO date.
int year_of(std::string_view iso_date);

/// Sentinel used for an open-ended valid_to in comparisons.
inline constexpr std::string_view kOpenEnd = "9999-12-31";

}  // namespace antt
