#pragma once
// styles/anttmap-styles.json, compiled in.
#include <string_view>

namespace antt::styles_data {
/// Contents of an embedded file of styles/ ("anttmap-styles.json"); empty when there is no such file.
std::string_view embedded_file(std::string_view name);
}  // namespace antt::styles_data
