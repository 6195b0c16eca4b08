#include "layer_writer.hpp"

#include "antt/core/error.hpp"

namespace antt::exporter {

LayerWriter::LayerWriter(GDALDatasetH dataset, const std::string& name, OGRwkbGeometryType type, const Format& format,
                         const geo::SpatialReference& srs, std::span<const Attribute> attributes,
                         const std::string& path) {
  geo::GdalErrorScope errors;
  geo::OptionList options(format.layer_options);
  layer_ = GDALDatasetCreateLayer(dataset, name.c_str(), format.geometry ? srs.get() : nullptr,
                                  format.geometry ? type : wkbNone, options.get());
  if (!layer_) throw Error("cannot create layer '" + name + "' in '" + path + "': " + errors.last_error());
  for (const auto& attribute : attributes) {
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
  for (const auto& attribute : attributes) {
    int index = OGR_FD_GetFieldIndex(definition, format.short_names ? attribute.short_name : attribute.name);
    if (index < 0) throw Error("GDAL " + format.driver + " dropped field '" + attribute.name + "' of '" + path + "'");
    indices_.push_back(index);
  }
}

void LayerWriter::write(const OutputFeature& output, const std::string& path) {
  geo::Feature feature = geo::Feature::create(OGR_L_GetLayerDefn(layer_));
  for (size_t i = 0; i < indices_.size() && i < output.values.size(); ++i) {
    const FieldValue& value = output.values[i];
    if (const auto* text = std::get_if<std::string>(&value); text && !text->empty())
      OGR_F_SetFieldString(feature.get(), indices_[i], text->c_str());
    else if (const auto* number = std::get_if<int>(&value))
      OGR_F_SetFieldInteger(feature.get(), indices_[i], *number);
  }
  if (output.geometry) OGR_F_SetGeometry(feature.get(), output.geometry.get());
  geo::GdalErrorScope errors;
  if (OGR_L_CreateFeature(layer_, feature.get()) != OGRERR_NONE)
    throw Error("cannot write " + output.what + " to '" + path + "': " + errors.last_error());
}

}  // namespace antt::exporter
