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

/// A year's 1 January.
std::string year_start(int year);

/// Today's date in local time.
std::string today();

/// The year of an ISO date.
int year_of(std::string_view iso_date);

/// Sentinel used for an open-ended valid_to in comparisons.
inline constexpr std::string_view kOpenEnd = "9999-12-31";

/// A date as the number yyyymmdd (the render file's and the map engine's form): "2015-03-01" →
/// 20150301; 0 when `iso_date` is not YYYY-MM-DD.
int date_number(std::string_view iso_date);
/// yyyymmdd of a year's 31 December: the date that stands for the year.
constexpr int year_end_number(int year) { return year * 10000 + 1231; }
/// yyyymmdd of a year's 1 January.
constexpr int year_start_number(int year) { return year * 10000 + 101; }

/// Which units and statuses an answer shows: the status of `year`, the units as they were on
/// `date` (yyyymmdd; the year's 31 December unless a day was asked for).
struct TimeFilter {
  int year = 0;
  int date = 0;
  static constexpr TimeFilter of_year(int year) { return {year, year_end_number(year)}; }
  /// True when no particular day was asked for (the date is the year's 31 December).
  constexpr bool whole_year() const { return date == year_end_number(year); }
  bool operator==(const TimeFilter&) const = default;
};

/// An "as of" moment for what had been recorded by then, as the store writes recorded_at (UTC,
/// "YYYY-MM-DDTHH:MM:SS.sssZ", so text order is time order). "YYYY-MM-DD" is the end of that day in
/// Vietnam (UTC+7: "2020-03-31" -> "2020-03-31T16:59:59.999Z"); "YYYY-MM-DDTHH:MM[:SS[.s…]]" with
/// "Z" or "±HH:MM" is that instant (without a zone: Vietnam time). Nothing for anything else.
std::optional<std::string> parse_known_at(std::string_view text);
/// Like parse_known_at but throws InputError naming `what` (e.g. "--as-of").
std::string require_known_at(std::string_view text, std::string_view what);
/// The Vietnamese calendar date of such an instant ("2020-03-31T16:59:59.999Z" -> "2020-03-31").
std::string known_at_local_date(std::string_view instant);

/// "YYYY" (the year) or "YYYY-MM-DD" (a real calendar date, its year); nothing for anything else.
std::optional<TimeFilter> parse_time_filter(std::string_view text);

}  // namespace antt
