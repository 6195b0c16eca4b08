#pragma once
// Private to antt::styles: the parsed style definition with the drawing details the public
// LegendEntry does not carry (symbols, sizes, pattern geometry), and the small text helpers the
// generators share.
#include <string>
#include <string_view>
#include <vector>

#include "antt/styles/styles.hpp"

#include "antt/text/escape.hpp"

namespace antt::styles::detail {

enum class GeometryKind { polygon, point };

struct Rgb {
  int red = 0, green = 0, blue = 0;
};
/// "#rrggbb" to components; the definition is checked at load, so this cannot fail afterwards.
Rgb parse_colour(std::string_view hex);

struct HatchPattern {
  std::string name;  ///< "hatch", "backhatch"
  double angle = 45;   ///< degrees, counter-clockwise from the x axis
  double spacing = 8;  ///< pixels between lines
  double width = 1;    ///< line width, pixels
};

struct Label {
  std::string key;
  std::string label_vi;
  std::string label_en;
};

struct ClassRule {
  LegendEntry entry;
  std::string symbol;  ///< model: the type's own symbol; empty elsewhere
};

struct StyleDefinition {
  Style style;  ///< what the public API hands out
  GeometryKind geometry = GeometryKind::polygon;
  double size = 10;          ///< point symbol size, pixels
  double stroke_width = 1;   ///< outline width, pixels
  double hollow_stroke_width = 2;  ///< model: outline width of a not-effective (hollow) symbol
  double label_size = 8;
  std::vector<ClassRule> classes;  ///< same order as style.entries
  /// unit_status_point: kind -> symbol, in definition order (agency, enterprise, school).
  std::vector<std::pair<Label, std::string>> symbol_by_kind;
  /// model: {filled, hollow} labels; empty for other styles.
  std::vector<Label> effective_labels;

  bool varies_by_kind() const { return !symbol_by_kind.empty(); }
  bool varies_by_effective() const { return !effective_labels.empty(); }
};

struct Definition {
  std::vector<HatchPattern> patterns;
  std::vector<StyleDefinition> styles;
};

/// The embedded definition, parsed and checked once; throws Error naming the bad entry.
const Definition& definition();
/// The definition of style `id`; throws UsageError naming the known ids.
const StyleDefinition& style_definition(std::string_view id);
/// The hatch pattern `name`; throws Error when the definition lacks it.
const HatchPattern& hatch_pattern(std::string_view name);
/// Every symbol name a style may use (the shapes mapfile_symbols defines).
const std::vector<std::string>& symbol_names();

using text::xml_escape;
/// `text` as a double-quoted mapfile string ("..." with \" and \\ escaped).
std::string mapfile_string(std::string_view text);
/// A number without trailing zeros ("0.8", "45").
std::string format_number(double value);

}  // namespace antt::styles::detail
