// OGC SLD 1.0.0 export: one Rule per class (per class and kind, or class and effectiveness, for
// points), filtered on the class column, plus a TextSymbolizer when the layer has labels.
#include <functional>
#include <sstream>

#include "antt/styles/styles.hpp"
#include "definition.hpp"

namespace antt::styles {
namespace {

using namespace detail;

// SLD 1.0 well-known marks; shapes it lacks fall back to the nearest one.
std::string well_known_mark(std::string_view symbol) {
  if (symbol == "circle" || symbol == "square" || symbol == "triangle" || symbol == "star" || symbol == "cross")
    return symbol == "cross" ? "x" : std::string(symbol);
  if (symbol == "plus") return "cross";
  if (symbol == "diamond" || symbol == "triangle_down") return symbol == "diamond" ? "square" : "triangle";
  return "circle";  // pentagon, hexagon, octagon
}

// Rotation that turns the fallback mark into the intended shape where one exists.
int mark_rotation(std::string_view symbol) {
  if (symbol == "diamond") return 45;
  if (symbol == "triangle_down") return 180;
  return 0;
}

std::string css(std::string_view name, std::string_view value) {
  return "<CssParameter name=\"" + std::string(name) + "\">" + xml_escape(value) + "</CssParameter>";
}

void property_equals(std::ostream& out, std::string_view indent, std::string_view column, std::string_view value) {
  out << indent << "<ogc:PropertyIsEqualTo><ogc:PropertyName>" << xml_escape(column)
      << "</ogc:PropertyName><ogc:Literal>" << xml_escape(value) << "</ogc:Literal></ogc:PropertyIsEqualTo>\n";
}

void polygon_symbolizers(std::ostream& out, const StyleDefinition& style, const LegendEntry& entry) {
  if (!entry.fill.empty())
    out << "          <PolygonSymbolizer><Fill>" << css("fill", entry.fill) << "</Fill></PolygonSymbolizer>\n";
  if (!entry.pattern.empty() && entry.pattern != "hollow") {
    // shape://slash and shape://backslash: the de-facto hatch marks (GeoServer, QGIS, MapServer read them).
    const HatchPattern& hatch = hatch_pattern(entry.pattern);
    const bool backwards = hatch.angle > 90;
    out << "          <PolygonSymbolizer><Fill><GraphicFill><Graphic><Mark><WellKnownName>shape://"
        << (backwards ? "backslash" : "slash") << "</WellKnownName><Stroke>" << css("stroke", entry.stroke)
        << css("stroke-width", format_number(hatch.width)) << "</Stroke></Mark><Size>"
        << format_number(hatch.spacing) << "</Size></Graphic></GraphicFill></Fill></PolygonSymbolizer>\n";
  }
  out << "          <PolygonSymbolizer><Stroke>" << css("stroke", entry.stroke)
      << css("stroke-width", format_number(style.stroke_width)) << "</Stroke></PolygonSymbolizer>\n";
}

void point_symbolizer(std::ostream& out, const StyleDefinition& style, const LegendEntry& entry,
                      std::string_view symbol, bool hollow) {
  hollow = hollow || entry.fill.empty();
  out << "          <PointSymbolizer><Graphic><Mark><WellKnownName>" << well_known_mark(symbol) << "</WellKnownName>";
  if (!hollow) out << "<Fill>" << css("fill", entry.fill) << "</Fill>";
  out << "<Stroke>" << css("stroke", hollow && !entry.fill.empty() ? entry.fill : entry.stroke)
      << css("stroke-width", format_number(hollow ? style.hollow_stroke_width : style.stroke_width))
      << "</Stroke></Mark><Size>" << format_number(style.size) << "</Size>";
  if (mark_rotation(symbol) != 0) out << "<Rotation>" << mark_rotation(symbol) << "</Rotation>";
  out << "</Graphic></PointSymbolizer>\n";
}

void text_symbolizer(std::ostream& out, const StyleDefinition& style, std::string_view field) {
  out << "          <TextSymbolizer><Label><ogc:PropertyName>" << xml_escape(field)
      << "</ogc:PropertyName></Label><Font>" << css("font-family", "DejaVu Sans")
      << css("font-size", format_number(style.label_size)) << "</Font><Halo><Radius>2</Radius><Fill>"
      << css("fill", "#ffffff") << "</Fill></Halo><Fill>" << css("fill", "#252525")
      << "</Fill></TextSymbolizer>\n";
}

struct RuleText {
  std::string name;
  std::string title;
};

void rule(std::ostream& out, const RuleText& text, const std::vector<std::pair<std::string, std::string>>& equal_to,
          bool negate_last, const std::function<void()>& symbolizers) {
  out << "        <Rule>\n          <Name>" << xml_escape(text.name) << "</Name>\n          <Title>"
      << xml_escape(text.title) << "</Title>\n          <ogc:Filter>\n";
  const std::string indent = equal_to.size() > 1 ? "              " : "            ";
  if (equal_to.size() > 1) out << "            <ogc:And>\n";
  for (size_t index = 0; index < equal_to.size(); ++index) {
    const bool negate = negate_last && index + 1 == equal_to.size();
    if (negate) out << indent << "<ogc:Not>\n";
    property_equals(out, negate ? indent + "  " : indent, equal_to[index].first, equal_to[index].second);
    if (negate) out << indent << "</ogc:Not>\n";
  }
  if (equal_to.size() > 1) out << "            </ogc:And>\n";
  out << "          </ogc:Filter>\n";
  symbolizers();
  out << "        </Rule>\n";
}

}  // namespace

std::string sld(std::string_view id, std::string_view layer_name, std::string_view label_field) {
  const StyleDefinition& style = style_definition(id);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<!-- Generated by anttmap from styles/anttmap-styles.json; regenerate, do not edit. -->\n"
      << "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\""
      << " xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
      << " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
      << " xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd\">\n"
      << "  <NamedLayer>\n    <Name>" << xml_escape(layer_name) << "</Name>\n    <UserStyle>\n      <Name>"
      << xml_escape(style.style.id) << "</Name>\n      <Title>" << xml_escape(style.style.title_vi)
      << "</Title>\n      <Abstract>" << xml_escape(style.style.title_en) << "</Abstract>\n      <FeatureTypeStyle>\n";
  for (const auto& class_rule : style.classes) {
    const LegendEntry& entry = class_rule.entry;
    const auto with_label = [&](const std::function<void()>& draw) {
      return [&, draw] {
        draw();
        if (!label_field.empty()) text_symbolizer(out, style, label_field);
      };
    };
    if (style.geometry == GeometryKind::polygon) {
      rule(out, {entry.key, entry.label_vi}, {{"class", entry.key}}, false,
           with_label([&] { polygon_symbolizers(out, style, entry); }));
    } else if (style.varies_by_kind()) {
      for (const auto& [kind, symbol] : style.symbol_by_kind)
        rule(out, {entry.key + "_" + kind.key, entry.label_vi + " — " + kind.label_vi},
             {{"class", entry.key}, {"kind", kind.key}}, false,
             with_label([&, symbol = symbol] { point_symbolizer(out, style, entry, symbol, false); }));
    } else if (style.varies_by_effective()) {
      for (const auto& variant : style.effective_labels) {
        const bool hollow = variant.key == "hollow";
        rule(out, {entry.key + (hollow ? "_not_effective" : "_effective"), entry.label_vi + " (" + variant.label_vi + ")"},
             {{"class", entry.key}, {"effective", "1"}}, hollow,
             with_label([&, hollow] { point_symbolizer(out, style, entry, class_rule.symbol, hollow); }));
      }
    } else {
      rule(out, {entry.key, entry.label_vi}, {{"class", entry.key}}, false,
           with_label([&] { point_symbolizer(out, style, entry, class_rule.symbol, false); }));
    }
  }
  out << "      </FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n";
  return out.str();
}

}  // namespace antt::styles
