#include "names.hpp"

#include <array>
#include <vector>

#include "antt/text/unicode.hpp"

namespace antt::sample {
namespace {

// Thai-style hamlet names (Mai Châu, Đà Bắc).
constexpr std::array<std::string_view, 44> kBan{
    "Lác",     "Pom Coọng", "Văn",       "Chiềng Sại", "Nà Phòn", "Xô Luông", "Mỏ",     "Cha Lang",   "Bướt",
    "Nhót",    "Tà Cọ",     "Pà Khôm",   "Nà Chiếng",  "Sực",     "Đồng Bảy", "Cáp",    "Ngõa",       "Củm",
    "Nà Mèo",  "Lũng Xá",   "Piềng Cại", "Sở",         "Pạnh",    "Khan Hạ",  "Xăm Pà", "Hang Trùng", "Na Sài",
    "Pù Bin",  "Vặn",       "Cun",       "Mý",         "Kế",      "Bước",     "Tằm",    "Thồng",      "Nà Tấu",
    "Pà Háng", "Hang Kia",  "Chiềng Củ", "Nà Luông",   "Xà Lòng", "Búa",      "Phủng",  "Mường Ảng"};

// Mường-style hamlet names (most of the province).
constexpr std::array<std::string_view, 66> kXom{
    "Mới",     "Cháy", "Trám",   "Bưng",      "Vó",        "Khả",    "Mỗ",    "Chằm", "Dướng",  "Ải",   "Đúng",
    "Bãi Nai", "Vôi",  "Khộp",   "Ngòi",      "Suối Bí",   "Rộc",    "Mận",   "Ké",   "Đễnh",   "Mít",  "Bưởi",
    "Sưng",    "Tày",  "Thung",  "Cốc",       "Đồng Bưng", "Mòn",    "Tuổng", "Bái",  "Chiềng", "Lục",  "Trại",
    "Gò Bùi",  "Ốc",   "Khoang", "Đầm Khánh", "Bến",       "Đá Bạc", "Rổng",  "Quê",  "Lội",    "Nèo",  "Kem",
    "Cọi",     "Trụ",  "Đồi",    "Mỹ Lộc",    "Nước Vải",  "Bãi Cả", "Chanh", "Vỡ",   "Bặc",    "Sáng", "Rệ",
    "Khú",     "Mu",   "Ong",    "Tràng",     "Ấm",        "Giếng",  "Bùi",   "Sổ",   "Thượng", "Mừng", "Mẫu"};

// Kinh-style village names (Lạc Thủy, Yên Thủy, Lương Sơn).
constexpr std::array<std::string_view, 46> kThon{
    "Đồng Tâm",    "Tân Lập",    "Quyết Tiến", "Hợp Nhất",   "Thống Nhất",   "Đoàn Kết",  "Đồng Mới",  "Phú Thành",
    "Chiến Thắng", "Thanh Bình", "Hưng Long",  "Nam Sơn",    "Yên Bình",     "Đại Đồng",  "Lão Nội",   "Ngã Ba",
    "Bãi Lạng",    "Đồi Bù",     "Tân Tiến",   "Đồng Chanh", "Phú Hòa",      "Liên Hồng", "Yên Thịnh", "Đức Thành",
    "Mỹ Đức",      "Cửa Hà",     "Thạch Bồ",   "Minh Khai",  "Quang Trung",  "Sơn Tiến",  "Tiến Lộc",  "Bình Minh",
    "Vĩnh Thành",  "Đồng Mộc",   "Đá Gân",     "Tập Dân",    "Lũy Thượng",   "Hữu Nghị",  "Tân Hòa",   "Quỳnh Lâm",
    "Bãi Sậy",     "Đồng Nội",   "Ba Rền",     "Lạc Hồng",   "Phượng Nghĩa", "Xuân Tiến"};

constexpr std::array<std::string_view, 6> kSuffixes{"Trên", "Dưới", "Ngoài", "Trong", "Mới", "Cũ"};

struct Style {
  double ban, xom, thon;
};

Style style_of(std::string_view district) {
  if (district == "156") return {0.8, 0.2, 0.0};                       // Mai Châu: Thái
  if (district == "150") return {0.4, 0.6, 0.0};                       // Đà Bắc: Thái, Mường, Tày
  if (district == "158" || district == "159") return {0.0, 0.3, 0.7};  // Yên Thủy, Lạc Thủy
  if (district == "152") return {0.0, 0.5, 0.5};                       // Lương Sơn
  return {0.0, 0.9, 0.1};                                              // Mường heartland
}

}  // namespace

std::string rural_village_name(Random& random, std::string_view district_code, std::set<std::string>& used) {
  const Style style = style_of(district_code);
  for (int attempt = 0; attempt < 400; ++attempt) {
    const int kind = random.weighted({style.ban, style.xom, style.thon});
    std::string prefix;
    std::string_view body;
    if (kind == 0)
      prefix = "Bản ", body = kBan[static_cast<size_t>(random.below(static_cast<int>(kBan.size())))];
    else if (kind == 1)
      prefix = "Xóm ", body = kXom[static_cast<size_t>(random.below(static_cast<int>(kXom.size())))];
    else
      prefix = "Thôn ", body = kThon[static_cast<size_t>(random.below(static_cast<int>(kThon.size())))];
    std::string name = prefix + std::string(body);
    if (attempt > 40)
      name += " " + std::string(kSuffixes[static_cast<size_t>(random.below(static_cast<int>(kSuffixes.size())))]);
    name = text::to_nfc(name);
    if (used.insert(name).second) return name;
  }
  // Pools exhausted (only in very large communes): number the names.
  for (int n = 2;; ++n) {
    std::string name = text::to_nfc("Xóm Mới " + std::to_string(n));
    if (used.insert(name).second) return name;
  }
}

std::string urban_village_name(std::string_view district_code, std::string_view commune_subtype, int number) {
  // Thị trấn of Lương Sơn, Mai Châu and Cao Phong number their residential areas as "tiểu khu".
  const bool tieu_khu =
      commune_subtype == "thi_tran" && (district_code == "152" || district_code == "156" || district_code == "154");
  return text::to_nfc((tieu_khu ? "Tiểu khu " : "Tổ dân phố ") + std::to_string(number));
}

std::string lower_type_word(std::string_view name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 12> kWords{{
      {"Tổ dân phố", "tổ dân phố"},
      {"Tiểu khu", "tiểu khu"},
      {"Thị trấn", "thị trấn"},
      {"Thành phố", "thành phố"},
      {"Phường", "phường"},
      {"Huyện", "huyện"},
      {"Xóm", "xóm"},
      {"Bản", "bản"},
      {"Thôn", "thôn"},
      {"Xã", "xã"},
      {"Tỉnh", "tỉnh"},
      {"Trường", "trường"},
  }};
  for (const auto& [upper, lower] : kWords)
    if (name.starts_with(upper)) return std::string(lower) + std::string(name.substr(upper.size()));
  return std::string(name);
}

}  // namespace antt::sample
