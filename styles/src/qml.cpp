// QGIS 3 layer style (.qml): a categorised renderer on "class"; per-feature variations (the symbol
// of a unit's kind, hollow not-effective models) are data-defined properties of the one symbol.
#include <sstream>

#include "antt/styles/styles.hpp"
#include "definition.hpp"

namespace antt::styles {
namespace {

using namespace detail;

std::string qgis_colour(std::string_view hex) {
  if (hex.empty()) return "0,0,0,0";
  const Rgb rgb = parse_colour(hex);
  return std::to_string(rgb.red) + "," + std::to_string(rgb.green) + "," + std::to_string(rgb.blue) + ",255";
}

struct QgisMarker {
  std::string name;
  double angle = 0;
};

// QGIS has no downward triangle or diagonal cross: rotate its upright ones.
QgisMarker qgis_marker(std::string_view symbol) {
  if (symbol == "triangle_down") return {"triangle", 180};
  if (symbol == "plus") return {"cross_fill", 0};
  if (symbol == "cross") return {"cross_fill", 45};
  return {std::string(symbol), 0};
}

void option(std::ostream& out, std::string_view indent, std::string_view name, std::string_view value) {
  out << indent << "<Option type=\"QString\" name=\"" << name << "\" value=\"" << xml_escape(value) << "\"/>\n";
}

// <data_defined_properties> with one expression per property (empty list: none).
void data_defined(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& expressions) {
  out << "          <data_defined_properties>\n            <Option type=\"Map\">\n";
  option(out, "              ", "name", "");
  if (expressions.empty()) {
    out << "              <Option name=\"properties\"/>\n";
  } else {
    out << "              <Option type=\"Map\" name=\"properties\">\n";
    for (const auto& [property, expression] : expressions) {
      out << "                <Option type=\"Map\" name=\"" << property << "\">\n"
          << "                  <Option type=\"bool\" name=\"active\" value=\"true\"/>\n";
      option(out, "                  ", "expression", expression);
      out << "                  <Option type=\"int\" name=\"type\" value=\"3\"/>\n"
          << "                </Option>\n";
    }
    out << "              </Option>\n";
  }
  option(out, "              ", "type", "collection");
  out << "            </Option>\n          </data_defined_properties>\n";
}

void simple_fill(std::ostream& out, std::string_view fill, std::string_view outline, double outline_width) {
  out << "        <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n";
  const std::string_view indent = "            ";
  option(out, indent, "color", qgis_colour(fill));
  option(out, indent, "style", fill.empty() ? "no" : "solid");
  option(out, indent, "outline_color", qgis_colour(outline));
  option(out, indent, "outline_style", outline.empty() ? "no" : "solid");
  option(out, indent, "outline_width", format_number(outline_width));
  option(out, indent, "outline_width_unit", "Pixel");
  option(out, indent, "joinstyle", "bevel");
  option(out, indent, "offset", "0,0");
  option(out, indent, "offset_unit", "Pixel");
  out << "          </Option>\n";
  data_defined(out, {});
  out << "        </layer>\n";
}

void line_pattern(std::ostream& out, const HatchPattern& hatch, std::string_view colour, int symbol_index) {
  const std::string_view indent = "            ";
  out << "        <layer class=\"LinePatternFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n";
  option(out, indent, "angle", format_number(hatch.angle));
  option(out, indent, "color", qgis_colour(colour));
  option(out, indent, "distance", format_number(hatch.spacing));
  option(out, indent, "distance_unit", "Pixel");
  option(out, indent, "line_width", format_number(hatch.width));
  option(out, indent, "line_width_unit", "Pixel");
  option(out, indent, "offset", "0");
  option(out, indent, "offset_unit", "Pixel");
  out << "          </Option>\n";
  data_defined(out, {});
  out << "          <symbol type=\"line\" name=\"@" << symbol_index << "@1\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
      << "        <layer class=\"SimpleLine\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n";
  option(out, indent, "line_color", qgis_colour(colour));
  option(out, indent, "line_style", "solid");
  option(out, indent, "line_width", format_number(hatch.width));
  option(out, indent, "line_width_unit", "Pixel");
  option(out, indent, "capstyle", "flat");
  out << "          </Option>\n";
  data_defined(out, {});
  out << "        </layer>\n          </symbol>\n        </layer>\n";
}

void fill_symbol(std::ostream& out, const StyleDefinition& style, const LegendEntry& entry, int index) {
  out << "      <symbol type=\"fill\" name=\"" << index << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n";
  if (entry.pattern.empty()) {
    simple_fill(out, entry.fill, entry.stroke, style.stroke_width);
  } else {
    // Bottom to top: fill, hatch lines, outline, as the mapfile draws them.
    if (!entry.fill.empty()) simple_fill(out, entry.fill, "", 0);
    if (entry.pattern != "hollow") line_pattern(out, hatch_pattern(entry.pattern), entry.stroke, index);
    simple_fill(out, "", entry.stroke, style.stroke_width);
  }
  out << "      </symbol>\n";
}

std::string quoted_literal(std::string_view text) {
  std::string literal = "'";
  for (char c : text) literal += c == '\'' ? std::string("''") : std::string(1, c);
  return literal + "'";
}

void marker_symbol(std::ostream& out, const StyleDefinition& style, const ClassRule& rule, int index) {
  const LegendEntry& entry = rule.entry;
  const bool hollow = entry.fill.empty();
  const std::string symbol = style.varies_by_kind() ? style.symbol_by_kind.front().second : rule.symbol;
  const QgisMarker marker = qgis_marker(symbol);
  const std::string_view indent = "            ";
  out << "      <symbol type=\"marker\" name=\"" << index << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
      << "        <layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n";
  option(out, indent, "name", marker.name);
  option(out, indent, "angle", format_number(marker.angle));
  option(out, indent, "color", qgis_colour(entry.fill));
  option(out, indent, "outline_color", qgis_colour(entry.stroke));
  option(out, indent, "outline_style", "solid");
  option(out, indent, "outline_width", format_number(hollow ? style.hollow_stroke_width : style.stroke_width));
  option(out, indent, "outline_width_unit", "Pixel");
  option(out, indent, "size", format_number(style.size));
  option(out, indent, "size_unit", "Pixel");
  option(out, indent, "scale_method", "diameter");
  option(out, indent, "joinstyle", "miter");
  option(out, indent, "horizontal_anchor_point", "1");
  option(out, indent, "vertical_anchor_point", "1");
  out << "          </Option>\n";
  std::vector<std::pair<std::string, std::string>> expressions;
  if (style.varies_by_kind()) {
    std::string name = "CASE", angle = "CASE";
    for (const auto& [kind, kind_symbol] : style.symbol_by_kind) {
      const QgisMarker kind_marker = qgis_marker(kind_symbol);
      name += " WHEN \"kind\" = " + quoted_literal(kind.key) + " THEN " + quoted_literal(kind_marker.name);
      angle += " WHEN \"kind\" = " + quoted_literal(kind.key) + " THEN " + format_number(kind_marker.angle);
    }
    expressions.emplace_back("name", name + " ELSE 'circle' END");
    expressions.emplace_back("angle", angle + " ELSE 0 END");
  }
  if (style.varies_by_effective()) {
    // Not effective (0 or NULL): hollow, outlined in the type's colour.
    const std::string effective = "coalesce(\"effective\", 0) = 1";
    expressions.emplace_back("fillColor", "CASE WHEN " + effective + " THEN " + quoted_literal(qgis_colour(entry.fill)) +
                                              " ELSE '0,0,0,0' END");
    expressions.emplace_back("strokeColor", "CASE WHEN " + effective + " THEN " +
                                                quoted_literal(qgis_colour(entry.stroke)) + " ELSE " +
                                                quoted_literal(qgis_colour(entry.fill)) + " END");
    expressions.emplace_back("strokeWidth", "CASE WHEN " + effective + " THEN " + format_number(style.stroke_width) +
                                                " ELSE " + format_number(style.hollow_stroke_width) + " END");
  }
  data_defined(out, expressions);
  out << "        </layer>\n      </symbol>\n";
}

void labeling(std::ostream& out, const StyleDefinition& style, std::string_view field) {
  const bool points = style.geometry == GeometryKind::point;
  out << "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
      << "      <text-style fieldName=\"" << xml_escape(field) << "\" isExpression=\"0\" fontFamily=\"DejaVu Sans\""
      << " namedStyle=\"Book\" fontSize=\"" << format_number(style.label_size) << "\" fontSizeUnit=\"Point\""
      << " textColor=\"37,37,37,255\" textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\" allowHtml=\"0\">\n"
      << "        <text-buffer bufferDraw=\"1\" bufferSize=\"2\" bufferSizeUnits=\"Pixel\" bufferColor=\"255,255,255,255\""
      << " bufferOpacity=\"1\" bufferNoFill=\"1\" bufferJoinStyle=\"128\"/>\n"
      << "      </text-style>\n"
      << "      <text-format wrapChar=\"\" multilineAlign=\"3\" autoWrapLength=\"0\"/>\n"
      // Points: cartographic placement around the symbol; areas: over the centroid, kept inside.
      << "      <placement placement=\"" << (points ? 6 : 1) << "\" centroidInside=\"1\" dist=\"" << (points ? 1 : 0)
      << "\" distUnits=\"MM\" fitInPolygonOnly=\"0\"/>\n"
      << "      <rendering obstacle=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\"/>\n"
      << "    </settings>\n  </labeling>\n";
}

}  // namespace

std::string qml(std::string_view id, std::string_view label_field) {
  const StyleDefinition& style = style_definition(id);
  std::ostringstream out;
  out << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<!-- Generated by anttmap from styles/anttmap-styles.json (style " << style.style.id
      << "); regenerate with anttmap styles, do not edit. -->\n"
      << "<qgis version=\"3.22.0-Białowieża\" styleCategories=\"AllStyleCategories\" labelsEnabled=\""
      << (label_field.empty() ? 0 : 1) << "\">\n"
      << "  <renderer-v2 type=\"categorizedSymbol\" attr=\"class\" symbollevels=\"0\" enableorderby=\"0\""
      << " forceraster=\"0\">\n    <categories>\n";
  for (size_t index = 0; index < style.classes.size(); ++index) {
    const LegendEntry& entry = style.classes[index].entry;
    out << "      <category render=\"true\" symbol=\"" << index << "\" value=\"" << xml_escape(entry.key)
        << "\" label=\"" << xml_escape(entry.label_vi) << "\" type=\"string\"/>\n";
  }
  out << "    </categories>\n    <symbols>\n";
  for (size_t index = 0; index < style.classes.size(); ++index) {
    if (style.geometry == GeometryKind::point)
      marker_symbol(out, style, style.classes[index], static_cast<int>(index));
    else
      fill_symbol(out, style, style.classes[index].entry, static_cast<int>(index));
  }
  out << "    </symbols>\n    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n";
  if (!label_field.empty()) labeling(out, style, label_field);
  out << "  <layerGeometryType>" << (style.geometry == GeometryKind::point ? 0 : 2) << "</layerGeometryType>\n"
      << "</qgis>\n";
  return out.str();
}

}  // namespace antt::styles
