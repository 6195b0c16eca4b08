#pragma once
// The single definition of every palette and class rule (styles/anttmap-styles.json, compiled in)
// and the generators that turn it into MapServer CLASS blocks (the server), QGIS QML (the plugin)
// and OGC SLD 1.0 (export for other GIS), so the browser map and QGIS look alike.
//
// Class keys are the values the render file's `class` column holds (antt/mapdata/mapdata.hpp):
//   unit_status, unit_status_point: a StatusValue spelling (not_registered, registered, proposed,
//     recognised, not_recognised, revoked) or "no_data" (no status that year);
//     unit_status_point also varies its symbol by the `kind` column (agency, enterprise, school);
//   district_share: "below_70" (share <= 70 %), "above_70" (70 % < share <= 90 %), "above_90"
//     (share > 90 %), "no_data" (no unit with a status);
//   hotspot: "hotspot"; cluster: "cluster" (outline, labelled with `name`);
//   model: the model type (store::model_types()); filled when `effective` = 1, hollow when 0.
#include <string>
#include <string_view>
#include <vector>

namespace antt::styles {

struct LegendEntry {
  std::string key;       ///< class key
  std::string label_vi;  ///< Vietnamese label
  std::string label_en;
  std::string fill;      ///< "#rrggbb" or empty (no fill)
  std::string stroke;    ///< "#rrggbb"
  std::string pattern;   ///< "" solid, "hatch" diagonal lines, ... (greyscale/colour-blind redundancy)
};

struct Style {
  std::string id;
  std::string title_vi;
  std::string title_en;
  std::vector<LegendEntry> entries;
};

/// Every style of the definition; throws Error if the embedded definition is malformed.
const std::vector<Style>& all_styles();
/// The style `id`; throws UsageError naming the known ids.
const Style& style(std::string_view id);

struct MapfileOptions {
  std::string label_item;      ///< empty: no LABEL; else the column drawn as label (e.g. "name")
  double label_max_scale = 0;  ///< labels only at scale denominators below this (0 = always)
  std::string font = "sans";   ///< FONTSET alias (the engine's fontset maps it to DejaVu Sans)
  /// The layer declares CLASSITEM "class": classes testing the class alone get a plain string
  /// EXPRESSION, which MapServer compares without its expression parser.
  bool class_item = false;
  /// False: polygon classes draw no outline (fills, hatching and labels only); the outlines come
  /// from a line layer drawn with mapfile_outline_classes (shared boundaries drawn once).
  bool outlines = true;
};

/// MapServer CLASS ... END blocks (and any SYMBOL definitions they need, see mapfile_symbols)
/// for a layer drawn with style `id`; expressions test [class] (and [effective], [kind]).
std::string mapfile_classes(std::string_view id, const MapfileOptions& options);
/// True when `id` is a polygon style whose every class fills its area with a colour: each later
/// polygon then covers what an earlier one drew along their shared boundary, so that boundary
/// may be drawn once, after all fills, in the later polygon's outline style.
bool fills_every_class(std::string_view id);
/// MapServer CLASS blocks for a LINE layer carrying the outlines of polygon style `id`: one class
/// per style class (same expressions as mapfile_classes with `options.class_item`), drawn in its
/// stroke colour and width. Requires fills_every_class(id).
std::string mapfile_outline_classes(std::string_view id, const MapfileOptions& options);
/// SYMBOL ... END blocks every generated class may reference (hatch, circle, square, triangle...);
/// placed once in the MAP's SYMBOLSET-less body.
std::string mapfile_symbols();
/// QGIS 3 layer style (.qml, categorised on "class") for style `id`; labels on `label_field` if not empty.
std::string qml(std::string_view id, std::string_view label_field = "");
/// OGC SLD 1.0.0 StyledLayerDescriptor for `layer_name` drawn with style `id`; labels on
/// `label_field` if not empty.
std::string sld(std::string_view id, std::string_view layer_name, std::string_view label_field = "");
/// Every style's legend as JSON (for the web viewer and scripts).
std::string legend_json();

}  // namespace antt::styles
