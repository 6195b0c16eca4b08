// read_candidates: the QGIS plugin's edited, unsaved units as a GeoJSON FeatureCollection,
// read with OGR and brought to EPSG:4326 when the file declares another CRS.
#include <cpl_vsi.h>

#include <cstdio>
#include <optional>
#include <set>

#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/validate/validator.hpp"

namespace antt::validate {
namespace {

std::string where(const std::string& path, GIntBig fid) {
  return "candidates " + path + ", feature " + std::to_string(static_cast<long long>(fid));
}

/// source → EPSG:4326, or nothing when the layer already is in (or does not declare) it.
std::optional<geo::CoordinateTransformation> to_wgs84(OGRLayerH layer) {
  OGRSpatialReferenceH declared = OGR_L_GetSpatialRef(layer);
  if (!declared) return std::nullopt;
  geo::SpatialReference source = geo::SpatialReference::clone_of(declared);
  geo::SpatialReference wgs84 = geo::SpatialReference::from_epsg(4326);
  if (OSRIsSame(source.get(), wgs84.get())) return std::nullopt;
  return geo::CoordinateTransformation::create(source, wgs84);
}

/// Reads the candidates of the dataset at `source` (a file or a /vsimem/ copy); messages name `path`.
std::vector<Candidate> read_candidates_from(const std::string& source, const std::string& path) {
  geo::Dataset dataset;
  try {
    dataset = geo::Dataset::open_vector(source);
  } catch (const InputError& error) {
    std::string reason = error.what();
    if (source != path) {  // do not quote the in-memory file name
      for (std::size_t at = reason.find(source); at != std::string::npos; at = reason.find(source, at + path.size()))
        reason.replace(at, source.size(), path);
    }
    throw InputError("candidates: " + reason +
                     "; give a GeoJSON FeatureCollection with a \"code\" property / không đọc được tệp ứng viên");
  }
  if (GDALDatasetGetLayerCount(dataset.get()) < 1)
    throw InputError("candidates " + path + ": no features / tệp không có đối tượng");
  OGRLayerH layer = GDALDatasetGetLayer(dataset.get(), 0);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  const int code_field = OGR_FD_GetFieldIndex(definition, "code");
  if (code_field < 0)
    throw InputError("candidates " + path +
                     ": the features have no \"code\" property; give each edited unit its code, e.g. "
                     "\"code\": \"04792\" / thiếu thuộc tính \"code\"");
  if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, code_field)) != OFTString)
    throw InputError("candidates " + path +
                     ": \"code\" must be a string such as \"04792\" (a number loses the leading zeros) / "
                     "\"code\" phải là chuỗi");
  const std::optional<geo::CoordinateTransformation> transform = to_wgs84(layer);

  geo::GdalErrorScope errors;
  std::vector<Candidate> candidates;
  std::set<std::string> seen;
  OGR_L_ResetReading(layer);
  while (geo::Feature feature{OGR_L_GetNextFeature(layer)}) {
    const GIntBig fid = OGR_F_GetFID(feature.get());
    Candidate candidate;
    if (OGR_F_IsFieldSetAndNotNull(feature.get(), code_field))
      candidate.code = OGR_F_GetFieldAsString(feature.get(), code_field);
    if (candidate.code.empty()) throw InputError(where(path, fid) + ": no \"code\" / đối tượng thiếu mã đơn vị");
    if (!seen.insert(candidate.code).second)
      throw InputError(where(path, fid) + ": unit " + candidate.code +
                       " appears twice; keep one geometry per unit / đơn vị " + candidate.code + " bị lặp");
    geo::OgrGeometry geometry(OGR_F_StealGeometry(feature.get()));
    if (geometry.is_empty())
      throw InputError(where(path, fid) + ": unit " + candidate.code + " has no geometry / đơn vị không có hình");
    OGR_G_FlattenTo2D(geometry.get());
    if (transform) transform->transform(geometry, "unit " + candidate.code + " in " + path);
    // Metres read as degrees (a projected file without its "crs") would be validated as nonsense.
    OGREnvelope box;
    OGR_G_GetEnvelope(geometry.get(), &box);
    if (!(box.MinX >= -180 && box.MaxX <= 180 && box.MinY >= -90 && box.MaxY <= 90))  // NaN fails too
      throw InputError(where(path, fid) + ": unit " + candidate.code +
                       " has coordinates outside longitude -180..180 / latitude -90..90; coordinates in metres need "
                       "a named \"crs\", e.g. urn:ogc:def:crs:EPSG::9211 / tọa độ nằm ngoài phạm vi kinh độ, vĩ độ "
                       "(tọa độ mét cần khai báo crs)");
    // Areas are stored as MultiPolygon.
    if (geometry.flat_type() == wkbPolygon) geometry = geo::OgrGeometry(OGR_G_ForceToMultiPolygon(geometry.release()));
    candidate.geometry_wkb = geometry.iso_wkb();
    candidates.push_back(std::move(candidate));
  }
  if (!errors.last_error().empty())
    throw InputError("candidates " + path + ": " + errors.last_error());
  if (candidates.empty()) throw InputError("candidates " + path + ": no features / tệp không có đối tượng");
  return candidates;
}

/// A GDAL in-memory file over text that outlives it (no copy), unlinked on destruction.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view text) {
    // Unique among the files alive at once (requests run on several threads): this object's address.
    char name[64];
    std::snprintf(name, sizeof name, "/vsimem/antt-candidates-%p.geojson", static_cast<const void*>(this));
    path_ = name;
    // GDAL only reads it: the buffer is borrowed (bTakeOwnership FALSE), never written.
    VSILFILE* file = VSIFileFromMemBuffer(path_.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(text.data())),
                                          static_cast<vsi_l_offset>(text.size()), FALSE);
    if (file == nullptr) throw Error("candidates: GDAL could not open an in-memory file");
    VSIFCloseL(file);
  }
  ~MemoryFile() { VSIUnlink(path_.c_str()); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::vector<Candidate> read_candidates(const std::string& path) { return read_candidates_from(path, path); }

std::vector<Candidate> read_candidates_text(std::string_view geojson, const std::string& label) {
  geo::register_gdal_drivers();
  MemoryFile file(geojson);
  return read_candidates_from(file.path(), label);
}

}  // namespace antt::validate
