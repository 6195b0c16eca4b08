#include "source_crs.hpp"

#include <cmath>
#include <sstream>

#include "antt/core/error.hpp"

namespace antt::importer {
namespace {

bool lonlat_extent(const OGREnvelope* e) {
  return e && e->MinX >= -180 && e->MaxX <= 180 && e->MinY >= -90 && e->MaxY <= 90;
}

/// Eastings/northings a VN-2000 TM-3 zone gives anywhere in Viet Nam (8°–24° N).
bool vn_tm3_extent(const OGREnvelope* e) {
  return !e || (e->MinX >= 0 && e->MaxX <= 1'000'000 && e->MinY >= 800'000 && e->MaxY <= 2'700'000);
}

bool has_nonzero_towgs84(const geo::SpatialReference& srs) {
  double p[7] = {};
  if (OSRGetTOWGS84(srs.get(), p, 7) != OGRERR_NONE) return false;
  for (double v : p)
    if (v != 0) return true;
  return false;
}

std::string meridian_text(double meridian) {
  std::ostringstream text;
  int degrees = static_cast<int>(std::floor(meridian));
  int minutes = static_cast<int>(std::lround((meridian - degrees) * 60));
  text << degrees << "°";
  if (minutes) text << minutes << "′";
  return text.str();
}

/// "--s-srs EPSG:9211 (VN-2000 / TM-3 106-00)" for the zone of `meridian`.
std::string zone_suggestion(double meridian) {
  if (auto code = geo::vn2000_tm3_epsg(meridian)) {
    std::string text = "--s-srs EPSG:" + std::to_string(*code);
    if (*code == 9211) text += " (VN-2000 / TM-3 106-00, Hòa Bình)";
    return text;
  }
  std::ostringstream text;
  text.precision(12);
  text << "--s-srs \"+proj=tmerc +lat_0=0 +lon_0=" << meridian
       << " +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=";
  for (size_t i = 0; i < geo::kVn2000ToWgs84.size(); ++i) text << (i ? "," : "") << geo::kVn2000ToWgs84[i];
  text << " +units=m +no_defs\"";
  return text.str();
}

std::string missing_crs_hint(const OGREnvelope* extent) {
  std::string vn2000 = "--s-srs EPSG:9211 for VN-2000 / TM-3 106° (Hòa Bình; other zones EPSG:9205–9218)";
  std::string lonlat = "--s-srs EPSG:4326 for longitude/latitude on WGS 84";
  if (lonlat_extent(extent)) return lonlat + " (the coordinates look like degrees), or " + vn2000;
  if (extent && vn_tm3_extent(extent)) return vn2000 + " (the coordinates look like VN-2000 TM-3 metres)";
  return vn2000 + ", or " + lonlat;
}

void check_geographic_extent(const std::string& path, const geo::SpatialReference& srs, const OGREnvelope* extent) {
  if (!srs.is_geographic() || !extent || lonlat_extent(extent)) return;
  std::ostringstream message;
  message.precision(10);
  message << "'" << path << "' says its coordinates are longitude/latitude (" << geo::describe(srs)
          << ") but they reach x " << extent->MinX << "…" << extent->MaxX << ", y " << extent->MinY << "…"
          << extent->MaxY << ", which are not degrees. Name the real CRS with "
          << (vn_tm3_extent(extent) ? "--s-srs EPSG:9211 (VN-2000 / TM-3 106°; other zones EPSG:9205–9218)"
                                    : "--s-srs")
          << " / tọa độ không phải độ kinh/vĩ, hãy chỉ rõ hệ tọa độ bằng --s-srs";
  throw CrsError(message.str());
}

}  // namespace

SourceCrs resolve_source_crs(const std::string& path, const geo::SpatialReference& file_srs,
                             const std::optional<std::string>& user_srs, const OGREnvelope* extent) {
  SourceCrs out;
  geo::SpatialReference srs;
  if (user_srs) {
    srs = geo::SpatialReference::from_user_input(*user_srs);
    if (file_srs && !OSRIsSame(file_srs.get(), srs.get()))
      out.warnings.push_back("'" + path + "' declares " + geo::describe(file_srs) + "; --s-srs " +
                             geo::describe(srs) + " is used instead");
    if (auto meridian = geo::tm3_zone_meridian(srs);
        meridian && !geo::has_vn2000_datum(srs) && !has_nonzero_towgs84(srs))
      out.warnings.push_back("--s-srs is a TM-3 projection without the VN-2000 datum, so no datum shift is "
                             "applied; if the data are VN-2000 use " + zone_suggestion(*meridian));
  } else {
    if (!file_srs)
      throw CrsError("'" + path + "' has no coordinate reference system (no .prj or CRS in the file). Name it with " +
                     missing_crs_hint(extent) + " / tệp không có hệ tọa độ, hãy chỉ rõ bằng --s-srs");
    srs = file_srs.clone();
    auto meridian = geo::tm3_zone_meridian(srs);
    if (meridian && !geo::has_vn2000_datum(srs) && !has_nonzero_towgs84(srs) && vn_tm3_extent(extent)) {
      std::string datum = srs.attribute("DATUM");
      throw CrsError(
          "'" + path + "' uses a VN-2000 TM-3 projection (" + srs.name() + ": Transverse Mercator, central meridian " +
          meridian_text(*meridian) + ", k0 0.9999, false easting 500 000 m) but its datum is " +
          (datum.empty() || datum == "unknown" ? std::string("unnamed") : "'" + datum + "'") +
          ", not VN-2000, and it has no datum shift. Treating VN-2000 coordinates as WGS 84 shifts them by about "
          "225 m in Hòa Bình. If the data are VN-2000 (almost certainly), re-run with " +
          zone_suggestion(*meridian) +
          "; if they really are on WGS 84, name that CRS explicitly with --s-srs. / Hệ tọa độ TM-3 nhưng datum không "
          "phải VN-2000 (lệch khoảng 225 m): chạy lại với " + zone_suggestion(*meridian));
    }
  }
  check_geographic_extent(path, srs, extent);
  if (geo::has_vn2000_datum(srs) && has_nonzero_towgs84(srs)) {
    double p[7] = {};
    OSRGetTOWGS84(srs.get(), p, 7);
    bool standard = true;
    for (size_t i = 0; i < 7; ++i) standard = standard && std::fabs(p[i] - geo::kVn2000ToWgs84[i]) < 1e-9;
    if (!standard)
      out.warnings.push_back("the CRS carries its own VN-2000 → WGS 84 parameters, which differ from QĐ 05/2007 as "
                             "EPSG:4756 states them; they are used as the data producer wrote them (the QĐ rotation "
                             "signs copied literally into +towgs84 move points by about 0.75 m). To use the "
                             "standard ones, re-run with --s-srs and the zone's EPSG code (e.g. EPSG:9211)");
  }
  out.prepared = geo::prepare_for_transformation(srs);
  out.description = geo::describe(srs);
  if (auto note = geo::datum_shift_note(out.prepared); !note.empty()) out.description += "; " + note;
  return out;
}

}  // namespace antt::importer
