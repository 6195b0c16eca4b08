#include "antt/layers/rows_file.hpp"

#include <filesystem>
#include <random>

#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "antt/geo/ogr.hpp"

namespace antt::layers {
namespace {

constexpr int kFullDetail = mapdata::kLevels - 1;

/// "2015-03-01" from 20150301; "" for the open ends.
std::string iso_of(int date) {
  if (date <= 10101 || date >= mapdata::kOpenEnd) return {};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return text;
}

void add_field(OGRLayerH layer, const char* name, OGRFieldType type) {
  OGRFieldDefnH field = OGR_Fld_Create(name, type);
  const OGRErr result = OGR_L_CreateField(layer, field, TRUE);
  OGR_Fld_Destroy(field);
  if (result != OGRERR_NONE) throw Error(std::string("layers export: cannot create the field ") + name);
}

void write_layer(GDALDatasetH dataset, const LayerRows& layer, const geo::SpatialReference& wgs84,
                 const std::string& path) {
  geo::GdalErrorScope errors;
  const OGRwkbGeometryType type = layer.layer->geometry == GeometryType::point ? wkbPoint : wkbMultiPolygon;
  OGRLayerH out = GDALDatasetCreateLayer(dataset, layer.layer->name.c_str(), wgs84.get(), type, nullptr);
  if (!out) throw Error("layers export: cannot create layer " + layer.layer->name + " in " + path + ": " + errors.last_error());
  for (const char* name : {"code", "name", "kind", "parent_code", "class", "label"}) add_field(out, name, OFTString);
  add_field(out, "share", OFTReal);
  for (const char* name : {"recognised", "total", "effective"}) add_field(out, name, OFTInteger);
  for (const char* name : {"decision", "members", "valid_from", "valid_to"}) add_field(out, name, OFTString);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(out);
  if (OGR_L_StartTransaction(out) != OGRERR_NONE) throw Error("layers export: cannot write " + path);
  for (const auto& row : layer.rows) {
    auto feature = geo::Feature::create(definition);
    auto text = [&](const char* field, const std::string& value) {
      if (!value.empty()) OGR_F_SetFieldString(feature.get(), OGR_FD_GetFieldIndex(definition, field), value.c_str());
    };
    auto number = [&](const char* field, const std::optional<int>& value) {
      if (value) OGR_F_SetFieldInteger(feature.get(), OGR_FD_GetFieldIndex(definition, field), *value);
    };
    text("code", row.code);
    text("name", row.name);
    text("kind", row.kind);
    text("parent_code", row.parent_code);
    text("class", row.class_key);
    text("label", row.label);
    if (row.share) OGR_F_SetFieldDouble(feature.get(), OGR_FD_GetFieldIndex(definition, "share"), *row.share);
    number("recognised", row.recognised);
    number("total", row.total);
    number("effective", row.effective);
    text("decision", row.decision);
    text("members", row.members);
    text("valid_from", iso_of(row.vfrom));
    text("valid_to", iso_of(row.vto));
    if (row.geometry && !row.geometry->wkb[kFullDetail].empty()) {
      auto geometry = geo::OgrGeometry::from_wkb(row.geometry->wkb[kFullDetail]);
      if (type == wkbMultiPolygon && wkbFlatten(OGR_G_GetGeometryType(geometry.get())) == wkbPolygon)
        geometry = geo::OgrGeometry(OGR_G_ForceToMultiPolygon(geometry.release()));
      OGR_F_SetGeometry(feature.get(), geometry.get());
    }
    if (OGR_L_CreateFeature(out, feature.get()) != OGRERR_NONE)
      throw Error("layers export: cannot write " + row.code + " to " + path + ": " + errors.last_error());
  }
  if (OGR_L_CommitTransaction(out) != OGRERR_NONE) throw Error("layers export: cannot write " + path);
}

}  // namespace

void write_rows_file(const std::string& path, const std::vector<LayerRows>& layers) {
  namespace fs = std::filesystem;
  const std::string extension = fs::path(path).extension().string();
  std::string driver;
  if (extension == ".gpkg") driver = "GPKG";
  else if (extension == ".geojson" || extension == ".json") driver = "GeoJSON";
  else throw UsageError("layers export writes .gpkg or .geojson, not '" + path + "' / chỉ ghi .gpkg hoặc .geojson");
  if (driver == "GeoJSON" && layers.size() != 1)
    throw UsageError("a GeoJSON file holds one layer; give --layers NAME or write a .gpkg / GeoJSON chỉ chứa một lớp");
  const fs::path target(path);
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(directory)) throw UsageError("no directory " + directory.string() + " / thư mục không tồn tại");
  // Written under a temporary name in the same directory, renamed when complete.
  std::random_device random;
  const fs::path staging = directory / ("." + target.filename().string() + ".tmp-" + std::to_string(random()) + extension);
  struct Cleanup {
    fs::path file;
    ~Cleanup() {
      std::error_code ignored;
      if (!file.empty()) fs::remove(file, ignored);
    }
  } cleanup{staging};
  {
    auto dataset = geo::Dataset::create_vector(driver, staging.string());
    const auto wgs84 = geo::wgs84();
    for (const auto& layer : layers) write_layer(dataset.get(), layer, wgs84, path);
    dataset.close();
  }
  std::error_code error;
  fs::rename(staging, target, error);
  if (error) throw Error("layers export: cannot move the file into " + path + " (" + error.message() + ")");
  cleanup.file.clear();
}

}  // namespace antt::layers
