#include "antt/exporter/cluster_export.hpp"

#include <algorithm>
#include <map>

#include "antt/core/date.hpp"
#include "antt/geo/geos.hpp"
#include "export_job.hpp"

namespace antt::exporter {
namespace {

// Shapefile names documented in cluster_export.hpp.
constexpr Attribute kClusterAttributes[] = {
    {"code", "code", OFTString, 20},
    {"name", "name", OFTString, 160},
    {"kind", "kind", OFTString, 12},
    {"year", "year", OFTInteger, 4},
    {"members", "members", OFTString, 254},
    {"member_count", "mem_count", OFTInteger, 6},
    {"standing_unit", "stand_unit", OFTString, 20},
    {"standing_name", "stand_name", OFTString, 120},
};

/// The grid a failed union is retried on: 1e-8° ≈ 1 mm.
constexpr double kRetryGridDegrees = 1e-8;

std::string joined(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) out += (out.empty() ? "" : ";") + code;
  return out;
}

bool is_polygonal(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  const int type = GEOSGeomTypeId_r(context.get(), geometry);
  return type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
}

/// The union of the members' polygons as a MultiPolygon in EPSG:4326; null when none has one.
geo::OgrGeometry union_of_members(const geo::GeosContext& context, const std::vector<const store::UnitVersion*>& members) {
  std::vector<geo::Geometry> owned;
  std::vector<const GEOSGeometry*> parts;
  for (const auto* member : members) {
    if (member->geometry_wkb.empty()) continue;
    auto geometry = geo::Geometry::from_wkb(context, member->geometry_wkb);
    if (geometry.is_empty() || !is_polygonal(context, geometry.get())) continue;
    parts.push_back(geometry.get());
    owned.push_back(std::move(geometry));
  }
  if (parts.empty()) return geo::OgrGeometry();
  auto merged = geo::OgrGeometry::from_wkb(geo::union_of(context, parts, kRetryGridDegrees).wkb());
  return geo::OgrGeometry(OGR_G_ForceToMultiPolygon(merged.release()));
}

}  // namespace

ExportResult export_clusters(const store::Store& store, const std::string& path, const ExportOptions& options,
                             const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  const ExportJob job(path, options);

  std::optional<int> year = options.year;
  if (!year) {
    auto years = store.years_with_clusters();
    if (!years.empty()) year = years.back();
  }
  OutputLayer layer{job.main_layer(), job.format().geometry ? wkbMultiPolygon : wkbNone, {}};
  if (year) {
    const std::string date = year_end(*year);
    std::map<std::string, store::Cluster> clusters;
    for (auto& cluster : store.clusters()) clusters.emplace(cluster.code, std::move(cluster));
    const auto years = store.cluster_years(*year);

    // Every unit a cluster names, as valid on 31 December (geometry only when the format takes it).
    std::map<std::string, std::optional<store::UnitVersion>> units;
    for (const auto& entry : years) {
      for (const auto& code : entry.member_codes) units.emplace(code, std::nullopt);
      if (!entry.standing_unit_code.empty()) units.emplace(entry.standing_unit_code, std::nullopt);
    }
    for (auto& [code, unit] : units) unit = store.unit_at(code, date, job.format().geometry);
    report(0.1);

    geo::GeosContext context;
    size_t done = 0;
    for (const auto& entry : years) {
      const auto found = clusters.find(entry.cluster_code);
      const store::Cluster* cluster = found == clusters.end() ? nullptr : &found->second;
      std::vector<const store::UnitVersion*> members;
      for (const auto& code : entry.member_codes)
        if (const auto& unit = units.at(code)) members.push_back(&*unit);
      std::string standing_name;
      if (!entry.standing_unit_code.empty())
        if (const auto& unit = units.at(entry.standing_unit_code)) standing_name = unit->name;

      const std::string what = "cluster " + entry.cluster_code;
      OutputFeature feature{{entry.cluster_code, cluster ? cluster->name : std::string(),
                             cluster ? std::string(store::to_string(cluster->kind)) : std::string(), *year,
                             joined(entry.member_codes), static_cast<int>(entry.member_codes.size()),
                             entry.standing_unit_code, standing_name},
                            job.format().geometry ? job.output_geometry(union_of_members(context, members), what)
                                                  : geo::OgrGeometry(),
                            what};
      layer.features.push_back(std::move(feature));
      report(0.1 + 0.4 * static_cast<double>(++done) / years.size());
    }
  }
  report(0.5);
  std::vector<OutputLayer> layers;
  layers.push_back(std::move(layer));
  auto result = job.write(kClusterAttributes, layers, [&](double f) { report(0.5 + 0.5 * f); });
  report(1);
  return result;
}

}  // namespace antt::exporter
