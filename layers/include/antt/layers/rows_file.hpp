#pragma once
// Layer rows written to a file (`anttmap layers export`): a GeoPackage with one table per layer,
// or a GeoJSON file of one layer, in EPSG:4326 with every attribute a row has. Written beside the
// destination and renamed into place, so a failure leaves nothing half-written.
#include <string>
#include <utility>
#include <vector>

#include "antt/layers/layers.hpp"

namespace antt::layers {

struct LayerRows {
  const LayerDescriptor* layer = nullptr;
  std::vector<LayerRow> rows;  ///< geometry in LevelGeometries::wkb[kLevels - 1], EPSG:4326
};

/// Writes `layers` to `path` (.gpkg: any number; .geojson: exactly one). Throws UsageError for
/// another extension or a GeoJSON of several layers, Error when GDAL cannot write.
void write_rows_file(const std::string& path, const std::vector<LayerRows>& layers);

}  // namespace antt::layers
