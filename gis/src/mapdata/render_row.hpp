#pragma once
// One feature of one (layer, year) as the render file stores it, at every level.
#include <optional>
#include <string>

#include "generalise.hpp"

namespace antt::mapdata {

struct RenderRow {
  std::string key;  ///< identity inside its (layer, year): rows with equal keys replace each other
  int vfrom = 0;
  int vto = kOpenEnd;
  std::string code, name, kind, parent_code;
  std::string class_key;
  std::string label;
  std::optional<double> share;
  std::optional<int> recognised, total, effective;
  std::string decision;
  std::string members;
  SharedGeometries geometry;

  /// True when the map would draw or query the two rows alike.
  bool same_content(const RenderRow& other) const;
};

}  // namespace antt::mapdata
