#pragma once
// Coordinate reference systems of Vietnamese data (DOMAIN.md §3), shared by import and export.
//
// VN-2000 → WGS 84 always uses the seven parameters of QĐ 05/2007/QĐ-BTNMT, written as the
// position-vector +towgs84 that EPSG:4756 exports (= EPSG:6960, coordinate frame, QĐ signs).
// A CRS whose datum is VN-2000 but carries no TOWGS84 (an ESRI .prj with "D_Vietnam_2000", a
// datum named "VN_2000_HoaBinh", EPSG:9211 itself) gets these parameters attached explicitly, so
// the result never depends on how PROJ resolves a datum name: without them a VN-2000 datum that
// PROJ does not recognise would be treated as WGS 84 — an error of about 225 m in Hòa Bình.
#include <array>
#include <optional>
#include <string>

#include "antt/geo/ogr.hpp"

namespace antt::geo {

/// QĐ 05/2007 in +towgs84 (position vector) form: dX dY dZ (m), rX rY rZ (″), ds (ppm).
inline constexpr std::array<double, 7> kVn2000ToWgs84{-191.90441429, -39.30318279, -111.45032835, 0.00928836,
                                                      -0.01975479,   0.00427372,   0.252906278};

/// EPSG:4326 in lon/lat order.
SpatialReference wgs84();

/// True when the datum is VN-2000: EPSG datum 6756 / geographic CRS 4756, or a datum name that
/// contains "2000" together with "VN" or "Vietnam" (any case, any separators).
bool has_vn2000_datum(const SpatialReference& srs);

/// The central meridian when `srs` is a VN-2000 TM-3 style projection: Transverse Mercator,
/// k0 = 0.9999, false easting 500 000 m, false northing 0, latitude of origin 0, central
/// meridian in 102°…108.5° on a 0.25° step (whatever its datum says).
std::optional<double> tm3_zone_meridian(const SpatialReference& srs);

/// The EPSG code of "VN-2000 / TM-3 …" for a central meridian (9205–9218, 5896–5899), if EPSG has one.
std::optional<int> vn2000_tm3_epsg(double central_meridian);

/// "EPSG:9211 VN-2000 / TM-3 106-00" or the CRS name (with its PROJ string when it has no name).
std::string describe(const SpatialReference& srs);

/// A reference ready to transform: VN-2000 datum without TOWGS84 gets kVn2000ToWgs84 attached.
struct PreparedCrs {
  SpatialReference srs;
  bool vn2000_shift_added = false;  ///< the QĐ 05/2007 parameters were attached here
  bool has_towgs84 = false;         ///< the reference carries a datum shift (its own or ours)
};
PreparedCrs prepare_for_transformation(const SpatialReference& srs);

/// The note that says which datum shift a transformation uses (for reports), e.g.
/// "VN-2000 → WGS 84: 7 parameters of QĐ 05/2007/QĐ-BTNMT".
std::string datum_shift_note(const PreparedCrs& prepared);

}  // namespace antt::geo
