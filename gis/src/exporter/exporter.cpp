#include "antt/exporter/exporter.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "antt/geo/ogr.hpp"
#include "staging.hpp"

namespace antt::exporter {
namespace {

namespace fs = std::filesystem;
using store::UnitVersion;

struct Format {
  std::vector<std::string> extensions;
  std::string driver;
  bool geometry = true;
  bool split_points = false;    ///< one layer per geometry type (areas, points)
  bool short_names = false;     ///< Shapefile: field names of at most 10 characters
  bool wgs84_only = false;
  std::vector<std::string> dataset_options;
  std::vector<std::string> layer_options;
};

const std::vector<Format>& formats() {
  static const std::vector<Format> all{
      {.extensions = {".gpkg"}, .driver = "GPKG", .split_points = true},
      {.extensions = {".geojson", ".json"}, .driver = "GeoJSON"},  // RFC7946=YES added when in EPSG:4326
      {.extensions = {".shp"}, .driver = "ESRI Shapefile", .split_points = true, .short_names = true,
       .layer_options = {"ENCODING=UTF-8"}},  // writes the .cpg
      {.extensions = {".kml"}, .driver = "KML", .wgs84_only = true, .dataset_options = {"NameField=name"}},
      {.extensions = {".csv"}, .driver = "CSV", .layer_options = {"GEOMETRY=AS_WKT", "CREATE_CSVT=NO"}},
      {.extensions = {".xlsx"}, .driver = "XLSX", .geometry = false},
  };
  return all;
}

const Format& format_for(const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& format : formats())
    if (std::find(format.extensions.begin(), format.extensions.end(), extension) != format.extensions.end())
      return format;
  std::string list;
  for (const auto& known : export_extensions()) list += (list.empty() ? "" : ", ") + known;
  throw UsageError("cannot tell the export format of '" + path + "' from its extension; use one of " + list +
                   " / định dạng không hỗ trợ");
}

struct Attribute {
  const char* name;
  const char* short_name;  ///< Shapefile (≤ 10 characters)
  OGRFieldType type;
  int shapefile_width;
};

// Shapefile names: parent_code → parent, decision_date → dec_date (documented in exporter.hpp).
constexpr Attribute kAttributes[] = {
    {"code", "code", OFTString, 20},           {"name", "name", OFTString, 120},
    {"kind", "kind", OFTString, 12},           {"subtype", "subtype", OFTString, 10},
    {"parent_code", "parent", OFTString, 20},  {"valid_from", "valid_from", OFTString, 10},
    {"valid_to", "valid_to", OFTString, 10},   {"year", "year", OFTInteger, 4},
    {"status", "status", OFTString, 16},       {"decision", "decision", OFTString, 60},
    {"decision_date", "dec_date", OFTString, 10}, {"authority", "authority", OFTString, 120},
    {"note", "note", OFTString, 254},
};

struct Row {
  const UnitVersion* unit;
  const store::StatusRecord* status;  ///< null when the unit has no status that year
  geo::OgrGeometry geometry;          ///< output CRS; null when none
};

class LayerWriter {
 public:
  LayerWriter(GDALDatasetH dataset, const std::string& name, OGRwkbGeometryType type, const Format& format,
              const geo::SpatialReference& srs, const std::string& path) {
    geo::GdalErrorScope errors;
    geo::OptionList options(format.layer_options);
    layer_ = GDALDatasetCreateLayer(dataset, name.c_str(), format.geometry ? srs.get() : nullptr,
                                    format.geometry ? type : wkbNone, options.get());
    if (!layer_) throw Error("cannot create layer '" + name + "' in '" + path + "': " + errors.last_error());
    for (const auto& attribute : kAttributes) {
      OGRFieldDefnH field = OGR_Fld_Create(format.short_names ? attribute.short_name : attribute.name, attribute.type);
      if (format.short_names) OGR_Fld_SetWidth(field, attribute.shapefile_width);
      OGRErr error = OGR_L_CreateField(layer_, field, TRUE);
      OGR_Fld_Destroy(field);
      if (error != OGRERR_NONE)
        throw Error("cannot create field '" + std::string(attribute.name) + "' in '" + path + "': " +
                    errors.last_error());
    }
    // By name: drivers may add fields of their own (KML: Name, Description) and rename ours.
    OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer_);
    for (const auto& attribute : kAttributes) {
      int index = OGR_FD_GetFieldIndex(definition, format.short_names ? attribute.short_name : attribute.name);
      if (index < 0) throw Error("GDAL " + format.driver + " dropped field '" + attribute.name + "' of '" + path + "'");
      indices_.push_back(index);
    }
  }

  void write(const Row& row, const std::optional<int>& year, const std::string& path) {
    geo::Feature feature = geo::Feature::create(OGR_L_GetLayerDefn(layer_));
    const UnitVersion& unit = *row.unit;
    auto set = [&](int attribute, const std::string& value) {
      if (!value.empty()) OGR_F_SetFieldString(feature.get(), indices_[attribute], value.c_str());
    };
    set(0, unit.code);
    set(1, unit.name);
    set(2, std::string(store::to_string(unit.kind)));
    set(3, unit.subtype);
    set(4, unit.parent_code);
    set(5, unit.valid_from);
    set(6, unit.valid_to.value_or(""));
    if (year) OGR_F_SetFieldInteger(feature.get(), indices_[7], *year);
    if (row.status) {
      set(8, std::string(store::to_string(row.status->status)));
      set(9, row.status->decision_number);
      set(10, row.status->decision_date);
      set(11, row.status->authority);
      set(12, row.status->note);
    }
    if (row.geometry) OGR_F_SetGeometry(feature.get(), row.geometry.get());
    geo::GdalErrorScope errors;
    if (OGR_L_CreateFeature(layer_, feature.get()) != OGRERR_NONE)
      throw Error("cannot write unit " + unit.code + " to '" + path + "': " + errors.last_error());
  }

 private:
  OGRLayerH layer_ = nullptr;
  std::vector<int> indices_;  ///< field index of each kAttributes entry
};

int kind_rank(store::UnitKind kind) {
  const auto& kinds = store::all_unit_kinds();
  return static_cast<int>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
}

/// Shapefile sidecars that a previous export of `stem` may have left.
void remove_stale_shapefile(const fs::path& dir, const std::string& stem) {
  for (const char* extension : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd"}) {
    std::error_code ignored;
    fs::remove(dir / (stem + extension), ignored);
  }
}

}  // namespace

const std::vector<std::string>& export_extensions() {
  static const std::vector<std::string> extensions = [] {
    std::vector<std::string> out;
    for (const auto& format : formats()) out.insert(out.end(), format.extensions.begin(), format.extensions.end());
    return out;
  }();
  return extensions;
}

ExportResult export_units(const store::Store& store, const std::string& path, const ExportOptions& options,
                          const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  const Format& format = format_for(path);
  const fs::path destination(path);
  const std::string stem = destination.stem().string();
  const std::string extension = destination.extension().string();
  const fs::path dir = destination.parent_path().empty() ? fs::path(".") : destination.parent_path();
  const std::string points_name = stem + "_points";

  // Output CRS and the transformation from the store's EPSG:4326.
  geo::SpatialReference target = options.target_srs ? geo::SpatialReference::from_user_input(*options.target_srs)
                                                     : geo::wgs84();
  geo::SpatialReference wgs84 = geo::wgs84();
  const bool is_wgs84 = OSRIsSame(target.get(), wgs84.get());
  if (format.wgs84_only && !is_wgs84)
    throw UsageError("KML is always longitude/latitude on WGS 84; drop --t-srs or choose another format");
  std::optional<geo::CoordinateTransformation> transformation;
  if (format.geometry && !is_wgs84)
    transformation = geo::CoordinateTransformation::create(wgs84, geo::prepare_for_transformation(target).srs);

  if (!options.overwrite) {
    std::vector<fs::path> existing{destination};
    if (format.split_points && format.driver == "ESRI Shapefile") existing.push_back(dir / (points_name + extension));
    for (const auto& file : existing)
      if (fs::exists(file))
        throw UsageError("'" + file.string() + "' exists; allow overwriting it or choose another name / tệp đã tồn tại");
  }

  // What to export.
  const std::string date = options.year ? year_end(*options.year) : today();
  std::optional<int> status_year = options.year;
  if (!status_year) {
    auto years = store.years_with_status();
    if (!years.empty()) status_year = *std::max_element(years.begin(), years.end());
  }
  const auto statuses = status_year ? store.statuses_of_year(*status_year) : std::map<std::string, store::StatusRecord>{};
  store::UnitQuery query;
  query.at_date = date;
  if (options.kind) query.kinds = {*options.kind};
  auto units = store.units(query);
  std::stable_sort(units.begin(), units.end(), [](const UnitVersion& a, const UnitVersion& b) {
    return std::pair(kind_rank(a.kind), a.code) < std::pair(kind_rank(b.kind), b.code);
  });

  std::vector<Row> areas, points;
  for (const auto& unit : units) {
    auto found = statuses.find(unit.code);
    Row row{&unit, found == statuses.end() ? nullptr : &found->second, geo::OgrGeometry()};
    if (format.geometry && !unit.geometry_wkb.empty()) {
      row.geometry = geo::OgrGeometry::from_wkb(unit.geometry_wkb);
      if (transformation) transformation->transform(row.geometry, "unit " + unit.code);
    }
    bool is_point = row.geometry && row.geometry.flat_type() == wkbPoint;
    (format.split_points && is_point ? points : areas).push_back(std::move(row));
  }
  report(0.1);

  Format layer_format = format;
  if (format.driver == "GeoJSON" && is_wgs84) layer_format.layer_options.push_back("RFC7946=YES");

  // Write into a staging directory; move into place only when everything succeeded.
  StagingDirectory staging(destination);
  ExportResult result;
  {
    auto dataset = geo::Dataset::create_vector(format.driver, staging.path_for(stem + extension).string(),
                                               format.dataset_options);
    const size_t total = std::max<size_t>(1, areas.size() + points.size());
    size_t done = 0;
    auto write_layer = [&](GDALDatasetH target_dataset, const std::string& name, const std::vector<Row>& rows,
                           OGRwkbGeometryType type) {
      LayerWriter writer(target_dataset, name, type, layer_format, target, path);
      for (const auto& row : rows) {
        writer.write(row, status_year, path);
        if (++done % 64 == 0) report(0.1 + 0.8 * static_cast<double>(done) / total);
      }
    };
    if (areas.empty() || points.empty()) {  // one layer, named after the file
      OGRwkbGeometryType type = !format.geometry       ? wkbNone
                                : !format.split_points ? wkbUnknown
                                : areas.empty()        ? wkbPoint
                                                       : wkbMultiPolygon;
      write_layer(dataset.get(), stem, areas.empty() ? points : areas, type);
    } else if (format.driver == "ESRI Shapefile") {  // a Shapefile holds one geometry type: a second file
      write_layer(dataset.get(), stem, areas, wkbMultiPolygon);
      auto point_set = geo::Dataset::create_vector(format.driver, staging.path_for(points_name + extension).string());
      write_layer(point_set.get(), points_name, points, wkbPoint);
      point_set.close();
    } else {  // GeoPackage: a second layer
      write_layer(dataset.get(), stem, areas, wkbMultiPolygon);
      write_layer(dataset.get(), points_name, points, wkbPoint);
    }
    dataset.close();
    result.features = static_cast<int>(areas.size() + points.size());
  }
  report(0.95);

  if (format.driver == "ESRI Shapefile") {
    remove_stale_shapefile(dir, stem);
    remove_stale_shapefile(dir, points_name);
  }
  auto staged = staging.file_names();
  staging.commit();
  for (const auto& name : staged) {
    fs::path file = dir / name;
    if (file.extension() == extension) result.files.push_back(file.string());
  }
  report(1);
  return result;
}

}  // namespace antt::exporter
