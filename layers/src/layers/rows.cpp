#include "antt/layers/rows.hpp"

#include "antt/core/date.hpp"

namespace antt::layers {

bool LayerRow::same_content(const LayerRow& other) const {
  bool attributes_equal = vfrom == other.vfrom && vto == other.vto && code == other.code && name == other.name &&
                          kind == other.kind && parent_code == other.parent_code && class_key == other.class_key &&
                          label == other.label && share == other.share && recognised == other.recognised &&
                          total == other.total && effective == other.effective && decision == other.decision &&
                          members == other.members;
  if (!attributes_equal) return false;
  // Cached geometry is shared between rows, so pointer equality settles most comparisons cheaply.
  return geometry == other.geometry || (geometry && other.geometry && geometry->wkb == other.geometry->wkb);
}

void UnitCatalogue::reset(std::vector<store::UnitVersion> versions) {
  versions_ = std::move(versions);
  by_code_.clear();
  for (const auto& version : versions_) by_code_[version.code].push_back(&version);
}

const std::vector<const store::UnitVersion*>& UnitCatalogue::of_code(const std::string& code) const {
  static const std::vector<const store::UnitVersion*> none;
  auto found = by_code_.find(code);
  return found == by_code_.end() ? none : found->second;
}

const store::UnitVersion* UnitCatalogue::of_year(const std::string& code, int year) const {
  const std::string first = year_start(year), last = year_end(year);
  const store::UnitVersion* found = nullptr;
  for (const store::UnitVersion* version : of_code(code))
    if (version->valid_from <= last && version->valid_to.value_or(std::string(antt::kOpenEnd)) > first) found = version;
  return found;
}

}  // namespace antt::layers
