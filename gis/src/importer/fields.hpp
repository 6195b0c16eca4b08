#pragma once
// Which source fields hold the code, name, parent code and subtype of a unit.
#include <optional>
#include <string>
#include <vector>

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

/// The default candidates, in order of preference (exposed for messages and tests).
std::vector<std::string> default_code_fields(store::UnitKind kind);
std::vector<std::string> default_name_fields(store::UnitKind kind);
std::vector<std::string> default_parent_fields(store::UnitKind kind);

}  // namespace antt::importer
