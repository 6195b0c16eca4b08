#pragma once
// Export of units (with the status of a year) to GIS and office files with GDAL/OGR.
// Clusters are exported the same way by export_clusters (antt/exporter/cluster_export.hpp).
//
// Format by extension:
//   .gpkg            GeoPackage; layer NAME (areas) and, when there are point units too, NAME_points;
//                    and the table `lineage` (every lineage event, antt/editing/lineage.hpp's
//                    lineage_columns(); `anttmap lineage load FILE.gpkg` reads it back)
//   .geojson, .json  GeoJSON (RFC 7946 when the output is EPSG:4326; otherwise with a "crs" member)
//   .shp             ESRI Shapefile, UTF-8 with a .cpg file; areas in NAME.shp, points in
//                    NAME_points.shp when both exist (a Shapefile holds one geometry type)
//   .kml             KML (always WGS 84; --t-srs other than EPSG:4326 is refused)
//   .csv             CSV with the geometry as WKT in the first column "WKT"
//   .xlsx            Excel workbook, attributes only (a commune polygon as WKT exceeds Excel's
//                    32 767-character cell limit)
//
// Attributes (all text except `year`; dates are ISO YYYY-MM-DD, "0001-01-01" = open start;
// empty values are written as null):
//   code, name, kind, subtype, parent_code, valid_from, valid_to, year, status, decision,
//   decision_date, authority, note
// `year` is the status year of the export (null when the store holds no status at all); the
// status fields are null for a unit without a status that year. KML puts `name` in <name>.
// Shapefile field names are at most 10 characters; two are shortened, always the same way:
//   parent_code → parent, decision_date → dec_date   (the others fit as they are)
//
// Units: those valid on 31 December of `year` with that year's status; without a year, those
// valid today with the status of the latest year that has any status.
// --t-srs reprojects from EPSG:4326, VN-2000 with the QĐ 05/2007 parameters (antt/geo/crs.hpp).
// Files are written under a temporary name in the same directory and renamed at the end, so a
// failed export leaves no half-written file.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::exporter {

struct ExportOptions {
  std::optional<store::UnitKind> kind;  ///< nullopt = all unit kinds
  std::optional<int> year;  ///< units valid on 31 Dec of year, status of that year; nullopt = valid today, latest status year
  std::optional<std::string> date;  ///< units valid on this ISO date, status of its year (overrides `year`)
  std::optional<std::string> target_srs;  ///< e.g. EPSG:9211
  bool overwrite = true;
};

struct ExportResult {
  std::vector<std::string> files;  ///< the main file(s) written (for a Shapefile the .shp; sidecars beside them)
  int features = 0;
};

/// The extensions export_units understands, e.g. for --help.
const std::vector<std::string>& export_extensions();

/// Throws UsageError (unknown extension, existing file without overwrite, KML with --t-srs),
/// CrsError (bad --t-srs), Error (GDAL failure; nothing is left behind).
ExportResult export_units(const store::Store& store, const std::string& path, const ExportOptions& options,
                          const std::function<void(double)>& progress = {});

}  // namespace antt::exporter
