#pragma once
// The programme's indicators beyond recognition (Đề án 886/QĐ-UBND 2012-2020, §II-§V): what each
// one is, which units report it, its kind of value and its target, and the one write path that
// records them (CLI `anttmap record`, later the API and the plugin). Values are append-only
// (store::IndicatorValue), so a report as of a past moment leaves out a later correction. The 19/8
// festival and the core forces keep their own tables (statistics read them since the first
// version); recording them here writes there.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/store/store.hpp"

namespace antt::editing {

enum class IndicatorKind {
  count,    ///< a whole number >= 0 (sessions, people, courses)
  percent,  ///< 0..100 (share of households that signed the pledge)
  yes_no,   ///< 1 or 0 (a resolution adopted, the festival held)
  grade,    ///< "kha", "trung_binh", "yeu" (the movement's quality)
  money,    ///< Vietnamese đồng, a whole number >= 0
};
std::string_view to_string(IndicatorKind kind);

struct IndicatorDefinition {
  std::string id;
  std::string label_vi;
  std::string label_en;
  IndicatorKind kind = IndicatorKind::count;
  std::vector<store::UnitKind> reported_by;  ///< the kinds of unit that report it
  /// yes_no: the share of reporting units answering yes; percent: the share of reporting units at
  /// 100 %. Nothing: no target in the plan (the figure is summed).
  std::optional<double> target;
  std::string source;  ///< where the plan names it
};

/// Whether units of `kind` report `definition`.
bool reported_by(const IndicatorDefinition& definition, store::UnitKind kind);

/// Every indicator, in the order forms and reports list them.
const std::vector<IndicatorDefinition>& indicator_definitions();
/// The indicator `id`; UsageError naming the known ids.
const IndicatorDefinition& indicator_definition(std::string_view id);

/// The grades of IndicatorKind::grade: key and Vietnamese label.
const std::vector<std::pair<std::string, std::string>>& movement_grades();

/// Reads `text` as a value of `definition` into `value.number` / `value.text`: "12", "85,5" or
/// "85.5", "có"/"không"/"yes"/"no"/"1"/"0", "khá"/"trung bình"/"yếu" (or their keys), "1.500.000".
/// InputError naming the indicator, the text and what it must be.
void parse_indicator_value(const IndicatorDefinition& definition, std::string_view text, store::IndicatorValue& value);

/// The value as people write it: "12", "85,5 %", "có", "khá", "1.500.000 đ".
std::string format_indicator_value(const IndicatorDefinition& definition, const store::IndicatorValue& value);

/// Records `values` (indicator id, text) for `unit_code` in `year` in one audited transaction, all or
/// nothing: InputError when no unit of that code is valid on 31 December of the year, when its kind
/// does not report an indicator, or for a value that does not read (nothing is written then).
/// Returns the values as recorded.
std::vector<store::IndicatorValue> record_indicators(store::Store& store, const store::Actor& actor,
                                                     const std::string& unit_code, int year,
                                                     const std::vector<std::pair<std::string, std::string>>& values,
                                                     const std::string& note);

/// Records values already read (parse_indicator_value), for any units and years, in one audited
/// transaction, all or nothing: InputError when a unit is not valid on 31 December of its year, does
/// not report an indicator, or an indicator of a unit and year comes twice. `also` runs inside the
/// same transaction (other records of the same form). Returns the values as recorded.
std::vector<store::IndicatorValue> record_indicator_values(store::Store& store, const store::Actor& actor,
                                                           std::vector<store::IndicatorValue> values,
                                                           const std::function<void()>& also = {});

/// InputError when units of `unit`'s kind do not report `definition`.
void check_unit_reports(const IndicatorDefinition& definition, const store::UnitVersion& unit);

/// Every value in force in `year` (as known at `known_at` when given), the festival and core force
/// rows included, by (unit code, indicator id).
std::map<std::pair<std::string, std::string>, store::IndicatorValue> indicators_in_force(
    const store::Store& store, int year, const std::optional<std::string>& known_at = {});

/// The values of `unit_code` in force in `year` (as known at `known_at` when given), the festival
/// and core force rows included, in the order of indicator_definitions().
std::vector<store::IndicatorValue> indicators_of_unit(const store::Store& store, const std::string& unit_code, int year,
                                                      const std::optional<std::string>& known_at = {});

/// A value as the CLI and the API give it: indicator, label, kind, value, shown, note, recorded_at,
/// recorded_by.
nlohmann::json indicator_value_json(const store::IndicatorValue& value);

}  // namespace antt::editing
