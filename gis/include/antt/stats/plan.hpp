#pragma once
// The programme's plans and their targets. The province's first plan (Đề án 886/QĐ-UBND, 2012-2020)
// is built in; later plans (2021-2025, 2026-2030…) are configured in the store (`anttmap plan set`),
// audited like every other write. The plan in force in a year is the one that started last by then,
// and it stays in force past its last year until a later plan replaces it: statistics, reports and
// the viewer measure a year against the targets of that plan only.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/store/store.hpp"

namespace antt::stats {

/// The indicator id of the share of units recognised "An toàn về ANTT" (the programme's headline).
inline constexpr std::string_view kRecognisedIndicator = "recognised";

/// A target from `from_year` on: `percent` of the units, "trên X %" (strictly over) or "X %" (at least).
struct PlanTarget {
  int from_year = 0;
  double percent = 0;
  bool strictly_over = false;
  bool met_by(double share) const;
  std::string text() const;  ///< "trên 70 %", "100 %"
};

struct ProgrammePlan {
  std::string id;        ///< "886/QĐ-UBND" (the decision's number is a natural id)
  std::string title;     ///< "Đề án … giai đoạn 2012-2020"
  std::string decision;  ///< number and date of the decision that adopted it
  int from_year = 0;
  int to_year = 0;
  bool built_in = false;
  /// Indicator id -> its targets, by from_year ascending. An indicator the plan does not name has no
  /// target while the plan is in force.
  std::map<std::string, std::vector<PlanTarget>> targets;

  /// The target of `indicator` in `year` (the last step started by then); nothing when none.
  std::optional<PlanTarget> target(std::string_view indicator, int year) const;
  /// "trên 70 % từ 2015, trên 90 % từ 2020": the steps of `indicator`, for sentences.
  std::string steps_text(std::string_view indicator) const;
};

/// Đề án 886/QĐ-UBND (2012-2020): over 70 % recognised from 2015, over 90 % from 2020; models in
/// every commune from 2015, in over 70 % of agencies, enterprises and schools from 2015 and all from
/// 2020; the §II.2 and §III.6 indicators at 100 %.
const ProgrammePlan& founding_plan();

/// Every plan: the founding one and those configured in `store`, by from_year.
std::vector<ProgrammePlan> programme_plans(const store::Store& store);

/// The plan in force in `year` among `plans` (sorted by from_year): the last one started by then;
/// before the first one, the first.
const ProgrammePlan& plan_in_force(const std::vector<ProgrammePlan>& plans, int year);

/// Reads a plan from its JSON form (`anttmap plan set FILE`): id, title, decision, from_year,
/// to_year, targets {indicator: percent | {percent, strictly_over, from_year} | [those…]}.
/// InputError naming the field and what is wrong: an unknown indicator or key, a share outside
/// 0-100, a step outside the plan's years, steps out of order.
ProgrammePlan parse_plan(const nlohmann::json& document);
nlohmann::json to_json(const ProgrammePlan& plan);
/// The plan's targets in force in `year`, as the API and `plan show --year` give them.
nlohmann::json targets_json(const ProgrammePlan& plan, int year);

/// Adds `plan` to the store's configured plans, or replaces the one with its id, in one audited
/// write. InputError when its years start the same year as another plan, or when it would replace
/// the founding plan.
void save_plan(store::Store& store, const store::Actor& actor, const ProgrammePlan& plan);
/// Removes the configured plan `id` (audited). InputError when there is none (or it is built in).
void remove_plan(store::Store& store, const store::Actor& actor, const std::string& id);

}  // namespace antt::stats
