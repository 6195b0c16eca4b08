// validate_store: loads the units valid on the date, applies the candidates, runs the checks
// in one GEOS context, and orders the findings (errors first, then by problem and units).
#include "antt/validate/validator.hpp"

#include <algorithm>
#include <array>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "checks.hpp"

namespace antt::validate {

std::string_view to_string(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

int Report::errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const Finding& f) { return f.severity == Severity::error; }));
}

int Report::warnings() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const Finding& f) { return f.severity == Severity::warning; }));
}

nlohmann::json to_json(const Report& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : report.findings)
    findings.push_back({{"severity", to_string(finding.severity)},
                        {"problem", finding.problem},
                        {"message", finding.message},
                        {"units", finding.units},
                        {"where", finding.where_wkt}});
  return {{"date", report.date},
          {"errors", report.errors()},
          {"warnings", report.warnings()},
          {"findings", std::move(findings)}};
}

namespace detail {

void FindingSink::add(Finding finding, const std::vector<std::string>& also_involved) {
  if (filtering()) {
    auto involved = [&](const std::string& code) { return is_candidate(code); };
    if (std::none_of(finding.units.begin(), finding.units.end(), involved) &&
        std::none_of(also_involved.begin(), also_involved.end(), involved))
      return;
  }
  findings_.push_back(std::move(finding));
}

const UnitEntry* ValidationInput::find(const std::string& code) const {
  auto it = by_code.find(code);
  return it == by_code.end() ? nullptr : &units[it->second];
}

}  // namespace detail

namespace {

std::string resolve_date(const ValidateOptions& options) {
  if (options.date) return require_iso_date(*options.date, "--date");
  if (options.year) {
    if (*options.year < 1 || *options.year > 9999)
      throw InputError("--year: " + std::to_string(*options.year) + " is not a year / không phải năm hợp lệ");
    return year_end(*options.year);
  }
  return today();
}

/// Puts each candidate's geometry in place of the stored one; returns the candidates' codes.
std::set<std::string> apply_candidates(std::vector<store::UnitVersion>& units, const std::vector<Candidate>& candidates,
                                       const std::string& date) {
  std::map<std::string, store::UnitVersion*> by_code;
  for (auto& unit : units) by_code[unit.code] = &unit;
  std::set<std::string> codes;
  for (const auto& candidate : candidates) {
    auto it = by_code.find(candidate.code);
    if (it == by_code.end())
      throw InputError("candidate unit '" + candidate.code + "' does not exist on " + date +
                       "; check the \"code\" property or pass --date / đơn vị '" + candidate.code +
                       "' không tồn tại ngày " + date);
    if (!codes.insert(candidate.code).second)
      throw InputError("candidate unit '" + candidate.code + "' is given twice / đơn vị bị lặp");
    it->second->geometry_wkb = candidate.geometry_wkb;
  }
  return codes;
}

}  // namespace

Report validate_store(const store::Store& store, const ValidateOptions& options,
                      const std::vector<Candidate>& candidates, const std::function<void(double)>& progress) {
  if (!(options.sliver_tolerance_m2 >= 0))
    throw InputError("the sliver tolerance must be a number of m² >= 0 / ngưỡng mảnh vụn phải >= 0");
  Report report;
  report.date = resolve_date(options);
  const int year = options.year.value_or(year_of(report.date));
  auto report_progress = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };

  store::UnitQuery query;
  query.at_date = report.date;
  std::vector<store::UnitVersion> versions = store.units(query);
  std::sort(versions.begin(), versions.end(),
            [](const store::UnitVersion& a, const store::UnitVersion& b) { return a.code < b.code; });
  const std::set<std::string> candidate_codes = apply_candidates(versions, candidates, report.date);

  geo::GeosContext context;
  detail::FindingSink sink(candidate_codes);
  report_progress(0.02);
  const std::vector<detail::UnitEntry> units = detail::load_units(context, std::move(versions), candidate_codes, sink);
  std::map<std::string, std::size_t> by_code;
  for (std::size_t i = 0; i < units.size(); ++i) by_code.emplace(units[i].version.code, i);
  report_progress(0.1);

  // Each check gets a slice of the progress bar proportional to its usual cost.
  struct Stage {
    double weight;
    std::function<void(const detail::ValidationInput&)> run;
  };
  const std::array<Stage, 4> stages{{
      {0.02, [&](const detail::ValidationInput& in) { detail::check_parent_missing(in, sink); }},
      {0.8, [&](const detail::ValidationInput& in) { detail::check_tiling(in, sink); }},
      {0.03, [&](const detail::ValidationInput& in) { detail::check_clusters(in, store, sink); }},
      {0.05, [&](const detail::ValidationInput& in) { detail::check_village_share(in, store, sink); }},
  }};
  double start = 0.1;
  for (const Stage& stage : stages) {
    detail::ValidationInput input{context,
                                  units,
                                  by_code,
                                  report.date,
                                  year,
                                  options.sliver_tolerance_m2,
                                  [&](double f) { report_progress(start + stage.weight * f); }};
    stage.run(input);
    start += stage.weight;
    report_progress(start);
  }

  report.findings = sink.take();
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity == Severity::error;
    if (a.problem != b.problem) return a.problem < b.problem;
    return a.units < b.units;
  });
  report_progress(1.0);
  return report;
}

}  // namespace antt::validate
