#pragma once
// Synthetic but plausible Vietnamese names for the sample's villages (khu dân cư). The pools use
// every tone mark and the letters ă â đ ê ô ơ ư, so a name that loses a diacritic somewhere along a
// pipeline shows up in tests and on maps.
#include <set>
#include <string>
#include <string_view>

#include "random.hpp"

namespace antt::sample {

/// The next name of a rural village (Bản …, Xóm …, Thôn …) in district `district_code` (GSO code
/// without copy suffix), unique within `used` (the villages of one 2020 commune).
std::string rural_village_name(Random& random, std::string_view district_code, std::set<std::string>& used);

/// "Tổ dân phố 3" in a phường, "Tiểu khu 3" or "Tổ dân phố 3" in a thị trấn.
std::string urban_village_name(std::string_view district_code, std::string_view commune_subtype, int number);

/// The name with its first word in lower case, for use after another word:
/// "Xóm Mới" → "xóm Mới", "Thị trấn Bo" → "thị trấn Bo", "Huyện Đà Bắc" → "huyện Đà Bắc".
std::string lower_type_word(std::string_view name);

}  // namespace antt::sample
