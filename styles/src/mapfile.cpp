// MapServer 8.0 mapfile output: SYMBOL definitions and the CLASS blocks of each style.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <utility>

#include "antt/core/error.hpp"
#include "antt/styles/styles.hpp"
#include "definition.hpp"

namespace antt::styles {
namespace detail {
namespace {

using Points = std::vector<std::pair<double, double>>;

// Vertices on a circle inscribed in the unit symbol box (MapServer's y axis points down),
// starting at `start` radians clockwise from the top.
Points ring(int vertices, double start, double radius_outer, double radius_inner = -1) {
  Points points;
  const int steps = radius_inner < 0 ? vertices : 2 * vertices;
  for (int step = 0; step < steps; ++step) {
    const double angle = start + 2 * std::numbers::pi * step / steps;
    const double radius = (radius_inner >= 0 && step % 2 == 1) ? radius_inner : radius_outer;
    points.emplace_back(0.5 + radius * std::sin(angle), 0.5 - radius * std::cos(angle));
  }
  return points;
}

Points plus_outline(double rotation) {
  const double a = 1.0 / 6, b = 0.5;  // half arm width, half length
  const Points corners{{-a, -b}, {a, -b}, {a, -a}, {b, -a}, {b, a}, {a, a},
                       {a, b},   {-a, b}, {-a, a}, {-b, a}, {-b, -a}, {-a, -a}};
  Points points;
  for (const auto& [x, y] : corners)
    points.emplace_back(0.5 + x * std::cos(rotation) - y * std::sin(rotation),
                        0.5 + x * std::sin(rotation) + y * std::cos(rotation));
  return points;
}

// The outline of each vector symbol; "circle" is an ELLIPSE and has none.
Points shape_outline(std::string_view name) {
  const double pi = std::numbers::pi;
  if (name == "square") return {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  if (name == "triangle") return {{0.5, 0}, {1, 1}, {0, 1}};
  if (name == "triangle_down") return {{0, 0}, {1, 0}, {0.5, 1}};
  if (name == "diamond") return {{0.5, 0}, {1, 0.5}, {0.5, 1}, {0, 0.5}};
  if (name == "star") return ring(5, 0, 0.5, 0.2);
  if (name == "pentagon") return ring(5, 0, 0.5);
  if (name == "hexagon") return ring(6, 0, 0.5);
  if (name == "octagon") return ring(8, pi / 8, 0.5);
  if (name == "plus") return plus_outline(0);
  if (name == "cross") return plus_outline(pi / 4);
  return {};
}

std::string colour(std::string_view hex) {
  const Rgb rgb = parse_colour(hex);
  return std::to_string(rgb.red) + " " + std::to_string(rgb.green) + " " + std::to_string(rgb.blue);
}

std::string equals(std::string_view column, std::string_view value) {
  // Keys and column names are checked identifiers, so they need no escaping inside the quotes.
  return "(\"[" + std::string(column) + "]\" = \"" + std::string(value) + "\")";
}

void write_label(std::ostream& out, const StyleDefinition& style, const MapfileOptions& options) {
  if (options.label_item.empty()) return;
  out << "    LABEL\n"
      << "      TEXT " << mapfile_string("[" + options.label_item + "]") << "\n"
      << "      TYPE TRUETYPE\n"
      << "      FONT " << mapfile_string(options.font) << "\n"
      << "      SIZE " << format_number(style.label_size) << "\n"
      << "      COLOR 37 37 37\n"
      << "      OUTLINECOLOR 255 255 255\n"
      << "      OUTLINEWIDTH 2\n"
      << "      PARTIALS FALSE\n";
  if (style.geometry == GeometryKind::point) out << "      POSITION AUTO\n      OFFSET 0 " << format_number(style.size / 2 + 2) << "\n";
  if (options.label_max_scale > 0) out << "      MAXSCALEDENOM " << format_number(options.label_max_scale) << "\n";
  out << "    END\n";
}

void write_polygon_styles(std::ostream& out, const StyleDefinition& style, const LegendEntry& entry, bool outline) {
  if (!entry.fill.empty()) out << "    STYLE\n      COLOR " << colour(entry.fill) << "\n    END\n";
  if (!entry.pattern.empty() && entry.pattern != "hollow") {
    const HatchPattern& hatch = hatch_pattern(entry.pattern);
    out << "    STYLE\n      SYMBOL \"hatch\"\n      COLOR " << colour(entry.stroke) << "\n      ANGLE "
        << format_number(hatch.angle) << "\n      SIZE " << format_number(hatch.spacing) << "\n      WIDTH "
        << format_number(hatch.width) << "\n    END\n";
  }
  if (!outline) return;
  out << "    STYLE\n      OUTLINECOLOR " << colour(entry.stroke) << "\n      WIDTH "
      << format_number(style.stroke_width) << "\n    END\n";
}

void write_point_style(std::ostream& out, const StyleDefinition& style, const LegendEntry& entry,
                       std::string_view symbol, bool hollow) {
  out << "    STYLE\n      SYMBOL " << mapfile_string(symbol) << "\n      SIZE " << format_number(style.size) << "\n";
  if (hollow || entry.fill.empty()) {
    // Hollow: the outline alone, in the class colour so the legend still tells the types apart.
    const std::string& outline = entry.fill.empty() ? entry.stroke : entry.fill;
    out << "      OUTLINECOLOR " << colour(outline) << "\n      WIDTH " << format_number(style.hollow_stroke_width)
        << "\n";
  } else {
    out << "      COLOR " << colour(entry.fill) << "\n      OUTLINECOLOR " << colour(entry.stroke) << "\n      WIDTH "
        << format_number(style.stroke_width) << "\n";
  }
  out << "    END\n";
}

/// `expression`: a logical expression in parentheses, or a quoted string compared with CLASSITEM.
void open_class(std::ostream& out, const LegendEntry& entry, std::string_view title, const std::string& expression) {
  out << "  CLASS\n    NAME " << mapfile_string(entry.label_vi) << "\n";
  if (!title.empty()) out << "    TITLE " << mapfile_string(title) << "\n";
  out << "    EXPRESSION " << expression << "\n";
}

bool is_identifier(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

const std::vector<std::string>& symbol_names() {
  static const std::vector<std::string> names{"circle",  "square",  "triangle", "triangle_down", "diamond", "star",
                                              "pentagon", "hexagon", "octagon",  "plus",          "cross"};
  return names;
}

}  // namespace detail

std::string mapfile_symbols() {
  std::ostringstream out;
  out << "  SYMBOL\n    NAME \"hatch\"\n    TYPE HATCH\n  END\n";
  for (const auto& name : detail::symbol_names()) {
    out << "  SYMBOL\n    NAME \"" << name << "\"\n";
    if (name == "circle") {
      out << "    TYPE ELLIPSE\n    POINTS 1 1 END\n";
    } else {
      out << "    TYPE VECTOR\n    POINTS";
      const auto outline = detail::shape_outline(name);
      for (const auto& [x, y] : outline) out << " " << detail::format_number(x) << " " << detail::format_number(y);
      out << " " << detail::format_number(outline.front().first) << " " << detail::format_number(outline.front().second)
          << " END\n";
    }
    out << "    FILLED TRUE\n    ANCHORPOINT 0.5 0.5\n  END\n";
  }
  return out.str();
}

bool fills_every_class(std::string_view id) {
  const detail::StyleDefinition& style = detail::style_definition(id);
  if (style.geometry != detail::GeometryKind::polygon || style.classes.empty()) return false;
  return std::all_of(style.classes.begin(), style.classes.end(), [](const auto& rule) {
    return !rule.entry.fill.empty() && rule.entry.pattern != "hollow";
  });
}

std::string mapfile_outline_classes(std::string_view id, const MapfileOptions& options) {
  using namespace detail;
  if (!fills_every_class(id)) throw Error("styles: " + std::string(id) + " does not fill every class; its outlines stay with its polygons");
  const StyleDefinition& style = style_definition(id);
  std::ostringstream out;
  for (const auto& rule : style.classes) {
    const LegendEntry& entry = rule.entry;
    open_class(out, entry, "", options.class_item ? mapfile_string(entry.key) : "(" + equals("class", entry.key) + ")");
    out << "    STYLE\n      COLOR " << colour(entry.stroke) << "\n      WIDTH " << format_number(style.stroke_width)
        << "\n    END\n  END\n";
  }
  return out.str();
}

std::string mapfile_classes(std::string_view id, const MapfileOptions& options) {
  using namespace detail;
  const StyleDefinition& style = style_definition(id);
  if (!options.label_item.empty() && !is_identifier(options.label_item))
    throw UsageError("styles: label column '" + options.label_item + "' is not a plain column name");
  std::ostringstream out;
  for (const auto& rule : style.classes) {
    const LegendEntry& entry = rule.entry;
    const std::string is_class = equals("class", entry.key);
    // With CLASSITEM "class", a plain string EXPRESSION is compared directly; a logical one goes
    // through MapServer's expression parser for every feature and class.
    const std::string only_class = options.class_item ? mapfile_string(entry.key) : "(" + is_class + ")";
    if (style.geometry == GeometryKind::polygon) {
      open_class(out, entry, "", only_class);
      write_polygon_styles(out, style, entry, options.outlines);
      write_label(out, style, options);
      out << "  END\n";
    } else if (style.varies_by_kind()) {
      for (const auto& [kind, symbol] : style.symbol_by_kind) {
        open_class(out, entry, entry.label_vi + " — " + kind.label_vi,
                   "(" + is_class + " AND " + equals("kind", kind.key) + ")");
        write_point_style(out, style, entry, symbol, false);
        write_label(out, style, options);
        out << "  END\n";
      }
    } else if (style.varies_by_effective()) {
      for (const auto& variant : style.effective_labels) {
        const bool hollow = variant.key == "hollow";
        // Anything but 1 (0 or NULL) counts as not effective.
        const std::string effective = hollow ? "(\"[effective]\" != \"1\")" : equals("effective", "1");
        open_class(out, entry, entry.label_vi + " (" + variant.label_vi + ")", "(" + is_class + " AND " + effective + ")");
        write_point_style(out, style, entry, rule.symbol, hollow);
        write_label(out, style, options);
        out << "  END\n";
      }
    } else {
      open_class(out, entry, "", only_class);
      write_point_style(out, style, entry, rule.symbol, false);
      write_label(out, style, options);
      out << "  END\n";
    }
  }
  return out.str();
}

}  // namespace antt::styles
