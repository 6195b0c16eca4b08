// What a report shows, read from the store: summary counts (antt/stats), the unit table and the
// area's outline. No drawing here.
#include <ogr_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/geo/ogr.hpp"
#include "report/report.hpp"

namespace antt::report {
namespace {

using store::StatusValue;
using store::UnitKind;
using store::UnitVersion;

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// "Huyện Đà Bắc" -> "huyện Đà Bắc": lowers the first letter of the unit type word for running text.
std::string in_sentence(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> kTypeWords{
      {"Tỉnh ", "tỉnh "}, {"Huyện ", "huyện "}, {"Thành phố ", "thành phố "}, {"Thị xã ", "thị xã "},
      {"Quận ", "quận "}, {"Xã ", "xã "}, {"Phường ", "phường "}, {"Thị trấn ", "thị trấn "}};
  for (const auto& [upper, lower] : kTypeWords)
    if (name.rfind(upper, 0) == 0) return lower + name.substr(upper.size());
  return name;
}

/// "Tỉnh Hòa Bình" -> "Hòa Bình".
std::string without_type_word(const std::string& name) {
  for (const char* word : {"Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "})
    if (name.rfind(word, 0) == 0) return name.substr(std::string(word).size());
  return name;
}

void collect_rings(const std::string& wkb, std::vector<Ring>& rings) {
  if (wkb.empty()) return;
  auto geometry = geo::OgrGeometry::from_wkb(wkb);
  auto add_polygon = [&rings](OGRGeometryH polygon) {
    for (int r = 0; r < OGR_G_GetGeometryCount(polygon); ++r) {
      OGRGeometryH ring = OGR_G_GetGeometryRef(polygon, r);
      Ring points;
      for (int i = 0; i < OGR_G_GetPointCount(ring); ++i) points.emplace_back(OGR_G_GetX(ring, i), OGR_G_GetY(ring, i));
      if (points.size() >= 3) rings.push_back(std::move(points));
    }
  };
  const auto type = geometry.flat_type();
  if (type == wkbPolygon) {
    add_polygon(geometry.get());
  } else if (type == wkbMultiPolygon) {
    for (int i = 0; i < OGR_G_GetGeometryCount(geometry.get()); ++i) add_polygon(OGR_G_GetGeometryRef(geometry.get(), i));
  }
}

std::string status_key(const store::StatusRecord* record) {
  return record ? std::string(store::to_string(record->status)) : "no_data";
}

std::string status_label(const store::StatusRecord* record) {
  return record ? std::string(store::vietnamese_label(record->status)) : "Chưa có dữ liệu";
}

UnitRow unit_row(const UnitVersion& unit, const std::map<std::string, store::StatusRecord>& statuses) {
  const auto found = statuses.find(unit.code);
  const store::StatusRecord* record = found == statuses.end() ? nullptr : &found->second;
  UnitRow row;
  row.code = unit.code;
  row.name = unit.name;
  row.status_key = status_key(record);
  row.status_label = status_label(record);
  if (record) {
    row.decision_number = record->decision_number;
    row.decision_date = vn_date(record->decision_date);
  }
  return row;
}

UnitRow section(std::string title) {
  UnitRow row;
  row.section = true;
  row.name = std::move(title);
  return row;
}

bool by_name(const UnitVersion& a, const UnitVersion& b) { return a.name < b.name || (a.name == b.name && a.code < b.code); }

std::string kind_heading(UnitKind kind) {
  switch (kind) {
    case UnitKind::agency: return "Cơ quan";
    case UnitKind::enterprise: return "Doanh nghiệp";
    case UnitKind::school: return "Nhà trường";
    case UnitKind::village: return "Khu dân cư";
    case UnitKind::commune: return "Xã, phường, thị trấn";
    default: return std::string(store::to_string(kind));
  }
}

std::string share_text(const stats::Counts& counts) {
  return std::to_string(counts.recognised) + "/" + std::to_string(counts.total) + " đơn vị đạt chuẩn An toàn về ANTT (" +
         vn_percent(counts.share_recognised()) + " %)";
}

/// A UTC instant as Vietnamese time: "2020-03-31T16:59:59.999Z" -> "16:59 ngày 31/03/2020" (UTC+7 → 23:59).
std::string vn_moment(const std::string& instant) {
  const std::string local_date = known_at_local_date(instant);
  int hour = 0, minute = 0;
  if (instant.size() >= 16 && std::sscanf(instant.c_str() + 11, "%2d:%2d", &hour, &minute) == 2) {
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", (hour + 7) % 24, minute);
    return std::string(text) + " ngày " + vn_date(local_date);
  }
  return vn_date(local_date);
}

/// Every fill of the report's map in its class as known at the report's moment: the districts'
/// grades (province by district), else the communes' (and, for a district, the villages') statuses.
std::vector<MapFill> fills_as_known(const store::Store& store, const ReportData& data, const stats::YearStats& stats,
                                    const std::map<std::string, store::StatusRecord>& statuses) {
  const std::string date = year_end(data.request.year);
  std::vector<MapFill> fills;
  auto add = [&fills](std::string style, std::string key, const std::string& wkb) {
    MapFill fill{std::move(style), std::move(key), {}};
    collect_rings(wkb, fill.rings);
    if (!fill.rings.empty()) fills.push_back(std::move(fill));
  };
  if (!data.request.district && data.area_level == "district") {
    for (const auto& district : stats.districts)
      if (auto unit = store.unit_at(district.code, date, true))
        add("district_share", stats::share_grade(district.pooled), unit->geometry_wkb);
    return fills;
  }
  store::UnitQuery query;
  query.at_date = date;
  query.kinds = {UnitKind::commune};
  if (data.request.district) query.kinds.push_back(UnitKind::village);
  const auto units = store.units(query);
  std::set<std::string> communes;
  for (const auto& unit : units)
    if (unit.kind == UnitKind::commune && unit.parent_code == data.area_code) {
      communes.insert(unit.code);
      add("unit_status", status_key(statuses.count(unit.code) ? &statuses.at(unit.code) : nullptr), unit.geometry_wkb);
    }
  for (const auto& unit : units)  // villages over their communes, as the engine stacks them
    if (unit.kind == UnitKind::village && communes.count(unit.parent_code))
      add("unit_status", status_key(statuses.count(unit.code) ? &statuses.at(unit.code) : nullptr), unit.geometry_wkb);
  return fills;
}

/// The area's indicators as the report's section lists them: shares against their targets first,
/// then the plan's sums (counts, đồng, grades), in the catalogue's order.
/// "theo Đề án 886/QĐ-UBND (2012-2020)": which plan the year is measured against; a year past the
/// plan's term says no later plan was configured.
std::string plan_phrase(const stats::ProgrammePlan& plan, int year) {
  return std::string(plan.built_in ? "theo Đề án " : "theo kế hoạch ") + plan.id + " (" + std::to_string(plan.from_year) +
         "-" + std::to_string(plan.to_year) + (year > plan.to_year ? ", chưa có kế hoạch giai đoạn sau" : "") + ")";
}

std::vector<IndicatorLine> indicator_lines(const stats::AreaStats& area, bool in_year) {
  std::vector<IndicatorLine> lines;
  for (const auto& indicator : area.indicators) {
    if (indicator.denominator == 0) continue;
    IndicatorLine line;
    line.label = indicator.label;
    line.value = vn_thousands(indicator.numerator) + "/" + vn_thousands(indicator.denominator) + " đơn vị (" +
                 vn_percent(indicator.share()) + " %)";
    if (indicator.target) line.target = stats::PlanTarget{0, *indicator.target, indicator.strictly_over}.text();
    const auto meets = indicator.meets();
    line.verdict = !meets ? "—" : *meets ? "Đạt" : in_year ? "Chưa đạt" : "Không đạt";
    lines.push_back(std::move(line));
  }
  for (const auto& definition : editing::indicator_definitions()) {
    if (definition.kind == editing::IndicatorKind::grade) {
      std::string counts;
      for (const auto& [key, label] : editing::movement_grades())
        if (auto found = area.totals.find(definition.id + ":" + key); found != area.totals.end())
          counts += (counts.empty() ? "" : "; ") + label + ": " + vn_thousands(std::llround(found->second));
      if (!counts.empty()) lines.push_back({definition.label_vi, counts + " đơn vị", "", "—"});
      continue;
    }
    const auto found = area.totals.find(definition.id);
    if (found == area.totals.end()) continue;
    store::IndicatorValue sum;
    sum.number = found->second;
    lines.push_back({definition.label_vi, editing::format_indicator_value(definition, sum), "", "—"});
  }
  return lines;
}

std::vector<TrendRow> trend_of(const store::Store& store, int from, int to, const std::optional<std::string>& known_at) {
  std::vector<TrendRow> rows;
  for (int year = from; year <= to; ++year) {
    const auto stats = stats::compute_stats(store, year, {}, known_at);
    TrendRow row;
    row.year = year;
    row.counts = stats.province.pooled;
    row.target = stats.province.target;
    if (const auto target = stats.plan.target(stats::kRecognisedIndicator, year)) row.target_text = target->text();
    row.meets = stats.province.meets_target();
    for (const auto& indicator : stats.province.indicators) {
      if (indicator.denominator == 0) continue;
      if (indicator.id == "festival_held") row.festival_share = indicator.share();
      if (indicator.id == "models_effective") row.models_effective_share = indicator.share();
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

std::optional<std::pair<int, int>> parse_phase(std::string_view text) {
  if (text.size() != 9 || text[4] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 7, 8})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int from = std::stoi(std::string(text.substr(0, 4))), to = std::stoi(std::string(text.substr(5, 4)));
  if (from < 1990 || to > 2100 || from >= to || to - from > 30) return std::nullopt;
  return std::make_pair(from, to);
}

ReportData collect_report(const store::Store& store, const ReportRequest& request) {
  ReportData data;
  data.request = request;
  if (data.request.today.empty()) data.request.today = today();
  const int year = request.year;
  const auto years = store.years_with_status();
  if (std::find(years.begin(), years.end(), year) == years.end()) {
    std::string available = years.empty() ? std::string("none / chưa có")
                                          : std::to_string(years.front()) + "-" + std::to_string(years.back());
    throw InputError("no status recorded for year " + std::to_string(year) + " (years with a status: " + available +
                     "); record statuses first (`anttmap status set|import`) / năm " + std::to_string(year) +
                     " chưa có dữ liệu trạng thái");
  }
  const std::string year_end_date = year_end(year);
  // The moment whose knowledge the report shows: now, or what had been recorded by request.known_at.
  const std::string known_date = request.known_at ? known_at_local_date(*request.known_at) : data.request.today;
  data.in_year = year_of(known_date) == year;
  data.as_of = vn_date(data.in_year ? known_date : year_end_date);
  data.dated = vn_date(data.request.today);
  const std::string moment_phrase = data.in_year       ? " (tính đến ngày " + data.as_of + ")"
                                    : request.known_at ? " (số liệu ghi nhận đến ngày " + vn_date(known_date) + ")"
                                                       : std::string();

  const auto stats = stats::compute_stats(store, year, {}, request.known_at);
  data.target = stats.province.target;
  data.province_name = without_type_word(stats.province.name);
  const auto statuses = request.known_at ? store.statuses_known_at(year, *request.known_at) : store.statuses_of_year(year);

  store::UnitQuery query;
  query.at_date = year_end_date;
  query.with_geometry = false;
  query.kinds = {UnitKind::district, UnitKind::commune, UnitKind::village, UnitKind::agency, UnitKind::enterprise,
                 UnitKind::school};
  auto units = store.units(query);
  std::sort(units.begin(), units.end(), by_name);
  std::map<std::string, const UnitVersion*> by_code;
  for (const auto& unit : units) by_code[unit.code] = &unit;

  // Villages recognised / total per commune.
  std::map<std::string, std::pair<int, int>> villages_of;
  for (const auto& unit : units) {
    if (unit.kind != UnitKind::village) continue;
    auto& tally = villages_of[unit.parent_code];
    ++tally.second;
    if (auto found = statuses.find(unit.code); found != statuses.end() && found->second.status == StatusValue::recognised)
      ++tally.first;
  }
  auto commune_row = [&](const UnitVersion& commune) {
    auto row = unit_row(commune, statuses);
    if (auto found = villages_of.find(commune.code); found != villages_of.end())
      row.villages = std::to_string(found->second.first) + "/" + std::to_string(found->second.second);
    return row;
  };

  if (!request.district) {
    data.area_title = "tỉnh " + data.province_name;
    data.area_code = stats.province.code;
    data.area_level = stats.area_level;
    for (const auto& district : stats.districts) {
      data.summary.push_back({district.name, district.pooled, district.meets_target(), false});
    }
    data.summary.push_back({"Toàn tỉnh", stats.province.pooled, stats.province.meets_target(), true});
    data.indicators = indicator_lines(stats.province, data.in_year);
    const bool by_commune = stats.area_level == "commune";  // no districts since 2025-07-01
    int section_number = 0;
    if (by_commune) {
      data.units.push_back(section("1. Xã, phường trực thuộc tỉnh"));
      for (const auto& unit : units)
        if (unit.kind == UnitKind::commune && unit.parent_code == stats.province.code) data.units.push_back(commune_row(unit));
    }
    for (const auto& district : by_commune ? std::vector<stats::AreaStats>{} : stats.districts) {
      bool first = true;
      for (const auto& unit : units) {
        if (unit.kind != UnitKind::commune || unit.parent_code != district.code) continue;
        if (first) data.units.push_back(section(std::to_string(++section_number) + ". " + district.name));
        first = false;
        data.units.push_back(commune_row(unit));
      }
    }
    const UnitKind area_kind = by_commune ? UnitKind::commune : UnitKind::district;
    for (const auto& unit : units) {
      if (unit.kind != area_kind || unit.parent_code != stats.province.code) continue;
      if (auto full = store.unit_at(unit.code, year_end_date, true)) collect_rings(full->geometry_wkb, data.area_rings);
    }
    data.summary_line = "Năm " + std::to_string(year) + moment_phrase + ", toàn tỉnh có " + share_text(stats.province.pooled);
  } else {
    const auto district = store.unit_at(*request.district, year_end_date, true);
    if (!district || district->kind != UnitKind::district) {
      std::string valid;
      for (const auto& unit : units)
        if (unit.kind == UnitKind::district) valid += (valid.empty() ? "" : ", ") + unit.code + " " + unit.name;
      throw InputError("unknown district '" + *request.district + "' in " + std::to_string(year) + " (districts: " +
                       valid + ") / không có huyện này");
    }
    const auto area = std::find_if(stats.districts.begin(), stats.districts.end(),
                                   [&](const stats::AreaStats& a) { return a.code == district->code; });
    if (area == stats.districts.end()) throw InputError("district " + district->code + " has no statistics in " + std::to_string(year));
    data.area_title = in_sentence(district->name);
    data.area_code = district->code;
    collect_rings(district->geometry_wkb, data.area_rings);
    for (const auto kind : {UnitKind::village, UnitKind::commune, UnitKind::agency, UnitKind::enterprise, UnitKind::school}) {
      const auto found = area->by_kind.find(std::string(store::to_string(kind)));
      if (found == area->by_kind.end() || found->second.total == 0) continue;
      std::optional<bool> meets;
      if (area->target) meets = found->second.share_recognised() > *area->target;
      data.summary.push_back({kind_heading(kind), found->second, meets, false});
    }
    data.summary.push_back({"Cộng", area->pooled, area->meets_target(), true});
    data.indicators = indicator_lines(*area, data.in_year);

    std::vector<const UnitVersion*> communes;
    std::set<std::string> commune_codes;
    for (const auto& unit : units)
      if (unit.kind == UnitKind::commune && unit.parent_code == district->code) {
        communes.push_back(&unit);
        commune_codes.insert(unit.code);
      }
    data.units.push_back(section("I. Xã, phường, thị trấn"));
    for (const auto* commune : communes) data.units.push_back(commune_row(*commune));
    data.units.push_back(section("II. Khu dân cư (thôn, xóm, bản, tổ dân phố)"));
    for (const auto* commune : communes) {
      bool first = true;
      for (const auto& unit : units) {
        if (unit.kind != UnitKind::village || unit.parent_code != commune->code) continue;
        if (first) data.units.push_back(section(commune->name));
        first = false;
        data.units.push_back(unit_row(unit, statuses));
      }
    }
    bool first = true;
    for (const auto& unit : units) {
      if (unit.kind != UnitKind::agency && unit.kind != UnitKind::enterprise && unit.kind != UnitKind::school) continue;
      const bool inside = unit.parent_code == district->code || commune_codes.count(unit.parent_code);
      if (!inside) continue;
      if (first) data.units.push_back(section("III. Cơ quan, doanh nghiệp, nhà trường"));
      first = false;
      auto row = unit_row(unit, statuses);
      row.parent = kind_heading(unit.kind);
      if (auto parent = by_code.find(unit.parent_code); parent != by_code.end()) row.parent += ", " + parent->second->name;
      data.units.push_back(std::move(row));
    }
    data.summary_line = "Năm " + std::to_string(year) + moment_phrase + ", " + data.area_title + " có " +
                        share_text(area->pooled);
  }
  const auto& total = data.summary.back();
  if (data.in_year) {
    data.summary_line += "; " + std::to_string(total.counts.registered) + " đơn vị đã đăng ký, " +
                         std::to_string(total.counts.proposed) + " đơn vị đã đề nghị công nhận";
  }
  if (const auto target = stats.plan.target(stats::kRecognisedIndicator, year)) {
    data.summary_line += "; chỉ tiêu năm " + std::to_string(year) + ": " + target->text() + " (" + plan_phrase(stats.plan, year) +
                         ") — " +
                         (total.meets.value_or(false) ? "ĐẠT" : (data.in_year ? "chưa đạt (đang thực hiện)" : "KHÔNG ĐẠT"));
  } else {
    const std::string steps = stats.plan.steps_text(stats::kRecognisedIndicator);
    data.summary_line += "; năm " + std::to_string(year) + " chưa có chỉ tiêu về tỷ lệ (" + plan_phrase(stats.plan, year) +
                         (steps.empty() ? "" : ": " + steps) + ")";
  }
  data.summary_line += ".";
  data.title = "Kết quả xây dựng khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn "
               "“An toàn về an ninh, trật tự” " +
               (request.phase_from ? "giai đoạn " + std::to_string(*request.phase_from) + "-" + std::to_string(year)
                                   : period_phrase(request.period, year)) +
               moment_phrase + " — " + data.area_title;
  data.data_note = "Số liệu: trạng thái năm " + std::to_string(year) +
                   (request.known_at ? " như đã ghi nhận đến hết " + vn_moment(*request.known_at) : std::string()) +
                   ", đơn vị hành chính tại ngày " + data.as_of + ".";
  if (request.known_at) data.fills = fills_as_known(store, data, stats, statuses);
  data.synthetic = store::holds_synthetic_data(store);
  data.letterhead = completed(request.letterhead, data.province_name);
  if (request.phase_from) {
    data.trend = trend_of(store, *request.phase_from, year, request.known_at);
    // The plan's own words: its end (2020) is reviewed as a whole (tổng kết), a stage within it is sơ kết.
    data.document_kind = year >= 2020 ? "BÁO CÁO TỔNG KẾT" : "BÁO CÁO SƠ KẾT";
  }
  return data;
}

Rgb parse_colour(std::string_view hex) {
  auto part = [&](std::size_t at) -> std::optional<double> {
    int value = 0;
    for (std::size_t i = at; i < at + 2; ++i) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(hex[i])));
      if (c >= '0' && c <= '9') value = value * 16 + (c - '0');
      else if (c >= 'a' && c <= 'f') value = value * 16 + (c - 'a' + 10);
      else return std::nullopt;
    }
    return value / 255.0;
  };
  if (hex.size() != 7 || hex[0] != '#') return {1, 1, 1};
  const auto r = part(1), g = part(3), b = part(5);
  if (!r || !g || !b) return {1, 1, 1};
  return {*r, *g, *b};
}

std::string vn_date(std::string_view iso) {
  if (iso.size() >= 10 && iso[4] == '-' && iso[7] == '-')
    return std::string(iso.substr(8, 2)) + "/" + std::string(iso.substr(5, 2)) + "/" + std::string(iso.substr(0, 4));
  return std::string(iso);
}

std::string vn_thousands(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

std::string vn_percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::round(value * 10) / 10);
  std::string out = text;
  if (auto dot = out.find('.'); dot != std::string::npos) out[dot] = ',';
  return out;
}

Paper parse_paper(std::string_view text) {
  const auto lower = lower_case(text);
  if (lower == "a4") return Paper::a4;
  if (lower == "a3") return Paper::a3;
  throw UsageError("paper must be A4 or A3, not '" + std::string(text) + "' / khổ giấy phải là A4 hoặc A3");
}

Format parse_format(std::string_view text) {
  const auto lower = lower_case(text);
  if (lower == "pdf") return Format::pdf;
  if (lower == "png") return Format::png;
  if (lower == "html") return Format::html;
  throw UsageError("format must be pdf, png or html, not '" + std::string(text) +
                   "' / định dạng phải là pdf, png hoặc html");
}

Period parse_period(std::string_view text) {
  const auto lower = lower_case(text);
  if (lower == "year" || lower == "nam") return Period::year;
  if (lower == "q1") return Period::q1;
  if (lower == "q2") return Period::q2;
  if (lower == "q3") return Period::q3;
  if (lower == "q4") return Period::q4;
  if (lower == "h1") return Period::h1;
  if (lower == "9m") return Period::nine_months;
  if (auto with_year = parse_year_period(text)) return with_year->period;
  throw UsageError("period must be year, q1, q2, q3, q4, h1 or 9m, optionally after the year (2020-Q1, 2020-H1, "
                   "2020-9M, 2020), not '" + std::string(text) +
                   "' / kỳ báo cáo phải là year, q1..q4, h1, 9m hoặc 2020-Q1, 2020-H1, 2020-9M, 2020");
}

std::optional<YearPeriod> parse_year_period(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  int year = 0;
  for (char c : text.substr(0, 4)) {
    if (c < '0' || c > '9') return std::nullopt;
    year = year * 10 + (c - '0');
  }
  if (text.size() == 4) return YearPeriod{year, Period::year};
  if (text[4] != '-') return std::nullopt;
  const auto rest = lower_case(text.substr(5));
  static const std::vector<std::pair<std::string, Period>> kPeriods{
      {"q1", Period::q1}, {"q2", Period::q2}, {"q3", Period::q3}, {"q4", Period::q4},
      {"h1", Period::h1}, {"9m", Period::nine_months}};
  for (const auto& [name, period] : kPeriods)
    if (rest == name) return YearPeriod{year, period};
  return std::nullopt;
}

std::string period_end(Period period, int year) {
  const std::string y = std::to_string(year);
  switch (period) {
    case Period::q1: return y + "-03-31";
    case Period::q2:
    case Period::h1: return y + "-06-30";
    case Period::q3:
    case Period::nine_months: return y + "-09-30";
    case Period::q4:
    case Period::year: break;
  }
  return year_end(year);
}

std::string period_phrase(Period period, int year) {
  const std::string of_year = "năm " + std::to_string(year);
  switch (period) {
    case Period::q1: return "quý I " + of_year;
    case Period::q2: return "quý II " + of_year;
    case Period::q3: return "quý III " + of_year;
    case Period::q4: return "quý IV " + of_year;
    case Period::h1: return "6 tháng đầu " + of_year;
    case Period::nine_months: return "9 tháng đầu " + of_year;
    case Period::year: break;
  }
  return of_year;
}

std::string_view to_string(Paper paper) { return paper == Paper::a3 ? "A3" : "A4"; }

std::string_view to_string(Format format) {
  switch (format) {
    case Format::png: return "png";
    case Format::html: return "html";
    case Format::pdf: break;
  }
  return "pdf";
}

std::string_view content_type(Format format) {
  switch (format) {
    case Format::png: return "image/png";
    case Format::html: return "text/html; charset=utf-8";
    case Format::pdf: break;
  }
  return "application/pdf";
}

PaperSize paper_size(Paper paper) { return paper == Paper::a3 ? PaperSize{297, 420} : PaperSize{210, 297}; }

}  // namespace antt::report
