#include "antt/exporter/exporter.hpp"

#include <algorithm>
#include <map>

#include "antt/core/date.hpp"
#include "antt/editing/lineage.hpp"
#include "export_job.hpp"

namespace antt::exporter {
namespace {

using store::UnitVersion;

// Shapefile names: parent_code → parent, decision_date → dec_date (documented in exporter.hpp).
constexpr Attribute kUnitAttributes[] = {
    {"code", "code", OFTString, 20},           {"name", "name", OFTString, 120},
    {"kind", "kind", OFTString, 12},           {"subtype", "subtype", OFTString, 10},
    {"parent_code", "parent", OFTString, 20},  {"valid_from", "valid_from", OFTString, 10},
    {"valid_to", "valid_to", OFTString, 10},   {"year", "year", OFTInteger, 4},
    {"status", "status", OFTString, 16},       {"decision", "decision", OFTString, 60},
    {"decision_date", "dec_date", OFTString, 10}, {"authority", "authority", OFTString, 120},
    {"note", "note", OFTString, 254},
};

/// The attribute values of a unit, in kUnitAttributes order.
std::vector<FieldValue> unit_values(const UnitVersion& unit, const store::StatusRecord* status,
                                    const std::optional<int>& year) {
  std::vector<FieldValue> values{unit.code,
                                 unit.name,
                                 std::string(store::to_string(unit.kind)),
                                 unit.subtype,
                                 unit.parent_code,
                                 unit.valid_from,
                                 unit.valid_to.value_or(""),
                                 year ? FieldValue(*year) : FieldValue()};
  if (status) {
    values.insert(values.end(), {std::string(store::to_string(status->status)), status->decision_number,
                                 status->decision_date, status->authority, status->note});
  }
  values.resize(std::size(kUnitAttributes));
  return values;
}

int kind_rank(store::UnitKind kind) {
  const auto& kinds = store::all_unit_kinds();
  return static_cast<int>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
}

}  // namespace

ExportResult export_units(const store::Store& store, const std::string& path, const ExportOptions& options,
                          const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  const std::string points_name = std::filesystem::path(path).stem().string() + "_points";
  const ExportJob job(path, options, {points_name});
  const Format& format = job.format();

  // What to export.
  const std::string date = options.date ? require_iso_date(*options.date, "export date")
                           : options.year ? year_end(*options.year)
                                          : today();
  std::optional<int> status_year = options.date ? std::optional<int>(year_of(date)) : options.year;
  if (!status_year) {
    auto years = store.years_with_status();
    if (!years.empty()) status_year = *std::max_element(years.begin(), years.end());
  }
  const auto statuses = status_year ? store.statuses_of_year(*status_year) : std::map<std::string, store::StatusRecord>{};
  store::UnitQuery query;
  query.at_date = date;
  if (options.kind) query.kinds = {*options.kind};
  auto units = store.units(query);
  std::stable_sort(units.begin(), units.end(), [](const UnitVersion& a, const UnitVersion& b) {
    return std::pair(kind_rank(a.kind), a.code) < std::pair(kind_rank(b.kind), b.code);
  });

  OutputLayer areas{job.main_layer(), wkbMultiPolygon, {}}, points{points_name, wkbPoint, {}};
  for (const auto& unit : units) {
    auto found = statuses.find(unit.code);
    const std::string what = "unit " + unit.code;
    OutputFeature feature{unit_values(unit, found == statuses.end() ? nullptr : &found->second, status_year),
                          job.output_geometry(unit.geometry_wkb, what), what};
    bool is_point = feature.geometry && feature.geometry.flat_type() == wkbPoint;
    (format.split_points && is_point ? points : areas).features.push_back(std::move(feature));
  }
  report(0.1);

  std::vector<OutputLayer> layers;
  if (areas.features.empty() || points.features.empty()) {  // one layer, named after the file
    OutputLayer only = std::move(areas.features.empty() ? points : areas);
    only.name = job.main_layer();
    only.type = !format.geometry       ? wkbNone
                : !format.split_points ? wkbUnknown
                : only.type;
    layers.push_back(std::move(only));
  } else {  // GeoPackage: a second layer; Shapefile (one geometry type per file): a second file
    layers.push_back(std::move(areas));
    layers.push_back(std::move(points));
  }
  // The lineage events travel with a GeoPackage (`anttmap lineage load` reads them back).
  std::vector<OutputTable> tables;
  if (format.driver == "GPKG") {
    OutputTable lineage{"lineage", {}, {}};
    for (const auto& column : editing::lineage_columns())
      lineage.attributes.push_back({column.c_str(), column.c_str(), OFTString, 0});
    for (auto& row : editing::lineage_rows(store)) {
      OutputFeature feature;
      for (auto& value : row) feature.values.emplace_back(std::move(value));
      feature.what = "lineage event";
      lineage.rows.push_back(std::move(feature));
    }
    tables.push_back(std::move(lineage));
  }
  auto result = job.write(kUnitAttributes, layers, [&](double f) { report(0.1 + 0.9 * f); }, tables);
  report(1);
  return result;
}

}  // namespace antt::exporter
