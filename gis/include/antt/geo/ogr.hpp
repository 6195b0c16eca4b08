#pragma once
// RAII owners for GDAL/OGR C handles (GDALDatasetH, OGRFeatureH, OGRGeometryH,
// OGRSpatialReferenceH, OGRCoordinateTransformationH): small, move-only, each with a static
// factory that throws an antt::Error subclass naming what failed. GDAL errors raised while a
// GdalErrorScope lives are collected instead of printed, so messages can quote them.
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <string>
#include <string_view>
#include <vector>

namespace antt::geo {

/// Registers GDAL's drivers once per process (thread-safe, idempotent).
void register_gdal_drivers();

/// Collects the GDAL/CPL errors and warnings raised on this thread while it lives.
class GdalErrorScope {
 public:
  GdalErrorScope();
  ~GdalErrorScope();
  GdalErrorScope(const GdalErrorScope&) = delete;
  GdalErrorScope& operator=(const GdalErrorScope&) = delete;

  /// The last error (CE_Failure or worse) message, or "" when none was raised.
  const std::string& last_error() const { return last_error_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  static void CPL_STDCALL handler(CPLErr level, CPLErrorNum number, const char* message);
  std::string last_error_;
  std::vector<std::string> warnings_;
};

/// A NULL-terminated list of "KEY=VALUE" strings borrowed from `items` (for GDAL's char** options).
class OptionList {
 public:
  explicit OptionList(const std::vector<std::string>& items);
  char** get() { return pointers_.size() > 1 ? pointers_.data() : nullptr; }

 private:
  std::vector<std::string> items_;
  std::vector<char*> pointers_;
};

class Dataset {
 public:
  /// Opens a vector dataset read-only; throws InputError (with GDAL's message) when no driver can.
  static Dataset open_vector(const std::string& path, const std::vector<std::string>& open_options = {});
  /// Creates a new vector dataset with the named driver; throws Error when it cannot.
  static Dataset create_vector(const std::string& driver, const std::string& path,
                               const std::vector<std::string>& creation_options = {});
  /// The short name of the driver that recognises `path` as vector data, or "" when none does.
  static std::string identify_vector_driver(const std::string& path);

  Dataset() = default;
  ~Dataset();
  Dataset(Dataset&& other) noexcept;
  Dataset& operator=(Dataset&& other) noexcept;
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  GDALDatasetH get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  std::string driver_name() const;
  /// Flushes and closes; throws Error when GDAL reported a failure while writing.
  void close();

 private:
  explicit Dataset(GDALDatasetH handle) : handle_(handle) {}
  GDALDatasetH handle_ = nullptr;
};

class Feature {
 public:
  explicit Feature(OGRFeatureH handle = nullptr) : handle_(handle) {}
  /// A new, empty feature of the layer definition `definition`.
  static Feature create(OGRFeatureDefnH definition);
  ~Feature();
  Feature(Feature&& other) noexcept;
  Feature& operator=(Feature&& other) noexcept;
  Feature(const Feature&) = delete;
  Feature& operator=(const Feature&) = delete;

  OGRFeatureH get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  OGRFeatureH handle_ = nullptr;
};

class OgrGeometry {
 public:
  /// Takes ownership of `handle` (may be null).
  explicit OgrGeometry(OGRGeometryH handle = nullptr) : handle_(handle) {}
  /// Parses ISO or OGC WKB; throws InputError.
  static OgrGeometry from_wkb(std::string_view wkb);
  /// Parses WKT; throws InputError.
  static OgrGeometry from_wkt(const std::string& wkt);
  /// A deep copy of a geometry owned by someone else (e.g. a feature); null stays null.
  static OgrGeometry clone_of(OGRGeometryH borrowed);
  ~OgrGeometry();
  OgrGeometry(OgrGeometry&& other) noexcept;
  OgrGeometry& operator=(OgrGeometry&& other) noexcept;
  OgrGeometry(const OgrGeometry&) = delete;
  OgrGeometry& operator=(const OgrGeometry&) = delete;

  OGRGeometryH get() const { return handle_; }
  OGRGeometryH release();
  explicit operator bool() const { return handle_ != nullptr; }

  /// The flat (2D) geometry type.
  OGRwkbGeometryType flat_type() const;
  bool is_empty() const;
  /// ISO WKB, little endian.
  std::string iso_wkb() const;
  std::string wkt() const;
  /// The GeoJSON geometry object, coordinates rounded to `decimals` decimals (7 ≈ 1 cm in degrees);
  /// "null" for a null geometry.
  std::string geojson(int decimals) const;
  /// The same with 17 significant digits: read back, the coordinates are the same doubles.
  std::string geojson_exact() const;

 private:
  OGRGeometryH handle_ = nullptr;
};

class SpatialReference {
 public:
  /// "EPSG:9211", a PROJ string, WKT (OGC or ESRI) or a .prj path; throws CrsError.
  static SpatialReference from_user_input(const std::string& text);
  static SpatialReference from_epsg(int code);
  /// A copy of a reference owned by someone else (e.g. a layer); null stays null.
  static SpatialReference clone_of(OGRSpatialReferenceH borrowed);

  SpatialReference() = default;
  ~SpatialReference();
  SpatialReference(SpatialReference&& other) noexcept;
  SpatialReference& operator=(SpatialReference&& other) noexcept;
  SpatialReference(const SpatialReference&) = delete;
  SpatialReference& operator=(const SpatialReference&) = delete;

  OGRSpatialReferenceH get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  SpatialReference clone() const;

  std::string name() const;
  /// "EPSG:9211" when the reference carries (or is identified as) an authority code, else "".
  std::string authority_code() const;
  std::string wkt() const;  ///< WKT2 (2019), multi-line
  std::string proj4() const;
  bool is_projected() const;
  bool is_geographic() const;
  /// OSRGetAttrValue, e.g. ("DATUM", 0); "" when absent.
  std::string attribute(const char* path, int child = 0) const;
  /// A projection parameter (SRS_PP_*), or `fallback` when absent.
  double projection_parameter(const char* name, double fallback) const;

 private:
  explicit SpatialReference(OGRSpatialReferenceH handle);
  OGRSpatialReferenceH handle_ = nullptr;
};

class CoordinateTransformation {
 public:
  /// Creates source → target (both in traditional GIS lon/lat order); throws CrsError.
  static CoordinateTransformation create(const SpatialReference& source, const SpatialReference& target);

  CoordinateTransformation() = default;
  ~CoordinateTransformation();
  CoordinateTransformation(CoordinateTransformation&& other) noexcept;
  CoordinateTransformation& operator=(CoordinateTransformation&& other) noexcept;
  CoordinateTransformation(const CoordinateTransformation&) = delete;
  CoordinateTransformation& operator=(const CoordinateTransformation&) = delete;

  OGRCoordinateTransformationH get() const { return handle_; }
  /// Transforms in place; throws CrsError naming `what` when a point cannot be transformed.
  void transform(OgrGeometry& geometry, std::string_view what) const;
  /// Transforms one point in place; false when PROJ cannot.
  bool transform_point(double& x, double& y) const;

 private:
  explicit CoordinateTransformation(OGRCoordinateTransformationH handle) : handle_(handle) {}
  OGRCoordinateTransformationH handle_ = nullptr;
};

}  // namespace antt::geo
