// layers: the layer registry (`layers`, `layers --json`) and a year's rows of its layers
// (`layers export`), what the QGIS plugin draws in local mode.
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/layers/direct_rows.hpp"
#include "antt/layers/rows_file.hpp"
#include "antt/store/store.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int run_layers_list(Context& context) {
  if (context.json) {
    print_json(context.out, layers::registry_json(*context.layers));
    return 0;
  }
  for (const auto& layer : context.layers->layers()) {
    std::string kinds;
    for (auto kind : layer.unit_kinds) kinds += (kinds.empty() ? "" : ",") + std::string(store::to_string(kind));
    context.out << layer.name << std::string(layer.name.size() < 11 ? 11 - layer.name.size() : 1, ' ')
                << layers::to_string(layer.geometry) << "  z" << layer.min_zoom << "-" << layer.max_zoom << "  "
                << layers::to_string(layer.access) << "  " << layer.title_vi << " / " << layer.title_en
                << (kinds.empty() ? "" : "  [" + kinds + "]") << "\n";
  }
  return 0;
}

int run_layers_export(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap layers export FILE.gpkg|FILE.geojson --year Y [--layers L,...]");
  const std::string path = args.positional[1];
  const auto year = args.get_int("year");
  if (!year) throw UsageError("layers export needs --year / cần --year");
  std::vector<const layers::LayerDescriptor*> chosen;
  if (auto list = args.get("layers")) {
    std::stringstream stream(*list);
    std::string name;
    while (std::getline(stream, name, ',')) chosen.push_back(&context.layer(name));
  } else {
    for (const auto& layer : context.layers->layers()) chosen.push_back(&layer);
  }
  auto store = context.open_store();
  auto built = layers::direct_rows(*store, chosen, *year);
  std::vector<layers::LayerRows> files;
  nlohmann::json counts = nlohmann::json::object();
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    counts[chosen[i]->name] = built[i].size();
    files.push_back({chosen[i], std::move(built[i])});
  }
  layers::write_rows_file(path, files);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"file", path}, {"year", *year}, {"rows", counts}}.dump());
  } else if (!context.quiet) {
    context.out << "wrote / đã ghi " << path << " (" << *year << "):";
    for (const auto& [name, count] : counts.items()) context.out << " " << name << " " << count;
    context.out << "\n";
  }
  return 0;
}

int run_layers(Context& context, const ParsedArgs& args) {
  if (args.positional.empty() || args.positional[0] == "list") return run_layers_list(context);
  if (args.positional[0] == "export") return run_layers_export(context, args);
  throw UsageError("unknown layers subcommand '" + args.positional[0] + "'; use list or export / lệnh con không hợp lệ");
}

}  // namespace

std::vector<Command> layers_commands() {
  return {{"layers",
           "layers [list] | layers export FILE.gpkg|FILE.geojson --year Y [--layers L,...]",
           "the published layers, and a year's rows of them / các lớp bản đồ và dữ liệu của chúng theo năm",
           {{"year", true, "the year whose rows to export / năm"},
            {"layers", true, "comma-separated layers (default all) / các lớp"}},
           run_layers,
           "`layers` lists the layer registry (with --json: every field of each descriptor, as GET /api/layers).\n"
           "`layers export` writes the rows each layer shows for the year (units valid during the year with that\n"
           "year's status, hotspots, clusters, models...) at full detail in EPSG:4326, with their class and label:\n"
           "a GeoPackage with one table per layer, or GeoJSON of one layer. The QGIS plugin draws these."}};
}

}  // namespace antt::cli
