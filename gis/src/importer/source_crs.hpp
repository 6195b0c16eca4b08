#pragma once
// Which CRS the coordinates of an import are in, and the transformation to EPSG:4326.
// Rules (importer.hpp): --s-srs overrides; no CRS → CrsError; VN-2000 datum → QĐ 05/2007
// parameters; TM-3 projection with a datum that is not VN-2000 → CrsError with a hint.
#include <optional>
#include <string>
#include <vector>

#include "antt/geo/crs.hpp"

namespace antt::importer {

struct SourceCrs {
  geo::PreparedCrs prepared;
  std::string description;  ///< for ImportResult::source_crs
  std::vector<std::string> warnings;
};

/// `file_srs` may be null; `extent` (source coordinates) is used for plausibility checks.
SourceCrs resolve_source_crs(const std::string& path, const geo::SpatialReference& file_srs,
                             const std::optional<std::string>& user_srs, const OGREnvelope* extent);

}  // namespace antt::importer
