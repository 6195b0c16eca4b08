// The row builders of the standard layers: what each layer shows of the store in a year.
#include "builders.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/store.hpp"

namespace antt::layers {
namespace {

using store::UnitKind;
using store::UnitVersion;

constexpr const char* kNoData = "no_data";
constexpr const char* kNoDataLabel = "Chưa có số liệu";

int end_number(const std::optional<std::string>& valid_to) {
  return valid_to ? date_number(*valid_to) : mapdata::kOpenEnd;
}

/// [from, to) overlaps year: starts by its 31 December and ends after its 1 January.
bool overlaps_year(const std::string& from, const std::optional<std::string>& to, int year) {
  return from <= year_end(year) && to.value_or(std::string(antt::kOpenEnd)) > year_start(year);
}

/// "123/QĐ-UBND ngày 20/12/2015", as decisions are cited in Vietnamese documents.
std::string decision_text(const std::string& number, const std::string& date) {
  std::string out = number;
  if (date.size() >= 10) {
    if (!out.empty()) out += " ";
    out += "ngày " + date.substr(8, 2) + "/" + date.substr(5, 2) + "/" + date.substr(0, 4);
  }
  return out;
}

/// "92,5 %": Vietnamese decimal comma.
std::string percent_text(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", share);
  std::string out = text;
  std::replace(out.begin(), out.end(), '.', ',');
  return out + " %";
}

std::string cluster_label(store::ClusterKind kind) {
  return kind == store::ClusterKind::giap_ranh ? "Cụm an ninh trật tự giáp ranh" : "Cụm liên kết an ninh trật tự";
}

std::string kind_text(const UnitVersion& version) {
  return version.subtype.empty() ? std::string(to_string(version.kind)) : version.subtype;
}

/// One row per version of a unit of `kinds` overlapping the year, classed by its status.
std::vector<LayerRow> unit_rows(RowSource& source, const std::vector<UnitKind>& kinds, bool points, int year) {
  const auto statuses = source.store().statuses_of_year(year);
  std::vector<LayerRow> rows;
  for (const auto& version : source.units().versions()) {
    if (std::find(kinds.begin(), kinds.end(), version.kind) == kinds.end() ||
        !overlaps_year(version.valid_from, version.valid_to, year))
      continue;
    LayerRow row;
    row.geometry = points ? source.point(version) : source.area(version);
    if (!row.geometry) continue;
    row.key = version.code + "@" + version.valid_from;
    row.vfrom = date_number(version.valid_from);
    row.vto = end_number(version.valid_to);
    row.code = version.code;
    row.name = version.name;
    row.kind = kind_text(version);
    row.parent_code = version.parent_code;
    auto status = statuses.find(version.code);
    if (status == statuses.end()) {
      row.class_key = kNoData;
      row.label = kNoDataLabel;
    } else {
      row.class_key = to_string(status->second.status);
      row.label = store::vietnamese_label(status->second.status);
      row.decision = decision_text(status->second.decision_number, status->second.decision_date);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LayerRow> district_rows(RowSource& source, const std::vector<UnitKind>& kinds, int year) {
  std::optional<stats::YearStats> year_stats;
  try {
    year_stats = stats::compute_stats(source.store(), year);
  } catch (const InputError&) {
    // No province to count (e.g. a store holding only units): districts show no data.
  }
  std::map<std::string, const stats::AreaStats*> by_code;
  if (year_stats)
    for (const auto& area : year_stats->districts) by_code[area.code] = &area;
  auto rows = unit_rows(source, kinds, false, year);
  for (auto& row : rows) {
    row.decision.clear();
    auto area = by_code.find(row.code);
    // Statistics count the units of 31 December: a district version that ended earlier has none.
    bool counted = area != by_code.end() && row.vto > year_end_number(year);
    if (!counted || area->second->pooled.with_status == 0 || area->second->pooled.total == 0) {
      row.class_key = kNoData;
      row.label = kNoDataLabel;
      if (counted) row.total = area->second->pooled.total;
      continue;
    }
    const auto& pooled = area->second->pooled;
    row.share = pooled.share_recognised();
    row.recognised = pooled.recognised;
    row.total = pooled.total;
    row.class_key = stats::share_grade(pooled);
    row.label = "Đạt " + percent_text(*row.share);
  }
  return rows;
}

std::vector<LayerRow> hotspot_rows(RowSource& source, int year) {
  std::vector<LayerRow> rows;
  for (const auto& hotspot : source.store().hotspots()) {
    if (!overlaps_year(hotspot.valid_from, hotspot.valid_to, year)) continue;
    // The commune as it was at the end of the designation's part of the year.
    const std::string window_from = std::max(hotspot.valid_from, year_start(year));
    const std::string window_to =
        std::min(hotspot.valid_to.value_or(std::string(antt::kOpenEnd)), year_start(year + 1));
    const UnitVersion* commune = nullptr;
    for (const UnitVersion* version : source.units().of_code(hotspot.commune_code))
      if (version->valid_from < window_to && version->valid_to.value_or(std::string(antt::kOpenEnd)) > window_from)
        commune = version;
    if (!commune) continue;
    LayerRow row;
    row.geometry = source.area(*commune);
    if (!row.geometry) continue;
    row.key = std::to_string(hotspot.id);
    row.vfrom = std::max(date_number(hotspot.valid_from), date_number(commune->valid_from));
    row.vto = std::min(end_number(hotspot.valid_to), end_number(commune->valid_to));
    row.code = commune->code;
    row.name = commune->name;
    row.kind = kind_text(*commune);
    row.parent_code = commune->parent_code;
    row.class_key = "hotspot";
    row.label = "Địa bàn trọng điểm phức tạp về ANTT";
    row.decision = hotspot.decision;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LayerRow> cluster_rows(RowSource& source, int year) {
  std::map<std::string, store::Cluster> clusters;
  for (auto& cluster : source.store().clusters()) clusters[cluster.code] = cluster;
  std::vector<LayerRow> rows;
  for (const auto& cluster_year : source.store().cluster_years(year)) {
    if (cluster_year.member_codes.empty()) continue;
    std::vector<const UnitVersion*> members;
    for (const auto& code : cluster_year.member_codes)
      if (const UnitVersion* member = source.units().of_year(code, year)) members.push_back(member);
    LayerRow row;
    row.geometry = source.union_of(members);
    if (!row.geometry) continue;
    row.key = cluster_year.cluster_code;
    row.vfrom = year_start_number(year);
    row.vto = year_start_number(year + 1);
    row.code = cluster_year.cluster_code;
    auto cluster = clusters.find(cluster_year.cluster_code);
    if (cluster != clusters.end()) {
      row.name = cluster->second.name;
      row.kind = to_string(cluster->second.kind);
      row.label = cluster_label(cluster->second.kind);
    }
    row.class_key = "cluster";
    for (const auto& code : cluster_year.member_codes) row.members += (row.members.empty() ? "" : ",") + code;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<LayerRow> model_rows(RowSource& source, int year) {
  const auto effectiveness = source.store().model_effectiveness(year);
  std::vector<LayerRow> rows;
  for (const auto& model : source.store().models()) {
    if (!model.founded.empty() && model.founded > year_end(year)) continue;
    LayerRow row;
    if (!model.location_wkb.empty()) {
      row.geometry = source.geometry("model " + model.code, model.location_wkb);
    } else if (const UnitVersion* runner = source.units().of_year(model.unit_code, year)) {
      row.geometry = source.point(*runner);
    }
    if (!row.geometry) continue;
    auto rating = effectiveness.find(model.id);
    const bool effective = rating != effectiveness.end() && rating->second;
    row.key = model.code;
    row.vfrom = model.founded.empty() ? date_number(store::kOpenStart) : date_number(model.founded);
    row.code = model.code;
    row.name = model.name;
    row.kind = model.type;
    row.parent_code = model.unit_code;
    row.class_key = model.type;
    row.effective = effective ? 1 : 0;
    row.label = effective ? "Mô hình tự quản hoạt động có hiệu quả" : "Mô hình tự quản chưa được đánh giá hiệu quả";
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

RowBuilder standard_row_builder(const std::string& name, const std::vector<store::UnitKind>& kinds, bool points) {
  if (name == "unit_status") {
    if (kinds.empty()) throw Error("layers.json: rows 'unit_status' needs the unit kinds it shows");
    return [kinds, points](RowSource& source, int year) { return unit_rows(source, kinds, points, year); };
  }
  if (name == "district_share") {
    if (kinds.empty()) throw Error("layers.json: rows 'district_share' needs the unit kinds it shows");
    return [kinds](RowSource& source, int year) { return district_rows(source, kinds, year); };
  }
  if (name == "hotspots") return [](RowSource& source, int year) { return hotspot_rows(source, year); };
  if (name == "clusters") return [](RowSource& source, int year) { return cluster_rows(source, year); };
  if (name == "models") return [](RowSource& source, int year) { return model_rows(source, year); };
  throw Error("layers.json: unknown row builder '" + name +
              "'; known: unit_status, district_share, hotspots, clusters, models");
}

}  // namespace antt::layers
