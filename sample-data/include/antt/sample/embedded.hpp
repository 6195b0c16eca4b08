#pragma once
// The CSV files of sample-data/, compiled in. Key: the file name, e.g. "hoabinh-communes-2008-2019.csv".
#include <string_view>

namespace antt::sample {
/// Contents of an embedded sample-data file; empty when there is no such file.
std::string_view embedded_file(std::string_view name);
}  // namespace antt::sample
