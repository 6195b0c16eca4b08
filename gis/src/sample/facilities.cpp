// Agencies (cơ quan), enterprises (doanh nghiệp) and schools (nhà trường) of the sample: invented
// names in plausible places, each inside a commune whose code survives the 2020 mergers (so its
// parent stays valid), mostly points, some small campus polygons. A few provincial agencies hang
// directly under the province.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "commune_lists.hpp"
#include "names.hpp"
#include "world.hpp"

namespace antt::sample {
namespace {

struct EnterpriseSpec {
  const char* district;
  const char* name;
  int first_year;
};

// Invented enterprise names typical of each district's economy.
constexpr std::array<EnterpriseSpec, 28> kEnterprises{{
    {"148", "Công ty Thủy điện Hòa Bình", 2008},
    {"148", "Công ty Cổ phần Môi trường và Dịch vụ đô thị Hòa Bình", 2008},
    {"148", "Công ty TNHH Xổ số kiến thiết Hòa Bình", 2008},
    {"150", "Công ty TNHH Thủy điện Đà Bắc", 2008},
    {"150", "Hợp tác xã Chè Tân Minh", 2014},
    {"151", "Công ty TNHH Linh kiện điện tử Bờ trái Sông Đà", 2013},
    {"151", "Công ty Cổ phần Gạch Tuynel Kỳ Sơn", 2008},
    {"152", "Công ty Cổ phần Xi măng Lương Sơn", 2008},
    {"152", "Công ty TNHH May mặc Lương Sơn", 2008},
    {"152", "Công ty Cổ phần Đá xây dựng Lương Sơn", 2008},
    {"153", "Công ty Cổ phần Nước khoáng Kim Bôi", 2008},
    {"153", "Công ty TNHH Du lịch Suối khoáng Kim Bôi", 2008},
    {"153", "Hợp tác xã Măng tre Nam Thượng", 2016},
    {"154", "Công ty Cổ phần Cam Cao Phong", 2008},
    {"154", "Công ty TNHH Chè Cao Phong", 2008},
    {"155", "Công ty TNHH Chế biến nông sản Tân Lạc", 2008},
    {"155", "Hợp tác xã Dệt thổ cẩm Mãn Đức", 2008},
    {"156", "Công ty TNHH Du lịch Bản Lác", 2008},
    {"156", "Hợp tác xã Thổ cẩm Chiềng Châu", 2008},
    {"157", "Công ty Cổ phần Mía đường Hòa Bình", 2008},
    {"157", "Công ty TNHH Gạch ngói Lạc Sơn", 2008},
    {"157", "Công ty TNHH Chế biến gỗ Vụ Bản", 2015},
    {"158", "Công ty TNHH Giày da Yên Thủy", 2008},
    {"158", "Công ty Cổ phần Chế biến gỗ Yên Thủy", 2008},
    {"159", "Công ty Cổ phần Xi măng Lạc Thủy", 2008},
    {"159", "Công ty TNHH Cao su Lạc Thủy", 2008},
    {"159", "Công ty TNHH Thức ăn chăn nuôi Chi Nê", 2008},
    {"148", "Công ty Cổ phần Xây dựng Sông Đà Hòa Bình", 2008},
}};

constexpr std::array<const char*, 8> kProvincialAgencies{
    "Sở Tư pháp tỉnh Hòa Bình",        "Sở Giáo dục và Đào tạo tỉnh Hòa Bình",   "Sở Y tế tỉnh Hòa Bình",
    "Kho bạc Nhà nước Hòa Bình",       "Bảo hiểm xã hội tỉnh Hòa Bình",          "Cục Thuế tỉnh Hòa Bình",
    "Bệnh viện Đa khoa tỉnh Hòa Bình", "Đài Phát thanh và Truyền hình Hòa Bình",
};

std::string short_district_name(const std::string& name) {
  for (std::string_view prefix : {"Huyện ", "Thành phố ", "Thị xã "})
    if (name.starts_with(prefix)) return name.substr(prefix.size());
  return name;
}

struct Placer {
  const World& world;
  Random& random;
  std::set<int> used_cells;

  /// A cell deep inside the commune (all six neighbours in it), not used by another facility.
  int interior_cell(int commune) {
    auto cells = world.commune_cells.cells_of(commune);
    for (int attempt = 0; attempt < 400; ++attempt) {
      const int c = cells[static_cast<size_t>(random.below(static_cast<int>(cells.size())))];
      if (used_cells.contains(c)) continue;
      bool deep = true;
      for (int n : world.grid.neighbours(c))
        if (n < 0 || world.commune_of[static_cast<size_t>(n)] != commune || used_cells.contains(n)) deep = false;
      if (!deep) continue;
      used_cells.insert(c);
      for (int n : world.grid.neighbours(c)) used_cells.insert(n);
      return c;
    }
    // Very small communes: any free cell.
    for (int c : cells)
      if (!used_cells.contains(c)) {
        used_cells.insert(c);
        return c;
      }
    throw Error("sample: no room left for a facility in commune " + world.communes[static_cast<size_t>(commune)].code);
  }

  /// A point or a small rotated rectangle around the centre of `cell`.
  std::string geometry(int cell, bool polygon, bool deep, LonLat& point) {
    const double s = world.grid.side_km();
    const double x = world.grid.x_km(cell), y = world.grid.y_km(cell);
    if (!polygon || !deep) {
      const double angle = random.uniform(0, 2 * std::numbers::pi), r = random.uniform(0, 0.3) * s;
      point = world.grid.to_lonlat(x + r * std::cos(angle), y + r * std::sin(angle));
      return point_wkb(point);
    }
    const double hx = random.uniform(0.45, 0.7) * s, hy = random.uniform(0.35, 0.55) * s;
    const double t = random.uniform(0, std::numbers::pi);
    const double ct = std::cos(t), st = std::sin(t);
    std::vector<LonLat> ring;
    for (auto [u, v] : {std::pair{-1.0, -1.0}, {1.0, -1.0}, {1.0, 1.0}, {-1.0, 1.0}}) {
      const double dx = u * hx, dy = v * hy;
      ring.push_back(world.grid.to_lonlat(x + dx * ct - dy * st, y + dx * st + dy * ct));
    }
    point = world.grid.centre(cell);
    return polygon_wkb(ring);
  }
};

}  // namespace

std::vector<Facility> add_facilities(const World& world, SampleData& data) {
  Random random(world.options.seed, "facilities");
  Placer placer{world, random, {}};
  std::vector<Facility> facilities;
  // Communes whose code continues after 2020 (a facility's parent must exist in every year).
  std::vector<char> survives(world.communes.size(), 0);
  for (const auto& unit : world.units_2020)
    if (unit.same_code_commune >= 0) survives[static_cast<size_t>(unit.same_code_commune)] = 1;

  for (int copy = 0; copy < world.options.scale; ++copy) {
    const std::string sfx = World::suffix(copy);
    int agency_number = 0, enterprise_number = 0, school_number = 0;
    std::map<std::string, int> district_index;     // base code → index in world.districts
    std::map<int, std::vector<int>> hosts, towns;  // district → surviving communes / towns
    for (size_t d = 0; d < world.districts.size(); ++d)
      if (world.districts[d].copy == copy) district_index[world.districts[d].base_code] = static_cast<int>(d);
    for (size_t c = 0; c < world.communes.size(); ++c) {
      const CommuneEntity& commune = world.communes[c];
      if (commune.copy != copy || !survives[c]) continue;
      hosts[commune.district].push_back(static_cast<int>(c));
      if (commune.subtype != "xa") towns[commune.district].push_back(static_cast<int>(c));
    }
    auto town_of = [&](int district) {
      auto& t = towns[district];
      return t.empty() ? hosts[district].front() : t.front();
    };
    auto any_town = [&](int district) {
      auto& t = towns[district];
      if (t.empty()) return hosts.at(district).front();
      return t[static_cast<size_t>(random.below(static_cast<int>(t.size())))];
    };
    auto any_host = [&](int district) {
      auto& h = hosts.at(district);
      return h[static_cast<size_t>(random.below(static_cast<int>(h.size())))];
    };
    auto add = [&](store::UnitKind kind, const std::string& code, const std::string& name, int commune, int first_year,
                   double polygon_share, bool provincial) {
      const int cell = placer.interior_cell(commune);
      bool deep = true;
      for (int n : world.grid.neighbours(cell))
        if (n < 0 || world.commune_of[static_cast<size_t>(n)] != commune) deep = false;
      Facility facility;
      facility.code = code + sfx;
      facility.name = text::to_nfc(name);
      facility.kind = kind;
      facility.commune = provincial ? -1 : commune;
      facility.district = world.communes[static_cast<size_t>(commune)].district;
      facility.first_year = first_year;
      store::UnitVersion unit;
      unit.code = facility.code;
      unit.name = text::to_nfc(name);
      unit.kind = kind;
      unit.parent_code = provincial ? std::string(kProvinceCode) : world.communes[static_cast<size_t>(commune)].code;
      unit.valid_from = first_year <= 2008 ? std::string(kPeriodStart) : std::to_string(first_year) + "-03-01";
      unit.geometry_wkb = placer.geometry(cell, random.chance(polygon_share), deep, facility.point);
      unit.synthetic = true;
      data.units.push_back(std::move(unit));
      facilities.push_back(std::move(facility));
    };
    auto numbered = [](const char* prefix, int& number) {
      char code[32];
      std::snprintf(code, sizeof code, "%s-%03d", prefix, ++number);
      return std::string(code);
    };

    // Provincial agencies in the city's phường; parent: the province.
    const int city = district_index.at("148");
    for (const char* name : kProvincialAgencies)
      add(store::UnitKind::agency, numbered("CQ", agency_number), name, any_town(city), 2008, 0.3, true);
    for (const auto& [base, d] : district_index) {
      const DistrictEntity& district = world.districts[static_cast<size_t>(d)];
      const std::string lower = lower_type_word(district.name);
      // Agencies: the district health centre in its town, a commune health station elsewhere.
      add(store::UnitKind::agency, numbered("CQ", agency_number), "Trung tâm Y tế " + lower, town_of(d), 2008, 0.4,
          false);
      const int station = any_host(d);
      add(store::UnitKind::agency, numbered("CQ", agency_number),
          "Trạm Y tế " + lower_type_word(world.communes[static_cast<size_t>(station)].name), station, 2008, 0.1, false);
      // Schools: the district's upper secondary school in its town, two more in its communes.
      add(store::UnitKind::school, numbered("TH", school_number), "Trường THPT " + short_district_name(district.name),
          town_of(d), 2008, 0.6, false);
      const int lower_secondary = any_host(d);
      add(store::UnitKind::school, numbered("TH", school_number),
          "Trường THCS " + name_without_type(world.communes[static_cast<size_t>(lower_secondary)].name),
          lower_secondary, 2008, 0.3, false);
      const int primary = any_host(d);
      add(store::UnitKind::school, numbered("TH", school_number),
          "Trường Tiểu học " + name_without_type(world.communes[static_cast<size_t>(primary)].name), primary, 2008, 0.2,
          false);
    }
    add(store::UnitKind::school, numbered("TH", school_number), "Trường THPT Chuyên Hoàng Văn Thụ", any_host(city),
        2008, 1.0, false);
    add(store::UnitKind::school, numbered("TH", school_number), "Trường Phổ thông Dân tộc Nội trú tỉnh Hòa Bình",
        any_host(city), 2008, 1.0, false);
    for (const auto& spec : kEnterprises) {
      const int d = district_index.at(spec.district);
      add(store::UnitKind::enterprise, numbered("DN", enterprise_number), spec.name, any_host(d), spec.first_year, 0.4,
          false);
    }
    data.summary.agencies += agency_number;
    data.summary.enterprises += enterprise_number;
    data.summary.schools += school_number;
  }
  return facilities;
}

}  // namespace antt::sample
