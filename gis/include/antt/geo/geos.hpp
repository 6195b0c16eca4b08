#pragma once
// RAII owners for GEOS (C API, reentrant `_r` functions). One context per owner, never shared
// across threads (MapServer #7088 shows what shared contexts do).
#include <geos_c.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace antt::geo {

class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;
  GEOSContextHandle_t get() const { return handle_; }
  /// The last error GEOS reported through this context.
  const std::string& last_error() const { return last_error_; }

 private:
  static void on_error(const char* message, void* self);
  GEOSContextHandle_t handle_;
  std::string last_error_;
};

/// Owns one GEOSGeometry of one context.
class Geometry {
 public:
  Geometry() = default;
  Geometry(const GeosContext& context, GEOSGeometry* geometry);
  ~Geometry();
  Geometry(Geometry&& other) noexcept;
  Geometry& operator=(Geometry&& other) noexcept;
  Geometry(const Geometry&) = delete;
  Geometry& operator=(const Geometry&) = delete;

  static Geometry from_wkt(const GeosContext& context, std::string_view wkt);
  static Geometry from_wkb(const GeosContext& context, std::string_view wkb);

  const GEOSGeometry* get() const { return geometry_; }
  GEOSGeometry* release();
  explicit operator bool() const { return geometry_ != nullptr; }

  std::string wkt(int precision = 7) const;
  std::string wkb() const;  ///< ISO WKB, 2D
  bool is_empty() const;
  double area() const;  ///< in the units of the coordinates

 private:
  const GeosContext* context_ = nullptr;
  GEOSGeometry* geometry_ = nullptr;
};

/// Throws antt::Error with GEOS' message when `result` is null.
GEOSGeometry* check(const GeosContext& context, GEOSGeometry* result, std::string_view operation);

/// Union of `parts` (cloned; the caller keeps them). When GEOS' overlay fails on a robustness
/// problem the union is retried on a grid of `retry_grid` coordinate units (1e-8° ≈ 1 mm).
/// Throws Error with GEOS' message when that fails too.
Geometry union_of(const GeosContext& context, const std::vector<const GEOSGeometry*>& parts, double retry_grid);

/// The polygons of `geometry` (an overlay may add lines and points where shapes touch) as one
/// MultiPolygon in ISO WKB, the form the store keeps areas in; "" when it has no polygon.
std::string multipolygon_wkb(const GeosContext& context, const GEOSGeometry* geometry);

/// Area in square metres of a lon/lat geometry, on a local equal-area approximation
/// (good to well under 1 % at provincial scale; used for sliver tolerances and areas).
double geodesic_area_m2(const GeosContext& context, const GEOSGeometry* geometry);

}  // namespace antt::geo
