// Lays the sample province out on the hex grid, top down: a province outline; the 2020
// districts from seeds placed where the real ones are; the 2019 districts inside them; inside
// each district the groups of communes that 2020 merged (so every merged unit is connected), then
// the 2019 communes, then villages; and a few communes of the neighbouring provinces just outside.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "antt/core/error.hpp"
#include "names.hpp"
#include "partition.hpp"
#include "world.hpp"

namespace antt::sample {
namespace {

constexpr double kCellAreaKm2 = 0.03;  // ≈ 107 m hexagon side: a 0.7 km² thị trấn still has 24 cells
constexpr double kMarginDeg = 0.12;    // room outside the province for neighbouring communes

// A simplified synthetic outline of Hòa Bình (lon, lat), scaled to the communes' total area.
constexpr std::array<LonLat, 24> kOutline{{
    {105.10, 21.08}, {105.25, 21.02}, {105.33, 20.93}, {105.42, 20.97}, {105.52, 20.98}, {105.62, 20.93},
    {105.68, 20.82}, {105.66, 20.72}, {105.75, 20.64}, {105.86, 20.56}, {105.84, 20.46}, {105.74, 20.40},
    {105.66, 20.33}, {105.52, 20.31}, {105.40, 20.35}, {105.30, 20.42}, {105.20, 20.50}, {105.08, 20.55},
    {104.92, 20.58}, {104.84, 20.66}, {104.88, 20.76}, {104.98, 20.80}, {104.95, 20.90}, {105.00, 21.00},
}};

// Roughly where each district is (in the frame of kOutline).
struct Anchor {
  const char* code;
  LonLat where;
};
constexpr std::array<Anchor, 11> kDistrictAnchors{{
    {"148", {105.33, 20.82}},
    {"150", {105.10, 20.93}},
    {"151", {105.43, 20.89}},
    {"152", {105.57, 20.87}},
    {"153", {105.55, 20.66}},
    {"154", {105.30, 20.70}},
    {"155", {105.17, 20.60}},
    {"156", {105.00, 20.66}},
    {"157", {105.42, 20.45}},
    {"158", {105.62, 20.42}},
    {"159", {105.75, 20.53}},
}};

struct NeighbourSpec {
  const char* province;
  const char* name;
  LonLat where;
  double area_km2;
};
struct ProvinceSpec {
  const char* code;
  const char* name;
};
constexpr std::array<ProvinceSpec, 5> kNeighbourProvinces{{
    {"25", "Tỉnh Phú Thọ"},
    {"14", "Tỉnh Sơn La"},
    {"01", "Thành phố Hà Nội"},
    {"37", "Tỉnh Ninh Bình"},
    {"38", "Tỉnh Thanh Hóa"},
}};
// Synthetic communes just across the border (names and codes invented).
constexpr std::array<NeighbourSpec, 13> kNeighbours{{
    {"25", "Xã Đồng Lương Hạ", {105.22, 21.06}, 28},
    {"25", "Xã Phượng Mao Thượng", {105.45, 20.99}, 24},
    {"14", "Xã Suối Bàng Thượng", {104.93, 20.92}, 36},
    {"14", "Xã Chiềng Khừa Hạ", {104.85, 20.73}, 32},
    {"01", "Xã Đông Xuân Thượng", {105.66, 20.93}, 22},
    {"01", "Xã An Phú Hạ", {105.70, 20.76}, 20},
    {"01", "Xã Hồng Quang Ngoài", {105.80, 20.62}, 18},
    {"37", "Xã Gia Hưng Thượng", {105.84, 20.43}, 20},
    {"37", "Xã Cúc Phương Hạ", {105.69, 20.34}, 30},
    {"38", "Xã Thạch Quảng Hạ", {105.48, 20.29}, 26},
    {"38", "Xã Cẩm Lương Thượng", {105.25, 20.44}, 30},
    {"38", "Xã Phú Nghiêm Hạ", {105.00, 20.55}, 34},
    {"14", "Xã Tân Xuân Ngoài", {104.84, 20.62}, 30},
}};

double km2_per_deg2(double lat_deg) {
  const double lat = lat_deg * std::numbers::pi / 180.0;
  const double a = 6378137.0, e2 = 0.00669437999014;
  const double s = std::sin(lat), w = std::sqrt(1 - e2 * s * s);
  return (std::numbers::pi / 180.0 * a * (1 - e2) / (w * w * w)) * (std::numbers::pi / 180.0 * a * std::cos(lat) / w) /
         1e6;
}

bool inside(const std::vector<LonLat>& ring, LonLat p) {
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if ((ring[i].lat > p.lat) != (ring[j].lat > p.lat) &&
        p.lon < (ring[j].lon - ring[i].lon) * (p.lat - ring[i].lat) / (ring[j].lat - ring[i].lat) + ring[i].lon)
      in = !in;
  return in;
}

/// Maps the outline's frame into a domain: centre + (p − origin)·factor, per axis.
struct Frame {
  LonLat origin, centre;
  double factor_x = 1, factor_y = 1;
  LonLat operator()(LonLat p) const {
    return {centre.lon + (p.lon - origin.lon) * factor_x, centre.lat + (p.lat - origin.lat) * factor_y};
  }
};

/// The domain cell nearest to `point` that is not in `taken`.
int nearest_cell(const HexGrid& grid, const std::vector<int>& domain, LonLat point, const std::set<int>& taken = {}) {
  const int probe = grid.cell_at(point);
  const double x = grid.x_km(probe), y = grid.y_km(probe);
  int best = -1;
  double best_d = 0;
  for (int c : domain) {
    if (taken.contains(c)) continue;
    const double dx = grid.x_km(c) - x, dy = grid.y_km(c) - y, d = dx * dx + dy * dy;
    if (best < 0 || d < best_d) best = c, best_d = d;
  }
  if (best < 0) throw Error("sample: internal error: no free cell for a seed");
  return best;
}

LonLat mean_centre(const HexGrid& grid, const std::vector<int>& cells) {
  double x = 0, y = 0;
  for (int c : cells) x += grid.x_km(c), y += grid.y_km(c);
  const double n = static_cast<double>(std::max<size_t>(cells.size(), 1));
  return grid.to_lonlat(x / n, y / n);
}

struct Builder {
  World& world;
  const std::function<void(double)>& progress;
  Partitioner partitioner;
  Random layout_random, name_random;
  std::vector<float> district_cost, commune_cost, village_cost;
  std::map<std::string, size_t> unit_record;  // 2020 code → index in lists.units_2020
  std::map<std::string, LonLat> anchor_of;

  Builder(World& w, const std::function<void(double)>& p)
      : world(w),
        progress(p),
        partitioner(w.grid),
        layout_random(w.options.seed, "layout"),
        name_random(w.options.seed, "village names") {
    district_cost = noise_cost(world.grid, hash_of(world.options.seed, 1), 6.0, 3.5);
    commune_cost = noise_cost(world.grid, hash_of(world.options.seed, 2), 2.0, 3.0);
    village_cost = noise_cost(world.grid, hash_of(world.options.seed, 3), 0.7, 2.2);
    for (size_t i = 0; i < world.lists.units_2020.size(); ++i) unit_record[world.lists.units_2020[i].code] = i;
  }

  void report(double fraction) const {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  }

  /// Entities of one copy of the province (codes suffixed for copies after the first).
  void create_entities(int copy) {
    const AdminLists& lists = world.lists;
    const std::string sfx = World::suffix(copy);
    const int d20_base = static_cast<int>(world.districts_2020.size());
    for (const auto& d : lists.districts_2020) world.districts_2020.push_back({copy, d.code, d.code + sfx, d.name, {}});
    const int d_base = static_cast<int>(world.districts.size());
    std::map<std::string, int> district_index;
    for (const auto& d : lists.districts_2019) {
      district_index[d.code] = static_cast<int>(world.districts.size());
      world.districts.push_back({copy, d.code, d.code + sfx, d.name, -1});
    }
    const int u_base = static_cast<int>(world.units_2020.size());
    for (size_t i = 0; i < lists.units_2020.size(); ++i) {
      const auto& r = lists.units_2020[i];
      Unit2020Entity unit;
      unit.copy = copy;
      unit.record = static_cast<int>(i);
      unit.code = r.code + sfx;
      unit.name = r.name;
      unit.subtype = r.subtype;
      for (size_t d = 0; d < lists.districts_2020.size(); ++d)
        if (lists.districts_2020[d].code == r.district) unit.district_2020 = d20_base + static_cast<int>(d);
      unit.later_name = r.later_name;
      unit.later_subtype = r.later_subtype;
      unit.later_date = r.later_date;
      unit.later_decision = r.later_decision;
      if (!r.january_2020_code.empty()) unit.january_2020_code = r.january_2020_code + sfx;
      world.units_2020.push_back(std::move(unit));
    }
    for (size_t i = 0; i < lists.communes_2019.size(); ++i) {
      const auto& r = lists.communes_2019[i];
      CommuneEntity commune;
      commune.copy = copy;
      commune.record = static_cast<int>(i);
      commune.code = r.code + sfx;
      commune.name = r.name;
      commune.subtype = r.subtype;
      commune.district = district_index.at(r.district);
      commune.area_km2 = r.area_km2;
      commune.population = r.population;
      commune.invented_successor = lists.crosswalk[i].invented;
      const int index = static_cast<int>(world.communes.size());
      auto same = unit_record.find(r.code);
      if (same != unit_record.end())
        world.units_2020[static_cast<size_t>(u_base) + same->second].same_code_commune = index;
      world.communes.push_back(std::move(commune));
      // The 2019 district lies inside one 2020 district.
      for (const auto& successor : lists.crosswalk[i].successors) {
        const int d20 = world.units_2020[static_cast<size_t>(u_base) + unit_record.at(successor.code)].district_2020;
        auto& district = world.districts[static_cast<size_t>(world.communes.back().district)];
        if (district.district_2020 >= 0 && district.district_2020 != d20)
          throw Error("sample: district " + district.code + " would be split between 2020 districts");
        district.district_2020 = d20;
      }
    }
    for (int d = d_base; d < static_cast<int>(world.districts.size()); ++d)
      world.districts_2020[static_cast<size_t>(world.districts[static_cast<size_t>(d)].district_2020)]
          .districts_2019.push_back(d);
  }

  int unit_of_successor(int commune, const Successor& successor) const {
    const CommuneEntity& c = world.communes[static_cast<size_t>(commune)];
    const int copies_before = c.copy * static_cast<int>(world.lists.units_2020.size());
    return copies_before + static_cast<int>(unit_record.at(successor.code));
  }

  double district_area(int d) const {
    double area = 0;
    for (const auto& c : world.communes)
      if (c.district == d) area += c.area_km2;
    return area;
  }

  std::vector<Region> regions_at(const std::vector<int>& domain, const std::vector<LonLat>& places,
                                 const std::vector<double>& targets) {
    std::vector<Region> regions;
    std::set<int> taken;
    for (size_t i = 0; i < places.size(); ++i) {
      const int seed = nearest_cell(world.grid, domain, places[i], taken);
      taken.insert(seed);
      regions.push_back({seed, targets[i]});
    }
    return regions;
  }

  std::vector<Region> spread_regions(const std::vector<int>& domain, const std::vector<double>& targets,
                                     const std::vector<int>& fixed = {}) {
    auto seeds = spread_seeds(world.grid, domain, static_cast<int>(targets.size()), layout_random, fixed);
    std::vector<Region> regions;
    for (size_t i = 0; i < targets.size(); ++i) regions.push_back({seeds[i], targets[i]});
    return regions;
  }

  /// Splits `domain` among regions seeded at spread-out cells (after `fixed`). A region can end up
  /// in a pocket of the domain too small for it; then the split is tried again with other seeds,
  /// and the attempt closest to the targets is kept.
  std::vector<std::vector<int>> split_spread(const std::vector<int>& domain, const std::vector<double>& targets,
                                             const std::vector<float>& cost, std::vector<int>& labels,
                                             const std::vector<int>& ids, const PartitionOptions& options,
                                             const std::vector<int>& fixed = {}, int attempts = 4) {
    const double total = std::accumulate(targets.begin(), targets.end(), 0.0);
    std::vector<std::vector<int>> best;
    double best_worst = std::numeric_limits<double>::max();
    for (int attempt = 0; attempt < attempts; ++attempt) {
      auto regions = spread_regions(domain, targets, fixed);
      auto cells = partitioner.split(domain, regions, cost, labels, ids, options);
      double worst = 0;
      for (size_t r = 0; r < cells.size(); ++r)
        worst = std::max(worst, std::abs(static_cast<double>(cells[r].size()) /
                                             (targets[r] / total * static_cast<double>(domain.size())) -
                                         1));
      if (worst < best_worst) best_worst = worst, best = std::move(cells);
      if (best_worst <= 0.1) break;
    }
    for (size_t r = 0; r < best.size(); ++r)
      for (int c : best[r]) labels[static_cast<size_t>(c)] = ids[r];
    return best;
  }

  /// Lays out one copy inside `domain`; `frame` maps the real district positions into it.
  void lay_out_copy(int copy, const std::vector<int>& domain, const Frame& frame, double progress_from,
                    double progress_to) {
    const auto d20_first = static_cast<size_t>(copy) * world.lists.districts_2020.size();
    const auto d20_count = world.lists.districts_2020.size();
    // 2020 districts, seeded at the area-weighted position of their 2019 districts.
    std::vector<LonLat> places;
    std::vector<double> targets;
    std::vector<int> ids;
    for (size_t i = 0; i < d20_count; ++i) {
      const auto& d20 = world.districts_2020[d20_first + i];
      double lon = 0, lat = 0, area = 0;
      for (int d : d20.districts_2019) {
        const double a = district_area(d);
        LonLat at = frame(anchor_of.at(world.districts[static_cast<size_t>(d)].base_code));
        lon += at.lon * a, lat += at.lat * a, area += a;
      }
      places.push_back({lon / area, lat / area});
      targets.push_back(area);
      ids.push_back(static_cast<int>(d20_first + i));
    }
    auto regions = regions_at(domain, places, targets);
    auto d20_cells = partitioner.split(domain, regions, district_cost, world.district_2020_of, ids,
                                       {.iterations = 5, .move_seeds = world.options.scale > 1, .tolerance = 0.02});
    // 2019 districts inside each 2020 district.
    std::vector<std::pair<int, std::vector<int>>> district_domains;
    for (size_t i = 0; i < d20_count; ++i) {
      const auto& d20 = world.districts_2020[d20_first + i];
      if (d20.districts_2019.size() == 1) {
        for (int c : d20_cells[i]) world.district_of[static_cast<size_t>(c)] = d20.districts_2019.front();
        district_domains.emplace_back(d20.districts_2019.front(), std::move(d20_cells[i]));
        continue;
      }
      std::vector<LonLat> inner_places;
      std::vector<double> inner_targets;
      for (int d : d20.districts_2019) {
        inner_places.push_back(frame(anchor_of.at(world.districts[static_cast<size_t>(d)].base_code)));
        inner_targets.push_back(district_area(d));
      }
      auto inner = regions_at(d20_cells[i], inner_places, inner_targets);
      auto cells = partitioner.split(d20_cells[i], inner, district_cost, world.district_of, d20.districts_2019,
                                     {.iterations = 5, .move_seeds = world.options.scale > 1, .tolerance = 0.02});
      for (size_t k = 0; k < cells.size(); ++k)
        district_domains.emplace_back(d20.districts_2019[k], std::move(cells[k]));
    }
    std::sort(district_domains.begin(), district_domains.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < district_domains.size(); ++k) {
      lay_out_district(district_domains[k].first, district_domains[k].second);
      report(progress_from +
             (progress_to - progress_from) * static_cast<double>(k + 1) / static_cast<double>(district_domains.size()));
    }
  }

  /// Groups of communes that must be laid out together: those merged into one 2020 unit, and
  /// everything touched by a split commune.
  std::vector<std::vector<int>> merge_groups(int district) const {
    std::vector<int> members;
    for (int c = 0; c < static_cast<int>(world.communes.size()); ++c)
      if (world.communes[static_cast<size_t>(c)].district == district) members.push_back(c);
    std::map<int, int> parent;
    for (int c : members) parent[c] = c;
    std::function<int(int)> root = [&](int c) { return parent[c] == c ? c : parent[c] = root(parent[c]); };
    std::map<int, int> first_of_unit;
    for (int c : members)
      for (const auto& s :
           world.lists.crosswalk[static_cast<size_t>(world.communes[static_cast<size_t>(c)].record)].successors) {
        const int u = unit_of_successor(c, s);
        auto [it, fresh] = first_of_unit.emplace(u, c);
        if (!fresh) parent[root(c)] = root(it->second);
      }
    std::map<int, std::vector<int>> groups;
    for (int c : members) groups[root(c)].push_back(c);
    std::vector<std::vector<int>> out;
    for (auto& [r, g] : groups) out.push_back(std::move(g));
    // A unit's constituents must all be in this district.
    for (const auto& [u, c] : first_of_unit)
      for (int other = 0; other < static_cast<int>(world.communes.size()); ++other)
        for (const auto& s :
             world.lists.crosswalk[static_cast<size_t>(world.communes[static_cast<size_t>(other)].record)].successors)
          if (world.communes[static_cast<size_t>(other)].copy == world.communes[static_cast<size_t>(c)].copy &&
              unit_of_successor(other, s) == u && world.communes[static_cast<size_t>(other)].district != district)
            throw Error("sample: 2020 unit " + world.units_2020[static_cast<size_t>(u)].code +
                        " takes communes of two 2019 districts; the generator cannot lay that out");
    return out;
  }

  void lay_out_district(int district, const std::vector<int>& domain) {
    auto groups = merge_groups(district);
    std::vector<double> targets;
    for (const auto& g : groups) {
      double area = 0;
      for (int c : g) area += world.communes[static_cast<size_t>(c)].area_km2;
      targets.push_back(area);
    }
    std::vector<int> scratch_ids(groups.size());
    std::iota(scratch_ids.begin(), scratch_ids.end(), 0);
    std::vector<int>& scratch = world.piece_of;  // overwritten by the pieces below
    auto cells = split_spread(domain, targets, commune_cost, scratch, scratch_ids,
                              {.iterations = 5, .move_seeds = true, .tolerance = 0.04});
    for (size_t g = 0; g < groups.size(); ++g) lay_out_group(groups[g], cells[g]);
  }

  int add_piece(int commune, int unit, double share) {
    const int index = static_cast<int>(world.pieces.size());
    world.pieces.push_back({commune, unit, share, {}});
    world.communes[static_cast<size_t>(commune)].pieces.push_back(index);
    world.units_2020[static_cast<size_t>(unit)].pieces.push_back(index);
    return index;
  }

  void lay_out_group(const std::vector<int>& group, const std::vector<int>& domain) {
    int split = -1;
    std::vector<int> units;
    for (int c : group) {
      const auto& successors =
          world.lists.crosswalk[static_cast<size_t>(world.communes[static_cast<size_t>(c)].record)].successors;
      if (successors.size() > 1) {
        if (split >= 0) throw Error("sample: two split communes in one merge group are not supported");
        split = c;
      }
      for (const auto& s : successors) {
        const int u = unit_of_successor(c, s);
        if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
      }
    }
    std::vector<std::pair<int, std::vector<int>>> piece_domains;  // piece → cells
    if (split < 0) {
      if (units.size() != 1) throw Error("sample: internal error: a merge group without split has several units");
      std::vector<double> targets;
      for (int c : group) targets.push_back(world.communes[static_cast<size_t>(c)].area_km2);
      for (int c : domain) world.unit_of[static_cast<size_t>(c)] = units.front();
      auto cells = split_spread(domain, targets, commune_cost, world.commune_of, group,
                                {.iterations = 5, .move_seeds = true, .tolerance = 0.04});
      for (size_t k = 0; k < group.size(); ++k)
        piece_domains.emplace_back(add_piece(group[k], units.front(), 1.0), std::move(cells[k]));
    } else {
      const auto& successors =
          world.lists.crosswalk[static_cast<size_t>(world.communes[static_cast<size_t>(split)].record)].successors;
      if (successors.size() != 2 || units.size() != 2)
        throw Error("sample: only a split of one commune between two units is supported");
      std::vector<double> shares(2, 0), unit_targets(2, 0);
      std::vector<std::vector<int>> whole(2);
      for (size_t i = 0; i < 2; ++i) {
        const int u = unit_of_successor(split, successors[i]);
        const size_t slot = u == units[0] ? 0 : 1;
        shares[slot] = successors[i].share;
        unit_targets[slot] += successors[i].share * world.communes[static_cast<size_t>(split)].area_km2;
      }
      for (int c : group) {
        if (c == split) continue;
        const int u = unit_of_successor(
            c, world.lists.crosswalk[static_cast<size_t>(world.communes[static_cast<size_t>(c)].record)]
                   .successors.front());
        const size_t slot = u == units[0] ? 0 : 1;
        whole[slot].push_back(c);
        unit_targets[slot] += world.communes[static_cast<size_t>(c)].area_km2;
      }
      auto unit_cells = split_spread(domain, unit_targets, commune_cost, world.unit_of, units,
                                     {.iterations = 5, .move_seeds = true, .tolerance = 0.04});
      // The split commune's two parts start on either side of the units' shared edge, next to each
      // other, so the 2019 commune stays in one piece.
      const LonLat middle = mean_centre(world.grid, domain);
      const double mx = world.grid.x_km(world.grid.cell_at(middle)), my = world.grid.y_km(world.grid.cell_at(middle));
      int seed_a = -1, seed_b = -1;
      double best = 0;
      for (int c : unit_cells[0])
        for (int n : world.grid.neighbours(c))
          if (n >= 0 && world.unit_of[static_cast<size_t>(n)] == units[1]) {
            const double d = std::hypot(world.grid.x_km(c) - mx, world.grid.y_km(c) - my);
            if (seed_a < 0 || d < best) seed_a = c, seed_b = n, best = d;
          }
      if (seed_a < 0) throw Error("sample: internal error: the units of a split do not touch");
      const int fixed[2] = {seed_a, seed_b};
      for (size_t slot = 0; slot < 2; ++slot) {
        std::vector<double> targets{shares[slot] * world.communes[static_cast<size_t>(split)].area_km2};
        std::vector<int> members{split};
        for (int c : whole[slot]) {
          targets.push_back(world.communes[static_cast<size_t>(c)].area_km2);
          members.push_back(c);
        }
        auto cells = split_spread(unit_cells[slot], targets, commune_cost, world.commune_of, members,
                                  {.iterations = 5, .move_seeds = false, .tolerance = 0.04}, {fixed[slot]});
        for (size_t k = 0; k < members.size(); ++k)
          piece_domains.emplace_back(add_piece(members[k], units[slot], k == 0 ? shares[slot] : 1.0),
                                     std::move(cells[k]));
      }
    }
    // Villages, named uniquely within each 2020 unit.
    std::map<int, std::set<std::string>> used_names;
    std::map<int, int> next_number;  // per commune: village codes and tổ dân phố numbers
    for (auto& [piece, cells] : piece_domains) {
      for (int c : cells) world.piece_of[static_cast<size_t>(c)] = piece;
      lay_out_villages(piece, cells, used_names[world.pieces[static_cast<size_t>(piece)].unit],
                       next_number[world.pieces[static_cast<size_t>(piece)].commune]);
    }
  }

  int village_count(const CommuneEntity& commune) const {
    const bool urban = commune.subtype != "xa";
    const double per_village = urban ? 720.0 : 490.0;
    const int by_cells = static_cast<int>(commune.area_km2 / kCellAreaKm2 / 10);
    const double wobble = 0.9 + 0.2 * unit_from_hash(hash_of(world.options.seed, hash_label(commune.code)));
    const int n = static_cast<int>(std::lround(commune.population / per_village * wobble));
    return std::clamp(n, 3, std::clamp(by_cells, 3, 30));
  }

  void lay_out_villages(int piece, const std::vector<int>& domain, std::set<std::string>& used, int& number) {
    PieceEntity& p = world.pieces[static_cast<size_t>(piece)];
    const CommuneEntity& commune = world.communes[static_cast<size_t>(p.commune)];
    const int total = village_count(commune);
    int count = p.share >= 1 ? total : std::max(2, static_cast<int>(std::lround(total * p.share)));
    count = std::min(count, std::max(1, static_cast<int>(domain.size()) / 6));
    std::vector<double> targets;
    for (int i = 0; i < count; ++i) targets.push_back(layout_random.uniform(0.6, 1.4));
    std::vector<int> ids;
    for (int i = 0; i < count; ++i) ids.push_back(static_cast<int>(world.villages.size()) + i);
    const std::string& district_code = world.districts[static_cast<size_t>(commune.district)].base_code;
    for (int i = 0; i < count; ++i) {
      ++number;
      VillageEntity village;
      char index[16];
      std::snprintf(index, sizeof index, "%02d", number);
      village.code = "KDC-" + commune.code + "-" + index;
      village.name = commune.subtype == "xa" ? rural_village_name(name_random, district_code, used)
                                             : urban_village_name(district_code, commune.subtype, number);
      village.piece = piece;
      p.villages.push_back(static_cast<int>(world.villages.size()));
      world.villages.push_back(std::move(village));
    }
    auto regions = spread_regions(domain, targets);
    partitioner.split(domain, regions, village_cost, world.village_of, ids,
                      {.iterations = 3, .move_seeds = true, .tolerance = 0.1});
  }

  void lay_out_neighbours(const Frame& frame) {
    for (const auto& province : kNeighbourProvinces)
      world.neighbour_provinces.push_back({province.code, province.name});
    std::vector<int> outside, rim;
    for (int c = 0; c < world.grid.size(); ++c) {
      if (world.district_of[static_cast<size_t>(c)] >= 0) continue;
      outside.push_back(c);
      for (int n : world.grid.neighbours(c))
        if (n >= 0 && world.district_of[static_cast<size_t>(n)] >= 0) {
          rim.push_back(c);
          break;
        }
    }
    std::vector<Region> regions;
    std::vector<int> ids;
    std::set<int> taken;
    std::map<std::string, int> per_province;
    const double factor = std::sqrt(static_cast<double>(world.options.scale));
    for (const auto& spec : kNeighbours) {
      const int seed = nearest_cell(world.grid, rim, frame(spec.where), taken);
      taken.insert(seed);
      regions.push_back({seed, spec.area_km2 * factor / kCellAreaKm2});
      ids.push_back(static_cast<int>(world.neighbour_communes.size()));
      int province = 0;
      while (world.neighbour_provinces[static_cast<size_t>(province)].code != spec.province) ++province;
      char code[32];
      std::snprintf(code, sizeof code, "LG-%s-%02d", spec.province, ++per_province[spec.province]);
      world.neighbour_communes.push_back({code, spec.name, province});
    }
    partitioner.split(outside, regions, commune_cost, world.neighbour_of, ids,
                      {.iterations = 1, .move_seeds = false, .fill_leftovers = false, .absolute = true});
  }
};

/// Distance in km from `p` to the outline `ring`, positive inside.
double signed_distance_km(const HexGrid& grid, const std::vector<LonLat>& ring, LonLat p) {
  double best = std::numeric_limits<double>::max();
  const double kx = grid.km_per_deg_lon(), ky = grid.km_per_deg_lat();
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const double ax = (ring[j].lon - p.lon) * kx, ay = (ring[j].lat - p.lat) * ky;
    const double bx = (ring[i].lon - p.lon) * kx, by = (ring[i].lat - p.lat) * ky;
    const double dx = bx - ax, dy = by - ay;
    const double t = std::clamp(-(ax * dx + ay * dy) / std::max(dx * dx + dy * dy, 1e-12), 0.0, 1.0);
    const double ex = ax + t * dx, ey = ay + t * dy;
    best = std::min(best, ex * ex + ey * ey);
  }
  best = std::sqrt(best);
  return inside(ring, p) ? best : -best;
}

/// About `target_cells` cells inside `ring`, with a frayed edge (noise moves it by up to
/// `fray_km`; the edge is then shifted so the count fits), the largest connected part, holes filled.
std::vector<int> rasterise(const HexGrid& grid, const std::vector<LonLat>& ring, std::uint64_t seed, double fray_km,
                           size_t target_cells) {
  std::vector<double> depth(static_cast<size_t>(grid.size()));
  for (int c = 0; c < grid.size(); ++c) {
    const double x = grid.x_km(c), y = grid.y_km(c);
    const double n = 0.6 * value_noise(seed, x / 9.0, y / 9.0) + 0.4 * value_noise(mix64(seed), x / 3.0, y / 3.0);
    depth[static_cast<size_t>(c)] = signed_distance_km(grid, ring, grid.centre(c)) + fray_km * 2 * (n - 0.5);
  }
  std::vector<double> sorted(depth);
  const size_t k = std::min(target_cells, sorted.size() - 1);
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(k), sorted.end(), std::greater<>());
  const double threshold = sorted[k];
  std::vector<char> in(static_cast<size_t>(grid.size()), 0);
  for (size_t c = 0; c < depth.size(); ++c) in[c] = depth[c] > threshold ? 1 : 0;
  // Largest connected component.
  std::vector<int> component(static_cast<size_t>(grid.size()), -1);
  int best = -1;
  size_t best_size = 0;
  std::vector<int> stack;
  for (int start = 0, label = 0; start < grid.size(); ++start) {
    if (!in[static_cast<size_t>(start)] || component[static_cast<size_t>(start)] >= 0) continue;
    size_t size = 0;
    stack.push_back(start);
    component[static_cast<size_t>(start)] = label;
    while (!stack.empty()) {
      const int c = stack.back();
      stack.pop_back();
      ++size;
      for (int n : grid.neighbours(c))
        if (n >= 0 && in[static_cast<size_t>(n)] && component[static_cast<size_t>(n)] < 0) {
          component[static_cast<size_t>(n)] = label;
          stack.push_back(n);
        }
    }
    if (size > best_size) best = label, best_size = size;
    ++label;
  }
  for (int c = 0; c < grid.size(); ++c) in[static_cast<size_t>(c)] = component[static_cast<size_t>(c)] == best;
  // Fill holes: outside cells not reachable from the grid's border.
  std::vector<char> reach(static_cast<size_t>(grid.size()), 0);
  for (int c = 0; c < grid.size(); ++c) {
    const int col = grid.col_of(c), row = grid.row_of(c);
    const bool border = col == 0 || row == 0 || col == grid.cols() - 1 || row == grid.rows() - 1;
    if (border && !in[static_cast<size_t>(c)] && !reach[static_cast<size_t>(c)]) {
      reach[static_cast<size_t>(c)] = 1;
      stack.push_back(c);
    }
  }
  while (!stack.empty()) {
    const int c = stack.back();
    stack.pop_back();
    for (int n : grid.neighbours(c))
      if (n >= 0 && !in[static_cast<size_t>(n)] && !reach[static_cast<size_t>(n)]) {
        reach[static_cast<size_t>(n)] = 1;
        stack.push_back(n);
      }
  }
  std::vector<int> cells;
  for (int c = 0; c < grid.size(); ++c)
    if (!reach[static_cast<size_t>(c)]) cells.push_back(c);
  return cells;
}

}  // namespace

Buckets::Buckets(const std::vector<int>& labels, int label_count) : offsets_(static_cast<size_t>(label_count) + 1, 0) {
  for (int label : labels)
    if (label >= 0) ++offsets_[static_cast<size_t>(label) + 1];
  for (size_t i = 1; i < offsets_.size(); ++i) offsets_[i] += offsets_[i - 1];
  cells_.resize(static_cast<size_t>(offsets_.back()));
  std::vector<int> fill(offsets_.begin(), offsets_.end() - 1);
  for (size_t c = 0; c < labels.size(); ++c)
    if (labels[c] >= 0) cells_[static_cast<size_t>(fill[static_cast<size_t>(labels[c])]++)] = static_cast<int>(c);
}

void World::index_cells() {
  district_cells = Buckets(district_of, static_cast<int>(districts.size()));
  district_2020_cells = Buckets(district_2020_of, static_cast<int>(districts_2020.size()));
  commune_cells = Buckets(commune_of, static_cast<int>(communes.size()));
  unit_cells = Buckets(unit_of, static_cast<int>(units_2020.size()));
  village_cells = Buckets(village_of, static_cast<int>(villages.size()));
  neighbour_cells = Buckets(neighbour_of, static_cast<int>(neighbour_communes.size()));
}

std::string World::outline(std::span<const int> cells, const std::vector<int>& labels, int label) const {
  return region_wkb(grid, cells, [&](int c) { return labels[static_cast<size_t>(c)] == label; });
}

World build_world(const SampleOptions& options, const std::function<void(double)>& progress) {
  AdminLists lists = read_admin_lists();
  double base_area = 0;
  for (const auto& c : lists.communes_2019) base_area += c.area_km2;

  // The outline frame: its centroid, its area in km², the factor that gives it the communes' area.
  std::vector<LonLat> outline(kOutline.begin(), kOutline.end());
  double twice = 0, cx = 0, cy = 0;
  for (size_t i = 0, j = outline.size() - 1; i < outline.size(); j = i++) {
    const double cross = outline[j].lon * outline[i].lat - outline[i].lon * outline[j].lat;
    twice += cross;
    cx += (outline[j].lon + outline[i].lon) * cross;
    cy += (outline[j].lat + outline[i].lat) * cross;
  }
  const LonLat centroid{cx / (3 * twice), cy / (3 * twice)};
  const double outline_km2 = std::abs(twice) / 2 * km2_per_deg2(centroid.lat);
  const double base_factor = std::sqrt(base_area / outline_km2);
  const double factor = base_factor * std::sqrt(static_cast<double>(options.scale));
  const Frame frame{centroid, centroid, factor, factor};
  double ow = 1e9, oe = -1e9, os = 1e9, on = -1e9;
  for (LonLat p : outline)
    ow = std::min(ow, p.lon), oe = std::max(oe, p.lon), os = std::min(os, p.lat), on = std::max(on, p.lat);
  const LonLat outline_middle{(ow + oe) / 2, (os + on) / 2};
  const double outline_width = oe - ow, outline_height = on - os;
  std::vector<LonLat> ring;
  double west = 1e9, east = -1e9, south = 1e9, north = -1e9;
  for (LonLat p : outline) {
    ring.push_back(frame(p));
    west = std::min(west, ring.back().lon), east = std::max(east, ring.back().lon);
    south = std::min(south, ring.back().lat), north = std::max(north, ring.back().lat);
  }
  HexGrid grid(west - kMarginDeg, south - kMarginDeg, east + kMarginDeg, north + kMarginDeg, kCellAreaKm2,
               hash_of(options.seed, hash_label("grid")));
  World world(options, std::move(grid));
  world.lists = std::move(lists);
  const auto n = static_cast<size_t>(world.grid.size());
  for (auto* labels : {&world.district_of, &world.district_2020_of, &world.commune_of, &world.unit_of, &world.piece_of,
                       &world.village_of, &world.neighbour_of})
    labels->assign(n, -1);
  world.province_cells = rasterise(world.grid, ring, hash_of(options.seed, hash_label("outline")), 6.0,
                                   static_cast<size_t>(std::lround(base_area * options.scale / kCellAreaKm2)));

  Builder builder(world, progress);
  for (const auto& anchor : kDistrictAnchors) builder.anchor_of[anchor.code] = anchor.where;
  for (int copy = 0; copy < options.scale; ++copy) builder.create_entities(copy);
  builder.report(0.02);

  if (options.scale == 1) {
    builder.lay_out_copy(0, world.province_cells, frame, 0.02, 0.95);
  } else {
    // Copies of the province side by side inside the enlarged outline, each laid out like the
    // real one around its own centre.
    std::vector<double> targets(static_cast<size_t>(options.scale), 1.0);
    std::vector<int> ids(static_cast<size_t>(options.scale));
    std::iota(ids.begin(), ids.end(), 0);
    std::vector<int> copy_of(n, -1);
    auto regions = builder.spread_regions(world.province_cells, targets);
    auto copies = builder.partitioner.split(world.province_cells, regions, builder.district_cost, copy_of, ids,
                                            {.iterations = 1, .move_seeds = true, .tolerance = 0.05});
    for (int copy = 0; copy < options.scale; ++copy) {
      // Stretch the real district positions over this copy's extent.
      double cw = 1e9, ce = -1e9, cs = 1e9, cn = -1e9;
      for (int c : copies[static_cast<size_t>(copy)]) {
        const LonLat p = world.grid.centre(c);
        cw = std::min(cw, p.lon), ce = std::max(ce, p.lon), cs = std::min(cs, p.lat), cn = std::max(cn, p.lat);
      }
      const Frame copy_frame{outline_middle,
                             {(cw + ce) / 2, (cs + cn) / 2},
                             0.85 * (ce - cw) / outline_width,
                             0.85 * (cn - cs) / outline_height};
      const double from = 0.02 + 0.93 * copy / options.scale, to = 0.02 + 0.93 * (copy + 1) / options.scale;
      builder.lay_out_copy(copy, copies[static_cast<size_t>(copy)], copy_frame, from, to);
    }
  }
  builder.lay_out_neighbours(frame);
  std::vector<int> finest(n, -1);
  for (size_t c = 0; c < n; ++c) {
    if (world.village_of[c] >= 0)
      finest[c] = world.village_of[c];
    else if (world.neighbour_of[c] >= 0)
      finest[c] = static_cast<int>(world.villages.size()) + world.neighbour_of[c];
  }
  world.grid.set_boundary_labels(std::move(finest));
  world.index_cells();
  builder.report(1.0);
  return world;
}

}  // namespace antt::sample
