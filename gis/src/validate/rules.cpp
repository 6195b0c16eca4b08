// Checks on the register rather than the tiling: parents that do not exist, border-area
// clusters that fall apart, and communes recognised without 70 % of their villages (TT 23/2012).
#include <algorithm>
#include <numeric>

#include "antt/core/date.hpp"
#include "checks.hpp"

namespace antt::validate::detail {
namespace {

/// Union-find over cluster members.
class Components {
 public:
  explicit Components(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  std::size_t root(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) { parent_[root(a)] = root(b); }

 private:
  std::vector<std::size_t> parent_;
};

std::string join_codes(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) out += (out.empty() ? "" : ", ") + code;
  return out;
}

}  // namespace

void check_parent_missing(const ValidationInput& input, FindingSink& sink) {
  for (const UnitEntry& entry : input.units) {
    const auto& unit = entry.version;
    if (unit.parent_code.empty() || input.by_code.count(unit.parent_code)) continue;
    if (sink.filtering() && !entry.candidate) continue;
    Finding finding;
    finding.severity = Severity::error;
    finding.problem = "parent_missing";
    finding.message = label(unit) + ": đơn vị cấp trên " + unit.parent_code + " không tồn tại ngày " + input.date +
                      " / parent " + unit.parent_code + " does not exist on " + input.date;
    finding.units = {unit.code};
    finding.where_wkt = point_on_surface_wkt(input.context, entry.geometry.get());
    sink.add(std::move(finding));
  }
}

void check_clusters(const ValidationInput& input, const store::Store& store, FindingSink& sink) {
  std::map<std::string, std::string> names;
  for (const auto& cluster : store.clusters()) names[cluster.code] = cluster.name;
  GEOSContextHandle_t context = input.context.get();
  const auto years = store.cluster_years(input.year);
  std::size_t done = 0;
  for (const auto& year : years) {
    input.progress(static_cast<double>(done++) / static_cast<double>(years.size()));
    std::vector<const UnitEntry*> members;
    for (const auto& code : year.member_codes) {
      const UnitEntry* member = input.find(code);
      if (member && member->polygonal) members.push_back(member);
    }
    if (members.size() < 2) continue;
    if (sink.filtering() &&
        std::none_of(members.begin(), members.end(), [](const UnitEntry* m) { return m->candidate; }))
      continue;
    // Members adjoin when they share a boundary point or lie within ≈ 1 m of each other.
    Components components(members.size());
    for (std::size_t a = 0; a < members.size(); ++a)
      for (std::size_t b = a + 1; b < members.size(); ++b)
        if (GEOSDistanceWithin_r(context, members[a]->geometry.get(), members[b]->geometry.get(),
                                 kClusterAdjoinDegrees) == 1)
          components.join(a, b);
    std::map<std::size_t, std::vector<std::string>> parts;
    for (std::size_t a = 0; a < members.size(); ++a) parts[components.root(a)].push_back(members[a]->version.code);
    if (parts.size() < 2) continue;

    std::string pieces;
    for (const auto& [root, codes] : parts) pieces += (pieces.empty() ? "" : " | ") + join_codes(codes);
    const std::string& name = names[year.cluster_code];
    Finding finding;
    finding.severity = Severity::error;
    finding.problem = "cluster_not_connected";
    finding.message = "Cụm " + (name.empty() ? year.cluster_code : name + " (" + year.cluster_code + ")") +
                      " năm " + std::to_string(input.year) + " gồm " + std::to_string(parts.size()) +
                      " phần rời nhau: " + pieces + " / cluster members do not form one connected area";
    finding.units.push_back(year.cluster_code);
    for (const UnitEntry* member : members) finding.units.push_back(member->version.code);
    std::vector<const GEOSGeometry*> geometries;
    for (const UnitEntry* member : members) geometries.push_back(member->geometry.get());
    finding.where_wkt = union_of(input.context, geometries).wkt(kWherePrecision);
    sink.add(std::move(finding));
  }
}

void check_village_share(const ValidationInput& input, const store::Store& store, FindingSink& sink) {
  const auto statuses = store.statuses_of_year(input.year);
  const std::string year_day = year_end(input.year);
  store::UnitQuery villages_query;
  villages_query.at_date = year_day;
  villages_query.kinds = {store::UnitKind::village};
  villages_query.with_geometry = false;
  struct Count {
    int villages = 0;
    int recognised = 0;
  };
  std::map<std::string, Count> counts;
  for (const auto& village : store.units(villages_query)) {
    if (village.parent_code.empty()) continue;
    Count& count = counts[village.parent_code];
    ++count.villages;
    auto status = statuses.find(village.code);
    if (status != statuses.end() && status->second.status == store::StatusValue::recognised) ++count.recognised;
  }
  store::UnitQuery communes_query;
  communes_query.at_date = year_day;
  communes_query.kinds = {store::UnitKind::commune};
  communes_query.with_geometry = false;
  // TT 23/2012 Điều 6: >= 70 % of the khu dân cư recognised. Whether TT 124/2021 (from 2022)
  // keeps the rule is unverified, so later years get a warning.
  const bool tt23 = store::criteria_rule_for_year(input.year) == "TT23/2012/TT-BCA";
  for (const auto& commune : store.units(communes_query)) {
    auto status = statuses.find(commune.code);
    if (status == statuses.end() || status->second.status != store::StatusValue::recognised) continue;
    auto count = counts.find(commune.code);
    if (count == counts.end() || count->second.villages == 0) continue;
    const Count& c = count->second;
    if (c.recognised * 10 >= c.villages * 7) continue;  // exactly 70 % is enough
    const UnitEntry* located = input.find(commune.code);
    if (sink.filtering() && !(located && located->candidate)) continue;
    const int percent = c.recognised * 100 / c.villages;
    Finding finding;
    finding.severity = tt23 ? Severity::error : Severity::warning;
    finding.problem = "commune_recognised_below_village_share";
    finding.message = label(commune) + " được công nhận năm " + std::to_string(input.year) + " nhưng chỉ " +
                      std::to_string(c.recognised) + "/" + std::to_string(c.villages) + " khu dân cư (" +
                      std::to_string(percent) + " %) đạt chuẩn, cần ≥ 70 % (TT 23/2012/TT-BCA) / recognised with " +
                      "under 70 % of its villages recognised" +
                      (tt23 ? "" : " (rule of TT 23/2012; unverified under " +
                                       std::string(store::criteria_rule_for_year(input.year)) + ")");
    finding.units = {commune.code};
    if (located) finding.where_wkt = point_on_surface_wkt(input.context, located->geometry.get());
    sink.add(std::move(finding));
  }
}

}  // namespace antt::validate::detail
