#pragma once
// Turning a source geometry (already in EPSG:4326) into what the store keeps: valid, 2D,
// MultiPolygon for areas, Point for agencies/enterprises/schools that are points.
#include <string>
#include <vector>

#include "antt/geo/ogr.hpp"
#include "antt/store/model.hpp"

namespace antt::importer {

/// Returns ISO WKB; throws InputError naming `what` for missing, empty or wrong-typed geometry.
/// Appends a warning when the geometry had to be repaired.
std::string normalise_geometry(geo::OgrGeometry geometry, store::UnitKind kind, const std::string& what,
                               std::vector<std::string>& warnings);

}  // namespace antt::importer
