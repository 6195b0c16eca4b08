#include "geometry.hpp"

#include "antt/core/error.hpp"

namespace antt::importer {
namespace {

bool is_polygonal(OGRwkbGeometryType type) {
  type = wkbFlatten(type);
  return type == wkbPolygon || type == wkbMultiPolygon || type == wkbCurvePolygon || type == wkbMultiSurface ||
         type == wkbTriangle || type == wkbTIN || type == wkbPolyhedralSurface;
}

/// Adds the polygons of `geometry` (any type; collections are searched) to `multi`.
void collect_polygons(OGRGeometryH geometry, OGRGeometryH multi) {
  OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(geometry));
  if (type == wkbGeometryCollection) {
    for (int i = 0; i < OGR_G_GetGeometryCount(geometry); ++i)
      collect_polygons(OGR_G_GetGeometryRef(geometry, i), multi);
    return;
  }
  if (!is_polygonal(type) || OGR_G_IsEmpty(geometry)) return;
  geo::OgrGeometry linear(OGR_G_ForceTo(OGR_G_Clone(geometry), wkbMultiPolygon, nullptr));
  if (wkbFlatten(OGR_G_GetGeometryType(linear.get())) != wkbMultiPolygon) return;
  for (int i = 0; i < OGR_G_GetGeometryCount(linear.get()); ++i)
    OGR_G_AddGeometry(multi, OGR_G_GetGeometryRef(linear.get(), i));
}

geo::OgrGeometry polygons_of(OGRGeometryH geometry) {
  geo::OgrGeometry multi(OGR_G_CreateGeometry(wkbMultiPolygon));
  collect_polygons(geometry, multi.get());
  return multi;
}

}  // namespace

std::string normalise_geometry(geo::OgrGeometry geometry, store::UnitKind kind, const std::string& what,
                               std::vector<std::string>& warnings) {
  const std::string kind_name(store::to_string(kind));
  if (geometry.is_empty())
    throw InputError(what + " has no geometry; every " + kind_name + " needs one / đối tượng không có hình học");
  OGR_G_FlattenTo2D(geometry.get());
  const OGRwkbGeometryType type = geometry.flat_type();
  const std::string type_name = OGRGeometryTypeToName(type);

  if (type == wkbPoint || type == wkbMultiPoint) {
    if (!store::kind_may_be_point(kind))
      throw InputError(what + " is a " + type_name + "; a " + kind_name +
                       " must be a Polygon or MultiPolygon / đơn vị hành chính phải là vùng");
    if (type == wkbMultiPoint) {
      if (OGR_G_GetGeometryCount(geometry.get()) != 1)
        throw InputError(what + " is a MultiPoint of " + std::to_string(OGR_G_GetGeometryCount(geometry.get())) +
                         " points; a " + kind_name + " is one Point or a polygon");
      geometry = geo::OgrGeometry::clone_of(OGR_G_GetGeometryRef(geometry.get(), 0));
    }
    return geometry.iso_wkb();
  }

  geo::OgrGeometry polygons = polygons_of(geometry.get());
  if (polygons.is_empty())
    throw InputError(what + " is a " + type_name + "; a " + kind_name + " must be a Polygon or MultiPolygon" +
                     (store::kind_may_be_point(kind) ? " (or a Point)" : "") + " / hình học sai kiểu");
  geo::GdalErrorScope notices;  // GEOS explains invalidity through GDAL's error handler
  if (!OGR_G_IsValid(polygons.get())) {
    std::string reason = notices.warnings().empty() ? notices.last_error() : notices.warnings().back();
    geo::OgrGeometry valid(OGR_G_MakeValid(polygons.get()));
    if (!valid) throw InputError(what + " has an invalid geometry that cannot be repaired: " + reason);
    polygons = polygons_of(valid.get());
    if (polygons.is_empty())
      throw InputError(what + " has an invalid geometry with no area left after repair: " + reason);
    warnings.push_back(what + ": invalid geometry repaired" + (reason.empty() ? "" : " (" + reason + ")"));
  }
  return polygons.iso_wkb();
}

}  // namespace antt::importer
