#pragma once
// layers/layers.json, compiled in.
#include <string_view>

namespace antt::layers_data {
/// Contents of an embedded file of layers/ ("layers.json"); empty when there is no such file.
std::string_view embedded_file(std::string_view name);
}  // namespace antt::layers_data
