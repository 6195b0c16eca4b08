#include "formats.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "antt/core/error.hpp"
#include "antt/exporter/exporter.hpp"

namespace antt::exporter {

const std::vector<Format>& formats() {
  static const std::vector<Format> all{
      {.extensions = {".gpkg"}, .driver = "GPKG", .split_points = true},
      {.extensions = {".geojson", ".json"}, .driver = "GeoJSON"},  // RFC7946=YES added when in EPSG:4326
      {.extensions = {".shp"}, .driver = "ESRI Shapefile", .split_points = true, .short_names = true,
       .one_layer_per_file = true, .layer_options = {"ENCODING=UTF-8"}},  // writes the .cpg
      {.extensions = {".kml"}, .driver = "KML", .wgs84_only = true, .dataset_options = {"NameField=name"}},
      {.extensions = {".csv"}, .driver = "CSV", .layer_options = {"GEOMETRY=AS_WKT", "CREATE_CSVT=NO"}},
      {.extensions = {".xlsx"}, .driver = "XLSX", .geometry = false},
  };
  return all;
}

const Format& format_for(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& format : formats())
    if (std::find(format.extensions.begin(), format.extensions.end(), extension) != format.extensions.end())
      return format;
  std::string list;
  for (const auto& known : export_extensions()) list += (list.empty() ? "" : ", ") + known;
  throw UsageError("cannot tell the export format of '" + path + "' from its extension; use one of " + list +
                   " / định dạng không hỗ trợ");
}

const std::vector<std::string>& export_extensions() {
  static const std::vector<std::string> extensions = [] {
    std::vector<std::string> out;
    for (const auto& format : formats()) out.insert(out.end(), format.extensions.begin(), format.extensions.end());
    return out;
  }();
  return extensions;
}

}  // namespace antt::exporter
