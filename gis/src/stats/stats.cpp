#include "antt/stats/stats.hpp"

#include <gdal.h>
#include <ogr_api.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/geo/geos.hpp"
#include "antt/geo/ogr.hpp"
#include "predecessors.hpp"

namespace antt::stats {
namespace {

using store::StatusValue;
using store::UnitKind;
using store::UnitVersion;

const std::vector<UnitKind> kCountedKinds{UnitKind::village, UnitKind::commune, UnitKind::agency, UnitKind::enterprise,
                                          UnitKind::school};

bool is_agency_like(UnitKind kind) {
  return kind == UnitKind::agency || kind == UnitKind::enterprise || kind == UnitKind::school;
}

void count(Counts& counts, const store::StatusRecord* status) {
  ++counts.total;
  if (!status) return;
  ++counts.with_status;
  StatusValue value = status->status;
  if (value != StatusValue::not_registered) ++counts.registered;
  if (value == StatusValue::proposed || value == StatusValue::recognised || value == StatusValue::not_recognised ||
      value == StatusValue::revoked)
    ++counts.proposed;
  if (value == StatusValue::recognised) ++counts.recognised;
}

double percent(int numerator, int denominator) {
  return denominator == 0 ? 0.0 : 100.0 * numerator / denominator;
}

/// "movement_grade:kha" -> "Xếp loại phong trào (…): khá"; an indicator id -> its label.
std::string total_label(const std::string& id) {
  const auto colon = id.find(':');
  const auto& definition = editing::indicator_definition(id.substr(0, colon));
  if (colon == std::string::npos) return definition.label_vi;
  for (const auto& [key, label] : editing::movement_grades())
    if (key == id.substr(colon + 1)) return definition.label_vi + ": " + label;
  return definition.label_vi + ": " + id.substr(colon + 1);
}

/// Per-area tallies for the indicators, filled while walking the units.
struct Tally {
  int communes = 0, communes_with_model = 0;
  int agency_like = 0, agency_like_with_model = 0;
  int festival_units = 0, festival_held = 0;
  int core_force_communes = 0, core_force_staffed = 0;
  int models = 0, models_effective = 0;
};

std::vector<Indicator> indicators_of(const Tally& tally, const ProgrammePlan& plan, int year) {
  auto indicator = [&](const char* id, const char* label, int numerator, int denominator) {
    Indicator out{id, label, numerator, denominator, std::nullopt, false};
    if (const auto target = plan.target(id, year)) {
      out.target = target->percent;
      out.strictly_over = target->strictly_over;
    }
    return out;
  };
  return {indicator("communes_with_model", "Xã, phường, thị trấn có mô hình tự quản về ANTT", tally.communes_with_model,
                    tally.communes),
          indicator("agencies_with_model", "Cơ quan, doanh nghiệp, nhà trường có mô hình tự quản về ANTT",
                    tally.agency_like_with_model, tally.agency_like),
          indicator("festival_held", "Đơn vị tổ chức Ngày hội toàn dân bảo vệ ANTQ 19/8", tally.festival_held,
                    tally.festival_units),
          indicator("core_forces_staffed", "Xã, phường, thị trấn có lực lượng nòng cốt được kiện toàn",
                    tally.core_force_staffed, tally.core_force_communes),
          indicator("models_effective", "Mô hình tự quản hoạt động có hiệu quả", tally.models_effective, tally.models)};
}

}  // namespace

double Counts::share_recognised() const { return percent(recognised, total); }

double Indicator::share() const { return percent(numerator, denominator); }

std::optional<bool> Indicator::meets() const {
  if (!target || denominator == 0) return std::nullopt;
  return strictly_over ? share() > *target : share() >= *target - 1e-9;
}

std::optional<bool> AreaStats::meets_target() const {
  if (!target || pooled.total == 0) return std::nullopt;
  return PlanTarget{0, *target, target_strictly_over}.met_by(pooled.share_recognised());
}

std::optional<double> recognised_target(int year) {
  const auto target = founding_plan().target(kRecognisedIndicator, year);
  return target ? std::optional<double>(target->percent) : std::nullopt;
}

std::string share_grade(const Counts& pooled) {
  if (pooled.with_status == 0 || pooled.total == 0) return "no_data";
  const double share = pooled.share_recognised();
  if (share > 90.0) return "above_90";
  if (share > 70.0) return "above_70";
  return "below_70";
}

YearStats compute_stats(const store::Store& store, int year, std::optional<std::string> province_code,
                        const std::optional<std::string>& known_at, const AreaGrouping* grouping) {
  YearStats stats;
  stats.year = year;
  stats.known_at = known_at.value_or("");
  stats.date = year_end(year);
  stats.plan = plan_in_force(programme_plans(store), year);
  const auto recognised = stats.plan.target(kRecognisedIndicator, year);
  auto area_named = [&](const std::string& code, const std::string& name) {
    AreaStats area{code, name, {}, {}, {}, true, {}, {}};
    if (recognised) {
      area.target = recognised->percent;
      area.target_strictly_over = recognised->strictly_over;
    }
    return area;
  };
  auto units = store.units({stats.date, {}, {}, false});
  std::map<std::string, const UnitVersion*> by_code;
  for (const auto& unit : units) by_code[unit.code] = &unit;

  if (!province_code) province_code = store.setting("home_province");
  if (!province_code) {
    std::set<std::string> with_districts;
    for (const auto& unit : units)
      if (unit.kind == UnitKind::district && by_code.count(unit.parent_code)) with_districts.insert(unit.parent_code);
    if (with_districts.size() != 1)
      throw InputError("cannot tell which province to count: give --province CODE / hãy chọn tỉnh bằng --province");
    province_code = *with_districts.begin();
  }
  // A province that no longer exists on the date is counted as what it became (Hòa Bình → Phú Thọ).
  if (!by_code.count(*province_code))
    if (auto successor = editing::successor_on(store, *province_code, stats.date)) province_code = successor;
  auto province = by_code.find(*province_code);
  if (province == by_code.end() || province->second->kind != UnitKind::province)
    throw InputError("no province " + *province_code + " is valid on " + stats.date + " / không có tỉnh mã " +
                     *province_code + " vào ngày này");

  // Areas are the districts when the province has some on the date; since the two-tier reform
  // (2025-07-01) communes hang directly under the province and are the areas.
  const bool with_districts = std::any_of(units.begin(), units.end(), [&](const UnitVersion& unit) {
    return unit.kind == UnitKind::district && unit.parent_code == *province_code;
  });
  const UnitKind area_kind = with_districts ? UnitKind::district : UnitKind::commune;
  stats.area_level = std::string(store::to_string(area_kind));
  if (grouping) {
    stats.area_level = grouping->level;
    stats.grouped_as_of = grouping->reference_date;
  }
  // Each unit's area (or none, for provincial units), found by walking up the parent chain; grouped,
  // the area of the commune it lies in.
  auto area_of = [&](const UnitVersion& unit) -> std::optional<std::string> {
    const UnitVersion* current = &unit;
    std::optional<std::string> district;
    for (int depth = 0; depth < 8 && current; ++depth) {
      if (grouping) {
        if (current->kind == UnitKind::commune && !district) {
          const auto found = grouping->area_of_commune.find(current->code);
          district = found == grouping->area_of_commune.end() ? "" : found->second;
        }
      } else if (current->kind == area_kind && !district) {
        district = current->code;
      }
      if (current->code == *province_code) return district.value_or("");
      auto parent = by_code.find(current->parent_code);
      current = parent == by_code.end() ? nullptr : parent->second;
    }
    return std::nullopt;  // outside the province (e.g. a neighbouring province's commune)
  };

  std::map<std::string, AreaStats> districts;
  std::map<std::string, Tally> tallies;
  if (grouping) {
    for (const auto& [code, name] : grouping->areas) districts[code] = area_named(code, name);
  } else {
    for (const auto& unit : units)
      if (unit.kind == area_kind && unit.parent_code == *province_code)
        districts[unit.code] = area_named(unit.code, unit.name);
  }
  stats.province = area_named(province->second->code, province->second->name);

  auto statuses = known_at ? store.statuses_known_at(year, *known_at) : store.statuses_of_year(year);
  std::map<std::string, bool> festival_held;
  for (const auto& festival : store.festivals(year)) festival_held[festival.unit_code] = festival.held;
  std::map<std::string, bool> core_staffed;
  for (const auto& force : store.core_forces(year)) core_staffed[force.unit_code] = force.staffed;

  // Units that run a model founded by the end of the year; a village's model counts for its commune.
  auto effectiveness = store.model_effectiveness(year);
  std::set<std::string> units_with_model;
  std::map<std::string, std::pair<int, int>> models_by_unit;  // unit → (models, effective)
  for (const auto& model : store.models()) {
    if (!model.founded.empty() && model.founded > stats.date) continue;
    auto runner = by_code.find(model.unit_code);
    if (runner == by_code.end()) continue;
    units_with_model.insert(model.unit_code);
    if (runner->second->kind == UnitKind::village) units_with_model.insert(runner->second->parent_code);
    auto& entry = models_by_unit[model.unit_code];
    ++entry.first;
    auto effective = effectiveness.find(model.id);
    if (effective != effectiveness.end() && effective->second) ++entry.second;
  }

  for (const auto& unit : units) {
    bool counted = std::find(kCountedKinds.begin(), kCountedKinds.end(), unit.kind) != kCountedKinds.end();
    auto area = area_of(unit);
    if (!area) continue;
    std::vector<std::pair<AreaStats*, Tally*>> targets{{&stats.province, &tallies[""]}};
    if (!area->empty() && districts.count(*area)) targets.push_back({&districts[*area], &tallies[*area]});
    auto status = statuses.find(unit.code);
    const store::StatusRecord* record = status == statuses.end() ? nullptr : &status->second;
    for (auto& [stats_of_area, tally] : targets) {
      auto models = models_by_unit.find(unit.code);
      if (models != models_by_unit.end()) {
        tally->models += models->second.first;
        tally->models_effective += models->second.second;
      }
      if (!counted) continue;
      count(stats_of_area->by_kind[std::string(to_string(unit.kind))], record);
      count(stats_of_area->pooled, record);
      ++tally->festival_units;
      if (festival_held.count(unit.code) && festival_held[unit.code]) ++tally->festival_held;
      if (unit.kind == UnitKind::commune) {
        ++tally->communes;
        if (units_with_model.count(unit.code)) ++tally->communes_with_model;
        ++tally->core_force_communes;
        if (core_staffed.count(unit.code) && core_staffed[unit.code]) ++tally->core_force_staffed;
      } else if (is_agency_like(unit.kind)) {
        ++tally->agency_like;
        if (units_with_model.count(unit.code)) ++tally->agency_like_with_model;
      }
    }
  }
  // The plan's other indicators (antt/editing/indicators.hpp) recorded in the year: counts and
  // money summed, grades counted, and the share of reporting units against the target.
  struct Share {
    int meeting = 0, reporting = 0;
  };
  std::map<std::string, std::map<std::string, Share>> shares;  // area code ("" = province) -> indicator -> share
  const auto values = store.indicator_values(year, known_at);
  std::map<std::string, std::map<std::string, const store::IndicatorValue*>> value_of;  // unit -> indicator -> value
  std::set<std::string> recorded;
  for (const auto& value : values) {
    value_of[value.unit_code][value.indicator] = &value;
    recorded.insert(value.indicator);
  }
  for (const auto& unit : units) {
    if (recorded.empty()) break;
    const auto area = area_of(unit);
    if (!area) continue;
    std::vector<std::pair<std::string, AreaStats*>> areas{{"", &stats.province}};
    if (!area->empty() && districts.count(*area)) areas.emplace_back(*area, &districts[*area]);
    const auto unit_values = value_of.find(unit.code);
    for (const auto& definition : editing::indicator_definitions()) {
      if (!recorded.count(definition.id)) continue;
      const store::IndicatorValue* value = nullptr;
      if (unit_values != value_of.end())
        if (auto found = unit_values->second.find(definition.id); found != unit_values->second.end()) value = found->second;
      const bool reports = std::find(definition.reported_by.begin(), definition.reported_by.end(), unit.kind) !=
                           definition.reported_by.end();
      const bool meets = value && value->number &&
                         (definition.kind == editing::IndicatorKind::yes_no ? *value->number != 0 : *value->number >= 100);
      for (auto& [key, area_stats] : areas) {
        // A yes/no or a share shows how many of the reporting units did it (at 100 %), target or not.
        if ((definition.kind == editing::IndicatorKind::percent || definition.kind == editing::IndicatorKind::yes_no) &&
            reports) {
          auto& share = shares[key][definition.id];
          ++share.reporting;
          if (meets) ++share.meeting;
        }
        if (!value) continue;
        if ((definition.kind == editing::IndicatorKind::count || definition.kind == editing::IndicatorKind::money) &&
            value->number)
          area_stats->totals[definition.id] += *value->number;
        if (definition.kind == editing::IndicatorKind::grade) area_stats->totals[definition.id + ":" + value->text] += 1;
      }
    }
  }
  auto add_shares = [&](AreaStats& area, const std::string& key) {
    for (const auto& definition : editing::indicator_definitions()) {
      auto found = shares[key].find(definition.id);
      if (found == shares[key].end()) continue;
      Indicator indicator{definition.id, definition.label_vi, found->second.meeting, found->second.reporting,
                          std::nullopt, false};
      if (const auto target = stats.plan.target(definition.id, year)) {
        indicator.target = target->percent;
        indicator.strictly_over = target->strictly_over;
      }
      area.indicators.push_back(std::move(indicator));
    }
  };

  stats.province.indicators = indicators_of(tallies[""], stats.plan, year);
  add_shares(stats.province, "");
  for (auto& [code, district] : districts) {
    district.indicators = indicators_of(tallies[code], stats.plan, year);
    add_shares(district, code);
    stats.districts.push_back(std::move(district));
  }
  return stats;
}

namespace {

nlohmann::json counts_json(const Counts& counts) {
  return {{"total", counts.total},
          {"with_status", counts.with_status},
          {"registered", counts.registered},
          {"proposed", counts.proposed},
          {"recognised", counts.recognised},
          {"share_recognised", std::round(counts.share_recognised() * 100) / 100}};
}

nlohmann::json optional_json(const std::optional<bool>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json area_json(const AreaStats& area) {
  nlohmann::json kinds = nlohmann::json::object();
  for (UnitKind kind : kCountedKinds) {
    std::string name(to_string(kind));
    auto found = area.by_kind.find(name);
    kinds[name] = counts_json(found == area.by_kind.end() ? Counts{} : found->second);
  }
  nlohmann::json indicators = nlohmann::json::array();
  for (const auto& indicator : area.indicators)
    indicators.push_back({{"id", indicator.id},
                          {"label", indicator.label},
                          {"numerator", indicator.numerator},
                          {"denominator", indicator.denominator},
                          {"share", std::round(indicator.share() * 100) / 100},
                          {"target", indicator.target ? nlohmann::json(*indicator.target) : nlohmann::json(nullptr)},
                          {"target_strictly_over", indicator.strictly_over},
                          {"meets_target", optional_json(indicator.meets())}});
  nlohmann::json out = counts_json(area.pooled);
  out["code"] = area.code;
  out["name"] = area.name;
  out["kinds"] = kinds;
  out["pooled"] = counts_json(area.pooled);
  out["target"] = area.target ? nlohmann::json(*area.target) : nlohmann::json(nullptr);
  out["target_strictly_over"] = area.target_strictly_over;
  out["meets_target"] = optional_json(area.meets_target());
  out["indicators"] = indicators;
  out["totals"] = area.totals;
  return out;
}

/// Pads UTF-8 text to `width` characters (code points; the text is NFC), so Vietnamese names align.
std::string pad(const std::string& text, size_t width) {
  size_t characters = 0;
  for (unsigned char c : text) characters += (c & 0xC0) != 0x80;
  return characters >= width ? text + " " : text + std::string(width - characters, ' ');
}

std::string format_share(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %%", share);
  return buffer;
}

}  // namespace

nlohmann::json to_json(const YearStats& stats) {
  // What the totals' ids mean, for clients that show them (the plan's text: nothing internal).
  nlohmann::json catalogue = nlohmann::json::array();
  for (const auto& definition : editing::indicator_definitions())
    catalogue.push_back({{"id", definition.id},
                         {"label_vi", definition.label_vi},
                         {"label_en", definition.label_en},
                         {"kind", editing::to_string(definition.kind)}});
  nlohmann::json districts = nlohmann::json::array();
  for (const auto& district : stats.districts) districts.push_back(area_json(district));
  return {{"year", stats.year},
          {"date", stats.date},
          {"area_level", stats.area_level},
          {"grouped_as_of", stats.grouped_as_of.empty() ? nlohmann::json(nullptr) : nlohmann::json(stats.grouped_as_of)},
          {"known_at", stats.known_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(stats.known_at)},
          {"criteria_rule", std::string(store::criteria_rule_for_year(stats.year))},
          {"target", stats.province.target ? nlohmann::json(*stats.province.target) : nlohmann::json(nullptr)},
          {"plan", targets_json(stats.plan, stats.year)["plan"]},
          {"province", area_json(stats.province)},
          {"districts", districts},
          {"indicator_catalogue", catalogue}};
}

std::string to_text(const YearStats& stats) {
  std::ostringstream out;
  out << "Năm / year " << stats.year << " (đơn vị hiện hữu ngày 31/12/" << stats.year << ")";
  if (!stats.known_at.empty())
    out << " — số liệu đã ghi nhận đến / as recorded by " << stats.known_at;
  if (auto target = stats.plan.target(kRecognisedIndicator, stats.year))
    out << " — chỉ tiêu / target: " << target->text() << " (" << stats.plan.id << ")";
  out << "\n";
  char line[512];
  out << pad("Mã", 8) << pad("Đơn vị / area", 30) << pad("   Tổng", 8) << pad("   Đ.ký", 8) << pad(" Đ.nghị", 8)
      << pad("    Đạt", 8) << pad("   Tỷ lệ", 10) << "Chỉ tiêu\n";
  auto row = [&](const AreaStats& area) {
    auto meets = area.meets_target();
    std::snprintf(line, sizeof line, "%7d %7d %7d %7d %9s %s\n", area.pooled.total, area.pooled.registered, area.pooled.proposed, area.pooled.recognised,
                  format_share(area.pooled.share_recognised()).c_str(),
                  !meets ? "—" : (*meets ? "đạt / met" : "chưa đạt / not met"));
    out << pad(area.code, 8) << pad(area.name, 30) << line;
  };
  for (const auto& district : stats.districts) row(district);
  row(stats.province);
  out << "\nChỉ tiêu khác / other indicators (toàn tỉnh / province):\n";
  for (const auto& indicator : stats.province.indicators) {
    auto meets = indicator.meets();
    out << "  " << indicator.label << ": " << indicator.numerator << "/" << indicator.denominator << " = "
        << format_share(indicator.share());
    if (indicator.target)
      out << " (chỉ tiêu " << (indicator.strictly_over ? "trên " : "") << *indicator.target << " %: "
          << (meets ? (*meets ? "đạt" : "chưa đạt") : "—") << ")";
    out << "\n";
  }
  if (!stats.province.totals.empty()) {
    out << "\nTổng số / totals (toàn tỉnh / province):\n";
    for (const auto& [id, total] : stats.province.totals) {
      char number[64];
      std::snprintf(number, sizeof number, "%.0f", total);
      out << "  " << total_label(id) << ": " << number << "\n";
    }
  }
  return out.str();
}

namespace {

/// One worksheet: a layer without geometry whose features are rows.
class Sheet {
 public:
  Sheet(GDALDatasetH dataset, const std::string& name,
        const std::vector<std::pair<const char*, OGRFieldType>>& columns) {
    geo::GdalErrorScope errors;
    layer_ = GDALDatasetCreateLayer(dataset, name.c_str(), nullptr, wkbNone, nullptr);
    if (!layer_) throw Error("cannot add sheet '" + name + "': " + errors.last_error());
    for (const auto& [column, type] : columns) {
      OGRFieldDefnH field = OGR_Fld_Create(column, type);
      OGRErr error = OGR_L_CreateField(layer_, field, TRUE);
      OGR_Fld_Destroy(field);
      if (error != OGRERR_NONE) throw Error("cannot add column '" + std::string(column) + "': " + errors.last_error());
    }
  }

  geo::Feature new_row() const { return geo::Feature::create(OGR_L_GetLayerDefn(layer_)); }

  void add(const geo::Feature& row) {
    geo::GdalErrorScope errors;
    if (OGR_L_CreateFeature(layer_, row.get()) != OGRERR_NONE)
      throw Error("cannot write a spreadsheet row: " + errors.last_error());
  }

 private:
  OGRLayerH layer_ = nullptr;
};

std::string meets_label(std::optional<bool> meets) { return !meets ? "" : (*meets ? "đạt" : "chưa đạt"); }

}  // namespace

void write_xlsx(const YearStats& stats, const std::string& path) {
  geo::register_gdal_drivers();
  // GDAL reaches the workbook through /vsizip/, which splits the path at the first ".xlsx": the
  // temporary name must carry that extension once only.
  const std::filesystem::path target(path);
  const std::filesystem::path temporary =
      target.parent_path() / ("." + target.stem().string() + "-partial.xlsx");
  std::filesystem::remove(temporary);
  try {
    auto dataset = geo::Dataset::create_vector("XLSX", temporary.string());
    std::vector<const AreaStats*> areas;
    for (const auto& district : stats.districts) areas.push_back(&district);
    areas.push_back(&stats.province);

    auto counts_sheet = [&](const std::string& name, const std::string& kind) {
      Sheet sheet(dataset.get(), name,
                  {{"code", OFTString}, {"name", OFTString}, {"total", OFTInteger}, {"registered", OFTInteger},
                   {"proposed", OFTInteger}, {"recognised", OFTInteger}, {"share_recognised", OFTReal},
                   {"target", OFTReal}, {"meets_target", OFTString}});
      for (const AreaStats* area : areas) {
        Counts counts = area->pooled;
        if (!kind.empty()) {
          auto found = area->by_kind.find(kind);
          counts = found == area->by_kind.end() ? Counts{} : found->second;
        }
        auto row = sheet.new_row();
        OGR_F_SetFieldString(row.get(), 0, area->code.c_str());
        OGR_F_SetFieldString(row.get(), 1, area->name.c_str());
        OGR_F_SetFieldInteger(row.get(), 2, counts.total);
        OGR_F_SetFieldInteger(row.get(), 3, counts.registered);
        OGR_F_SetFieldInteger(row.get(), 4, counts.proposed);
        OGR_F_SetFieldInteger(row.get(), 5, counts.recognised);
        OGR_F_SetFieldDouble(row.get(), 6, std::round(counts.share_recognised() * 100) / 100);
        std::optional<bool> meets;
        if (area->target) {
          OGR_F_SetFieldDouble(row.get(), 7, *area->target);
          if (counts.total > 0) meets = counts.share_recognised() > *area->target;
        }
        OGR_F_SetFieldString(row.get(), 8, meets_label(meets).c_str());
        sheet.add(row);
      }
    };
    counts_sheet("tong_hop_" + std::to_string(stats.year), "");
    for (UnitKind kind : kCountedKinds) counts_sheet(std::string(to_string(kind)), std::string(to_string(kind)));

    Sheet indicators(dataset.get(), "chi_tieu",
                     {{"area_code", OFTString}, {"area_name", OFTString}, {"indicator", OFTString},
                      {"label", OFTString}, {"numerator", OFTInteger}, {"denominator", OFTInteger},
                      {"share", OFTReal}, {"target", OFTReal}, {"meets_target", OFTString}});
    for (const AreaStats* area : areas)
      for (const auto& indicator : area->indicators) {
        auto row = indicators.new_row();
        OGR_F_SetFieldString(row.get(), 0, area->code.c_str());
        OGR_F_SetFieldString(row.get(), 1, area->name.c_str());
        OGR_F_SetFieldString(row.get(), 2, indicator.id.c_str());
        OGR_F_SetFieldString(row.get(), 3, indicator.label.c_str());
        OGR_F_SetFieldInteger(row.get(), 4, indicator.numerator);
        OGR_F_SetFieldInteger(row.get(), 5, indicator.denominator);
        OGR_F_SetFieldDouble(row.get(), 6, std::round(indicator.share() * 100) / 100);
        if (indicator.target) OGR_F_SetFieldDouble(row.get(), 7, *indicator.target);
        OGR_F_SetFieldString(row.get(), 8, meets_label(indicator.meets()).c_str());
        indicators.add(row);
      }
    // The plan's counted indicators summed per area (and grades counted), when any was recorded.
    if (std::any_of(areas.begin(), areas.end(), [](const AreaStats* area) { return !area->totals.empty(); })) {
      Sheet totals(dataset.get(), "tong_so",
                   {{"area_code", OFTString}, {"area_name", OFTString}, {"indicator", OFTString},
                    {"label", OFTString}, {"total", OFTReal}});
      for (const AreaStats* area : areas)
        for (const auto& [id, total] : area->totals) {
          auto row = totals.new_row();
          OGR_F_SetFieldString(row.get(), 0, area->code.c_str());
          OGR_F_SetFieldString(row.get(), 1, area->name.c_str());
          OGR_F_SetFieldString(row.get(), 2, id.c_str());
          OGR_F_SetFieldString(row.get(), 3, total_label(id).c_str());
          OGR_F_SetFieldDouble(row.get(), 4, total);
          totals.add(row);
        }
    }
    dataset.close();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  std::filesystem::rename(temporary, target);
}

std::optional<double> ReexpressedYear::area_share() const {
  if (area_km2 <= 0) return std::nullopt;
  return 100.0 * recognised_area_km2 / area_km2;
}

std::optional<double> ReexpressedYear::village_share() const {
  if (villages == 0) return std::nullopt;
  return 100.0 * villages_recognised / villages;
}

std::set<std::string> predecessors_of(const std::vector<store::LineageEvent>& events, const std::string& code) {
  std::set<std::string> found;
  std::vector<std::pair<std::string, std::string>> frontier{{code, std::string(kOpenEnd)}};
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    std::vector<std::pair<std::string, std::string>> next;
    for (const auto& [code, before] : frontier) {
      const std::string& current = code;  // a plain reference: lambdas may not capture structured bindings (clang)
      for (const auto& event : events) {
        if (event.effective_date > before) continue;
        const bool in_to = std::any_of(event.to.begin(), event.to.end(),
                                       [&](const store::UnitRef& ref) { return ref.code == current; });
        if (!in_to) continue;
        for (const auto& ref : event.from)
          if (found.insert(ref.code).second) next.emplace_back(ref.code, event.effective_date);
      }
    }
    frontier = std::move(next);
  }
  return found;
}

std::vector<ReexpressedUnit> reexpress(const store::Store& store, const std::string& on_date,
                                       const std::vector<int>& years, std::optional<std::string> province_code) {
  const std::string date = require_iso_date(on_date, "--on-units-of");
  if (years.empty()) throw UsageError("re-expression needs at least one year / cần ít nhất một năm");
  if (!province_code) province_code = store.setting("home_province");
  if (province_code)
    if (auto successor = editing::successor_on(store, *province_code, date)) province_code = successor;
  geo::GeosContext context;
  auto today = store.units({date, {UnitKind::commune, UnitKind::district, UnitKind::village}, {}, true});
  std::map<std::string, const UnitVersion*> today_by_code;
  for (const auto& unit : today) today_by_code[unit.code] = &unit;
  auto in_province = [&](const UnitVersion& unit) {
    if (!province_code) return true;
    const UnitVersion* current = &unit;
    for (int depth = 0; depth < 8 && current; ++depth) {
      if (current->parent_code == *province_code) return true;
      auto parent = today_by_code.find(current->parent_code);
      current = parent == today_by_code.end() ? nullptr : parent->second;
    }
    return false;
  };
  const auto events = store.lineage_events();
  std::map<std::string, std::set<std::string>> ancestors_of;
  std::vector<ReexpressedUnit> out;
  std::vector<const UnitVersion*> targets;
  std::map<std::string, geo::Geometry> target_geometry;
  for (const auto& unit : today)
    if (unit.kind == UnitKind::commune && in_province(unit) && !unit.geometry_wkb.empty()) {
      targets.push_back(&unit);
      target_geometry.emplace(unit.code, geo::Geometry::from_wkb(context, unit.geometry_wkb));
      auto& ancestors = ancestors_of[unit.code] = predecessors_of(events, unit.code);
      ancestors.insert(unit.code);
      out.push_back({unit.code, unit.name, {}});
    }
  for (int year : years) {
    const std::string then = year_end(year);
    auto old_units = store.units({then, {UnitKind::commune, UnitKind::village}, {}, true});
    const auto statuses = store.statuses_of_year(year);
    auto recognised = [&](const std::string& code) {
      auto found = statuses.find(code);
      return found != statuses.end() && found->second.status == store::StatusValue::recognised;
    };
    std::vector<std::pair<const UnitVersion*, geo::Geometry>> old_communes, old_villages;
    for (const auto& unit : old_units)
      if (!unit.geometry_wkb.empty())
        (unit.kind == UnitKind::commune ? old_communes : old_villages)
            .emplace_back(&unit, geo::Geometry::from_wkb(context, unit.geometry_wkb));
    // Villages first, each once: the unit it belongs to on the later date, or the one holding it.
    std::map<std::string, std::pair<int, int>> village_tally;  // target -> villages, recognised
    for (const auto& [village, geometry] : old_villages) {
      std::optional<std::string> home;
      const auto later = today_by_code.find(village->code);
      if (later != today_by_code.end() && later->second->kind == UnitKind::village) {
        home = later->second->parent_code;
      } else {
        geo::Geometry point(context, GEOSPointOnSurface_r(context.get(), geometry.get()));
        for (const UnitVersion* target : targets)
          if (point && GEOSIntersects_r(context.get(), target_geometry.at(target->code).get(), point.get()) == 1) {
            home = target->code;
            break;
          }
      }
      if (!home) continue;
      auto& tally = village_tally[*home];
      ++tally.first;
      if (recognised(village->code)) ++tally.second;
    }
    // Each of the year's communes gives its ground to the units that descend from it through lineage:
    // to each the share of it that overlaps the unit (among those descendants), or equal shares when
    // the boundaries do not meet at all (e.g. old boundaries that were only sketched). A unit without
    // lineage gets the communes that overlap it.
    std::map<std::string, std::vector<size_t>> heirs;  // old code -> targets descending from it
    for (size_t t = 0; t < targets.size(); ++t)
      for (const auto& code : ancestors_of.at(targets[t]->code)) heirs[code].push_back(t);
    std::vector<ReexpressedYear> figures(targets.size());
    for (auto& entry : figures) entry.year = year;
    auto overlap_km2 = [&](const GEOSGeometry* a, const GEOSGeometry* b) {
      if (GEOSIntersects_r(context.get(), a, b) != 1) return 0.0;
      geo::Geometry common(context, GEOSIntersection_r(context.get(), a, b));
      return common ? geo::geodesic_area_m2(context, common.get()) / 1e6 : 0.0;
    };
    for (const auto& [old, geometry] : old_communes) {
      const auto found = heirs.find(old->code);
      std::vector<std::pair<size_t, double>> parts;  // target, km²
      if (found != heirs.end()) {
        const double area = geo::geodesic_area_m2(context, geometry.get()) / 1e6;
        std::vector<double> overlaps;
        double total = 0;
        for (size_t t : found->second) {
          overlaps.push_back(overlap_km2(target_geometry.at(targets[t]->code).get(), geometry.get()));
          total += overlaps.back();
        }
        for (size_t i = 0; i < found->second.size(); ++i)
          parts.emplace_back(found->second[i], area * (total > 0 ? overlaps[i] / total : 1.0 / found->second.size()));
      } else {
        for (size_t t = 0; t < targets.size(); ++t)
          if (ancestors_of.at(targets[t]->code).size() == 1) {
            const double km2 = overlap_km2(target_geometry.at(targets[t]->code).get(), geometry.get());
            if (km2 > 0) parts.emplace_back(t, km2);
          }
      }
      for (const auto& [t, km2] : parts) {
        figures[t].area_km2 += km2;
        if (recognised(old->code)) figures[t].recognised_area_km2 += km2;
      }
    }
    for (size_t t = 0; t < targets.size(); ++t) {
      const UnitVersion& target = *targets[t];
      const auto tally = village_tally.find(target.code);
      if (tally != village_tally.end())
        figures[t].villages = tally->second.first, figures[t].villages_recognised = tally->second.second;
      out[t].years.push_back(figures[t]);
    }
  }
  return out;
}

nlohmann::json to_json(const std::vector<ReexpressedUnit>& units, const std::string& on_date) {
  nlohmann::json list = nlohmann::json::array();
  auto optional = [](const std::optional<double>& value) {
    return value ? nlohmann::json(std::round(*value * 10) / 10) : nlohmann::json(nullptr);
  };
  for (const auto& unit : units) {
    nlohmann::json years = nlohmann::json::object();
    for (const auto& year : unit.years)
      years[std::to_string(year.year)] = {{"area_km2", std::round(year.area_km2 * 1000) / 1000},
                                          {"recognised_area_km2", std::round(year.recognised_area_km2 * 1000) / 1000},
                                          {"area_share", optional(year.area_share())},
                                          {"villages", year.villages},
                                          {"villages_recognised", year.villages_recognised},
                                          {"village_share", optional(year.village_share())}};
    list.push_back({{"code", unit.code}, {"name", unit.name}, {"years", years}});
  }
  return {{"on_units_of", on_date}, {"units", list}};
}

}  // namespace antt::stats
