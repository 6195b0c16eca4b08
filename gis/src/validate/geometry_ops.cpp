// GEOS helpers of the validation checks: polygonal parts, overlay with a precision fallback,
// unions, labels and area formatting.
#include <cmath>
#include <cstdio>

#include "antt/core/error.hpp"
#include "checks.hpp"

namespace antt::validate::detail {
namespace {

/// Grid (degrees, ≈ 1 mm) for the snapped retry when floating-point overlay fails.
constexpr double kRetryGridDegrees = 1e-8;

using BinaryOp = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*, const GEOSGeometry*);
using BinaryPrecOp = GEOSGeometry* (*)(GEOSContextHandle_t, const GEOSGeometry*, const GEOSGeometry*, double);

geo::Geometry overlay(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b, BinaryOp op,
                      BinaryPrecOp precise, std::string_view name) {
  if (GEOSGeometry* result = op(context.get(), a, b)) return geo::Geometry(context, result);
  return geo::Geometry(context, geo::check(context, precise(context.get(), a, b, kRetryGridDegrees), name));
}

void collect_polygons(const geo::GeosContext& context, const GEOSGeometry* geometry,
                      std::vector<GEOSGeometry*>& out) {
  const int type = GEOSGeomTypeId_r(context.get(), geometry);
  if (type == GEOS_POLYGON) {
    if (!GEOSisEmpty_r(context.get(), geometry)) out.push_back(GEOSGeom_clone_r(context.get(), geometry));
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(context.get(), geometry);
    for (int i = 0; i < n; ++i) collect_polygons(context, GEOSGetGeometryN_r(context.get(), geometry, i), out);
  }
}

}  // namespace

bool is_admin_area_kind(store::UnitKind kind) {
  return kind == store::UnitKind::province || kind == store::UnitKind::district ||
         kind == store::UnitKind::commune || kind == store::UnitKind::village;
}

std::string label(const store::UnitVersion& unit) {
  if (unit.name.empty()) return unit.code;
  return unit.name + " (" + unit.code + ")";
}

std::string kind_vi(store::UnitKind kind) {
  switch (kind) {
    case store::UnitKind::province: return "tỉnh";
    case store::UnitKind::district: return "huyện";
    case store::UnitKind::commune: return "xã";
    case store::UnitKind::village: return "khu dân cư";
    case store::UnitKind::agency: return "cơ quan";
    case store::UnitKind::enterprise: return "doanh nghiệp";
    case store::UnitKind::school: return "nhà trường";
  }
  return "";
}

std::string format_area(double m2) {
  if (m2 < 10) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f m²", m2);
    return buffer;
  }
  std::string digits = std::to_string(static_cast<long long>(std::llround(m2)));
  std::string grouped;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) grouped += ' ';
    grouped += digits[i];
  }
  return grouped + " m²";
}

geo::Geometry polygonal_part(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  std::vector<GEOSGeometry*> polygons;
  if (geometry) collect_polygons(context, geometry, polygons);
  GEOSGeometry* multi = GEOSGeom_createCollection_r(context.get(), GEOS_MULTIPOLYGON, polygons.data(),
                                                    static_cast<unsigned>(polygons.size()));
  return geo::Geometry(context, geo::check(context, multi, "collecting polygons"));
}

std::string point_on_surface_wkt(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  if (!geometry || GEOSisEmpty_r(context.get(), geometry)) return {};
  GEOSGeometry* point = GEOSPointOnSurface_r(context.get(), geometry);
  if (!point) return {};
  return geo::Geometry(context, point).wkt(kWherePrecision);
}

geo::Geometry intersection(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b) {
  return overlay(context, a, b, &GEOSIntersection_r, &GEOSIntersectionPrec_r, "intersection");
}

geo::Geometry difference(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b) {
  return overlay(context, a, b, &GEOSDifference_r, &GEOSDifferencePrec_r, "difference");
}

Box bounds_of(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  Box box{0, 0, 0, 0};
  GEOSGeom_getXMin_r(context.get(), geometry, &box.minx);
  GEOSGeom_getYMin_r(context.get(), geometry, &box.miny);
  GEOSGeom_getXMax_r(context.get(), geometry, &box.maxx);
  GEOSGeom_getYMax_r(context.get(), geometry, &box.maxy);
  return box;
}

geo::Geometry clipped(const geo::GeosContext& context, const GEOSGeometry* geometry, Box box) {
  // The margin keeps the cut lines off the other operand's edges (≈ 15 cm). It is deliberately not
  // a round number: coordinates are commonly rounded to 6 or 7 decimals, so with a margin of 1e-6
  // a cut line often passes exactly through a vertex of `geometry`, and GEOSClipByRect (GEOS 3.11)
  // then returns a self-intersecting ring that the overlay misreads (a child reported wholly
  // outside its parent, or overlapping a sibling it only touches).
  constexpr double kMarginDegrees = 1.4142135623730951e-6;  // √2 · 1e-6
  GEOSGeometry* result = GEOSClipByRect_r(context.get(), geometry, box.minx - kMarginDegrees,
                                          box.miny - kMarginDegrees, box.maxx + kMarginDegrees,
                                          box.maxy + kMarginDegrees);
  // ClipByRect does not promise a valid result; rather than overlay an invalid one, use the whole
  // geometry (slower, but right).
  if (result && GEOSisValid_r(context.get(), result) != 1 && GEOSisValid_r(context.get(), geometry) == 1) {
    GEOSGeom_destroy_r(context.get(), result);
    result = nullptr;
  }
  if (!result) result = geo::check(context, GEOSGeom_clone_r(context.get(), geometry), "copying a geometry");
  return geo::Geometry(context, result);
}

geo::Geometry union_of(const geo::GeosContext& context, const std::vector<const GEOSGeometry*>& parts) {
  return geo::union_of(context, parts, kRetryGridDegrees);
}

}  // namespace antt::validate::detail
