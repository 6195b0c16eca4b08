#include "antt/geo/geos.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

#include "antt/core/error.hpp"

namespace antt::geo {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::on_error(const char* message, void* self) {
  static_cast<GeosContext*>(self)->last_error_ = message ? message : "";
}

Geometry::Geometry(const GeosContext& context, GEOSGeometry* geometry)
    : context_(&context), geometry_(geometry) {}

Geometry::~Geometry() {
  if (geometry_) GEOSGeom_destroy_r(context_->get(), geometry_);
}

Geometry::Geometry(Geometry&& other) noexcept
    : context_(other.context_), geometry_(other.geometry_) {
  other.geometry_ = nullptr;
}

Geometry& Geometry::operator=(Geometry&& other) noexcept {
  if (this != &other) {
    if (geometry_) GEOSGeom_destroy_r(context_->get(), geometry_);
    context_ = other.context_;
    geometry_ = other.geometry_;
    other.geometry_ = nullptr;
  }
  return *this;
}

GEOSGeometry* Geometry::release() {
  GEOSGeometry* out = geometry_;
  geometry_ = nullptr;
  return out;
}

GEOSGeometry* check(const GeosContext& context, GEOSGeometry* result, std::string_view operation) {
  if (!result)
    throw Error("GEOS " + std::string(operation) + " failed: " + context.last_error());
  return result;
}

Geometry Geometry::from_wkt(const GeosContext& context, std::string_view wkt) {
  GEOSWKTReader* reader = GEOSWKTReader_create_r(context.get());
  std::string text(wkt);
  GEOSGeometry* geometry = GEOSWKTReader_read_r(context.get(), reader, text.c_str());
  GEOSWKTReader_destroy_r(context.get(), reader);
  if (!geometry) throw InputError("not a valid WKT geometry: " + context.last_error());
  return Geometry(context, geometry);
}

Geometry Geometry::from_wkb(const GeosContext& context, std::string_view wkb) {
  GEOSWKBReader* reader = GEOSWKBReader_create_r(context.get());
  GEOSGeometry* geometry = GEOSWKBReader_read_r(
      context.get(), reader, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  GEOSWKBReader_destroy_r(context.get(), reader);
  if (!geometry) throw InputError("not a valid WKB geometry: " + context.last_error());
  return Geometry(context, geometry);
}

namespace {

/// GEOS 3.11's trimmed WKT writes each number into a 28-byte stack buffer without a bound check
/// (Debian 12 ships 3.11.1): sign + integer digits + '.' + `precision` decimals + NUL must fit, or the
/// process dies of a smashed stack. True when every coordinate of `geometry` fits.
bool fits_trimmed_wkt(GEOSContextHandle_t context, const GEOSGeometry* geometry, int precision) {
  double bounds[4];
  if (GEOSGeom_getXMin_r(context, geometry, &bounds[0]) == 0 || GEOSGeom_getYMin_r(context, geometry, &bounds[1]) == 0 ||
      GEOSGeom_getXMax_r(context, geometry, &bounds[2]) == 0 || GEOSGeom_getYMax_r(context, geometry, &bounds[3]) == 0) {
    return true;  // empty: no numbers are written
  }
  if (precision > 24) return false;
  const double limit = std::pow(10.0, 24 - std::max(precision, 0));
  for (double value : bounds)
    if (!(std::fabs(value) < limit)) return false;
  return true;
}

}  // namespace

std::string Geometry::wkt(int precision) const {
  GEOSWKTWriter* writer = GEOSWKTWriter_create_r(context_->get());
  GEOSWKTWriter_setRoundingPrecision_r(context_->get(), writer, precision);
  // Untrimmed numbers go through a std::ostream instead of the fixed buffer: longer text, no overflow.
  GEOSWKTWriter_setTrim_r(context_->get(), writer, fits_trimmed_wkt(context_->get(), geometry_, precision) ? 1 : 0);
  GEOSWKTWriter_setOutputDimension_r(context_->get(), writer, 2);
  char* text = GEOSWKTWriter_write_r(context_->get(), writer, geometry_);
  GEOSWKTWriter_destroy_r(context_->get(), writer);
  if (!text) throw Error("GEOS could not write WKT: " + context_->last_error());
  std::string out(text);
  GEOSFree_r(context_->get(), text);
  return out;
}

std::string Geometry::wkb() const {
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(context_->get());
  GEOSWKBWriter_setOutputDimension_r(context_->get(), writer, 2);
  GEOSWKBWriter_setByteOrder_r(context_->get(), writer, GEOS_WKB_NDR);
  size_t size = 0;
  unsigned char* bytes = GEOSWKBWriter_write_r(context_->get(), writer, geometry_, &size);
  GEOSWKBWriter_destroy_r(context_->get(), writer);
  if (!bytes) throw Error("GEOS could not write WKB: " + context_->last_error());
  std::string out(reinterpret_cast<char*>(bytes), size);
  GEOSFree_r(context_->get(), bytes);
  return out;
}

bool Geometry::is_empty() const { return GEOSisEmpty_r(context_->get(), geometry_) == 1; }

double Geometry::area() const {
  double value = 0;
  GEOSArea_r(context_->get(), geometry_, &value);
  return value;
}

Geometry union_of(const GeosContext& context, const std::vector<const GEOSGeometry*>& parts, double retry_grid) {
  std::vector<GEOSGeometry*> clones;
  clones.reserve(parts.size());
  for (const GEOSGeometry* part : parts) {
    if (GEOSGeometry* clone = GEOSGeom_clone_r(context.get(), part)) {
      clones.push_back(clone);
      continue;
    }
    for (GEOSGeometry* made : clones) GEOSGeom_destroy_r(context.get(), made);
    check(context, nullptr, "copying a geometry");
  }
  // The collection owns the clones from here on.
  Geometry collection(context, check(context,
                                     GEOSGeom_createCollection_r(context.get(), GEOS_GEOMETRYCOLLECTION, clones.data(),
                                                                 static_cast<unsigned>(clones.size())),
                                     "collecting geometries"));
  if (GEOSGeometry* result = GEOSUnaryUnion_r(context.get(), collection.get())) return Geometry(context, result);
  return Geometry(context, check(context, GEOSUnaryUnionPrec_r(context.get(), collection.get(), retry_grid), "union"));
}

double geodesic_area_m2(const GeosContext& context, const GEOSGeometry* geometry) {
  if (!geometry || GEOSisEmpty_r(context.get(), geometry)) return 0.0;
  double area_deg2 = 0;
  GEOSArea_r(context.get(), geometry, &area_deg2);
  if (area_deg2 == 0) return 0.0;
  double miny = 0, maxy = 0;
  GEOSGeom_getYMin_r(context.get(), geometry, &miny);
  GEOSGeom_getYMax_r(context.get(), geometry, &maxy);
  const double lat = (miny + maxy) / 2 * std::numbers::pi / 180.0;
  // Metres per degree on the WGS 84 ellipsoid at this latitude (meridional × parallel).
  const double a = 6378137.0, e2 = 0.00669437999014;
  const double s = std::sin(lat);
  const double w = std::sqrt(1 - e2 * s * s);
  const double m_per_deg_lat = std::numbers::pi / 180.0 * a * (1 - e2) / (w * w * w);
  const double m_per_deg_lon = std::numbers::pi / 180.0 * a * std::cos(lat) / w;
  return area_deg2 * m_per_deg_lat * m_per_deg_lon;
}

std::string multipolygon_wkb(const GeosContext& context, const GEOSGeometry* geometry) {
  std::vector<GEOSGeometry*> polygons;
  const std::function<void(const GEOSGeometry*)> collect = [&](const GEOSGeometry* part) {
    const int type = GEOSGeomTypeId_r(context.get(), part);
    if (type == GEOS_POLYGON) {
      if (GEOSisEmpty_r(context.get(), part) != 1) polygons.push_back(GEOSGeom_clone_r(context.get(), part));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
      for (int i = 0; i < GEOSGetNumGeometries_r(context.get(), part); ++i)
        collect(GEOSGetGeometryN_r(context.get(), part, i));
    }
  };
  collect(geometry);
  if (polygons.empty()) return {};
  Geometry multi(context, GEOSGeom_createCollection_r(context.get(), GEOS_MULTIPOLYGON, polygons.data(),
                                                      static_cast<unsigned>(polygons.size())));
  return multi.wkb();
}

}  // namespace antt::geo
