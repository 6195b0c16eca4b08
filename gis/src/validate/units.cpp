// Loading the units under check: WKB → GEOS, the invalid_geometry check, and the valid
// geometries (GEOSMakeValid, structure method) that the other checks overlay.
#include <map>
#include <utility>

#include "antt/core/error.hpp"
#include "checks.hpp"

namespace antt::validate::detail {
namespace {

struct Validity {
  bool valid = true;
  std::string reason;
  std::string where_wkt;
};

Validity validity_of(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  char* reason = nullptr;
  GEOSGeometry* location = nullptr;
  const char result = GEOSisValidDetail_r(context.get(), geometry, 0, &reason, &location);
  Validity out;
  out.valid = result == 1;
  if (reason) {
    out.reason = reason;
    GEOSFree_r(context.get(), reason);
  }
  if (location) out.where_wkt = geo::Geometry(context, location).wkt(kWherePrecision);
  if (result == 2) out.reason = "GEOS could not test validity: " + context.last_error();
  return out;
}

geo::Geometry make_valid(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(context.get());
  GEOSMakeValidParams_setMethod_r(context.get(), params, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r(context.get(), params, 0);
  GEOSGeometry* repaired = GEOSMakeValidWithParams_r(context.get(), geometry, params);
  GEOSMakeValidParams_destroy_r(context.get(), params);
  if (!repaired) return {};
  geo::Geometry owned(context, repaired);
  return polygonal_part(context, owned.get());
}

/// Vietnamese for GEOS' validity reasons (IsValidOp); others are quoted as GEOS gives them.
std::string reason_vi(const std::string& reason) {
  static const std::map<std::string, std::string> known{
      {"Self-intersection", "tự cắt nhau"},
      {"Ring Self-intersection", "vòng tự cắt"},
      {"Too few points", "quá ít điểm"},
      {"Hole lies outside shell", "lỗ nằm ngoài vùng"},
      {"Nested holes", "lỗ lồng nhau"},
      {"Interior is disconnected", "phần trong bị tách rời"},
      {"Nested shells", "vùng lồng nhau"},
      {"Duplicate Rings", "vòng trùng nhau"},
      {"Invalid Coordinate", "tọa độ không hợp lệ"},
      {"Ring is not closed", "vòng không khép kín"},
  };
  auto it = known.find(reason);
  return it == known.end() ? reason : it->second;
}

std::string type_name(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  char* name = GEOSGeomType_r(context.get(), geometry);
  std::string out = name ? name : "?";
  if (name) GEOSFree_r(context.get(), name);
  return out;
}

Finding invalid(const store::UnitVersion& unit, const std::string& reason_vi, const std::string& reason_en,
                std::string where) {
  Finding finding;
  finding.severity = Severity::error;
  finding.problem = "invalid_geometry";
  finding.message = label(unit) + ": ranh giới không hợp lệ (" + reason_vi + ") / invalid geometry (" + reason_en + ")";
  finding.units = {unit.code};
  finding.where_wkt = std::move(where);
  return finding;
}

}  // namespace

std::vector<UnitEntry> load_units(const geo::GeosContext& context, std::vector<store::UnitVersion> versions,
                                  const std::set<std::string>& candidate_codes, FindingSink& sink) {
  std::vector<UnitEntry> entries;
  entries.reserve(versions.size());
  for (auto& version : versions) {
    UnitEntry entry;
    entry.candidate = candidate_codes.count(version.code) > 0;
    std::string wkb = std::move(version.geometry_wkb);
    version.geometry_wkb.clear();
    entry.version = std::move(version);
    const auto& unit = entry.version;
    if (!wkb.empty()) {
      geo::Geometry geometry;
      try {
        geometry = geo::Geometry::from_wkb(context, wkb);
      } catch (const InputError& error) {
        sink.add(invalid(unit, "không đọc được WKB", error.what(), {}));
      }
      if (geometry && !geometry.is_empty()) {
        const int type = GEOSGeomTypeId_r(context.get(), geometry.get());
        const bool is_polygon = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
        const bool is_point = type == GEOS_POINT || type == GEOS_MULTIPOINT;
        if (!is_polygon && !(is_point && store::kind_may_be_point(unit.kind))) {
          sink.add(invalid(unit, "cần vùng (Polygon/MultiPolygon)",
                           "a " + std::string(store::to_string(unit.kind)) + " needs a Polygon or MultiPolygon, not " +
                               type_name(context, geometry.get()),
                           point_on_surface_wkt(context, geometry.get())));
        } else if (is_point) {
          entry.geometry = std::move(geometry);
        } else {
          Validity validity = validity_of(context, geometry.get());
          if (!validity.valid) {
            sink.add(invalid(unit, reason_vi(validity.reason), validity.reason, std::move(validity.where_wkt)));
            geometry = make_valid(context, geometry.get());
          }
          if (geometry && !geometry.is_empty() && geometry.area() > 0) {
            entry.geometry = std::move(geometry);
            entry.polygonal = true;
          }
        }
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace antt::validate::detail
