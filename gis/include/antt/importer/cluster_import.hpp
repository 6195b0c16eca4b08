#pragma once
// Import of "cụm ANTT giáp ranh / liên kết" (border-area and linked security clusters): named sets
// of communes, possibly of neighbouring provinces, with a yearly membership and a standing unit
// ("đơn vị thường trực") that rotates yearly. No public cluster boundaries exist; a cluster's
// geometry is the union of its members (export_clusters), so a source geometry is ignored.
//
// Source: any table GDAL reads — CSV, XLSX, ODS, a DBF alone, Shapefile, GeoPackage, GeoJSON… —
// one row per cluster and year. Text is read and decoded as import_units does (importer.hpp
// "Text": raw DBF bytes, .cpg / code page / detection, TCVN3, VNI, CP1258, repaired mojibake);
// names are stored in Unicode NFC.
//
// Columns (matched case-insensitively, without diacritics; the first present is used):
//   code           code, ma, ma_cum, cluster_code, cluster
//   name           name, ten, ten_cum, cluster_name
//   kind           kind, loai, loai_cum, type — giap_ranh | lien_ket, also written "giáp ranh",
//                  "Liên kết", "GIAP-RANH"… (any case, with or without diacritics)
//   year           year, nam
//   members        members, member_codes, thanh_vien, ma_thanh_vien, ma_xa — unit codes
//                  separated by ';', ',' or white space (repeats are dropped)
//   standing_unit  standing_unit, stand_unit, standing, thuong_truc, don_vi_thuong_truc,
//                  dv_thuong_truc — optional; when given it must be one of the members
// A numeric (integer/real) members or standing-unit column loses GSO's leading zeros; commune
// codes are restored to 5 digits with a warning. Rows with every column empty are skipped.
//
// Checks (all before writing; every problem is reported, each naming its row — in CSV, XLSX and
// ODS as a spreadsheet shows it, the header being row 1; elsewhere the record number):
//   * code, name, kind, year (1900–2100) and at least one member present; kind recognised;
//   * each (code, year) at most once in the file; a code has one name and kind in the file;
//   * a code already in the store keeps its name and kind (a different one is refused);
//   * every member, and the standing unit, is a commune valid on 31 December of the year
//     (members of a neighbouring province are communes of the store like any other).
// Then, in one store transaction: new clusters are added, and each (cluster, year) is set; one
// already in the store is replaced (the store audits the old membership and standing unit).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"

namespace antt::importer {

struct ClusterImportOptions {
  std::string encoding = "auto";     ///< auto|utf-8|tcvn3|vni|cp1258
  std::optional<std::string> layer;  ///< layer name for multi-layer sources
};

struct ClusterImportResult {
  int clusters = 0;        ///< distinct clusters in the file
  int new_clusters = 0;    ///< of which were not in the store before
  int cluster_years = 0;   ///< rows imported: (cluster, year) memberships set
  int replaced_years = 0;  ///< of which replaced one already in the store
  std::string encoding_used;  ///< "utf-8", "tcvn3", "vni", "cp1258" or "latin1"
  std::vector<std::string> warnings;
};

/// Imports every row of `path` (see above). Throws InputError (bad file, column, value or
/// conflict — nothing written), UsageError (bad option). `progress` receives 0…1.
ClusterImportResult import_clusters(store::Store& store, const store::Actor& actor, const std::string& path,
                                    const ClusterImportOptions& options,
                                    const std::function<void(double)>& progress = {});

}  // namespace antt::importer
