#include "render_row.hpp"

namespace antt::mapdata {

bool RenderRow::same_content(const RenderRow& other) const {
  bool attributes_equal = vfrom == other.vfrom && vto == other.vto && code == other.code && name == other.name &&
                          kind == other.kind && parent_code == other.parent_code && class_key == other.class_key &&
                          label == other.label && share == other.share && recognised == other.recognised &&
                          total == other.total && effective == other.effective && decision == other.decision &&
                          members == other.members;
  if (!attributes_equal) return false;
  // Cached geometry is shared between rows, so pointer equality settles most comparisons cheaply.
  return geometry == other.geometry || (geometry && other.geometry && geometry->wkb == other.geometry->wkb);
}

}  // namespace antt::mapdata
