#pragma once
// The sample province while it is being generated: the grid, which cell belongs to which unit at
// each level, and the units themselves. Layout (layout.cpp) fills it; units.cpp, facilities.cpp
// and movement.cpp turn it into store records.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "antt/sample/sample.hpp"
#include "commune_lists.hpp"
#include "hex_grid.hpp"
#include "random.hpp"

namespace antt::sample {

inline constexpr const char* kPeriodStart = "2008-08-01";  ///< start of the 2008-2019 commune list
inline constexpr const char* kMergerDate = "2020-01-01";   ///< 830/NQ-UBTVQH14 took effect
inline constexpr const char* kMergerDecision = "830/NQ-UBTVQH14";
inline constexpr const char* kProvinceCode = "17";
inline constexpr int kFirstYear = 2012;
inline constexpr int kLastYear = 2020;

/// Cells grouped by label (compressed rows): cells_of(label) lists the cells with that label.
class Buckets {
 public:
  Buckets() = default;
  Buckets(const std::vector<int>& labels, int label_count);
  std::span<const int> cells_of(int label) const {
    return {cells_.data() + offsets_[static_cast<size_t>(label)],
            static_cast<size_t>(offsets_[static_cast<size_t>(label) + 1] - offsets_[static_cast<size_t>(label)])};
  }
  int count(int label) const { return static_cast<int>(cells_of(label).size()); }

 private:
  std::vector<int> offsets_;
  std::vector<int> cells_;
};

struct DistrictEntity {
  int copy = 0;
  std::string base_code;  ///< GSO code without the copy suffix
  std::string code, name;
  int district_2020 = -1;  ///< index into World::districts_2020
};

struct District2020Entity {
  int copy = 0;
  std::string base_code, code, name;
  std::vector<int> districts_2019;
};

struct CommuneEntity {
  int copy = 0;
  int record = 0;  ///< index into AdminLists::communes_2019 / crosswalk
  std::string code, name, subtype;
  int district = -1;  ///< index into World::districts
  double area_km2 = 0;
  int population = 0;
  std::vector<int> pieces;
  bool invented_successor = false;
};

struct Unit2020Entity {
  int copy = 0;
  int record = 0;  ///< index into AdminLists::units_2020
  std::string code, name, subtype;
  int district_2020 = -1;
  std::string later_name, later_subtype, later_date, later_decision;
  std::string january_2020_code;  ///< with suffix
  std::vector<int> pieces;
  int same_code_commune = -1;  ///< the 2019 commune with this code, if any
  bool changed = false;        ///< needs a new version from 2020-01-01
};

/// The part of a 2019 commune that went to one 2020 unit (the whole commune except for splits).
struct PieceEntity {
  int commune = -1;
  int unit = -1;
  double share = 1;
  std::vector<int> villages;
};

struct VillageEntity {
  std::string code, name;
  int piece = -1;
};

struct NeighbourProvince {
  std::string code, name;
};

struct NeighbourCommune {
  std::string code, name;
  int province = -1;  ///< index into World::neighbour_provinces
};

struct World {
  SampleOptions options;
  AdminLists lists;
  HexGrid grid;
  std::vector<int> province_cells;

  // Per grid cell: the unit at each level, -1 when none.
  std::vector<int> district_of, district_2020_of, commune_of, unit_of, piece_of, village_of, neighbour_of;

  std::vector<DistrictEntity> districts;
  std::vector<District2020Entity> districts_2020;
  std::vector<CommuneEntity> communes;
  std::vector<Unit2020Entity> units_2020;
  std::vector<PieceEntity> pieces;
  std::vector<VillageEntity> villages;
  std::vector<NeighbourProvince> neighbour_provinces;
  std::vector<NeighbourCommune> neighbour_communes;

  Buckets district_cells, district_2020_cells, commune_cells, unit_cells, village_cells, neighbour_cells;

  explicit World(const SampleOptions& opts, HexGrid hex_grid) : options(opts), grid(std::move(hex_grid)) {}

  /// "" for the first copy, "-2", "-3", … for the others.
  static std::string suffix(int copy) { return copy == 0 ? std::string() : "-" + std::to_string(copy + 1); }
  /// Builds the Buckets from the labels.
  void index_cells();
  /// Outline of a set of cells as WKB MultiPolygon.
  std::string outline(std::span<const int> cells, const std::vector<int>& labels, int label) const;
};

/// Builds the grid and every level of the layout. `progress` gets 0..1 of this stage.
World build_world(const SampleOptions& options, const std::function<void(double)>& progress);

/// Unit versions and lineage events of the administrative units and villages.
void add_admin_units(const World& world, SampleData& data);

/// Agencies, enterprises and schools (appended to data.units).
struct Facility {
  std::string code, name;
  store::UnitKind kind = store::UnitKind::agency;
  int commune = -1;   ///< hosting 2019 commune (its code survives 2020); -1 for provincial ones
  int district = -1;  ///< district whose UBND recognises it
  int first_year = kFirstYear;
  LonLat point;  ///< a point inside it
};
std::vector<Facility> add_facilities(const World& world, SampleData& data);

/// Statuses, core forces, festivals, models, clusters, hotspots and settings.
void add_movement(const World& world, const std::vector<Facility>& facilities, SampleData& data);

}  // namespace antt::sample
