#pragma once
// Writing one layer of an export: the attributes are a list of descriptors (units and clusters
// each have their own list), the values of a feature follow that list.
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "antt/geo/ogr.hpp"
#include "formats.hpp"

namespace antt::exporter {

/// One attribute of an exported layer.
struct Attribute {
  const char* name;
  const char* short_name;  ///< Shapefile (≤ 10 characters; documented in the public header)
  OGRFieldType type;       ///< OFTString or OFTInteger
  int shapefile_width;
};

/// The value of one attribute; nothing and empty text are written as null.
using FieldValue = std::variant<std::monostate, std::string, int>;

struct OutputFeature {
  std::vector<FieldValue> values;  ///< one per attribute, in the attributes' order
  geo::OgrGeometry geometry;       ///< output CRS; null when none
  std::string what;                ///< names the feature in messages, e.g. "unit 04789"
};

class LayerWriter {
 public:
  /// Creates layer `name` with `attributes` in `dataset`; throws Error naming `path` when GDAL cannot.
  LayerWriter(GDALDatasetH dataset, const std::string& name, OGRwkbGeometryType type, const Format& format,
              const geo::SpatialReference& srs, std::span<const Attribute> attributes, const std::string& path);

  void write(const OutputFeature& feature, const std::string& path);

 private:
  OGRLayerH layer_ = nullptr;
  std::vector<int> indices_;  ///< field index of each attribute
};

}  // namespace antt::exporter
