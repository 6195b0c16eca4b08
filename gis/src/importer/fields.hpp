#pragma once
// Which source fields hold the code, name, parent code and subtype of a unit, or the columns of
// a cluster table; and the GSO code widths that numeric fields lose.
#include <optional>
#include <string>
#include <vector>

#include "antt/geo/ogr.hpp"
#include "antt/importer/importer.hpp"

namespace antt::importer {

struct FieldMap {
  int code = -1;
  int name = -1;
  int parent = -1;   ///< -1 when the kind has no parent field
  int subtype = -1;  ///< -1 when none (communes then use the name prefix)
};

/// Matches the options' field names (case-insensitive) or the defaults listed in importer.hpp
/// against `names` (decoded). A default candidate whose values are all empty (`has_values` false,
/// e.g. KML's empty "Name") is passed over. Throws InputError listing the available fields.
FieldMap map_fields(const std::vector<std::string>& names, const std::vector<bool>& has_values,
                    const ImportOptions& options);

/// Columns of a cluster table (see cluster_import.hpp); -1 for an absent optional one.
struct ClusterFieldMap {
  int code = -1;
  int name = -1;
  int kind = -1;
  int year = -1;
  int members = -1;
  int standing = -1;
};

/// Matches the cluster columns case-insensitively (without diacritics); throws InputError naming a
/// required column that is missing and listing the available fields.
ClusterFieldMap map_cluster_fields(const std::vector<std::string>& names, const std::vector<bool>& has_values);

/// Index of the field named `wanted` (case- and diacritic-insensitive), or -1.
int find_field(const std::vector<std::string>& names, const std::string& wanted);

/// GSO codes have fixed widths (provinces 2 digits, districts 3, communes 5); 0 for other kinds.
int gso_width(store::UnitKind kind);
/// Integer and real fields lose the leading zeros of GSO codes.
bool is_integer_field(OGRFieldType type);
/// `code` left-padded with zeros to `width` when it is all digits and shorter; sets `padded` then.
std::string pad_code(std::string code, int width, bool& padded);

/// The default candidates, in order of preference (exposed for messages and tests).
std::vector<std::string> default_code_fields(store::UnitKind kind);
std::vector<std::string> default_name_fields(store::UnitKind kind);
std::vector<std::string> default_parent_fields(store::UnitKind kind);

}  // namespace antt::importer
