#include "mapserver/mapfile.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "antt/styles/styles.hpp"

namespace antt::mapserver {
namespace {

constexpr const char* kFontRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kFontBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr int kLevels = antt::mapdata::kLevels;

std::pair<int, int> zoom_band_of_level(int level) { return antt::mapdata::zoom_range_of_level(level); }

/// A mapfile string literal. Values come from the registry and the operator's config, never
/// from requests, but quoting stays correct for any text.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string classes_for(const layers::LayerDescriptor& layer, const styles::MapfileOptions& options) {
  return antt::styles::mapfile_classes(layer.style, options);
}

std::string symbols() {
  return antt::styles::mapfile_symbols();
}

std::string years_list(const std::vector<int>& years) {
  std::vector<std::string> parts;
  for (const int year : years) parts.push_back(std::to_string(year));
  return join(parts, ",");
}

void write_layer(std::ostringstream& out, const EngineConfig& config, const MapfilePaths& paths, LayerSource source,
                 const layers::LayerDescriptor& layer, int level, bool first_of_group,
                 DrawingPart part = DrawingPart::whole) {
  const auto [band_min, band_max] = zoom_band_of_level(level);
  const int min_zoom = std::max(band_min, layer.min_zoom);
  const int max_zoom = std::min(band_max, layer.max_zoom);
  if (min_zoom > max_zoom) return;
  const auto table = level_table(layer.name, level);
  const auto items = join(layer.attributes, ",");

  const bool boundaries = part == DrawingPart::boundaries;
  out << "  LAYER\n"
      << "    NAME " << quoted(table + drawing_part_suffix(part)) << "\n"
      << "    GROUP " << quoted(layer.name) << "\n"
      << "    TYPE " << (layer.geometry == layers::GeometryType::point                ? "POINT"
                         : layer.geometry == layers::GeometryType::line || boundaries ? "LINE"
                                                                                      : "POLYGON")
      << "\n"
      << "    STATUS OFF\n";
  if (source == LayerSource::render_file) {
    out << "    CONNECTIONTYPE OGR\n"
        << "    CONNECTION " << quoted(config.render_path) << "\n"
        << "    DATA " << quoted(table) << "\n"
        // Keep the SQLite handle open between draws: reopening costs ~5 ms per layer (MAPSERVER.md 3).
        << "    PROCESSING \"CLOSE_CONNECTION=DEFER\"\n";
  }  // shapefiles: the engine sets DATA to the year's file before each draw
  out << "    PROJECTION \"init=epsg:3857\" END\n"
      << "    TEMPLATE " << quoted(paths.info_template_prefix + layer.name + ".html") << "\n";
  // Half a zoom level of margin on each side: a tile of zoom z is drawn by exactly one level.
  if (min_zoom > 0) out << "    MAXSCALEDENOM " << number(mapserver_scale_for_zoom(min_zoom - 0.5)) << "\n";
  if (max_zoom < 22) out << "    MINSCALEDENOM " << number(mapserver_scale_for_zoom(max_zoom + 0.5)) << "\n";
  if (layer.geometry != layers::GeometryType::polygon) out << "    TOLERANCE 6\n    TOLERANCEUNITS PIXELS\n";
  if (!layer.label_field.empty() && !boundaries) out << "    LABELITEM " << quoted(layer.label_field) << "\n";
  out << "    CLASSITEM \"class\"\n";  // with MapfileOptions::class_item below
  out << "    METADATA\n"
      << "      \"wms_title\" " << quoted(layer.title_vi + " (" + table + ")") << "\n"
      << "      \"wms_include_items\" " << quoted(items) << "\n"
      << "      \"gml_include_items\" " << quoted(items) << "\n"
      << "      \"gml_types\" \"auto\"\n";
  if (first_of_group) {
    out << "      \"wms_group_title\" " << quoted(layer.title_vi) << "\n"
        << "      \"wms_group_abstract\" " << quoted(layer.abstract) << "\n";
  }
  // TIME is advertised only: without "wms_timeitem" MapServer never builds its own time filter
  // (mapwms.cpp msWMSApplyTime); the engine applies [year]/[vfrom]/[vto] itself.
  if (!config.years.empty()) {
    out << "      \"wms_timeextent\" " << quoted(years_list(config.years)) << "\n";
    if (config.default_year != 0) out << "      \"wms_timedefault\" " << quoted(std::to_string(config.default_year)) << "\n";
  }
  out << "    END\n";

  styles::MapfileOptions options;
  options.class_item = true;
  options.outlines = part == DrawingPart::whole;
  if (boundaries) {
    out << antt::styles::mapfile_outline_classes(layer.style, options) << "  END\n";
    return;
  }
  if (!layer.label_field.empty()) {
    options.label_item = layer.label_field;
    if (layer.label_min_zoom > 0) options.label_max_scale = mapserver_scale_for_zoom(layer.label_min_zoom - 0.5);
  }
  out << classes_for(layer, options);
  out << "  END\n";
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.good()) throw Error("map engine: cannot write " + path + "; check that the work directory is writable");
}

}  // namespace

const char* drawing_part_suffix(DrawingPart part) {
  switch (part) {
    case DrawingPart::fills: return "_fills";
    case DrawingPart::boundaries: return "_boundaries";
    case DrawingPart::whole: break;
  }
  return "";
}

int level_of_zoom(int zoom) { return antt::mapdata::level_for_zoom(zoom); }

std::string level_table(const std::string& layer, int level) {
  return antt::mapdata::table_name(layer, level);
}

MapfilePaths mapfile_paths(const std::string& work_dir) {
  const auto dir = std::filesystem::absolute(work_dir);
  MapfilePaths paths;
  paths.mapfile = (dir / "anttmap.map").string();
  paths.fontset = (dir / "fonts.txt").string();
  paths.info_header = (dir / "info_header.html").string();
  paths.info_footer = (dir / "info_footer.html").string();
  paths.info_template_prefix = (dir / "info_").string();
  return paths;
}

double mapserver_scale_for_zoom(double zoom) {
  // msCalculateScale: metres per pixel * 72 dpi * 39.3701 in/m; geo::scale_denominator uses 0.28 mm pixels.
  static constexpr double kMetresPerInch = 0.0254;
  static constexpr double kOgcPixel = 0.00028;
  return geo::scale_denominator(zoom) * kOgcPixel / kMetresPerInch * 72.0;
}

std::string generate_mapfile(const EngineConfig& config, const MapfilePaths& paths, LayerSource source) {
  std::ostringstream out;
  out << "MAP\n"
      << "  NAME \"anttmap\"\n"
      << "  SIZE 256 256\n"
      << "  MAXSIZE " << config.max_image_size << "\n"
      << "  UNITS METERS\n"
      << "  EXTENT -20037508.34 -20037508.34 20037508.34 20037508.34\n"
      << "  RESOLUTION 72\n  DEFRESOLUTION 72\n"
      << "  FONTSET " << quoted(paths.fontset) << "\n"
      << "  IMAGETYPE \"png\"\n"
      << "  PROJECTION \"init=epsg:3857\" END\n"
      << "  OUTPUTFORMAT NAME \"png\" DRIVER \"AGG/PNG\" MIMETYPE \"image/png\" IMAGEMODE RGBA EXTENSION \"png\""
         " TRANSPARENT ON FORMATOPTION \"COMPRESSION=3\" END\n"
      << "  OUTPUTFORMAT NAME \"png8\" DRIVER \"AGG/PNG8\" MIMETYPE \"image/png; mode=8bit\" IMAGEMODE RGBA"
         " EXTENSION \"png\" TRANSPARENT ON FORMATOPTION \"QUANTIZE_FORCE=on\" FORMATOPTION \"QUANTIZE_COLORS=256\" END\n"
      << "  OUTPUTFORMAT NAME \"jpeg\" DRIVER \"AGG/JPEG\" MIMETYPE \"image/jpeg\" IMAGEMODE RGB EXTENSION \"jpg\""
         " FORMATOPTION \"QUALITY=85\" END\n"
      << "  OUTPUTFORMAT NAME \"mvt\" DRIVER \"MVT\" FORMATOPTION \"EXTENT=4096\" FORMATOPTION \"EDGE_BUFFER=16\" END\n"
      << "  OUTPUTFORMAT NAME \"geojson\" DRIVER \"OGR/GEOJSON\" MIMETYPE \"application/json\""
         " FORMATOPTION \"FORM=SIMPLE\" FORMATOPTION \"STORAGE=memory\" END\n"
      << "  LEGEND\n    LABEL TYPE TRUETYPE FONT \"sans\" SIZE 8 COLOR 0 0 0 END\n  END\n"
      << "  WEB\n"
      << "    HEADER " << quoted(paths.info_header) << "\n"
      << "    FOOTER " << quoted(paths.info_footer) << "\n"
      << "    METADATA\n"
      << "      \"wms_title\" \"Bản đồ an ninh, trật tự (anttmap)\"\n"
      << "      \"wms_abstract\" \"Trạng thái công nhận An toàn về an ninh, trật tự của các đơn vị theo năm.\"\n"
      << "      \"wms_onlineresource\" " << quoted(config.online_resource + "?") << "\n"
      // Never ows_enable_request "*": that also enables WFS/WCS/SOS (MAPSERVER.md 4).
      << "      \"wms_enable_request\" \"GetCapabilities GetMap GetFeatureInfo GetLegendGraphic\"\n"
      << "      \"wms_sld_enabled\" \"false\"\n"
      << "      \"wms_srs\" \"EPSG:3857 EPSG:900913 EPSG:4326 EPSG:9211 EPSG:3405 CRS:84\"\n"
      << "      \"wms_getmap_formatlist\" \"image/png,image/png; mode=8bit,image/jpeg\"\n"
      << "      \"wms_feature_info_mime_type\" \"text/html,application/json,application/vnd.ogc.gml\"\n"
      << "      \"wms_allow_getmap_without_styles\" \"true\"\n"
      << "      \"wms_keywordlist\" \"ANTT,an ninh trật tự\"\n"
      << "      \"labelcache_map_edge_buffer\" \"-8\"\n"
      << "    END\n"
      << "  END\n";
  out << symbols();
  for (const auto& layer : config.layers->layers()) {
    bool first_of_group = true;
    for (int level = 0; level < kLevels; ++level) {
      const auto before = out.tellp();
      write_layer(out, config, paths, source, layer, level, first_of_group);
      if (out.tellp() != before) first_of_group = false;
      // The engine draws either the whole layer or its fills then its boundary lines (DrawingPart).
      if (source == LayerSource::shapefiles && antt::mapdata::draws_boundaries_once(layer)) {
        write_layer(out, config, paths, source, layer, level, false, DrawingPart::fills);
        write_layer(out, config, paths, source, layer, level, false, DrawingPart::boundaries);
      }
    }
  }
  out << "END\n";
  return out.str();
}

void write_mapfile_files(const EngineConfig& config, const MapfilePaths& paths, const std::string& mapfile_text) {
  std::filesystem::create_directories(std::filesystem::path(paths.mapfile).parent_path());
  write_text_file(paths.mapfile, mapfile_text);
  write_text_file(paths.fontset, std::string("sans ") + kFontRegular + "\nsans-bold " + kFontBold + "\n");
  write_text_file(paths.info_header,
                  "<!-- MapServer Template -->\n<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>anttmap</title></head><body>\n");
  write_text_file(paths.info_footer, "<!-- MapServer Template -->\n</body></html>\n");
  for (const auto& layer : config.layers->layers()) {
    // [item] escapes HTML by default (maptemplate.c), so names with '<' or '&' stay text.
    // The magic first line: MapServer refuses template files without it (isValidTemplate).
    std::string row = "<!-- MapServer Template -->\n<table class=\"" + layer.name + "\">\n";
    for (const auto& attribute : layer.attributes) {
      row += "<tr><th>" + attribute + "</th><td>[item name=\"" + attribute + "\"]</td></tr>\n";
    }
    row += "</table>\n";
    write_text_file(paths.info_template_prefix + layer.name + ".html", row);
  }
  (void)config;
}

}  // namespace antt::mapserver
