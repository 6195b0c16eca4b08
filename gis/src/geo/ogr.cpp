#include "antt/geo/ogr.hpp"

#include <nlohmann/json.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <mutex>

#include "antt/core/error.hpp"

namespace antt::geo {
namespace {

std::string with_detail(std::string message, const std::string& detail) {
  if (!detail.empty()) message += ": " + detail;
  return message;
}

}  // namespace

void register_gdal_drivers() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// GdalErrorScope -------------------------------------------------------------------------

GdalErrorScope::GdalErrorScope() {
  CPLErrorReset();
  CPLPushErrorHandlerEx(&GdalErrorScope::handler, this);
}

GdalErrorScope::~GdalErrorScope() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorScope::handler(CPLErr level, CPLErrorNum, const char* message) {
  auto* self = static_cast<GdalErrorScope*>(CPLGetErrorHandlerUserData());
  if (!self) return;
  std::string text = message ? message : "";
  if (level >= CE_Failure)
    self->last_error_ = text;
  else if (level == CE_Warning)
    self->warnings_.push_back(text);
}

// OptionList -----------------------------------------------------------------------------

OptionList::OptionList(const std::vector<std::string>& items) : items_(items) {
  for (auto& item : items_) pointers_.push_back(item.data());
  pointers_.push_back(nullptr);
}

// Dataset --------------------------------------------------------------------------------

Dataset Dataset::open_vector(const std::string& path, const std::vector<std::string>& open_options) {
  register_gdal_drivers();
  GdalErrorScope errors;
  OptionList options(open_options);
  GDALDatasetH handle =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.get(), nullptr);
  if (!handle)
    throw InputError(with_detail("cannot read '" + path + "' as vector data (is it a Shapefile, GeoPackage, "
                                 "GeoJSON, KML, MapInfo TAB or CSV file?)",
                                 errors.last_error()));
  return Dataset(handle);
}

Dataset Dataset::create_vector(const std::string& driver_name, const std::string& path,
                               const std::vector<std::string>& creation_options) {
  register_gdal_drivers();
  GdalErrorScope errors;
  GDALDriverH driver = GDALGetDriverByName(driver_name.c_str());
  if (!driver) throw Error("GDAL has no '" + driver_name + "' driver on this system");
  OptionList options(creation_options);
  GDALDatasetH handle = GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, options.get());
  if (!handle) throw Error(with_detail("cannot create '" + path + "' with GDAL " + driver_name, errors.last_error()));
  return Dataset(handle);
}

std::string Dataset::identify_vector_driver(const std::string& path) {
  register_gdal_drivers();
  GdalErrorScope errors;
  GDALDriverH driver = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr);
  return driver ? GDALGetDriverShortName(driver) : "";
}

Dataset::~Dataset() {
  if (handle_) {
    GdalErrorScope quiet;
    GDALClose(handle_);
  }
}

Dataset::Dataset(Dataset&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }

Dataset& Dataset::operator=(Dataset&& other) noexcept {
  if (this != &other) {
    if (handle_) GDALClose(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

std::string Dataset::driver_name() const {
  if (!handle_) return "";
  GDALDriverH driver = GDALGetDatasetDriver(handle_);
  return driver ? GDALGetDriverShortName(driver) : "";
}

void Dataset::close() {
  if (!handle_) return;
  GdalErrorScope errors;
  GDALClose(handle_);
  handle_ = nullptr;
  if (!errors.last_error().empty()) throw Error("GDAL failed to finish writing: " + errors.last_error());
}

// Feature ---------------------------------------------------------------------------------

Feature Feature::create(OGRFeatureDefnH definition) { return Feature(OGR_F_Create(definition)); }

Feature::~Feature() {
  if (handle_) OGR_F_Destroy(handle_);
}

Feature::Feature(Feature&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }

Feature& Feature::operator=(Feature&& other) noexcept {
  if (this != &other) {
    if (handle_) OGR_F_Destroy(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

// OgrGeometry ------------------------------------------------------------------------------

OgrGeometry OgrGeometry::from_wkb(std::string_view wkb) {
  OGRGeometryH handle = nullptr;
  if (OGR_G_CreateFromWkbEx(wkb.data(), nullptr, &handle, wkb.size()) != OGRERR_NONE || !handle)
    throw InputError("not a valid WKB geometry");
  return OgrGeometry(handle);
}

OgrGeometry OgrGeometry::from_wkt(const std::string& wkt) {
  OGRGeometryH handle = nullptr;
  char* cursor = const_cast<char*>(wkt.c_str());
  if (OGR_G_CreateFromWkt(&cursor, nullptr, &handle) != OGRERR_NONE || !handle)
    throw InputError("not a valid WKT geometry: " + wkt.substr(0, 60));
  return OgrGeometry(handle);
}

OgrGeometry OgrGeometry::clone_of(OGRGeometryH borrowed) {
  return OgrGeometry(borrowed ? OGR_G_Clone(borrowed) : nullptr);
}

OgrGeometry::~OgrGeometry() {
  if (handle_) OGR_G_DestroyGeometry(handle_);
}

OgrGeometry::OgrGeometry(OgrGeometry&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }

OgrGeometry& OgrGeometry::operator=(OgrGeometry&& other) noexcept {
  if (this != &other) {
    if (handle_) OGR_G_DestroyGeometry(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

OGRGeometryH OgrGeometry::release() {
  OGRGeometryH out = handle_;
  handle_ = nullptr;
  return out;
}

OGRwkbGeometryType OgrGeometry::flat_type() const {
  return handle_ ? wkbFlatten(OGR_G_GetGeometryType(handle_)) : wkbNone;
}

bool OgrGeometry::is_empty() const { return !handle_ || OGR_G_IsEmpty(handle_); }

std::string OgrGeometry::iso_wkb() const {
  if (!handle_) return {};
  std::string out(static_cast<size_t>(OGR_G_WkbSize(handle_)), '\0');
  if (OGR_G_ExportToIsoWkb(handle_, wkbNDR, reinterpret_cast<unsigned char*>(out.data())) != OGRERR_NONE)
    throw Error("cannot export a geometry as WKB");
  return out;
}

namespace {

std::string geojson_with(OGRGeometryH handle, const std::string& option) {
  if (!handle) return "null";
  OptionList options({option});
  char* text = OGR_G_ExportToJsonEx(handle, options.get());
  if (!text) throw Error("cannot write a geometry as GeoJSON");
  std::string out(text);
  CPLFree(text);
  return out;
}

}  // namespace

std::string OgrGeometry::geojson(int decimals) const {
  return geojson_with(handle_, "COORDINATE_PRECISION=" + std::to_string(decimals));
}

namespace {

/// GeoJSON coordinates of a point, ring or line: nlohmann writes each double in the shortest form
/// that reads back the same (OGR's writer trims digits it takes for noise).
nlohmann::json exact_positions(OGRGeometryH geometry) {
  nlohmann::json positions = nlohmann::json::array();
  for (int i = 0, n = OGR_G_GetPointCount(geometry); i < n; ++i)
    positions.push_back({OGR_G_GetX(geometry, i), OGR_G_GetY(geometry, i)});
  return positions;
}

nlohmann::json exact_polygon(OGRGeometryH polygon) {
  nlohmann::json rings = nlohmann::json::array();
  for (int i = 0, n = OGR_G_GetGeometryCount(polygon); i < n; ++i)
    rings.push_back(exact_positions(OGR_G_GetGeometryRef(polygon, i)));
  return rings;
}

}  // namespace

std::string OgrGeometry::geojson_exact() const {
  if (!handle_ || is_empty()) return "null";
  switch (flat_type()) {
    case wkbPolygon:
      return nlohmann::json{{"type", "Polygon"}, {"coordinates", exact_polygon(handle_)}}.dump();
    case wkbMultiPolygon: {
      nlohmann::json polygons = nlohmann::json::array();
      for (int i = 0, n = OGR_G_GetGeometryCount(handle_); i < n; ++i)
        polygons.push_back(exact_polygon(OGR_G_GetGeometryRef(handle_, i)));
      return nlohmann::json{{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}.dump();
    }
    case wkbPoint:
      return nlohmann::json{{"type", "Point"}, {"coordinates", exact_positions(handle_).at(0)}}.dump();
    default:
      return geojson_with(handle_, "SIGNIFICANT_FIGURES=17");  // not an area or a point: no unit has one
  }
}

std::string OgrGeometry::wkt() const {
  if (!handle_) return {};
  char* text = nullptr;
  if (OGR_G_ExportToIsoWkt(handle_, &text) != OGRERR_NONE) {
    CPLFree(text);
    throw Error("cannot export a geometry as WKT");
  }
  std::string out = text ? text : "";
  CPLFree(text);
  return out;
}

// SpatialReference -------------------------------------------------------------------------

SpatialReference::SpatialReference(OGRSpatialReferenceH handle) : handle_(handle) {
  if (handle_) OSRSetAxisMappingStrategy(handle_, OAMS_TRADITIONAL_GIS_ORDER);
}

SpatialReference SpatialReference::from_user_input(const std::string& text) {
  GdalErrorScope errors;
  OGRSpatialReferenceH handle = OSRNewSpatialReference(nullptr);
  if (OSRSetFromUserInput(handle, text.c_str()) != OGRERR_NONE) {
    OSRRelease(handle);
    throw CrsError(with_detail("cannot understand the coordinate reference system '" + text +
                                   "' (use e.g. EPSG:9211, a PROJ string or WKT)",
                               errors.last_error()));
  }
  return SpatialReference(handle);
}

SpatialReference SpatialReference::from_epsg(int code) {
  GdalErrorScope errors;
  OGRSpatialReferenceH handle = OSRNewSpatialReference(nullptr);
  if (OSRImportFromEPSG(handle, code) != OGRERR_NONE) {
    OSRRelease(handle);
    throw CrsError(with_detail("PROJ does not know EPSG:" + std::to_string(code), errors.last_error()));
  }
  return SpatialReference(handle);
}

SpatialReference SpatialReference::clone_of(OGRSpatialReferenceH borrowed) {
  return SpatialReference(borrowed ? OSRClone(borrowed) : nullptr);
}

SpatialReference SpatialReference::clone() const { return clone_of(handle_); }

SpatialReference::~SpatialReference() {
  if (handle_) OSRRelease(handle_);
}

SpatialReference::SpatialReference(SpatialReference&& other) noexcept : handle_(other.handle_) {
  other.handle_ = nullptr;
}

SpatialReference& SpatialReference::operator=(SpatialReference&& other) noexcept {
  if (this != &other) {
    if (handle_) OSRRelease(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

std::string SpatialReference::name() const {
  const char* name = handle_ ? OSRGetName(handle_) : nullptr;
  return name ? name : "";
}

std::string SpatialReference::authority_code() const {
  if (!handle_) return "";
  const char* authority = OSRGetAuthorityName(handle_, nullptr);
  const char* code = OSRGetAuthorityCode(handle_, nullptr);
  if (authority && code) return std::string(authority) + ":" + code;
  return "";
}

std::string SpatialReference::wkt() const {
  if (!handle_) return "";
  char* text = nullptr;
  const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=YES", nullptr};
  OSRExportToWktEx(handle_, &text, options);
  std::string out = text ? text : "";
  CPLFree(text);
  return out;
}

std::string SpatialReference::proj4() const {
  if (!handle_) return "";
  GdalErrorScope quiet;
  char* text = nullptr;
  OSRExportToProj4(handle_, &text);
  std::string out = text ? text : "";
  CPLFree(text);
  return out;
}

bool SpatialReference::is_projected() const { return handle_ && OSRIsProjected(handle_); }
bool SpatialReference::is_geographic() const { return handle_ && OSRIsGeographic(handle_); }

std::string SpatialReference::attribute(const char* path, int child) const {
  const char* value = handle_ ? OSRGetAttrValue(handle_, path, child) : nullptr;
  return value ? value : "";
}

double SpatialReference::projection_parameter(const char* parameter, double fallback) const {
  if (!handle_) return fallback;
  OGRErr error = OGRERR_NONE;
  double value = OSRGetProjParm(handle_, parameter, fallback, &error);
  return error == OGRERR_NONE ? value : fallback;
}

// CoordinateTransformation ----------------------------------------------------------------

CoordinateTransformation CoordinateTransformation::create(const SpatialReference& source,
                                                          const SpatialReference& target) {
  GdalErrorScope errors;
  OGRCoordinateTransformationH handle = OCTNewCoordinateTransformation(source.get(), target.get());
  if (!handle)
    throw CrsError(with_detail("PROJ cannot transform from '" + source.name() + "' to '" + target.name() + "'",
                               errors.last_error()));
  return CoordinateTransformation(handle);
}

CoordinateTransformation::~CoordinateTransformation() {
  if (handle_) OCTDestroyCoordinateTransformation(handle_);
}

CoordinateTransformation::CoordinateTransformation(CoordinateTransformation&& other) noexcept
    : handle_(other.handle_) {
  other.handle_ = nullptr;
}

CoordinateTransformation& CoordinateTransformation::operator=(CoordinateTransformation&& other) noexcept {
  if (this != &other) {
    if (handle_) OCTDestroyCoordinateTransformation(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

void CoordinateTransformation::transform(OgrGeometry& geometry, std::string_view what) const {
  if (!geometry || OGR_G_IsEmpty(geometry.get())) return;
  GdalErrorScope errors;
  if (OGR_G_Transform(geometry.get(), handle_) != OGRERR_NONE)
    throw CrsError(with_detail("cannot transform the coordinates of " + std::string(what) +
                                   " (are they in the coordinate reference system the file declares?)",
                               errors.last_error()));
}

bool CoordinateTransformation::transform_point(double& x, double& y) const {
  GdalErrorScope quiet;
  double z = 0;
  int success = 0;
  return OCTTransformEx(handle_, 1, &x, &y, &z, &success) && success;
}

}  // namespace antt::geo
