#pragma once
// The row builders the standard layers name in layers.json ("rows").
#include <string>
#include <vector>

#include "antt/layers/rows.hpp"

namespace antt::layers {

/// The builder named `name` for a layer showing `kinds`, drawn as `points` (a unit with an area
/// then gets a point on it) or as areas; throws Error for an unknown name.
///   unit_status     one row per version of a unit of `kinds`, classed by its status of the year
///   district_share  one row per district version, classed by the pooled share recognised
///   hotspots        one row per designation in force during the year, drawn as its commune
///   clusters        one row per cluster with members in the year: the union of their areas
///   models          one row per self-management model founded by the year's end
RowBuilder standard_row_builder(const std::string& name, const std::vector<store::UnitKind>& kinds, bool points);

}  // namespace antt::layers
