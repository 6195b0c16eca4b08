#include "serve/unit_index.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "antt/geo/ogr.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

bool is_word_char(char c) { return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c)); }

/// True when `needle` starts a word of `haystack` somewhere.
bool starts_a_word(std::string_view haystack, std::string_view needle) {
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) {
    if (at == 0 || !is_word_char(haystack[at - 1])) return true;
  }
  return false;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && !is_word_char(text[start])) ++start;
    std::size_t end = start;
    while (end < text.size() && is_word_char(text[end])) ++end;
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end;
  }
  return words;
}


void locate(IndexedUnit& unit, const std::string& wkb) {
  if (wkb.empty()) return;
  geo::OgrGeometry geometry = geo::OgrGeometry::from_wkb(wkb);
  if (geometry.is_empty()) return;
  OGREnvelope envelope;
  OGR_G_GetEnvelope(geometry.get(), &envelope);
  unit.bbox = {rounded_degrees(envelope.MinX), rounded_degrees(envelope.MinY), rounded_degrees(envelope.MaxX),
               rounded_degrees(envelope.MaxY)};
  if (geometry.flat_type() == wkbPoint) {
    unit.center = {rounded_degrees(OGR_G_GetX(geometry.get(), 0)), rounded_degrees(OGR_G_GetY(geometry.get(), 0))};
    return;
  }
  // A point on the surface (a concave commune's centroid may lie in its neighbour); the box
  // centre when GEOS cannot give one.
  geo::OgrGeometry inside(OGR_G_PointOnSurface(geometry.get()));
  if (inside && !inside.is_empty()) {
    unit.center = {rounded_degrees(OGR_G_GetX(inside.get(), 0)), rounded_degrees(OGR_G_GetY(inside.get(), 0))};
  } else {
    unit.center = {rounded_degrees((envelope.MinX + envelope.MaxX) / 2), rounded_degrees((envelope.MinY + envelope.MaxY) / 2)};
  }
}

}  // namespace

double rounded_degrees(double value) { return std::round(value * 1e7) / 1e7; }

std::string fold(std::string_view text) {
  std::string folded = text::fold_for_search(text);
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string_view administrative_prefix(std::string_view folded) {
  static constexpr std::string_view kPrefixes[] = {
      "thanh pho ", "thi tran ", "to dan pho ", "khu pho ", "thi xa ", "phuong ", "tinh ", "huyen ", "quan ",
      "thon ", "xom ", "ban ", "khu ", "xa ", "to "};
  for (std::string_view prefix : kPrefixes) {
    if (folded.size() > prefix.size() && folded.substr(0, prefix.size()) == prefix) return prefix;
  }
  return {};
}




std::optional<int> match_rank(std::string_view name, std::string_view base, std::string_view query) {
  if (name == query || base == query) return 0;
  if (base.substr(0, query.size()) == query || name.substr(0, query.size()) == query) return 1;
  if (starts_a_word(name, query)) return 2;
  const std::vector<std::string_view> query_words = words_of(query);
  if (!query_words.empty()) {
    const std::vector<std::string_view> name_words = words_of(name);
    const bool all = std::all_of(query_words.begin(), query_words.end(), [&](std::string_view word) {
      return std::any_of(name_words.begin(), name_words.end(),
                         [&](std::string_view candidate) { return candidate.substr(0, word.size()) == word; });
    });
    if (all) return 3;
  }
  if (name.find(query) != std::string_view::npos) return 4;
  return std::nullopt;
}

int kind_rank(store::UnitKind kind) {
  const auto& kinds = store::all_unit_kinds();
  return static_cast<int>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
}

UnitIndex::UnitIndex(const store::Store& store) {
  geo::register_gdal_drivers();
  for (store::UnitVersion& version : store.units(store::UnitQuery{})) {
    IndexedUnit unit;
    unit.code = std::move(version.code);
    unit.name = std::move(version.name);
    unit.kind = version.kind;
    unit.subtype = std::move(version.subtype);
    unit.parent_code = std::move(version.parent_code);
    unit.valid_from = std::move(version.valid_from);
    unit.valid_to = std::move(version.valid_to);
    unit.folded = fold(unit.name);
    unit.folded_base = unit.folded.substr(administrative_prefix(unit.folded).size());
    locate(unit, version.geometry_wkb);
    units_.push_back(std::move(unit));
  }
  for (std::size_t i = 0; i < units_.size(); ++i) by_code_[units_[i].code].push_back(i);
}

std::vector<const IndexedUnit*> UnitIndex::versions(const std::string& code) const {
  std::vector<const IndexedUnit*> out;
  auto found = by_code_.find(code);
  if (found == by_code_.end()) return out;
  for (std::size_t i : found->second) out.push_back(&units_[i]);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->valid_from < b->valid_from; });
  return out;
}

const IndexedUnit* UnitIndex::at(const std::string& code, const std::string& date) const {
  for (const IndexedUnit* unit : versions(code))
    if (unit->valid_on(date)) return unit;
  return nullptr;
}

const IndexedUnit* UnitIndex::parent_of(const IndexedUnit& unit, const std::optional<std::string>& date) const {
  if (unit.parent_code.empty()) return nullptr;
  if (date)
    if (const IndexedUnit* parent = at(unit.parent_code, *date)) return parent;
  const IndexedUnit* best = nullptr;
  for (const IndexedUnit* parent : versions(unit.parent_code))
    if (parent->overlaps(unit)) best = parent;
  return best;
}

}  // namespace antt::serve
