#pragma once
// The output formats, chosen by the destination's extension (table documented in exporter.hpp).
#include <string>
#include <vector>

namespace antt::exporter {

struct Format {
  std::vector<std::string> extensions;
  std::string driver;
  bool geometry = true;
  bool split_points = false;        ///< units: one layer per geometry type (areas, points)
  bool short_names = false;         ///< Shapefile: field names of at most 10 characters
  bool wgs84_only = false;
  bool one_layer_per_file = false;  ///< Shapefile: every further layer is a file of its own
  std::vector<std::string> dataset_options;
  std::vector<std::string> layer_options;
};

const std::vector<Format>& formats();

/// The format of `path` by its extension (case-insensitive); throws UsageError listing the known ones.
const Format& format_for(const std::string& path);

}  // namespace antt::exporter
