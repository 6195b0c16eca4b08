#include "source.hpp"

#include <cmath>
#include <filesystem>

#include "antt/core/error.hpp"

namespace antt::importer {
namespace {

constexpr const char* kShapefile = "ESRI Shapefile";

std::vector<std::string> open_options_for(const std::string& driver) {
  if (driver == kShapefile) return {"ENCODING="};  // raw bytes: we decode ourselves (DOMAIN.md §4)
  if (driver == "CSV")
    return {"GEOM_POSSIBLE_NAMES=WKT,wkt,geometry,geom,the_geom,GEOMETRY,GEOM,THE_GEOM", "KEEP_GEOM_COLUMNS=NO",
            "X_POSSIBLE_NAMES=lon,longitude,lng,x,kinh_do", "Y_POSSIBLE_NAMES=lat,latitude,y,vi_do"};
  return {};
}

std::string metadata(OGRLayerH layer, const char* key, const char* domain) {
  const char* value = GDALGetMetadataItem(static_cast<GDALMajorObjectH>(layer), key, domain);
  return value ? value : "";
}

std::string layer_list(GDALDatasetH dataset) {
  std::string names;
  for (int i = 0; i < GDALDatasetGetLayerCount(dataset); ++i) {
    OGRLayerH layer = GDALDatasetGetLayer(dataset, i);
    names += (i ? ", " : "") + std::string(OGR_L_GetName(layer)) + " (" +
             std::to_string(OGR_L_GetFeatureCount(layer, TRUE)) + " features)";
  }
  return names;
}

std::vector<std::string> field_names(OGRLayerH layer) {
  std::vector<std::string> names;
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
    names.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)));
  return names;
}

/// anttmap's own exports put areas in NAME and points in NAME_points (one geometry type per layer
/// in GeoPackage); such a pair with the same fields is read as one source.
bool is_areas_and_points_pair(OGRLayerH areas, OGRLayerH points) {
  return std::string(OGR_L_GetName(areas)) + "_points" == OGR_L_GetName(points) &&
         field_names(areas) == field_names(points);
}

std::vector<OGRLayerH> choose_layers(GDALDatasetH dataset, const std::string& path,
                                     const std::optional<std::string>& wanted) {
  int count = GDALDatasetGetLayerCount(dataset);
  if (count == 0) throw InputError("'" + path + "' contains no vector layer / tệp không có lớp dữ liệu");
  if (wanted) {
    OGRLayerH layer = GDALDatasetGetLayerByName(dataset, wanted->c_str());
    if (!layer)
      throw InputError("'" + path + "' has no layer '" + *wanted + "'; its layers: " + layer_list(dataset));
    return {layer};
  }
  if (count == 1) return {GDALDatasetGetLayer(dataset, 0)};
  // Tables without geometry (the `lineage` table of anttmap's GeoPackage exports) hold no units.
  std::vector<OGRLayerH> non_empty;
  for (int i = 0; i < count; ++i) {
    OGRLayerH layer = GDALDatasetGetLayer(dataset, i);
    if (OGR_L_GetGeomType(layer) != wkbNone && OGR_L_GetFeatureCount(layer, TRUE) > 0) non_empty.push_back(layer);
  }
  if (non_empty.size() == 1) return non_empty;
  if (non_empty.size() == 2) {
    if (is_areas_and_points_pair(non_empty[0], non_empty[1])) return non_empty;
    if (is_areas_and_points_pair(non_empty[1], non_empty[0])) return {non_empty[1], non_empty[0]};
  }
  throw InputError("'" + path + "' has " + std::to_string(count) + " layers: " + layer_list(dataset) +
                   "; choose one with --layer / chọn lớp bằng --layer");
}

std::optional<std::string> field_value(OGRFeatureH feature, int index, OGRFieldType type) {
  if (!OGR_F_IsFieldSetAndNotNull(feature, index)) return std::nullopt;
  switch (type) {
    case OFTInteger:
    case OFTInteger64:
      return std::to_string(OGR_F_GetFieldAsInteger64(feature, index));
    case OFTReal: {
      double value = OGR_F_GetFieldAsDouble(feature, index);
      if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
        return std::to_string(static_cast<long long>(value));
      return std::string(OGR_F_GetFieldAsString(feature, index));
    }
    default:
      return std::string(OGR_F_GetFieldAsString(feature, index));
  }
}

}  // namespace

RawLayer read_source(const std::string& path, const std::optional<std::string>& wanted_layer,
                     const std::function<void(double)>& progress) {
  if (path.rfind("/vsi", 0) != 0 && !std::filesystem::exists(path))  // GDAL virtual paths are GDAL's business
    throw InputError("no file '" + path + "' / không tìm thấy tệp");
  std::string driver = geo::Dataset::identify_vector_driver(path);
  auto dataset = geo::Dataset::open_vector(path, open_options_for(driver));

  RawLayer raw;
  raw.driver = dataset.driver_name();
  raw.raw_strings = raw.driver == kShapefile;
  const std::vector<OGRLayerH> layers = choose_layers(dataset.get(), path, wanted_layer);
  OGRLayerH layer = layers.front();
  raw.layer_name = OGR_L_GetName(layer);
  if (raw.driver == kShapefile) {
    raw.cpg_codepage = metadata(layer, "CPG_VALUE", "SHAPEFILE");
    if (raw.cpg_codepage.empty()) raw.cpg_codepage = metadata(layer, "ENCODING_FROM_CPG", "SHAPEFILE");
    raw.ldid_codepage = metadata(layer, "ENCODING_FROM_LDID", "SHAPEFILE");
  }
  raw.srs = geo::SpatialReference::clone_of(OGR_L_GetSpatialRef(layer));
  for (OGRLayerH other : layers) {
    OGRSpatialReferenceH other_srs = OGR_L_GetSpatialRef(other);
    bool same = raw.srs.get() == nullptr ? other_srs == nullptr
                                         : other_srs != nullptr && OSRIsSame(raw.srs.get(), other_srs);
    if (!same)
      throw InputError("the layers of '" + path + "' are in different CRS; import each with --layer");
  }

  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  const int field_count = OGR_FD_GetFieldCount(definition);
  for (int i = 0; i < field_count; ++i) {
    OGRFieldDefnH field = OGR_FD_GetFieldDefn(definition, i);
    raw.fields.push_back({OGR_Fld_GetNameRef(field), OGR_Fld_GetType(field)});
  }

  geo::GdalErrorScope errors;
  long long total = 0;
  for (OGRLayerH each : layers) total += OGR_L_GetFeatureCount(each, TRUE);
  total = std::max<long long>(1, total);
  int number = 0;
  for (OGRLayerH each : layers) {
    OGR_L_ResetReading(each);
    while (true) {
      geo::Feature feature(OGR_L_GetNextFeature(each));
      if (!feature) break;
      ++number;
      RawFeature row;
      row.fid = OGR_F_GetFID(feature.get());
      row.number = number;
      for (int i = 0; i < field_count; ++i) row.values.push_back(field_value(feature.get(), i, raw.fields[i].type));
      row.geometry = geo::OgrGeometry(OGR_F_StealGeometry(feature.get()));
      if (row.geometry && !row.geometry.is_empty()) {
        OGREnvelope envelope;
        OGR_G_GetEnvelope(row.geometry.get(), &envelope);
        if (!raw.has_extent) {
          raw.extent = envelope;
          raw.has_extent = true;
        } else {
          raw.extent.MinX = std::min(raw.extent.MinX, envelope.MinX);
          raw.extent.MinY = std::min(raw.extent.MinY, envelope.MinY);
          raw.extent.MaxX = std::max(raw.extent.MaxX, envelope.MaxX);
          raw.extent.MaxY = std::max(raw.extent.MaxY, envelope.MaxY);
        }
      }
      raw.features.push_back(std::move(row));
      if (progress && number % 64 == 0) progress(std::min(1.0, static_cast<double>(number) / total));
    }
  }
  if (!errors.last_error().empty())
    throw InputError("cannot read '" + path + "' after feature " + std::to_string(number) + ": " +
                     errors.last_error() + " / tệp bị hỏng");
  if (progress) progress(1.0);
  return raw;
}

std::vector<bool> fields_with_values(const RawLayer& layer) {
  std::vector<bool> has_values(layer.fields.size(), false);
  for (const auto& feature : layer.features)
    for (size_t i = 0; i < layer.fields.size(); ++i)
      if (feature.values[i] && !feature.values[i]->empty()) has_values[i] = true;
  return has_values;
}

}  // namespace antt::importer
