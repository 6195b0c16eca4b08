#pragma once
// Store geometry (EPSG:4326 WKB) → EPSG:3857 → one simplified copy per render level.
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "antt/geo/geos.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/rows.hpp"
#include "antt/mapdata/mapdata.hpp"

namespace antt::mapdata {

using layers::LevelGeometries;
using layers::SharedGeometries;

/// Owns the GEOS context and the 4326 → 3857 transformation; one per RenderStore (one thread).
class Generaliser {
 public:
  Generaliser();
  Generaliser(const Generaliser&) = delete;
  Generaliser& operator=(const Generaliser&) = delete;

  /// Areas become valid MULTIPOLYGONs simplified per level, points stay points;
  /// nullptr for empty or unusable input. `what` names the feature in errors.
  SharedGeometries from_store_wkb(std::string_view wkb_4326, std::string_view what) const;
  /// A point inside `area` (point-on-surface of its full-detail geometry), or `area` itself when it is a point.
  SharedGeometries surface_point(const LevelGeometries& area) const;
  /// The union of `parts`' full-detail areas, simplified per level; nullptr when nothing remains.
  SharedGeometries union_of(const std::vector<const LevelGeometries*>& parts) const;

 private:
  SharedGeometries levels_of_area(geo::Geometry full) const;
  SharedGeometries single_point(geo::Geometry point) const;

  geo::GeosContext context_;
  geo::CoordinateTransformation to_mercator_;
};

}  // namespace antt::mapdata
