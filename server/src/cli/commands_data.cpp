// sample, import, export.
#include <chrono>
#include <filesystem>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/exporter/cluster_export.hpp"
#include "antt/exporter/exporter.hpp"
#include "antt/importer/cluster_import.hpp"
#include "antt/importer/importer.hpp"
#include "antt/sample/sample.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int run_sample(Context& context, const ParsedArgs& args) {
  sample::SampleOptions options;
  options.scale = args.get_int("scale").value_or(1);
  if (options.scale < 1 || options.scale > 50) throw UsageError("--scale takes 1 to 50");
  auto store = context.open_store(store::is_postgis_location(context.db_path) || !std::filesystem::exists(context.db_path));
  if (!store->units({std::nullopt, {}, {}, false}).empty() && !args.has("force"))
    throw InputError("the store at '" + store::printable_location(context.db_path) +
                     "' already holds units; the sample goes into an empty store (init a new --db)");
  auto started = std::chrono::steady_clock::now();
  auto summary = sample::load_sample(*store, context.actor, options, context.progress("sample"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  nlohmann::json json{{"db", store::printable_location(context.db_path)},
                      {"districts", summary.districts},
                      {"communes_2019", summary.communes_2019},
                      {"communes_2020", summary.communes_2020},
                      {"villages", summary.villages},
                      {"agencies", summary.agencies},
                      {"enterprises", summary.enterprises},
                      {"schools", summary.schools},
                      {"neighbour_communes", summary.neighbour_communes},
                      {"clusters", summary.clusters},
                      {"models", summary.models},
                      {"hotspots", summary.hotspots},
                      {"status_rows", summary.status_rows},
                      {"lineage_events", summary.lineage_events},
                      {"seconds", seconds}};
  if (context.json) {
    print_json(context.out, json.dump());
  } else if (!context.quiet) {
    context.out << "Sample province loaded into / đã nạp tỉnh mẫu vào " << store::printable_location(context.db_path) << " ("
                << summary.districts << " districts, " << summary.communes_2019 << " communes in 2019, "
                << summary.communes_2020 << " in 2020, " << summary.villages << " villages, " << summary.status_rows
                << " status rows) in " << static_cast<int>(seconds * 1000) << " ms\n";
  }
  return 0;
}

/// Clusters are not units: a table of code, name, kind, year, members, standing_unit.
int run_import_clusters(Context& context, const ParsedArgs& args) {
  for (const char* unit_only : {"code-field", "name-field", "parent-field", "subtype-field", "s-srs", "valid-from",
                                "valid-to", "replace"})
    if (args.has(unit_only))
      throw UsageError(std::string("--") + unit_only + " does not apply to --kind cluster (columns code, name, kind, "
                       "year, members, standing_unit)");
  importer::ClusterImportOptions options;
  options.encoding = args.get("encoding").value_or("auto");
  options.layer = args.get("layer");
  auto store = context.open_store();
  auto result = importer::import_clusters(*store, context.actor, args.positional[0], options, context.progress("import"));
  if (context.json) {
    print_json(context.out, nlohmann::json{{"file", args.positional[0]},
                                           {"clusters", result.clusters},
                                           {"new_clusters", result.new_clusters},
                                           {"cluster_years", result.cluster_years},
                                           {"replaced_years", result.replaced_years},
                                           {"encoding", result.encoding_used},
                                           {"warnings", result.warnings}}
                                .dump());
  } else {
    for (const auto& warning : result.warnings) context.err << "warning: " << warning << "\n";
    context.out << "Imported / đã nhập " << result.clusters << " cluster(s), " << result.cluster_years
                << " cluster-year(s) (" << result.new_clusters << " new, " << result.replaced_years << " replaced)\n";
  }
  return 0;
}

int run_import(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) throw UsageError("usage: anttmap import FILE --kind KIND");
  auto kind = args.get("kind");
  if (!kind)
    throw UsageError("import needs --kind (province, district, commune, village, agency, enterprise, school, cluster)");
  if (*kind == "cluster") return run_import_clusters(context, args);
  importer::ImportOptions options;
  options.kind = store::parse_unit_kind(*kind);
  options.code_field = args.get("code-field");
  options.name_field = args.get("name-field");
  options.parent_field = args.get("parent-field");
  options.subtype_field = args.get("subtype-field");
  options.source_srs = args.get("s-srs");
  options.encoding = args.get("encoding").value_or("auto");
  if (auto from = args.get("valid-from")) options.valid_from = require_iso_date(*from, "--valid-from");
  if (auto to = args.get("valid-to")) options.valid_to = require_iso_date(*to, "--valid-to");
  options.replace = args.has("replace");
  options.layer = args.get("layer");
  auto store = context.open_store();
  auto result = importer::import_units(*store, context.actor, args.positional[0], options, context.progress("import"));
  if (context.json) {
    print_json(context.out, nlohmann::json{{"file", args.positional[0]},
                                           {"imported", result.imported},
                                           {"replaced", result.replaced},
                                           {"encoding", result.encoding_used},
                                           {"source_crs", result.source_crs},
                                           {"warnings", result.warnings}}
                                .dump());
  } else {
    for (const auto& warning : result.warnings) context.err << "warning: " << warning << "\n";
    context.out << "Imported / đã nhập " << result.imported << " " << *kind << " unit(s)"
                << (result.replaced ? ", replaced " + std::to_string(result.replaced) : "") << " (encoding "
                << result.encoding_used << ", CRS " << result.source_crs << ")\n";
  }
  return 0;
}

int run_export(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) throw UsageError("usage: anttmap export FILE --kind KIND [--year Y]");
  exporter::ExportOptions options;
  const bool clusters = args.get("kind") == "cluster";
  if (auto kind = args.get("kind"); kind && !clusters) options.kind = store::parse_unit_kind(*kind);
  options.year = args.get_int("year");
  if (auto date = args.get("date")) {
    if (clusters) throw UsageError("--kind cluster exports a year: use --year");
    options.date = require_iso_date(*date, "--date");
  }
  options.target_srs = args.get("t-srs");
  auto store = context.open_store();
  auto result = clusters ? exporter::export_clusters(*store, args.positional[0], options, context.progress("export"))
                         : exporter::export_units(*store, args.positional[0], options, context.progress("export"));
  if (context.json)
    print_json(context.out, nlohmann::json{{"files", result.files}, {"features", result.features}}.dump());
  else
    for (const auto& file : result.files) context.out << "Wrote / đã ghi " << file << "\n";
  return 0;
}

}  // namespace

std::vector<Command> data_commands() {
  return {
      {"sample", "sample [--scale N]", "Load the synthetic sample province (Hòa Bình) / nạp tỉnh mẫu",
       {{"scale", true, "1 = Hòa Bình; N = a synthetic province N times larger (benchmarks)"},
        {"force", false, "load even if the store already holds units"}},
       run_sample,
       "Real district and commune names and GSO codes (2008-2019, 2020-2025) with synthetic geometry, villages,\n"
       "agencies, statuses 2012-2020, clusters, models and the 2020 mergers. Creates the store if missing."},
      {"import", "import FILE --kind KIND [options]",
       "Import units from any GDAL vector file / nhập đơn vị từ tệp bản đồ",
       {{"kind", true, "province, district, commune, village, agency, enterprise, school or cluster"},
        {"code-field", true, "field holding the code"},
        {"name-field", true, "field holding the Vietnamese name"},
        {"parent-field", true, "field holding the parent's code"},
        {"subtype-field", true, "field holding xa/phuong/thi_tran (default: from the name's prefix)"},
        {"s-srs", true, "source CRS when the file has none or a wrong one, e.g. EPSG:9211 (VN-2000 TM-3 106°)"},
        {"encoding", true, "auto, utf-8, tcvn3, vni or cp1258 (default auto)"},
        {"valid-from", true, "first day the units are valid (default: open-ended)"},
        {"valid-to", true, "day a later change took effect (exclusive; default: open-ended)"},
        {"replace", false, "replace versions of the same code that overlap in time (audited)"},
        {"layer", true, "layer to read from a multi-layer file"}},
       run_import,
       "Shapefile, GeoPackage, GeoJSON, KML, MapInfo TAB or CSV with WKT; reprojected to EPSG:4326. All or nothing.\n"
       "--kind cluster reads a table with columns code, name, kind (giap_ranh|lien_ket), year, members (codes\n"
       "separated by ';'), standing_unit: one row per cluster and year; the geometry is the union of the members."},
      {"export", "export FILE --kind KIND [--year Y] [--t-srs SRS]",
       "Export units with their status of a year / xuất dữ liệu",
       {{"kind", true, "province, district, commune, village, agency, enterprise, school or cluster"},
        {"year", true, "units valid on 31 December of Y, with that year's status (default: units valid today)"},
        {"date", true, "units valid on this day (YYYY-MM-DD), with the status of its year"},
        {"t-srs", true, "target CRS, e.g. EPSG:9211 for VN-2000 deliveries"}},
       run_export,
       "Format from the extension: .gpkg, .geojson, .shp (UTF-8 with .cpg; one file per geometry type), .kml,\n"
       ".csv (WKT), .xlsx."},
  };
}

}  // namespace antt::cli
