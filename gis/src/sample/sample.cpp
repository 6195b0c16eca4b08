#include "antt/sample/sample.hpp"

#include <map>

#include "antt/core/error.hpp"
#include "reform_2025.hpp"
#include "world.hpp"

namespace antt::sample {

SampleData generate_sample(const SampleOptions& options, const std::function<void(double)>& progress) {
  if (options.scale < 1 || options.scale > 50)
    throw UsageError("--scale must be between 1 and 50 (10 = a province ten times larger, for benchmarks)");
  auto report = [&](double fraction) {
    if (progress) progress(fraction);
  };
  report(0.0);
  const World world = build_world(options, [&](double f) { report(0.75 * f); });
  SampleData data;
  add_admin_units(world, data);
  report(0.85);
  auto facilities = add_facilities(world, data);
  add_movement(world, facilities, data);
  data.summary.lineage_events = static_cast<int>(data.lineage.size());
  report(1.0);
  return data;
}

SampleSummary load_sample(store::Store& store, const store::Actor& actor, const SampleOptions& options,
                          const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(fraction);
  };
  if (!store.units(store::UnitQuery{std::nullopt, {}, std::string(kProvinceCode), false}).empty())
    throw InputError(
        "the store already holds province 17 (Hòa Bình); load the sample into a new store: "
        "anttmap --db sample.sqlite init && anttmap --db sample.sqlite sample");
  SampleData data = generate_sample(options, [&](double f) { report(0.4 * f); });

  const size_t total = data.units.size() + data.lineage.size() + data.hotspots.size() + data.clusters.size() +
                       data.cluster_years.size() + data.models.size() + data.model_years.size() + data.statuses.size() +
                       data.core_forces.size() + data.festivals.size() + 1;
  size_t done = 0;
  auto step = [&] {
    if (++done % 2000 == 0) report(0.4 + 0.6 * static_cast<double>(done) / static_cast<double>(total));
  };
  store.write(actor, [&] {
    for (const auto& [key, value] : data.settings) store.set_setting(key, value);
    for (const auto& unit : data.units) store.insert_unit(unit), step();
    for (const auto& event : data.lineage) store.add_lineage_event(event), step();
    for (const auto& hotspot : data.hotspots) store.add_hotspot(hotspot), step();
    for (const auto& cluster : data.clusters) store.add_cluster(cluster), step();
    for (const auto& year : data.cluster_years) store.set_cluster_year(year), step();
    std::map<std::string, std::int64_t> model_ids;
    for (const auto& model : data.models) model_ids[model.code] = store.add_model(model), step();
    for (const auto& year : data.model_years)
      store.set_model_year({model_ids.at(year.model_code), year.year, year.effective}), step();
    for (const auto& status : data.statuses) store.add_status(status), step();
    for (const auto& force : data.core_forces) store.set_core_force(force), step();
    for (const auto& festival : data.festivals) store.set_festival(festival), step();
    // The real 2025 reform has one province's worth of boundaries; the benchmark copies keep 2020's units.
    if (options.scale == 1) data.summary.lineage_events += replay_2025_reform(store, actor, options.seed);
  });
  report(1.0);
  return data.summary;
}

}  // namespace antt::sample
