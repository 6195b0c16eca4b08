#pragma once
// Import of administrative and other units from any GDAL vector file into the store.
// Cluster tables are imported by import_clusters (antt/importer/cluster_import.hpp), which reads
// and decodes text the same way.
//
// Formats: whatever GDAL reads as vector data — Shapefile, GeoPackage, GeoJSON, KML, MapInfo
// TAB, CSV with a WKT column (named WKT, wkt, geometry, geom or the_geom).
//
// Text: Shapefile attributes and field names are read as raw bytes (GDAL's own TCVN3 recoding
// drops the last letter in GDAL 3.6) and decoded here. With encoding "auto" the .cpg file or the
// DBF code page decides when it names UTF-8, TCVN3, VNI or CP1258; otherwise the encoding is
// detected from all string values. UTF-8 text that is really TCVN3/VNI read as Latin-1 is
// repaired. Every name is stored in Unicode NFC.
//
// Fields: --code-field, --name-field, --parent-field, --subtype-field match field names case-
// insensitively; without them the first present of these is used
//   code    code, ma, then by kind ma_tinh ma_tinh_tp | ma_huyen ma_qh | ma_xa ma_px |
//           ma_thon ma_kdc ma_to | ma_don_vi ma_dv ma_co_so, then ma_dvhc, gso_code, gso, id
//   name    name, ten, then by kind ten_tinh … | ten_huyen … | ten_xa … | ten_thon … |
//           ten_don_vi …, then ten_dvhc
//   parent  parent, parent_code, ma_cha, then the parent's code field: ma_tinh (districts),
//           ma_huyen (communes), ma_xa (villages, agencies, enterprises, schools)
//   subtype subtype, loai_dvhc (communes only; otherwise taken from the name: "Xã …" → xa,
//           "Phường …" → phuong, "Thị trấn …" → thi_tran; neither → warning, empty subtype)
// A default candidate that is empty in every feature (KML's "Name" when the name is in
// ExtendedData) is passed over. A parent field is required for districts, communes and villages;
// provinces have none; for agencies, enterprises and schools it is optional.
// Integer code fields lose GSO's leading zeros; they are restored (provinces 2 digits,
// districts 3, communes 5) with a warning.
//
// CRS: everything is stored in EPSG:4326. A file without a CRS (a Shapefile without .prj, a CSV)
// is refused (CrsError) unless --s-srs names one. A VN-2000 datum without its own TOWGS84 is
// shifted with the 7 parameters of QĐ 05/2007 (see antt/geo/crs.hpp); one with its own TOWGS84
// keeps it (with a warning when it differs from the standard). Refused with a hint (CrsError):
// a VN-2000 TM-3 projection (Transverse Mercator, k0 0.9999, false easting 500 000 m, central
// meridian 102°–108.5°) whose datum is not VN-2000 (WGS 84, unnamed, …) — read as WGS 84 it
// would land ~225 m off — and a CRS in degrees whose coordinates are not degrees.
//
// Geometry: made valid, Polygon promoted to MultiPolygon, Z/M dropped. Points (or single-point
// MultiPoints) only for agencies, enterprises and schools. Empty or missing geometry is refused.
//
// All or nothing: the whole file is read and checked first (codes present and unique, no
// version overlapping [valid_from, valid_to) unless `replace`, parents known at valid_from in the
// store or the same file); then everything is written in one store transaction.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::importer {

struct ImportOptions {
  store::UnitKind kind = store::UnitKind::commune;
  std::optional<std::string> code_field, name_field, parent_field, subtype_field;
  std::optional<std::string> source_srs;  ///< --s-srs: "EPSG:9211", a PROJ string or WKT; overrides/assigns
  std::string encoding = "auto";          ///< auto|utf-8|tcvn3|vni|cp1258
  std::string valid_from;                 ///< ISO date; "" = "0001-01-01" (open start)
  std::optional<std::string> valid_to;    ///< exclusive
  bool replace = false;                   ///< replace versions of the same code that overlap in time (audited)
  std::optional<std::string> layer;       ///< layer name for multi-layer sources
  /// The parent of every unit without a parent field value (e.g. communes directly under the
  /// province since 2025); with it no parent field is needed.
  std::optional<std::string> parent_code;
};

struct ImportResult {
  int imported = 0;
  int replaced = 0;
  std::string encoding_used;  ///< "utf-8", "tcvn3", "vni", "cp1258" or "latin1" (text::to_string)
  std::string source_crs;     ///< the CRS the coordinates were read in, and the datum shift used
  std::vector<std::string> warnings;
};

struct UnitsRead {
  std::vector<store::UnitVersion> units;  ///< decoded and checked, valid_from/valid_to from the options
  ImportResult info;                      ///< encoding, CRS and warnings (counts stay 0)
};

/// Reads the units of `path` as import_units does (text, CRS, geometry, unique codes) without
/// looking at or writing any store: for the new units of a lineage change. Throws as import_units.
UnitsRead read_units(const std::string& path, const ImportOptions& options,
                     const std::function<void(double)>& progress = {});

/// Imports every feature of `path` as units of `options.kind`. Throws InputError (bad file,
/// field, value or conflict — nothing written), CrsError (no or suspicious CRS), UsageError
/// (bad option). `progress` receives 0…1.
ImportResult import_units(store::Store& store, const store::Actor& actor, const std::string& path,
                          const ImportOptions& options, const std::function<void(double)>& progress = {});

}  // namespace antt::importer
