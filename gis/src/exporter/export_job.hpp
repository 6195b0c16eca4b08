#pragma once
// What every export shares once its features are known: the format of the destination, the
// output CRS (--t-srs), the overwrite check, and writing the layers into a staging directory
// that is moved into place only when everything succeeded.
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "antt/exporter/exporter.hpp"
#include "antt/geo/ogr.hpp"
#include "formats.hpp"
#include "layer_writer.hpp"

namespace antt::exporter {

struct OutputLayer {
  std::string name;                      ///< a Shapefile writes each layer to NAME.shp
  OGRwkbGeometryType type = wkbUnknown;  ///< ignored by formats without geometry
  std::vector<OutputFeature> features;
};

/// A table without geometry written beside the layers where the format holds several tables
/// (GeoPackage), e.g. the lineage events; other formats skip it.
struct OutputTable {
  std::string name;
  std::vector<Attribute> attributes;
  std::vector<OutputFeature> rows;
};

class ExportJob {
 public:
  /// Checks the extension (UsageError), --t-srs (CrsError; UsageError for KML) and, without
  /// `options.overwrite`, that no file this export may write exists (UsageError). The main layer is
  /// named after the file; `extra_layers` names the other layers this export may write.
  ExportJob(const std::string& path, const ExportOptions& options, std::vector<std::string> extra_layers = {});

  const Format& format() const { return format_; }
  /// The name of the main layer (the file's stem).
  const std::string& main_layer() const { return stem_; }
  /// A stored geometry (ISO WKB, EPSG:4326) in the output CRS; null when the format has no
  /// geometry or `wkb` is empty. Throws CrsError naming `what`.
  geo::OgrGeometry output_geometry(const std::string& wkb, const std::string& what) const;
  /// The same for a geometry already in hand.
  geo::OgrGeometry output_geometry(geo::OgrGeometry geometry, const std::string& what) const;

  /// Writes `layers` with `attributes`: the first into the main file, the others beside it (a
  /// Shapefile each in a file of its own, other formats as further layers). Stale Shapefile files of
  /// this export's layers are removed. `progress` receives 0…1.
  ExportResult write(std::span<const Attribute> attributes, const std::vector<OutputLayer>& layers,
                     const std::function<void(double)>& progress, const std::vector<OutputTable>& tables = {}) const;

 private:
  std::string path_;
  const Format& format_;
  std::filesystem::path destination_, dir_;
  std::string stem_, extension_;
  std::vector<std::string> extra_layers_;
  geo::SpatialReference target_;
  bool is_wgs84_ = true;
  std::optional<geo::CoordinateTransformation> transformation_;
};

}  // namespace antt::exporter
