#pragma once
// The sample province: Hòa Bình's real districts and communes (GSO names and codes, 2008-2019
// and 2020-2025, with the 2020 mergers) on synthetic but plausible boundaries, plus synthetic
// villages, agencies, enterprises, schools, border clusters, self-management models, hotspots and
// yearly statuses 2012-2020. Deterministic: the same options give byte-identical output.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "antt/store/model.hpp"
#include "antt/store/store.hpp"

namespace antt::sample {

struct SampleOptions {
  int scale = 1;  ///< 10 = a synthetic province ten times larger (codes suffixed "-2" … "-10"), for benchmarks
  std::uint64_t seed = 2012;
};

struct SampleSummary {
  int districts = 0, communes_2019 = 0, communes_2020 = 0, villages = 0, agencies = 0, enterprises = 0, schools = 0,
      neighbour_communes = 0, clusters = 0, models = 0, hotspots = 0, status_rows = 0, lineage_events = 0;
};

/// A yearly effectiveness row of a model, keyed by the model's code (its store id is not known yet).
struct SampleModelYear {
  std::string model_code;
  int year = 0;
  bool effective = false;
};

/// Everything the sample holds, as plain values in the order they are written.
struct SampleData {
  std::vector<store::UnitVersion> units;  ///< parents before children
  std::vector<store::LineageEvent> lineage;
  std::vector<store::HotspotDesignation> hotspots;
  std::vector<store::Cluster> clusters;
  std::vector<store::ClusterYear> cluster_years;
  std::vector<store::SelfManagementModel> models;
  std::vector<SampleModelYear> model_years;
  std::vector<store::StatusRecord> statuses;
  std::vector<store::CoreForce> core_forces;
  std::vector<store::Festival> festivals;
  std::vector<std::pair<std::string, std::string>> settings;
  SampleSummary summary;
};

/// Generates the sample without touching a store. `progress` (may be empty) gets 0..1.
/// Throws UsageError for a scale outside 1..50.
SampleData generate_sample(const SampleOptions& options, const std::function<void(double)>& progress = {});

/// Generates the sample province and writes it through `store` in ONE store.write(actor, ...) transaction.
/// `progress` (may be empty) is called with a fraction 0..1.
SampleSummary load_sample(store::Store& store, const store::Actor& actor, const SampleOptions& options,
                          const std::function<void(double)>& progress = {});

}  // namespace antt::sample
