#pragma once
// Mapfile text generated from the layer registry and the style definitions. Pure text: no
// MapServer headers, no request input (only EngineConfig values written by the operator).
#include <string>
#include <vector>

#include "mapserver/engine.hpp"

namespace antt::mapserver {

/// The files the generated mapfile points at, all absolute and under EngineConfig::work_dir.
struct MapfilePaths {
  std::string mapfile;          ///< "<work_dir>/anttmap.map"
  std::string fontset;          ///< "<work_dir>/fonts.txt"
  std::string info_header;      ///< GetFeatureInfo text/html header template
  std::string info_footer;
  std::string info_template_prefix;  ///< "<work_dir>/info_": + "<layer>.html", one row per feature
};

MapfilePaths mapfile_paths(const std::string& work_dir);

/// Generalisation level drawn at web-mercator `zoom` (antt::mapdata::level_for_zoom).
int level_of_zoom(int zoom);
/// Render-file table of `layer` at `level` (antt::mapdata::table_name).
std::string level_table(const std::string& layer, int level);

/// MapServer's own scale denominator (72 dpi, as msCalculateScale computes it) at web-mercator zoom `zoom`.
double mapserver_scale_for_zoom(double zoom);

/// Where the layers read their features.
enum class LayerSource {
  render_file,  ///< OGR over the SQLite render file: every attribute (queries, vector tiles, WMS)
  shapefiles,   ///< native shapefiles, DATA set per draw by the engine (antt/mapdata/shapefiles.hpp)
};

/// Which part of a layer a shapefile-map LAYER draws. Layers whose boundaries are drawn once
/// (mapdata::draws_boundaries_once) get three LAYERs per level, named <table>, <table>_fills and
/// <table>_boundaries: the engine draws the first alone (polygons with their own outlines) or the
/// other two (fills and labels, then the boundary lines) when the boundary file serves the date.
enum class DrawingPart { whole, fills, boundaries };
/// "", "_fills" or "_boundaries".
const char* drawing_part_suffix(DrawingPart part);

/// The MAP ... END text: output formats, WMS metadata, one LAYER per (registry layer, level).
std::string generate_mapfile(const EngineConfig& config, const MapfilePaths& paths,
                             LayerSource source = LayerSource::render_file);

/// Writes the mapfile, the fontset and the feature-info templates; throws antt::Error on I/O failure.
void write_mapfile_files(const EngineConfig& config, const MapfilePaths& paths, const std::string& mapfile_text);

}  // namespace antt::mapserver
