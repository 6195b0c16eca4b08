#include "export_job.hpp"

#include <algorithm>

#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "staging.hpp"

namespace antt::exporter {
namespace {

namespace fs = std::filesystem;

/// Shapefile sidecars that a previous export of `stem` may have left.
void remove_stale_shapefile(const fs::path& dir, const std::string& stem) {
  for (const char* extension : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd"}) {
    std::error_code ignored;
    fs::remove(dir / (stem + extension), ignored);
  }
}

}  // namespace

ExportJob::ExportJob(const std::string& path, const ExportOptions& options, std::vector<std::string> extra_layers)
    : path_(path), format_(format_for(path)), destination_(path), extra_layers_(std::move(extra_layers)) {
  stem_ = destination_.stem().string();
  extension_ = destination_.extension().string();
  dir_ = destination_.parent_path().empty() ? fs::path(".") : destination_.parent_path();

  // Output CRS and the transformation from the store's EPSG:4326.
  target_ = options.target_srs ? geo::SpatialReference::from_user_input(*options.target_srs) : geo::wgs84();
  geo::SpatialReference wgs84 = geo::wgs84();
  is_wgs84_ = OSRIsSame(target_.get(), wgs84.get());
  if (format_.wgs84_only && !is_wgs84_)
    throw UsageError("KML is always longitude/latitude on WGS 84; drop --t-srs or choose another format");
  if (format_.geometry && !is_wgs84_)
    transformation_ = geo::CoordinateTransformation::create(wgs84, geo::prepare_for_transformation(target_).srs);

  if (!options.overwrite) {
    std::vector<fs::path> existing{destination_};
    if (format_.one_layer_per_file)
      for (const auto& layer : extra_layers_) existing.push_back(dir_ / (layer + extension_));
    for (const auto& file : existing)
      if (fs::exists(file))
        throw UsageError("'" + file.string() + "' exists; allow overwriting it or choose another name / tệp đã tồn tại");
  }
}

geo::OgrGeometry ExportJob::output_geometry(const std::string& wkb, const std::string& what) const {
  if (!format_.geometry || wkb.empty()) return geo::OgrGeometry();
  return output_geometry(geo::OgrGeometry::from_wkb(wkb), what);
}

geo::OgrGeometry ExportJob::output_geometry(geo::OgrGeometry geometry, const std::string& what) const {
  if (!format_.geometry || !geometry) return geo::OgrGeometry();
  if (transformation_) transformation_->transform(geometry, what);
  return geometry;
}

ExportResult ExportJob::write(std::span<const Attribute> attributes, const std::vector<OutputLayer>& layers,
                              const std::function<void(double)>& progress, const std::vector<OutputTable>& tables) const {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  Format layer_format = format_;
  if (format_.driver == "GeoJSON" && is_wgs84_) layer_format.layer_options.push_back("RFC7946=YES");

  StagingDirectory staging(destination_);
  ExportResult result;
  {
    auto dataset = geo::Dataset::create_vector(format_.driver, staging.path_for(stem_ + extension_).string(),
                                               format_.dataset_options);
    size_t total = 1;
    for (const auto& layer : layers) total += layer.features.size();
    size_t done = 0;
    std::vector<geo::Dataset> more_files;
    for (size_t i = 0; i < layers.size(); ++i) {
      const OutputLayer& layer = layers[i];
      GDALDatasetH target = dataset.get();
      if (i > 0 && format_.one_layer_per_file) {
        more_files.push_back(geo::Dataset::create_vector(
            format_.driver, staging.path_for(layer.name + extension_).string(), format_.dataset_options));
        target = more_files.back().get();
      }
      LayerWriter writer(target, layer.name, layer.type, layer_format, target_, attributes, path_);
      for (const auto& feature : layer.features) {
        writer.write(feature, path_);
        if (++done % 64 == 0) report(0.9 * static_cast<double>(done) / total);
      }
      result.features += static_cast<int>(layer.features.size());
    }
    if (format_.driver == "GPKG") {
      Format table_format = format_;
      table_format.geometry = false;
      table_format.layer_options.clear();
      for (const auto& table : tables) {
        if (table.rows.empty()) continue;
        LayerWriter writer(dataset.get(), table.name, wkbNone, table_format, target_, table.attributes, path_);
        for (const auto& row : table.rows) writer.write(row, path_);
      }
    }
    for (auto& file : more_files) file.close();
    dataset.close();
  }
  report(0.9);

  if (format_.one_layer_per_file) {
    remove_stale_shapefile(dir_, stem_);
    for (const auto& layer : extra_layers_) remove_stale_shapefile(dir_, layer);
  }
  auto staged = staging.file_names();
  staging.commit();
  for (const auto& name : staged) {
    fs::path file = dir_ / name;
    if (file.extension() == extension_) result.files.push_back(file.string());
  }
  report(1);
  return result;
}

}  // namespace antt::exporter
