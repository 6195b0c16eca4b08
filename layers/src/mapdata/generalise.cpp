#include "generalise.hpp"

#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"

namespace antt::mapdata {
namespace {

// Overlay retries snap to a millimetre grid: far below any tolerance of the render levels.
constexpr double kUnionRetryGrid = 0.001;

Box envelope_of(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  Box box;
  GEOSGeom_getXMin_r(context.get(), geometry, &box.minx);
  GEOSGeom_getYMin_r(context.get(), geometry, &box.miny);
  GEOSGeom_getXMax_r(context.get(), geometry, &box.maxx);
  GEOSGeom_getYMax_r(context.get(), geometry, &box.maxy);
  return box;
}

/// Appends clones of the polygons of `geometry` (any nesting) to `out`.
void collect_polygons(const geo::GeosContext& context, const GEOSGeometry* geometry, std::vector<GEOSGeometry*>& out) {
  int type = GEOSGeomTypeId_r(context.get(), geometry);
  if (type == GEOS_POLYGON) {
    if (!GEOSisEmpty_r(context.get(), geometry)) out.push_back(geo::check(context, GEOSGeom_clone_r(context.get(), geometry), "clone"));
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    int count = GEOSGetNumGeometries_r(context.get(), geometry);
    for (int i = 0; i < count; ++i) collect_polygons(context, GEOSGetGeometryN_r(context.get(), geometry, i), out);
  }
}

/// A valid MULTIPOLYGON of `geometry`'s areas (simplification may leave self-touching rings or
/// collapse parts), or an empty Geometry when no area is left.
geo::Geometry valid_multipolygon(const geo::GeosContext& context, geo::Geometry geometry) {
  if (!geometry || geometry.is_empty()) return {};
  if (GEOSisValid_r(context.get(), geometry.get()) != 1)
    geometry = geo::Geometry(context, geo::check(context, GEOSMakeValid_r(context.get(), geometry.get()), "make valid"));
  if (GEOSGeomTypeId_r(context.get(), geometry.get()) == GEOS_MULTIPOLYGON) return geometry;
  std::vector<GEOSGeometry*> polygons;
  try {
    collect_polygons(context, geometry.get(), polygons);
  } catch (...) {
    for (GEOSGeometry* polygon : polygons) GEOSGeom_destroy_r(context.get(), polygon);
    throw;
  }
  if (polygons.empty()) return {};
  return geo::Geometry(context, geo::check(context,
                                           GEOSGeom_createCollection_r(context.get(), GEOS_MULTIPOLYGON, polygons.data(),
                                                                       static_cast<unsigned>(polygons.size())),
                                           "build multipolygon"));
}

}  // namespace

Generaliser::Generaliser()
    : to_mercator_(geo::CoordinateTransformation::create(geo::wgs84(), geo::SpatialReference::from_epsg(3857))) {}

SharedGeometries Generaliser::from_store_wkb(std::string_view wkb_4326, std::string_view what) const {
  if (wkb_4326.empty()) return nullptr;
  auto projected = geo::OgrGeometry::from_wkb(wkb_4326);
  if (projected.is_empty()) return nullptr;
  to_mercator_.transform(projected, what);
  auto geometry = geo::Geometry::from_wkb(context_, projected.iso_wkb());
  if (GEOSGeomTypeId_r(context_.get(), geometry.get()) == GEOS_POINT) return single_point(std::move(geometry));
  return levels_of_area(std::move(geometry));
}

SharedGeometries Generaliser::levels_of_area(geo::Geometry full) const {
  full = valid_multipolygon(context_, std::move(full));
  if (!full) return nullptr;
  auto levels = std::make_shared<LevelGeometries>();
  levels->box = envelope_of(context_, full.get());
  for (int level = 0; level < kLevels - 1; ++level) {
    geo::Geometry simplified(context_, geo::check(context_,
                                                  GEOSTopologyPreserveSimplify_r(context_.get(), full.get(),
                                                                                 tolerance_of_level(level)),
                                                  "simplify"));
    simplified = valid_multipolygon(context_, std::move(simplified));
    if (simplified) levels->wkb[level] = simplified.wkb();
  }
  levels->wkb[kLevels - 1] = full.wkb();
  return levels;
}

SharedGeometries Generaliser::single_point(geo::Geometry point) const {
  if (!point || point.is_empty()) return nullptr;
  auto levels = std::make_shared<LevelGeometries>();
  levels->point = true;
  levels->box = envelope_of(context_, point.get());
  levels->wkb.fill(point.wkb());
  return levels;
}

SharedGeometries Generaliser::surface_point(const LevelGeometries& area) const {
  if (area.point) return std::make_shared<LevelGeometries>(area);
  auto full = geo::Geometry::from_wkb(context_, area.wkb[kLevels - 1]);
  return single_point(geo::Geometry(context_, geo::check(context_, GEOSPointOnSurface_r(context_.get(), full.get()),
                                                         "point on surface")));
}

SharedGeometries Generaliser::union_of(const std::vector<const LevelGeometries*>& parts) const {
  std::vector<geo::Geometry> owned;
  std::vector<const GEOSGeometry*> areas;
  for (const LevelGeometries* part : parts) {
    if (!part || part->point) continue;
    owned.push_back(geo::Geometry::from_wkb(context_, part->wkb[kLevels - 1]));
    areas.push_back(owned.back().get());
  }
  if (areas.empty()) return nullptr;
  return levels_of_area(geo::union_of(context_, areas, kUnionRetryGrid));
}

}  // namespace antt::mapdata
