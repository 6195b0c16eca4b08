// stats, validate: analysis of the store (moved here from commands_report.cpp).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/stats/stats.hpp"
#include "antt/validate/validator.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int latest_status_year(const store::Store& store) {
  auto years = store.years_with_status();
  if (years.empty()) throw InputError("the store has no yearly status yet; give --year / chưa có dữ liệu trạng thái");
  return years.back();
}

/// `stats --on-units-of DATE --years 2015,2020`: history re-expressed on the units of a date.
int run_reexpress(Context& context, const ParsedArgs& args, const std::string& on_date) {
  auto store = context.open_store();
  std::vector<int> years;
  const std::string list = args.get("years").value_or(args.get("year").value_or(""));
  std::stringstream stream(list);
  for (std::string item; std::getline(stream, item, ',');) {
    try {
      size_t used = 0;
      years.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError("--years takes years separated by commas, e.g. 2015,2020");
    }
  }
  if (years.empty()) throw UsageError("--on-units-of needs --years, e.g. --years 2015,2020 / cần --years");
  const auto units = stats::reexpress(*store, on_date, years, args.get("province"));
  if (context.json) {
    print_json(context.out, stats::to_json(units, require_iso_date(on_date, "--on-units-of")).dump());
    return 0;
  }
  auto percent = [](const std::optional<double>& value) {
    if (!value) return std::string("—");
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.1f %%", *value);
    return std::string(buffer);
  };
  context.out << "Đơn vị ngày / units of " << on_date << ": tỷ lệ diện tích và khu dân cư đạt chuẩn / share of "
              << "area and villages recognised\n";
  for (const auto& unit : units) {
    context.out << unit.code << "  " << unit.name;
    for (const auto& year : unit.years)
      context.out << "  |  " << year.year << ": " << percent(year.area_share()) << " area, "
                  << year.villages_recognised << "/" << year.villages << " villages";
    context.out << "\n";
  }
  return 0;
}

int run_stats(Context& context, const ParsedArgs& args) {
  if (auto on_date = args.get("on-units-of")) return run_reexpress(context, args, *on_date);
  auto store = context.open_store();
  int year = args.get_int("year").value_or(0);
  if (!args.has("year")) year = latest_status_year(*store);
  std::optional<std::string> known_at;
  if (auto as_of = args.get("as-of")) known_at = require_known_at(*as_of, "--as-of");
  std::optional<stats::AreaGrouping> grouping;
  if (auto by = args.get("group-by")) {
    if (*by != "former-district" && *by != "former-province")
      throw UsageError("--group-by must be former-district or former-province, not '" + *by +
                       "' / nhóm theo huyện cũ (former-district) hoặc tỉnh cũ (former-province)");
    grouping = stats::former_areas(*store, year, by->substr(7), args.get("group-date"));
  } else if (args.has("group-date")) {
    throw UsageError("--group-date goes with --group-by / --group-date cần --group-by");
  }
  auto stats = stats::compute_stats(*store, year, args.get("province"), known_at, grouping ? &*grouping : nullptr);
  if (auto xlsx = args.get("xlsx")) stats::write_xlsx(stats, *xlsx);
  if (context.json)
    print_json(context.out, stats::to_json(stats).dump());
  else
    context.out << stats::to_text(stats);
  return 0;
}

int run_validate(Context& context, const ParsedArgs& args) {
  auto store = context.open_store();
  validate::ValidateOptions options;
  options.year = args.get_int("year");
  if (auto date = args.get("date")) options.date = require_iso_date(*date, "--date");
  if (auto tolerance = args.get("sliver-tolerance")) {
    try {
      options.sliver_tolerance_m2 = std::stod(*tolerance);
    } catch (const std::exception&) {
      throw UsageError("--sliver-tolerance takes square metres, e.g. 1.0");
    }
  }
  std::vector<validate::Candidate> candidates;
  if (auto candidate = args.get("candidate")) candidates = validate::read_candidates(*candidate);
  auto report = validate::validate_store(*store, options, candidates, context.progress("validate"));
  if (context.json) {
    print_json(context.out, validate::to_json(report).dump());
  } else {
    for (const auto& finding : report.findings) {
      context.out << (finding.severity == validate::Severity::error ? "ERROR   " : "WARNING ") << finding.problem
                  << ": " << finding.message << "\n";
      if (!finding.where_wkt.empty() && !args.has("no-wkt")) {
        std::string where = finding.where_wkt.size() > 200 ? finding.where_wkt.substr(0, 200) + "…" : finding.where_wkt;
        context.out << "        at " << where << "\n";
      }
    }
    context.out << report.errors() << " error(s), " << report.warnings() << " warning(s) on " << report.date
                << " / " << report.errors() << " lỗi, " << report.warnings() << " cảnh báo\n";
  }
  return report.errors() > 0 ? static_cast<int>(ExitCode::validation_errors) : 0;
}

}  // namespace

std::vector<Command> analysis_commands() {
  return {
      {"stats",
       "stats --year Y [--as-of DATE] [--group-by former-district|former-province [--group-date D]] [--json] "
       "[--xlsx FILE] [--province CODE] | stats --on-units-of DATE --years Y,Y",
       "Yearly statistics against the programme's targets / thống kê theo chỉ tiêu",
       {{"year", true, "year (default: the latest year with a status)"},
        {"as-of", true, "the statuses as recorded by then: YYYY-MM-DD (end of that day, Vietnam time) or "
                        "YYYY-MM-DDTHH:MM[:SS](Z|+07:00); later rows and corrections are left out"},
        {"on-units-of", true, "re-express the years on the communes of this date (e.g. 2026-12-31)"},
        {"years", true, "with --on-units-of: the years, comma-separated (e.g. 2015,2020)"},
        {"group-by", true, "former-district or former-province: the year's units grouped by the districts "
                           "(provinces) their communes lay in before a reform, for comparisons"},
        {"group-date", true, "with --group-by: the day of those districts (default: the day before the last "
                             "one ended, 2025-06-30 for the 2025 reform)"},
        {"xlsx", true, "also write the tables to an .xlsx workbook"},
        {"province", true, "province code (default: the store's home province)"}},
       run_stats,
       "Counts units valid on 31 December of the year, per district and for the province: total, registered,\n"
       "proposed, recognised and the share recognised against the targets (over 70 % from 2015, over 90 % from\n"
       "2020), plus the self-management model, 19/8 festival and core force indicators. A provincial unit with no\n"
       "district counts at province level only. From 2025-07-01 provinces have no districts: the areas are the\n"
       "communes, and a province that merged (Hòa Bình) is counted as what it became (Phú Thọ).\n"
       "--group-by former-district compares such a year with the old ones: each commune (and every unit in it)\n"
       "is counted under the district that held most of its ground on the day before districts ended;\n"
       "former-province does the same with the provinces that merged.\n"
       "--on-units-of DATE --years 2015,2020 gives, for each commune of DATE, the share of its ground and of its\n"
       "villages that was recognised in each year, through lineage and overlap."},
      {"validate", "validate [--year Y | --date D] [--candidate FILE] [--json]",
       "Check geometry, topology and status rules / kiểm tra dữ liệu",
       {{"year", true, "check the units of 31 December of Y (default: today's units)"},
        {"date", true, "check the units valid on this date"},
        {"candidate", true, "GeoJSON of edited, unsaved unit geometries (property code) to check against the store"},
        {"sliver-tolerance", true, "overlaps and gaps up to this many m² are warnings (default 1)"},
        {"no-wkt", false, "do not print the WKT of each finding"}},
       run_validate,
       "Exit code 0 when there is no error, 6 when errors were found (warnings alone give 0)."},
  };
}

}  // namespace antt::cli
