// styles: the generated legend, MapServer classes, QGIS .qml or SLD of one style (or of a layer's style).
#include <fstream>
#include <optional>

#include "antt/core/error.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "antt/styles/styles.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

// The legend JSON of every style, or of the style `id` only.
std::string legend_text(const std::string& id) {
  auto legend = nlohmann::ordered_json::parse(styles::legend_json());
  if (id.empty()) return legend.dump(2);
  for (const auto& style : legend)
    if (style.at("id") == id) return style.dump(2);
  return "{}";  // unreachable: the id was checked
}

int run_styles(Context& context, const ParsedArgs& args) {
  const auto path = output_argument(args, "styles");
  const std::string format = args.get("format").value_or("json");
  if (format != "json" && format != "mapfile" && format != "qml" && format != "sld")
    throw UsageError("--format takes json, mapfile, qml or sld, not '" + format + "' / định dạng không hợp lệ");
  if (args.has("style") && args.has("layer"))
    throw UsageError("give --style or --layer, not both / chỉ dùng một trong --style, --layer");

  std::string style_id;
  std::string layer_name;
  std::string label_field;
  const layers::LayerDescriptor* layer = nullptr;
  if (auto name = args.get("layer")) {
    layer = &context.layer(*name);
    style_id = layer->style;
    layer_name = layer->name;
    label_field = layer->label_field;
  } else if (auto id = args.get("style")) {
    style_id = *id;
    layer_name = *id;
    styles::style(style_id);  // an unknown id is a usage error naming the known ones
  } else if (format != "json") {
    throw UsageError("--format " + format + " needs --style ID or --layer NAME / cần --style hoặc --layer");
  }

  std::string text;
  if (format == "json") {
    text = legend_text(style_id) + "\n";
  } else if (format == "mapfile") {
    styles::MapfileOptions options;
    options.label_item = label_field;
    if (layer && !label_field.empty() && layer->label_min_zoom > 0)
      options.label_max_scale = geo::scale_denominator(layer->label_min_zoom - 0.5);
    text = styles::mapfile_classes(style_id, options);
  } else if (format == "qml") {
    text = styles::qml(style_id, label_field);
  } else {
    text = styles::sld(style_id, layer_name, label_field);
  }

  if (path) {
    std::ofstream file(*path, std::ios::binary);
    if (!file || !(file << text) || !file.flush())
      throw InputError("cannot write '" + *path + "' / không ghi được tệp");
    if (!context.quiet) context.err << "wrote / đã ghi " << *path << "\n";
  } else {
    context.out << text;
  }
  return 0;
}

}  // namespace

std::vector<Command> styles_commands() {
  return {
      {"styles", "styles [--format json|mapfile|qml|sld] [--style ID | --layer NAME] [-o FILE]",
       "Legend, MapServer classes, QGIS style or SLD from the style definition / xuất kiểu hiển thị",
       {{"format", true, "json (legend, default), mapfile (CLASS blocks), qml (QGIS 3) or sld (SLD 1.0.0)"},
        {"style", true, "style id: unit_status, unit_status_point, district_share, hotspot, cluster, model"},
        {"layer", true, "layer name (communes, districts, ...): its style, with its label column"},
        {"output", true, "write to FILE instead of standard output (also -o)"}},
       run_styles,
       "Everything comes from styles/anttmap-styles.json, compiled in, so the map server, QGIS and other GIS\n"
       "draw the same classes in the same colours. Without --style or --layer, --format json lists every style."},
  };
}

}  // namespace antt::cli
