#pragma once
// Reading a vector source as raw material: field names and string values exactly as stored
// (bytes, not yet decoded), geometries in the source CRS, and what the file says about its
// code page and CRS. Decoding and checking happen afterwards, in memory.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "antt/geo/ogr.hpp"

namespace antt::importer {

struct RawField {
  std::string name;  ///< raw bytes
  OGRFieldType type = OFTString;
};

struct RawFeature {
  long long fid = 0;
  int number = 0;                                 ///< 1-based position in the layer
  std::vector<std::optional<std::string>> values;  ///< one per field; nullopt when null/unset
  geo::OgrGeometry geometry;                       ///< source CRS; may be null
};

struct RawLayer {
  std::string driver;      ///< GDAL short name, e.g. "ESRI Shapefile"
  std::string layer_name;
  bool raw_strings = false;  ///< strings are the file's bytes (Shapefile opened with ENCODING="")
  std::string cpg_codepage;   ///< Shapefile: content of the .cpg file, "" when none
  std::string ldid_codepage;  ///< Shapefile: code page named by the DBF language driver id, "" when none
  std::vector<RawField> fields;
  std::vector<RawFeature> features;
  geo::SpatialReference srs;  ///< null when the file declares none
  bool has_extent = false;
  OGREnvelope extent{};       ///< of all geometries, source CRS
};

/// Opens `path` (Shapefile without recoding; CSV with a WKT/geometry column or lon/lat columns as
/// geometry), picks the layer (`layer`, or the only / only non-empty one, or anttmap's own pair NAME +
/// NAME_points with the same fields, read as one) and reads every feature.
/// Throws InputError naming the file (and the layers when the choice is ambiguous).
RawLayer read_source(const std::string& path, const std::optional<std::string>& layer,
                     const std::function<void(double)>& progress);

/// For each field, whether any feature has a non-empty value in it.
std::vector<bool> fields_with_values(const RawLayer& layer);

}  // namespace antt::importer
