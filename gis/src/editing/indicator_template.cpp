// The indicator form of a year, written from the store: a guide sheet, one sheet per indicator with
// the units that report it and the values in force, and the self-management models.
#include <algorithm>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/editing/indicator_sheets.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/stats/plan.hpp"
#include "indicator_form.hpp"

namespace antt::editing {
namespace {

using namespace form;
using office::OutCell;
using office::OutSheet;
using store::UnitKind;
using store::UnitVersion;

OutCell bold(std::string text) { return OutCell{std::move(text), std::nullopt, true}; }
OutCell text_cell(std::string text) { return OutCell{std::move(text), std::nullopt, false}; }
OutCell number_cell(double number) { return OutCell{"", number, false}; }

/// The value in force as the form shows it: numbers as numbers, the rest as people write them.
std::string target_text(const stats::ProgrammePlan& plan, const std::string& id, int year) {
  const auto target = plan.target(id, year);
  return target ? target->text() : std::string();
}

OutCell value_cell(const IndicatorDefinition& definition, const store::IndicatorValue& value) {
  if ((definition.kind == IndicatorKind::count || definition.kind == IndicatorKind::money ||
       definition.kind == IndicatorKind::percent) &&
      value.number)
    return number_cell(*value.number);
  return text_cell(format_indicator_value(definition, value));
}

/// The units of a year in the order a form lists them: each under its parent, by code.
std::vector<const UnitVersion*> units_in_form_order(const std::vector<UnitVersion>& units,
                                                    const std::optional<std::string>& within) {
  std::map<std::string, std::vector<const UnitVersion*>> children;
  std::set<std::string> codes;
  for (const auto& unit : units) codes.insert(unit.code);
  std::vector<const UnitVersion*> roots;
  for (const auto& unit : units) {
    if (within ? unit.code == *within : (unit.parent_code.empty() || !codes.count(unit.parent_code)))
      roots.push_back(&unit);
    else if (!unit.parent_code.empty())
      children[unit.parent_code].push_back(&unit);
  }
  auto by_code = [](const UnitVersion* a, const UnitVersion* b) { return a->code < b->code; };
  std::sort(roots.begin(), roots.end(), by_code);
  for (auto& [parent, list] : children) std::sort(list.begin(), list.end(), by_code);
  std::vector<const UnitVersion*> ordered;
  std::vector<const UnitVersion*> stack(roots.rbegin(), roots.rend());
  while (!stack.empty()) {
    const UnitVersion* unit = stack.back();
    stack.pop_back();
    ordered.push_back(unit);
    if (auto found = children.find(unit->code); found != children.end())
      stack.insert(stack.end(), found->second.rbegin(), found->second.rend());
  }
  return ordered;
}

}  // namespace

TemplateSummary write_indicator_template(const store::Store& store, const TemplateRequest& request,
                                         const std::string& path) {
  const int year = request.year;
  if (year < 1900 || year > 9999) throw UsageError("template needs --year YYYY / cần --year");
  store::UnitQuery query;
  query.at_date = year_end(year);
  query.with_geometry = false;
  const auto units = store.units(query);
  if (units.empty())
    throw InputError("no unit is valid on 31/12/" + std::to_string(year) + " / không có đơn vị nào trong năm " +
                     std::to_string(year));
  std::string scope;
  std::optional<std::string> within = request.within;
  // A province's form lists its own units, not the neighbours' the store keeps for border clusters.
  if (!within)
    if (const auto home = store.setting("home_province")) within = successor_on(store, *home, year_end(year));
  if (within) {
    const auto found = std::find_if(units.begin(), units.end(), [&](const UnitVersion& unit) { return unit.code == *within; });
    if (found == units.end())
      throw InputError("no unit " + *within + " in " + std::to_string(year) + " / không có đơn vị mã " + *within +
                       " trong năm " + std::to_string(year));
    scope = found->name + " (" + found->code + ")";
  }
  const auto ordered = units_in_form_order(units, within);
  if (!within)
    for (const auto* unit : ordered)
      if (unit->kind == UnitKind::province) scope += (scope.empty() ? "" : ", ") + unit->name + " (" + unit->code + ")";
  std::map<std::string, const UnitVersion*> by_code;
  for (const auto& unit : units) by_code[unit.code] = &unit;
  auto parent_name = [&](const UnitVersion& unit) {
    const auto found = by_code.find(unit.parent_code);
    return found == by_code.end() ? std::string() : found->second->name;
  };
  const auto in_force = indicators_in_force(store, year);
  // The guide gives each indicator's target in the plan in force that year.
  const auto plan = stats::plan_in_force(stats::programme_plans(store), year);

  TemplateSummary summary;
  summary.scope = scope;
  std::vector<OutSheet> sheets;
  OutSheet guide;
  guide.name = kGuideSheet;
  guide.freeze_first_row = false;
  guide.column_widths = {26, 60, 26, 34, 16};
  guide.rows = {{bold("BIỂU MẪU BÁO CÁO CÁC CHỈ TIÊU PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC")},
                {text_cell("Năm báo cáo"), number_cell(year)},
                {text_cell("Phạm vi"), text_cell(scope)},
                {text_cell("Mẫu tạo ngày"), text_cell(vn_date(today()))},
                {text_cell("Cách ghi"),
                 text_cell("Mỗi trang tính là một chỉ tiêu: ghi giá trị vào cột E cho từng đơn vị, để trống nếu "
                           "không có số liệu. Không gộp ô, không dùng công thức, không đổi tiêu đề cột. Trang "
                           "mo_hinh_tu_quan: mỗi dòng một mô hình; mô hình mới để trống mã mô hình.")},
                {text_cell("Nhập lại"), text_cell("anttmap record import TỆP.xlsx")},
                {},
                {bold("Trang tính"), bold("Chỉ tiêu"), bold("Đơn vị báo cáo"), bold("Cách ghi giá trị"),
                 bold("Chỉ tiêu kế hoạch")}};

  for (const auto& definition : indicator_definitions()) {
    OutSheet sheet;
    sheet.name = definition.id;
    sheet.column_widths = {12, 34, 20, 28, 30, 30};
    sheet.text_columns = {kCodeColumn};
    std::vector<OutCell> header;
    for (const auto& text : indicator_headers(definition)) header.push_back(bold(text));
    sheet.rows.push_back(std::move(header));
    std::string kinds;
    for (const auto kind : definition.reported_by) kinds += (kinds.empty() ? "" : ", ") + kind_label(kind);
    for (const auto* unit : ordered) {
      if (!reported_by(definition, unit->kind)) continue;
      std::vector<OutCell> row{text_cell(unit->code), text_cell(unit->name), text_cell(kind_label(unit->kind)),
                               text_cell(parent_name(*unit)), text_cell(""), text_cell("")};
      if (auto found = in_force.find({unit->code, definition.id}); found != in_force.end()) {
        row[kValueColumn - 1] = value_cell(definition, found->second);
        row[kNoteColumn - 1] = text_cell(found->second.note);
      }
      sheet.rows.push_back(std::move(row));
    }
    const int last = std::max(2, static_cast<int>(sheet.rows.size()));
    office::ColumnRule rule{kValueColumn, 2, last, {}, std::nullopt, std::nullopt, false,
                            "Cần ghi " + value_hint(definition)};
    switch (definition.kind) {
      case IndicatorKind::yes_no: rule.choices = {"có", "không"}; break;
      case IndicatorKind::grade:
        for (const auto& [key, label] : movement_grades()) rule.choices.push_back(label);
        break;
      case IndicatorKind::percent: rule.minimum = 0, rule.maximum = 100; break;
      case IndicatorKind::count:
      case IndicatorKind::money: rule.minimum = 0, rule.whole = true; break;
    }
    sheet.rules.push_back(rule);
    guide.rows.push_back({text_cell(definition.id), text_cell(definition.label_vi), text_cell(kinds),
                          text_cell(value_hint(definition)),
                          text_cell(target_text(plan, definition.id, year))});
    sheets.push_back(std::move(sheet));
  }

  // Self-management models: the existing ones of units in scope, then blank rows for new ones.
  OutSheet models;
  models.name = kModelSheet;
  models.column_widths = {12, 30, 16, 28, 36, 16, 16};
  models.text_columns = {kModelUnitColumn, kModelCodeColumn};
  models.date_columns = {kModelFoundedColumn};
  std::vector<OutCell> header;
  for (const auto& text : model_headers(year)) header.push_back(bold(text));
  models.rows.push_back(std::move(header));
  std::map<std::string, std::vector<const store::SelfManagementModel*>> models_of_unit;
  const auto all_models = store.models();
  const auto effectiveness = store.model_effectiveness(year);
  for (const auto& model : all_models)
    if (model.founded.empty() || model.founded <= year_end(year)) models_of_unit[model.unit_code].push_back(&model);
  for (const auto* unit : ordered)
    for (const auto* model : models_of_unit[unit->code]) {
      const auto effective = effectiveness.find(model->id);
      models.rows.push_back({text_cell(unit->code), text_cell(unit->name), text_cell(model->code),
                             text_cell(model_type_label(model->type)), text_cell(model->name),
                             text_cell(vn_date(model->founded)),
                             text_cell(effective == effectiveness.end() ? "" : effective->second ? "có" : "không")});
      ++summary.models;
    }
  const int last_model_row = static_cast<int>(models.rows.size()) + kBlankModelRows;
  office::ColumnRule types{kModelTypeColumn, 2, last_model_row, {}, std::nullopt, std::nullopt, false,
                           "Chọn loại mô hình trong danh sách"};
  for (const auto& [key, label] : model_type_labels()) types.choices.push_back(label);
  models.rules.push_back(types);
  models.rules.push_back(office::ColumnRule{kModelEffectiveColumn, 2, last_model_row, {"có", "không"}, std::nullopt,
                                            std::nullopt, false, "Ghi có hoặc không"});
  guide.rows.push_back({text_cell(kModelSheet), text_cell("Mô hình tự quản về ANTT: loại, tên, ngày thành lập, hiệu quả trong năm"),
                        text_cell("Khu dân cư, xã, cơ quan, doanh nghiệp, nhà trường"), text_cell("có / không"),
                        text_cell("")});
  sheets.push_back(std::move(models));
  sheets.insert(sheets.begin(), std::move(guide));

  std::set<std::string> listed;
  for (const auto* unit : ordered) listed.insert(unit->code);
  summary.units = static_cast<int>(listed.size());
  summary.sheets = static_cast<int>(sheets.size());
  office::write_workbook(sheets, path);
  return summary;
}

}  // namespace antt::editing
