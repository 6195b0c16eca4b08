#pragma once
// A layer's rows of one year straight from the store, at full detail in EPSG:4326 (the store's
// own coordinates): for answers that need the rows of one layer now, not the render store's
// generalised web-mercator copies (`anttmap layers export`, OGC API items of the non-unit layers).
// Each row's geometry is in LevelGeometries::wkb[kLevels - 1]; the other levels are empty.
#include <vector>

#include "antt/layers/layers.hpp"

namespace antt::layers {

/// The rows of `layer` in `year`, built by its row builder over `store`, in the builder's order.
std::vector<LayerRow> direct_rows(const store::Store& store, const LayerDescriptor& layer, int year);

/// The same for several layers of one year, reading the store's units once.
std::vector<std::vector<LayerRow>> direct_rows(const store::Store& store, const std::vector<const LayerDescriptor*>& layers,
                                               int year);

}  // namespace antt::layers
