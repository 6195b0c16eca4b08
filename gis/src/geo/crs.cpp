#include "antt/geo/crs.hpp"

#include <ogr_srs_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>
#include <sstream>

#include "antt/core/error.hpp"

namespace antt::geo {
namespace {

std::string lower_ascii(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool names_vn2000(const std::string& name) {
  std::string lower = lower_ascii(name);
  return lower.find("2000") != std::string::npos &&
         (lower.find("vn") != std::string::npos || lower.find("vietnam") != std::string::npos ||
          lower.find("viet nam") != std::string::npos || lower.find("viet_nam") != std::string::npos);
}

bool near(double a, double b, double tolerance) { return std::fabs(a - b) <= tolerance; }

}  // namespace

SpatialReference wgs84() { return SpatialReference::from_epsg(4326); }

bool has_vn2000_datum(const SpatialReference& srs) {
  if (!srs) return false;
  const char* datum_authority = OSRGetAuthorityName(srs.get(), "DATUM");
  const char* datum_code = OSRGetAuthorityCode(srs.get(), "DATUM");
  if (datum_authority && datum_code && std::string(datum_authority) == "EPSG" && std::string(datum_code) == "6756")
    return true;
  const char* geog_authority = OSRGetAuthorityName(srs.get(), "GEOGCS");
  const char* geog_code = OSRGetAuthorityCode(srs.get(), "GEOGCS");
  if (geog_authority && geog_code && std::string(geog_authority) == "EPSG" && std::string(geog_code) == "4756")
    return true;
  return names_vn2000(srs.attribute("DATUM"));
}

std::optional<double> tm3_zone_meridian(const SpatialReference& srs) {
  if (!srs || !srs.is_projected()) return std::nullopt;
  if (srs.attribute("PROJECTION") != SRS_PT_TRANSVERSE_MERCATOR) return std::nullopt;
  if (!near(OSRGetLinearUnits(srs.get(), nullptr), 1.0, 1e-9)) return std::nullopt;
  double meridian = srs.projection_parameter(SRS_PP_CENTRAL_MERIDIAN, -999);
  double scale = srs.projection_parameter(SRS_PP_SCALE_FACTOR, 1.0);
  double false_easting = srs.projection_parameter(SRS_PP_FALSE_EASTING, 0);
  double false_northing = srs.projection_parameter(SRS_PP_FALSE_NORTHING, 0);
  double origin = srs.projection_parameter(SRS_PP_LATITUDE_OF_ORIGIN, 0);
  if (!near(scale, 0.9999, 1e-9) || !near(false_easting, 500000, 1e-6) || !near(false_northing, 0, 1e-6) ||
      !near(origin, 0, 1e-9))
    return std::nullopt;
  if (meridian < 102 - 1e-9 || meridian > 108.5 + 1e-9) return std::nullopt;
  if (!near(meridian * 4, std::round(meridian * 4), 1e-7)) return std::nullopt;
  return meridian;
}

std::optional<int> vn2000_tm3_epsg(double central_meridian) {
  static constexpr std::pair<double, int> kZones[] = {
      {102.0, 5896},  {103.0, 9205},  {104.0, 9206},  {104.5, 9207},  {104.75, 9208}, {105.0, 5897},
      {105.5, 9209},  {105.75, 9210}, {106.0, 9211},  {106.25, 9212}, {106.5, 9213},  {107.0, 9214},
      {107.25, 9215}, {107.5, 9216},  {107.75, 5899}, {108.0, 5898},  {108.25, 9217}, {108.5, 9218}};
  for (const auto& [meridian, code] : kZones)
    if (near(meridian, central_meridian, 1e-7)) return code;
  return std::nullopt;
}

std::string describe(const SpatialReference& srs) {
  if (!srs) return "(none)";
  std::string code = srs.authority_code();
  std::string name = srs.name();
  if (name.empty() || name == "unknown" || name == "unnamed") name = srs.proj4();
  return code.empty() ? name : code + " " + name;
}

PreparedCrs prepare_for_transformation(const SpatialReference& srs) {
  PreparedCrs prepared{srs.clone()};
  double existing[7] = {};
  prepared.has_towgs84 = OSRGetTOWGS84(prepared.srs.get(), existing, 7) == OGRERR_NONE;
  if (!prepared.has_towgs84 && has_vn2000_datum(prepared.srs)) {
    const auto& p = kVn2000ToWgs84;
    if (OSRSetTOWGS84(prepared.srs.get(), p[0], p[1], p[2], p[3], p[4], p[5], p[6]) != OGRERR_NONE)
      throw CrsError("cannot attach the VN-2000 → WGS 84 parameters to '" + srs.name() + "'");
    prepared.vn2000_shift_added = true;
    prepared.has_towgs84 = true;
  }
  return prepared;
}

std::string datum_shift_note(const PreparedCrs& prepared) {
  if (prepared.vn2000_shift_added) return "VN-2000 → WGS 84: 7 parameters of QĐ 05/2007/QĐ-BTNMT";
  if (prepared.has_towgs84) {
    double p[7] = {};
    OSRGetTOWGS84(prepared.srs.get(), p, 7);
    std::ostringstream text;
    text.precision(12);
    text << "datum shift from the file: +towgs84=" << p[0];
    for (int i = 1; i < 7; ++i) text << ',' << p[i];
    return text.str();
  }
  return "";
}

}  // namespace antt::geo
