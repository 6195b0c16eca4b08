#pragma once
// Yearly statistics against the programme's targets (Đề án 886/QĐ-UBND, 2012-2020):
// share of units recognised "An toàn về ANTT" — over 70 % by 2015, over 90 % by 2020 (strictly
// over, as the programme says) — and its other indicators, per district and for the province,
// with units as they were on 31 December of the year.
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "antt/stats/plan.hpp"
#include "antt/store/store.hpp"

namespace antt::stats {

/// Counts of one kind (or pooled). "registered" counts every unit that entered the year's cycle
/// (registered, proposed, recognised, not recognised or revoked); "proposed" those proposed for
/// recognition (proposed, recognised, not recognised, revoked); "recognised" those recognised.
struct Counts {
  int total = 0;
  int with_status = 0;
  int registered = 0;
  int proposed = 0;
  int recognised = 0;
  double share_recognised() const;  ///< percent of total; 0 when total is 0
};

/// A programme indicator: numerator of denominator units, against an optional target.
struct Indicator {
  std::string id;
  std::string label;  ///< Vietnamese
  int numerator = 0;
  int denominator = 0;
  std::optional<double> target;  ///< percent
  bool strictly_over = false;    ///< "trên X %" (>) rather than "X %" (≥)
  double share() const;
  std::optional<bool> meets() const;  ///< nothing when there is no target or no unit
};

struct AreaStats {
  std::string code;
  std::string name;
  std::map<std::string, Counts> by_kind;  ///< village, commune, agency, enterprise, school
  Counts pooled;
  std::optional<double> target;  ///< recognised-share target of the plan in force that year
  bool target_strictly_over = true;  ///< "trên X %" (>) rather than "X %" (≥)
  std::vector<Indicator> indicators;
  /// Sums over the area's units of the plan's counted indicators recorded that year (id ->
  /// total: "propaganda_sessions", "budget_spent_vnd"…) and how many units have each grade
  /// ("movement_grade:kha"…); antt/editing/indicators.hpp.
  std::map<std::string, double> totals;
  std::optional<bool> meets_target() const;
};

struct YearStats {
  int year = 0;
  std::string date;  ///< 31 December of the year
  AreaStats province;
  /// What `districts` holds: "district", or "commune" when the province has no districts on the
  /// date (from 2025-07-01); "former_district" / "former_province" when grouped (AreaGrouping).
  std::string area_level = "district";
  std::string grouped_as_of;  ///< the grouping's reference date; empty when not grouped
  std::vector<AreaStats> districts;
  /// Statuses as known at this instant (UTC, antt::parse_known_at); empty: everything recorded.
  std::string known_at;
  /// The programme's plan in force that year, whose targets the figures are measured against.
  ProgrammePlan plan;
};

/// The founding plan's recognised-share target in `year`: >70 % from 2015, >90 % from 2020 (a store
/// may configure later plans: compute_stats measures each year against the plan in force).
std::optional<double> recognised_target(int year);

/// Areas of an earlier date to group a year's units by, for comparisons across a reform: the 2026
/// communes of Phú Thọ by the districts (or provinces) they lay in before 2025-07-01.
struct AreaGrouping {
  std::string level;           ///< "former_district" or "former_province"
  std::string reference_date;  ///< the day whose districts (provinces) are the areas
  std::vector<std::pair<std::string, std::string>> areas;  ///< code, name on the reference date
  std::map<std::string, std::string> area_of_commune;      ///< the year's commune -> its area's code
};

/// The grouping of `year`'s communes by the units of `level` ("district" or "province") valid on
/// `reference_date` (default: the day before the last such unit of the store ended by the end of the
/// year, 2025-06-30 for the 2025 reform): each commune goes to the area whose communes of that day
/// held most of its ground, among those it came from through lineage (equal weights when their
/// boundaries do not meet it), else among all by overlap. UsageError when no unit of that level had ended by then and no date is given.
AreaGrouping former_areas(const store::Store& store, int year, const std::string& level,
                          std::optional<std::string> reference_date = {});

/// Computes the statistics of `year`. `province_code` defaults to the store's home province
/// (setting "home_province"), else the only province that has districts.
/// `known_at` (UTC instant, antt::parse_known_at): count the statuses as they had been recorded by
/// then, leaving out later rows and corrections (a report printed again later shows what was known).
/// With `grouping`, the areas are its former units instead of the year's districts (communes).
YearStats compute_stats(const store::Store& store, int year, std::optional<std::string> province_code = {},
                        const std::optional<std::string>& known_at = {}, const AreaGrouping* grouping = nullptr);

/// The grade a district (or any area) is drawn with on the district_share style: "no_data" when no
/// unit has a status, else "below_70" (share <= 70 %), "above_70" (<= 90 %) or "above_90".
std::string share_grade(const Counts& pooled);

nlohmann::json to_json(const YearStats& stats);
/// One year's recognition re-expressed on one unit of a later date.
struct ReexpressedYear {
  int year = 0;
  double area_km2 = 0;             ///< the unit's ground covered by that year's communes that came into it
  double recognised_area_km2 = 0;  ///< of which in communes recognised that year
  int villages = 0;                ///< villages of that year that came into the unit
  int villages_recognised = 0;
  std::optional<double> area_share() const;     ///< percent; nothing without ground
  std::optional<double> village_share() const;  ///< percent; nothing without villages
};

struct ReexpressedUnit {
  std::string code, name;
  std::vector<ReexpressedYear> years;
};

/// History on today's units: for each commune valid on `on_date` (in the province, default the
/// home one or what it became), the share of its ground and of its villages that was recognised
/// in each of `years`. A year's commune gives its ground to the units that descend from it through
/// lineage, in proportion to how it overlaps each (equal shares when it overlaps none of them);
/// a unit without lineage counts the communes that overlap it. A village counts for the unit it
/// belongs to on `on_date`, or, gone by then, for the unit holding it.
std::vector<ReexpressedUnit> reexpress(const store::Store& store, const std::string& on_date,
                                       const std::vector<int>& years, std::optional<std::string> province_code = {});
nlohmann::json to_json(const std::vector<ReexpressedUnit>& units, const std::string& on_date);

/// A plain-text table for the terminal.
std::string to_text(const YearStats& stats);
/// Writes the same tables to an .xlsx workbook (GDAL's XLSX driver): one sheet per kind and pooled,
/// one for the indicators.
void write_xlsx(const YearStats& stats, const std::string& path);

}  // namespace antt::stats
