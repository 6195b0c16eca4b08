// The programme's indicators: the catalogue (from the plan's text, ../shared/domain in the design
// notes), reading values as offices write them, and the one write path.
#include "antt/editing/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::editing {
namespace {

using store::UnitKind;

constexpr const char* kFestival = "festival_19_8";
constexpr const char* kCoreForceStaffed = "core_force_staffed";
constexpr const char* kCoreForceMembers = "core_force_members";

const std::vector<UnitKind> kResidentialAndFacilities{UnitKind::village, UnitKind::commune, UnitKind::agency,
                                                      UnitKind::enterprise, UnitKind::school};
const std::vector<UnitKind> kAdministrativeLevels{UnitKind::province, UnitKind::district, UnitKind::commune};
// Commendations are counted where they were given: in every unit and at every level.
const std::vector<UnitKind> kCommendedBy{UnitKind::province, UnitKind::district, UnitKind::commune, UnitKind::village,
                                         UnitKind::agency,   UnitKind::enterprise, UnitKind::school};

std::string indicator_ids() {
  std::string ids;
  for (const auto& definition : indicator_definitions()) ids += (ids.empty() ? "" : ", ") + definition.id;
  return ids;
}

[[noreturn]] void refuse_value(const IndicatorDefinition& definition, std::string_view text, const char* expected) {
  throw InputError(definition.id + ": '" + std::string(text) + "' is not " + expected + " / giá trị không hợp lệ cho “" +
                   definition.label_vi + "”");
}

/// Digits only, or digits grouped by '.' (Vietnamese thousands: "1.500.000").
std::optional<double> whole_number(const std::string& text) {
  std::vector<std::string> groups{""};
  for (char c : text) {
    if (c == '.') groups.emplace_back();
    else if (c >= '0' && c <= '9') groups.back() += c;
    else return std::nullopt;
  }
  std::string digits;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const bool fits = groups.size() == 1 ? !groups[i].empty() : (i == 0 ? groups[i].size() >= 1 && groups[i].size() <= 3
                                                                        : groups[i].size() == 3);
    if (!fits) return std::nullopt;
    digits += groups[i];
  }
  if (digits.size() > 15) return std::nullopt;
  return std::stod(digits);
}

/// "85,5" or "85.5" or "85": a decimal number.
std::optional<double> decimal_number(std::string text) {
  std::replace(text.begin(), text.end(), ',', '.');
  if (text.empty() || text.front() == '.' || text.back() == '.' || std::count(text.begin(), text.end(), '.') > 1)
    return std::nullopt;
  for (char c : text)
    if ((c < '0' || c > '9') && c != '.') return std::nullopt;
  return std::stod(text);
}

std::string vn_grouped(double value) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}

std::string kinds_text(const IndicatorDefinition& definition) {
  std::string text;
  for (UnitKind kind : definition.reported_by) text += (text.empty() ? "" : ", ") + std::string(store::to_string(kind));
  return text;
}

}  // namespace

bool reported_by(const IndicatorDefinition& definition, store::UnitKind kind) {
  return std::find(definition.reported_by.begin(), definition.reported_by.end(), kind) != definition.reported_by.end();
}

std::string_view to_string(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::count: return "count";
    case IndicatorKind::percent: return "percent";
    case IndicatorKind::yes_no: return "yes_no";
    case IndicatorKind::grade: return "grade";
    case IndicatorKind::money: return "money";
  }
  return "count";
}

const std::vector<IndicatorDefinition>& indicator_definitions() {
  static const std::vector<IndicatorDefinition> definitions{
      {"documents_disseminated", "Văn bản của Đảng, Nhà nước, ngành Công an về ANTT đã triển khai đến người dân",
       "Party, State and police documents on security made known to every resident", IndicatorKind::yes_no,
       kResidentialAndFacilities, 100.0, "§II.2"},
      {"resolution_and_plan", "Cấp ủy có Nghị quyết, chính quyền có kế hoạch thực hiện công tác ANTT",
       "Party committee resolution and government plan on security adopted", IndicatorKind::yes_no,
       kResidentialAndFacilities, 100.0, "§II.2"},
      {"pledge_share", "Tỷ lệ hộ gia đình, cán bộ, công nhân viên, học sinh ký cam kết tham gia phòng chống tội phạm (%)",
       "Share of households, staff and pupils who signed the crime-prevention pledge (%)", IndicatorKind::percent,
       kResidentialAndFacilities, 100.0, "§II.2"},
      {kFestival, "Tổ chức Ngày hội toàn dân bảo vệ ANTQ 19/8", "Held the 19 August national security festival",
       IndicatorKind::yes_no, kResidentialAndFacilities, 100.0, "§III.6"},
      {kCoreForceStaffed, "Lực lượng nòng cốt được kiện toàn, đủ số lượng, chất lượng",
       "Core forces (commune police, civil defence) fully staffed", IndicatorKind::yes_no, kResidentialAndFacilities,
       100.0, "§II.2"},
      {kCoreForceMembers, "Số thành viên lực lượng nòng cốt", "Members of the core forces", IndicatorKind::count,
       kResidentialAndFacilities, std::nullopt, "§II.2"},
      {"propaganda_sessions", "Số buổi tuyên truyền về phong trào toàn dân bảo vệ ANTQ",
       "Propaganda sessions on the movement", IndicatorKind::count, kResidentialAndFacilities, std::nullopt, "§III.1"},
      {"propaganda_participants", "Số lượt người dự tuyên truyền", "Attendance at propaganda sessions",
       IndicatorKind::count, kResidentialAndFacilities, std::nullopt, "§III.1"},
      {"propaganda_materials", "Số tài liệu, tờ rơi, pa-nô tuyên truyền đã phát hành",
       "Leaflets, posters and other materials issued", IndicatorKind::count, kResidentialAndFacilities, std::nullopt,
       "§III.1"},
      {"propaganda_peaks", "Số đợt cao điểm tuyên truyền về bảo vệ ANTT đã tổ chức",
       "Peak propaganda campaigns organised", IndicatorKind::count, kAdministrativeLevels, std::nullopt, "§III.1"},
      {"drug_prevention_day", "Tổ chức hưởng ứng “Ngày toàn dân phòng, chống ma túy”",
       "Held activities for the national day against drugs", IndicatorKind::yes_no, kResidentialAndFacilities,
       std::nullopt, "§III.1"},
      {"great_unity_day", "Tổ chức “Ngày hội toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư”",
       "Held the residential areas' great unity and cultural life festival", IndicatorKind::yes_no,
       {UnitKind::village, UnitKind::commune}, std::nullopt, "§III.1"},
      {"peak_campaigns", "Số đợt cao điểm tấn công, trấn áp tội phạm đã tổ chức",
       "Peak campaigns against crime organised", IndicatorKind::count, kAdministrativeLevels, std::nullopt, "§III.4"},
      {"police_training_courses", "Số lớp tập huấn, bồi dưỡng nghiệp vụ cho Công an xã",
       "Training courses for commune police", IndicatorKind::count, kAdministrativeLevels, std::nullopt, "§III.5"},
      {"prestigious_persons", "Số người có uy tín trong đồng bào dân tộc thiểu số tham gia phong trào",
       "Prestigious persons of ethnic-minority communities taking part", IndicatorKind::count,
       {UnitKind::village, UnitKind::commune}, std::nullopt, "§III.2"},
      {"movement_grade", "Xếp loại phong trào (khá, trung bình, yếu)", "Movement quality grade (good, fair, weak)",
       IndicatorKind::grade, kResidentialAndFacilities, std::nullopt, "§IV"},
      {"commended_collectives", "Số tập thể được khen thưởng về phong trào (số, cấp khen và quyết định ghi ở ghi chú)",
       "Collectives commended for the movement (level and decision in the note)", IndicatorKind::count,
       kCommendedBy, std::nullopt, "§IV"},
      {"commended_individuals", "Số cá nhân được khen thưởng về phong trào (số, cấp khen và quyết định ghi ở ghi chú)",
       "Individuals commended for the movement (level and decision in the note)", IndicatorKind::count,
       kCommendedBy, std::nullopt, "§IV"},
      {"budget_planned_vnd", "Kinh phí được giao cho phong trào (đồng)", "Budget allotted to the movement (VND)",
       IndicatorKind::money, kAdministrativeLevels, std::nullopt, "§V"},
      {"budget_spent_vnd", "Kinh phí đã chi cho phong trào (đồng)", "Budget spent on the movement (VND)",
       IndicatorKind::money, kAdministrativeLevels, std::nullopt, "§V"},
  };
  return definitions;
}

const IndicatorDefinition& indicator_definition(std::string_view id) {
  for (const auto& definition : indicator_definitions())
    if (definition.id == id) return definition;
  throw UsageError("unknown indicator '" + std::string(id) + "'; the indicators are: " + indicator_ids() +
                   " / không có chỉ tiêu này");
}

const std::vector<std::pair<std::string, std::string>>& movement_grades() {
  static const std::vector<std::pair<std::string, std::string>> grades{
      {"kha", "khá"}, {"trung_binh", "trung bình"}, {"yeu", "yếu"}};
  return grades;
}

void parse_indicator_value(const IndicatorDefinition& definition, std::string_view raw, store::IndicatorValue& value) {
  const std::string text = text::trim(text::to_nfc(raw));
  value.number.reset();
  value.text.clear();
  switch (definition.kind) {
    case IndicatorKind::count:
    case IndicatorKind::money: {
      const auto number = whole_number(text);
      if (!number) refuse_value(definition, raw, definition.kind == IndicatorKind::money
                                                     ? "a whole number of đồng (1500000 or 1.500.000)"
                                                     : "a whole number >= 0");
      value.number = *number;
      return;
    }
    case IndicatorKind::percent: {
      const auto number = decimal_number(text);
      if (!number || *number > 100) refuse_value(definition, raw, "a percentage from 0 to 100 (85,5 or 85.5)");
      value.number = *number;
      return;
    }
    case IndicatorKind::yes_no: {
      const std::string folded = text::fold_for_search(text);
      if (folded == "co" || folded == "yes" || folded == "1" || folded == "true" || folded == "x") {
        value.number = 1;
      } else if (folded == "khong" || folded == "no" || folded == "0" || folded == "false") {
        value.number = 0;
      } else {
        refuse_value(definition, raw, "yes or no (có, không, 1, 0)");
      }
      return;
    }
    case IndicatorKind::grade: {
      const std::string folded = text::fold_for_search(text);
      for (const auto& [key, label] : movement_grades())
        if (folded == key || folded == text::fold_for_search(label)) {
          value.text = key;
          return;
        }
      refuse_value(definition, raw, "a grade: khá, trung bình or yếu (kha, trung_binh, yeu)");
    }
  }
}

std::string format_indicator_value(const IndicatorDefinition& definition, const store::IndicatorValue& value) {
  switch (definition.kind) {
    case IndicatorKind::count: return value.number ? vn_grouped(*value.number) : "";
    case IndicatorKind::money: return value.number ? vn_grouped(*value.number) + " đ" : "";
    case IndicatorKind::percent: {
      if (!value.number) return "";
      char text[32];
      std::snprintf(text, sizeof text, "%g", std::round(*value.number * 10) / 10);
      std::string out = text;
      std::replace(out.begin(), out.end(), '.', ',');
      return out + " %";
    }
    case IndicatorKind::yes_no: return value.number ? (*value.number != 0 ? "có" : "không") : "";
    case IndicatorKind::grade:
      for (const auto& [key, label] : movement_grades())
        if (key == value.text) return label;
      return value.text;
  }
  return "";
}

std::vector<store::IndicatorValue> record_indicators(store::Store& store, const store::Actor& actor,
                                                     const std::string& unit_code, int year,
                                                     const std::vector<std::pair<std::string, std::string>>& values,
                                                     const std::string& note) {
  if (values.empty()) throw UsageError("nothing to record: give INDICATOR=VALUE / chưa có giá trị nào");
  std::vector<store::IndicatorValue> parsed;
  std::map<std::string, bool> seen;
  for (const auto& [id, text] : values) {
    const auto& definition = indicator_definition(id);
    if (seen[definition.id]) throw UsageError(definition.id + " is given twice / chỉ tiêu bị nhập hai lần");
    seen[definition.id] = true;
    store::IndicatorValue value;
    value.unit_code = unit_code;
    value.year = year;
    value.indicator = definition.id;
    value.note = note;
    parse_indicator_value(definition, text, value);
    parsed.push_back(std::move(value));
  }
  return record_indicator_values(store, actor, std::move(parsed));
}

void check_unit_reports(const IndicatorDefinition& definition, const store::UnitVersion& unit) {
  if (!reported_by(definition, unit.kind))
    throw InputError(definition.id + " is reported by " + kinds_text(definition) + ", not by a " +
                     std::string(store::to_string(unit.kind)) + " (" + unit.code + " " + unit.name +
                     ") / loại đơn vị này không báo cáo chỉ tiêu “" + definition.label_vi + "”");
}

std::vector<store::IndicatorValue> record_indicator_values(store::Store& store, const store::Actor& actor,
                                                           std::vector<store::IndicatorValue> values,
                                                           const std::function<void()>& also) {
  // Everything is checked before anything is written.
  std::map<std::pair<std::string, int>, store::UnitKind> kinds;
  std::set<std::tuple<std::string, int, std::string>> seen;
  for (auto& value : values) {
    const auto& definition = indicator_definition(value.indicator);
    const auto key = std::make_pair(value.unit_code, value.year);
    if (!kinds.count(key)) {
      const auto unit = store.unit_at(value.unit_code, year_end(value.year), false);
      if (!unit)
        throw InputError("no unit " + value.unit_code + " is valid on 31/12/" + std::to_string(value.year) +
                         " / không có đơn vị mã " + value.unit_code + " vào năm " + std::to_string(value.year));
      check_unit_reports(definition, *unit);
      kinds[key] = unit->kind;
    } else if (!reported_by(definition, kinds[key])) {
      check_unit_reports(definition, *store.unit_at(value.unit_code, year_end(value.year), false));
    }
    if (!seen.insert({value.unit_code, value.year, definition.id}).second)
      throw InputError(definition.id + " of " + value.unit_code + " in " + std::to_string(value.year) +
                       " is given twice / chỉ tiêu bị nhập hai lần");
    if (definition.kind == IndicatorKind::grade ? value.text.empty() : !value.number)
      throw InputError(definition.id + " of " + value.unit_code + " has no value / thiếu giá trị");
    value.note = text::trim(text::to_nfc(value.note));
  }
  std::vector<store::IndicatorValue> recorded;
  store.write(actor, [&] {
    std::map<std::pair<std::string, int>, store::CoreForce> forces;
    for (auto& value : values) {
      const std::string& id = value.indicator;
      if (id == kFestival) {
        store.set_festival({value.unit_code, value.year, *value.number != 0});
      } else if (id == kCoreForceStaffed || id == kCoreForceMembers) {
        const auto key = std::make_pair(value.unit_code, value.year);
        auto found = forces.find(key);
        if (found == forces.end()) {
          store::CoreForce force{value.unit_code, value.year, false, 0};
          for (const auto& existing : store.core_forces(value.year))
            if (existing.unit_code == value.unit_code) force = existing;
          found = forces.emplace(key, force).first;
        }
        if (id == kCoreForceStaffed) found->second.staffed = *value.number != 0;
        else found->second.members = static_cast<int>(*value.number);
      } else {
        value.id = store.add_indicator_value(value);
      }
      recorded.push_back(value);
    }
    for (const auto& [key, force] : forces) store.set_core_force(force);
    if (also) also();
  });
  return recorded;
}

std::map<std::pair<std::string, std::string>, store::IndicatorValue> indicators_in_force(
    const store::Store& store, int year, const std::optional<std::string>& known_at) {
  std::map<std::pair<std::string, std::string>, store::IndicatorValue> by_key;
  for (auto& value : store.indicator_values(year, known_at)) {
    auto key = std::make_pair(value.unit_code, value.indicator);
    by_key[std::move(key)] = std::move(value);
  }
  auto row = [&](const std::string& unit_code, const char* id, double number) {
    store::IndicatorValue value;
    value.unit_code = unit_code;
    value.year = year;
    value.indicator = id;
    value.number = number;
    by_key[{unit_code, id}] = value;
  };
  // These tables keep no history: a moment in the past cannot be told apart from now.
  for (const auto& festival : store.festivals(year)) row(festival.unit_code, kFestival, festival.held ? 1 : 0);
  for (const auto& force : store.core_forces(year)) {
    row(force.unit_code, kCoreForceStaffed, force.staffed ? 1 : 0);
    row(force.unit_code, kCoreForceMembers, force.members);
  }
  return by_key;
}

std::vector<store::IndicatorValue> indicators_of_unit(const store::Store& store, const std::string& unit_code, int year,
                                                      const std::optional<std::string>& known_at) {
  const auto in_force = indicators_in_force(store, year, known_at);
  std::vector<store::IndicatorValue> out;
  for (const auto& definition : indicator_definitions())
    if (auto found = in_force.find({unit_code, definition.id}); found != in_force.end()) out.push_back(found->second);
  return out;
}

nlohmann::json indicator_value_json(const store::IndicatorValue& value) {
  const auto& definition = indicator_definition(value.indicator);
  auto text = [](const std::string& field) { return field.empty() ? nlohmann::json() : nlohmann::json(field); };
  nlohmann::json out{{"indicator", value.indicator},
                     {"label", definition.label_vi},
                     {"kind", to_string(definition.kind)},
                     {"value", definition.kind == IndicatorKind::grade
                                   ? nlohmann::json(value.text)
                                   : (value.number ? nlohmann::json(*value.number) : nlohmann::json())},
                     {"shown", format_indicator_value(definition, value)},
                     {"note", text(value.note)},
                     {"recorded_at", text(value.recorded_at)},
                     {"recorded_by", text(value.recorded_by)}};
  return out;
}

}  // namespace antt::editing
