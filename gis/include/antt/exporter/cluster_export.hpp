#pragma once
// Export of "cụm ANTT giáp ranh / liên kết" (border-area and linked security clusters) of one year.
//
// No public cluster boundaries exist, so a cluster's geometry is the union (GEOS) of its members'
// geometries valid on 31 December of the year, written as a MultiPolygon in EPSG:4326 or
// --t-srs. Members without a geometry (or not valid that day any more) add nothing to it; a
// cluster none of whose members has one is written without geometry. (GDAL 3.6 writes RFC 7946
// GeoJSON — the EPSG:4326 case — with a one-part MultiPolygon as a Polygon.)
//
// Formats, the staging directory, overwriting and --t-srs are those of export_units
// (exporter.hpp); the layer (GeoPackage) or file is named after the destination.
//
// Attributes (empty values are null):
//   code, name, kind (giap_ranh | lien_ket), year (integer), members (unit codes joined by ';'),
//   member_count (integer), standing_unit (code of the standing unit, "đơn vị thường trực"),
//   standing_name (its name on 31 December)
// Shapefile field names are at most 10 characters; three are shortened, always the same way:
//   member_count → mem_count, standing_unit → stand_unit, standing_name → stand_name
// (import_clusters reads these back). A members list longer than 254 characters is cut by the
// Shapefile format; choose GeoPackage for very large clusters.
//
// Year: ExportOptions::year, or else the latest year in which any cluster has members. A store
// without any cluster membership gives an empty layer. ExportOptions::kind is not used.
#include <functional>
#include <string>

#include "antt/exporter/exporter.hpp"
#include "antt/store/store.hpp"

namespace antt::exporter {

/// Throws what export_units throws (UsageError, CrsError, Error; nothing is left behind).
ExportResult export_clusters(const store::Store& store, const std::string& path, const ExportOptions& options,
                             const std::function<void(double)>& progress = {});

}  // namespace antt::exporter
