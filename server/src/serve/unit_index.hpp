#pragma once
// The unit search index of the JSON API (/api/search, /api/units/{code}): every unit version with
// its name folded for matching (no diacritics, đ as d), its box and a point on it (EPSG:4326).
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "antt/core/date.hpp"
#include "antt/store/store.hpp"

namespace antt::serve {

/// Lower case, no diacritics, đ -> d, runs of white space as one space, trimmed.
std::string fold(std::string_view text);
/// The administrative prefix of a folded name ("huyen ", "xa ", ...), so "Huyện Đà Bắc" is a
/// whole-name match for "da bac". Longer prefixes first.
std::string_view administrative_prefix(std::string_view folded);
/// How well a folded name matches a folded query: 0 whole name (with or without its
/// administrative prefix), 1 the name starts with it, 2 it starts a word, 3 every query word
/// starts a word of the name, 4 it occurs inside a word; nothing when it does not match.
std::optional<int> match_rank(std::string_view name, std::string_view base, std::string_view query);
/// The kind's place in the hierarchy (province first).
int kind_rank(store::UnitKind kind);
/// Degrees rounded to 7 decimals (about 1 cm): what the API's boxes and points quote.
double rounded_degrees(double value);

/// One unit version as search and detail need it: no geometry, its box and a point on it (EPSG:4326).
struct IndexedUnit {
  std::string code;
  std::string name;
  store::UnitKind kind = store::UnitKind::commune;
  std::string subtype;
  std::string parent_code;
  std::string valid_from;
  std::optional<std::string> valid_to;
  std::string folded;
  std::string folded_base;
  std::optional<std::array<double, 4>> bbox;  ///< minlon, minlat, maxlon, maxlat
  std::optional<std::array<double, 2>> center;

  bool valid_on(const std::string& date) const { return valid_from <= date && (!valid_to || date < *valid_to); }
  bool overlaps(const IndexedUnit& other) const {
    return valid_from < other.valid_to.value_or(std::string(kOpenEnd)) &&
           other.valid_from < valid_to.value_or(std::string(kOpenEnd));
  }
};

class UnitIndex {
 public:
  explicit UnitIndex(const store::Store& store);

  const std::vector<IndexedUnit>& units() const { return units_; }
  /// Every version of `code`, oldest first.
  std::vector<const IndexedUnit*> versions(const std::string& code) const;
  const IndexedUnit* at(const std::string& code, const std::string& date) const;
  /// The parent of `unit`: the version valid on `date` when given, else the newest version
  /// that overlaps the unit's validity.
  const IndexedUnit* parent_of(const IndexedUnit& unit, const std::optional<std::string>& date) const;

 private:
  std::vector<IndexedUnit> units_;
  std::map<std::string, std::vector<std::size_t>> by_code_;
};

}  // namespace antt::serve
