// Versions and lineage of the administrative units and villages. A version is valid from
// valid_from (inclusive) to valid_to (exclusive); a unit whose code, name, type, parent and
// geometry all continue keeps one open-ended version.
#include <algorithm>
#include <set>

#include "antt/text/unicode.hpp"
#include "names.hpp"
#include "world.hpp"

namespace antt::sample {
namespace {

using store::LineageEvent;
using store::LineageKind;
using store::UnitKind;
using store::UnitVersion;

UnitVersion version(std::string code, std::string name, UnitKind kind, std::string subtype, std::string parent,
                    std::string from, std::optional<std::string> to, std::string wkb) {
  UnitVersion unit;
  unit.code = std::move(code);
  unit.name = text::to_nfc(name);
  unit.kind = kind;
  unit.subtype = std::move(subtype);
  unit.parent_code = std::move(parent);
  unit.valid_from = std::move(from);
  unit.valid_to = std::move(to);
  unit.geometry_wkb = std::move(wkb);
  unit.synthetic = true;  // every geometry of the sample is invented
  return unit;
}

LineageEvent event(LineageKind kind, std::string date, std::string decision, std::vector<store::UnitRef> from,
                   std::vector<store::UnitRef> to, std::string note, bool synthetic) {
  LineageEvent e;
  e.kind = kind;
  e.effective_date = std::move(date);
  e.decision = std::move(decision);
  e.from = std::move(from);
  e.to = std::move(to);
  e.note = text::to_nfc(note);
  e.synthetic = synthetic;
  return e;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : (i + 1 == names.size() ? " và " : ", ")) + names[i];
  return out;
}

}  // namespace

void add_admin_units(const World& world, SampleData& data) {
  auto& units = data.units;
  auto& lineage = data.lineage;

  // Province and its neighbours ----------------------------------------------------------------
  units.push_back(version(kProvinceCode, "Tỉnh Hòa Bình", UnitKind::province, "", "", kPeriodStart, std::nullopt,
                          region_wkb(world.grid, world.province_cells,
                                     [&](int c) { return world.district_of[static_cast<size_t>(c)] >= 0; })));
  for (size_t p = 0; p < world.neighbour_provinces.size(); ++p) {
    std::vector<int> cells;
    for (size_t n = 0; n < world.neighbour_communes.size(); ++n)
      if (world.neighbour_communes[n].province == static_cast<int>(p)) {
        auto part = world.neighbour_cells.cells_of(static_cast<int>(n));
        cells.insert(cells.end(), part.begin(), part.end());
      }
    // Only the sample's few border communes: a small stand-in geometry for the whole province.
    units.push_back(
        version(world.neighbour_provinces[p].code, world.neighbour_provinces[p].name, UnitKind::province, "", "",
                std::string(store::kOpenStart), std::nullopt, region_wkb(world.grid, cells, [&](int c) {
                  const int n = world.neighbour_of[static_cast<size_t>(c)];
                  return n >= 0 && world.neighbour_communes[static_cast<size_t>(n)].province == static_cast<int>(p);
                })));
  }

  // Districts ----------------------------------------------------------------------------------
  for (size_t d = 0; d < world.districts.size(); ++d) {
    const DistrictEntity& district = world.districts[d];
    const District2020Entity& after = world.districts_2020[static_cast<size_t>(district.district_2020)];
    const bool unchanged = after.districts_2019.size() == 1;
    units.push_back(version(
        district.code, district.name, UnitKind::district, "", kProvinceCode, kPeriodStart,
        unchanged ? std::nullopt : std::optional<std::string>(kMergerDate),
        world.outline(world.district_cells.cells_of(static_cast<int>(d)), world.district_of, static_cast<int>(d))));
  }
  for (size_t d = 0; d < world.districts_2020.size(); ++d) {
    const District2020Entity& district = world.districts_2020[d];
    if (district.districts_2019.size() == 1) continue;
    units.push_back(version(district.code, district.name, UnitKind::district, "", kProvinceCode, kMergerDate,
                            std::nullopt,
                            world.outline(world.district_2020_cells.cells_of(static_cast<int>(d)),
                                          world.district_2020_of, static_cast<int>(d))));
    std::vector<store::UnitRef> from;
    std::vector<std::string> absorbed;
    for (int old : district.districts_2019) {
      from.push_back({world.districts[static_cast<size_t>(old)].code, kPeriodStart});
      if (world.districts[static_cast<size_t>(old)].code != district.code)
        absorbed.push_back(world.districts[static_cast<size_t>(old)].name);
    }
    lineage.push_back(event(LineageKind::merge, kMergerDate, kMergerDecision, from, {{district.code, kMergerDate}},
                            "Nhập toàn bộ " + join_names(absorbed) + " vào " + district.name, false));
  }

  // Communes -----------------------------------------------------------------------------------
  // A 2020 unit needs a new version unless it is one whole 2019 commune with the same code, name,
  // type and district.
  std::vector<char> changed(world.units_2020.size(), 0);
  for (size_t u = 0; u < world.units_2020.size(); ++u) {
    const Unit2020Entity& unit = world.units_2020[u];
    bool same = unit.pieces.size() == 1 && unit.same_code_commune >= 0;
    if (same) {
      const PieceEntity& piece = world.pieces[static_cast<size_t>(unit.pieces.front())];
      const CommuneEntity& commune = world.communes[static_cast<size_t>(unit.same_code_commune)];
      same = piece.commune == unit.same_code_commune && piece.share >= 1 && commune.name == unit.name &&
             commune.subtype == unit.subtype &&
             world.districts[static_cast<size_t>(commune.district)].code ==
                 world.districts_2020[static_cast<size_t>(unit.district_2020)].code;
    }
    changed[u] = same ? 0 : 1;
  }
  auto later_version = [&](const Unit2020Entity& unit, const std::string& from, const std::string& wkb,
                           const std::string& parent) {
    // The 2021-02-01 reclassification (1189/NQ-UBTVQH14) shown by the 2020-2025 list.
    units.push_back(version(unit.code, unit.later_name, UnitKind::commune, unit.later_subtype, parent, unit.later_date,
                            std::nullopt, wkb));
    std::string note = unit.name + " thành " + unit.later_name;
    lineage.push_back(event(unit.subtype != unit.later_subtype ? LineageKind::reclassify : LineageKind::rename,
                            unit.later_date, unit.later_decision, {{unit.code, from}}, {{unit.code, unit.later_date}},
                            note, false));
  };
  std::vector<int> continuing_unit(world.communes.size(), -1);
  for (size_t u = 0; u < world.units_2020.size(); ++u)
    if (!changed[u] && world.units_2020[u].same_code_commune >= 0)
      continuing_unit[static_cast<size_t>(world.units_2020[u].same_code_commune)] = static_cast<int>(u);
  for (size_t c = 0; c < world.communes.size(); ++c) {
    const CommuneEntity& commune = world.communes[c];
    const std::string parent = world.districts[static_cast<size_t>(commune.district)].code;
    const std::string wkb =
        world.outline(world.commune_cells.cells_of(static_cast<int>(c)), world.commune_of, static_cast<int>(c));
    const int continuing = continuing_unit[c];
    if (continuing < 0) {
      units.push_back(version(commune.code, commune.name, UnitKind::commune, commune.subtype, parent, kPeriodStart,
                              std::string(kMergerDate), wkb));
      continue;
    }
    const Unit2020Entity& unit = world.units_2020[static_cast<size_t>(continuing)];
    if (unit.later_date.empty()) {
      units.push_back(version(commune.code, commune.name, UnitKind::commune, commune.subtype, parent, kPeriodStart,
                              std::nullopt, wkb));
    } else {
      units.push_back(version(commune.code, commune.name, UnitKind::commune, commune.subtype, parent, kPeriodStart,
                              unit.later_date, wkb));
      later_version(unit, kPeriodStart, wkb, parent);
    }
  }
  std::set<int> split_done;
  for (size_t u = 0; u < world.units_2020.size(); ++u) {
    if (!changed[u]) continue;
    const Unit2020Entity& unit = world.units_2020[u];
    const std::string parent = world.districts_2020[static_cast<size_t>(unit.district_2020)].code;
    const std::string wkb =
        world.outline(world.unit_cells.cells_of(static_cast<int>(u)), world.unit_of, static_cast<int>(u));
    units.push_back(version(unit.code, unit.name, UnitKind::commune, unit.subtype, parent, kMergerDate,
                            unit.later_date.empty() ? std::nullopt : std::optional<std::string>(unit.later_date), wkb));
    if (!unit.later_date.empty()) later_version(unit, kMergerDate, wkb, parent);

    std::vector<int> whole;
    bool invented = false;
    for (int p : unit.pieces) {
      const PieceEntity& piece = world.pieces[static_cast<size_t>(p)];
      if (piece.share < 1) {
        // A commune split between several units: one split event for all its parts.
        if (!split_done.insert(piece.commune).second) continue;
        const CommuneEntity& source = world.communes[static_cast<size_t>(piece.commune)];
        std::vector<store::UnitRef> to;
        std::vector<std::string> names;
        for (int q : source.pieces) {
          const Unit2020Entity& target =
              world.units_2020[static_cast<size_t>(world.pieces[static_cast<size_t>(q)].unit)];
          to.push_back({target.code, kMergerDate});
          names.push_back(target.name);
        }
        lineage.push_back(event(LineageKind::split, kMergerDate, kMergerDecision, {{source.code, kPeriodStart}}, to,
                                "Chia " + source.name + " cho " + join_names(names), false));
        continue;
      }
      whole.push_back(piece.commune);
      invented = invented || world.communes[static_cast<size_t>(piece.commune)].invented_successor;
    }
    std::sort(whole.begin(), whole.end());
    std::string note;
    std::vector<store::UnitRef> from;
    for (int c : whole) from.push_back({world.communes[static_cast<size_t>(c)].code, kPeriodStart});
    LineageKind kind = LineageKind::merge;
    if (whole.size() > 1) {
      std::vector<std::string> absorbed;
      std::string kept;
      for (int c : whole) {
        const CommuneEntity& commune = world.communes[static_cast<size_t>(c)];
        if (commune.code == unit.code)
          kept = commune.name;
        else
          absorbed.push_back(commune.name);
      }
      note = kept.empty() ? "Nhập " + join_names(absorbed) + " thành " + unit.name
                          : "Nhập " + join_names(absorbed) + " vào " + kept +
                                (kept == unit.name ? std::string() : ", lấy tên " + unit.name);
    } else if (whole.size() == 1) {
      const CommuneEntity& commune = world.communes[static_cast<size_t>(whole.front())];
      const bool moved = world.districts[static_cast<size_t>(commune.district)].code != parent;
      std::vector<std::string> what;
      if (commune.subtype != unit.subtype)
        kind = LineageKind::reclassify, what.push_back(commune.name + " thành " + unit.name);
      else if (commune.name != unit.name)
        kind = LineageKind::rename, what.push_back("Đổi tên " + commune.name + " thành " + unit.name);
      else if (moved)
        kind = LineageKind::transfer;
      if (moved) what.push_back("chuyển về " + world.districts_2020[static_cast<size_t>(unit.district_2020)].name);
      if (what.empty()) continue;  // only received part of a split commune: the split event says so
      note = what.front();
      for (size_t i = 1; i < what.size(); ++i) note += ", " + what[i];
    } else {
      continue;
    }
    if (whole.size() > 1 &&
        world.districts[static_cast<size_t>(world.communes[static_cast<size_t>(whole.front())].district)].code !=
            parent)
      note += ", chuyển về " + world.districts_2020[static_cast<size_t>(unit.district_2020)].name;
    if (!unit.january_2020_code.empty())
      note += "; danh mục GSO tháng 01/2020 ghi mã " + unit.january_2020_code + " cho đơn vị này";
    if (invented) note += "; mẫu giả lập: nghị quyết chưa đối chiếu được, chọn xã lân cận cùng huyện";
    lineage.push_back(event(kind, kMergerDate, kMergerDecision, from, {{unit.code, kMergerDate}}, note, invented));
  }

  // Villages: a village of an abolished commune gets a new version under its new commune --------
  for (size_t v = 0; v < world.villages.size(); ++v) {
    const VillageEntity& village = world.villages[v];
    const PieceEntity& piece = world.pieces[static_cast<size_t>(village.piece)];
    const CommuneEntity& before = world.communes[static_cast<size_t>(piece.commune)];
    const Unit2020Entity& after = world.units_2020[static_cast<size_t>(piece.unit)];
    const std::string wkb =
        world.outline(world.village_cells.cells_of(static_cast<int>(v)), world.village_of, static_cast<int>(v));
    if (before.code == after.code) {
      units.push_back(
          version(village.code, village.name, UnitKind::village, "", before.code, kPeriodStart, std::nullopt, wkb));
      continue;
    }
    units.push_back(version(village.code, village.name, UnitKind::village, "", before.code, kPeriodStart,
                            std::string(kMergerDate), wkb));
    units.push_back(
        version(village.code, village.name, UnitKind::village, "", after.code, kMergerDate, std::nullopt, wkb));
    lineage.push_back(event(LineageKind::transfer, kMergerDate, kMergerDecision, {{village.code, kPeriodStart}},
                            {{village.code, kMergerDate}},
                            village.name + " chuyển từ " + before.name + " về " + after.name, true));
  }

  // Communes of the neighbouring provinces (invented) --------------------------------------------
  for (size_t n = 0; n < world.neighbour_communes.size(); ++n) {
    const NeighbourCommune& commune = world.neighbour_communes[n];
    units.push_back(version(
        commune.code, commune.name, UnitKind::commune, "xa",
        world.neighbour_provinces[static_cast<size_t>(commune.province)].code, std::string(store::kOpenStart),
        std::nullopt,
        world.outline(world.neighbour_cells.cells_of(static_cast<int>(n)), world.neighbour_of, static_cast<int>(n))));
  }

  data.summary.districts = static_cast<int>(world.districts.size());
  data.summary.communes_2019 = static_cast<int>(world.communes.size());
  data.summary.communes_2020 = static_cast<int>(world.units_2020.size());
  data.summary.villages = static_cast<int>(world.villages.size());
  data.summary.neighbour_communes = static_cast<int>(world.neighbour_communes.size());
}

}  // namespace antt::sample
