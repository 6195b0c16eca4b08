// The indicator form read back cell by cell (indicator_template.cpp writes it). Every cell is
// checked and every problem collected before anything is written, so an office sees all its
// mistakes at once and a bad form changes nothing.
#include "antt/editing/indicator_sheets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/text/unicode.hpp"
#include "indicator_form.hpp"

namespace antt::editing {
namespace {

using namespace form;
using office::InCell;
using office::InSheet;
using store::UnitKind;
using store::UnitVersion;

/// Everything the checks of one year need.
struct YearContext {
  std::map<std::string, UnitVersion> units;  ///< valid on 31 December, by code
  std::map<std::pair<std::string, std::string>, store::IndicatorValue> in_force;
};

struct ModelRow {
  store::SelfManagementModel model;  ///< id 0: a new one
  std::optional<bool> effective;
};

class FormReader {
 public:
  FormReader(const store::Store& store, std::string file) : store_(store), file_(std::move(file)) {
    for (const auto& model : store_.models()) models_by_code_[model.code] = model;
  }

  void problem(const std::string& sheet, int row, int column, std::string reason) {
    problems_.push_back({sheet, row, column, std::move(reason)});
  }
  const std::vector<CellProblem>& problems() const { return problems_; }

  YearContext& year(int year) {
    auto found = years_.find(year);
    if (found != years_.end()) return found->second;
    YearContext context;
    store::UnitQuery query;
    query.at_date = year_end(year);
    query.with_geometry = false;
    for (auto& unit : store_.units(query)) context.units.emplace(unit.code, std::move(unit));
    context.in_force = indicators_in_force(store_, year);
    return years_.emplace(year, std::move(context)).first->second;
  }

  /// The text of a cell that should hold plain text, or nothing after naming the problem.
  std::optional<std::string> plain_text(const std::string& sheet, int row, int column, const InCell* cell) {
    if (!cell) return std::string();
    if (!cell->formula.empty()) {
      problem(sheet, row, column,
              "a formula (=" + cell->formula + "): type the value itself / ô chứa công thức, hãy ghi giá trị");
      return std::nullopt;
    }
    if (cell->type == InCell::Type::error) {
      problem(sheet, row, column, "an error value (" + cell->text + ") / ô báo lỗi " + cell->text);
      return std::nullopt;
    }
    return text::trim(text::to_nfc(cell->text));
  }

  /// The unit of a code cell valid on 31 December of `year` that may report `definition`.
  const UnitVersion* unit_of(const std::string& sheet, int row, int column, const InCell* cell, int year) {
    const auto code = plain_text(sheet, row, column, cell);
    if (!code) return nullptr;
    if (code->empty()) {
      problem(sheet, row, column, "no unit code on a row with a value / thiếu mã đơn vị");
      return nullptr;
    }
    const auto& units = this->year(year).units;
    const auto found = units.find(*code);
    if (found == units.end()) {
      std::string reason = "unknown unit code '" + *code + "': no unit of that code in " + std::to_string(year) +
                           " / không có đơn vị mã " + *code + " trong năm " + std::to_string(year);
      if (cell && cell->type == InCell::Type::number)
        for (std::string padded = "0" + *code; padded.size() <= 6; padded = "0" + padded)
          if (units.count(padded)) {
            reason += " (typed as a number it lost its leading zero: " + padded +
                      "; format the column as text / mã bị mất số 0 ở đầu)";
            break;
          }
      problem(sheet, row, column, reason);
      return nullptr;
    }
    return &found->second;
  }

  /// A value cell read as `definition` wants it, into `value`; false after naming the problem.
  bool read_value(const std::string& sheet, int row, int column, const InCell& cell,
                  const IndicatorDefinition& definition, store::IndicatorValue& value) {
    const auto text = plain_text(sheet, row, column, &cell);
    if (!text) return false;
    std::string as_written = *text;
    if (cell.type == InCell::Type::number) {
      if (cell.date_format) {
        problem(sheet, row, column, "a date where " + value_hint_en(definition) + " goes / ô định dạng ngày tháng, cần " +
                                        value_hint(definition));
        return false;
      }
      char number[40];
      std::snprintf(number, sizeof number, "%.15g", cell.number);
      as_written = number;
    } else if (cell.type == InCell::Type::boolean) {
      as_written = cell.number != 0 ? "1" : "0";
    }
    try {
      parse_indicator_value(definition, as_written, value);
    } catch (const InputError& error) {
      const bool numeric = definition.kind == IndicatorKind::count || definition.kind == IndicatorKind::money ||
                           definition.kind == IndicatorKind::percent;
      problem(sheet, row, column,
              std::string(numeric && cell.type == InCell::Type::text ? "text in a number: " : "") + "'" + as_written +
                  "' is not " + value_hint_en(definition) + " / giá trị không hợp lệ, cần " + value_hint(definition));
      return false;
    }
    return true;
  }

  void check_headers(const InSheet& sheet, const std::vector<std::string>& expected, bool& usable) {
    usable = true;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const int column = static_cast<int>(i + 1);
      const InCell* cell = sheet.cell(1, column);
      const std::string found = cell ? text::trim(text::to_nfc(cell->text)) : "";
      const bool matches = text::fold_for_search(found) == text::fold_for_search(expected[i]);
      if (!matches) {
        problem(sheet.name, 1, column,
                "header '" + found + "' where the form has '" + expected[i] + "' / tiêu đề cột sai, cần “" +
                    expected[i] + "”");
        usable = false;
      }
    }
  }

  void check_merged(const InSheet& sheet) {
    for (const auto& range : sheet.merged) {
      const auto colon = range.find(':');
      int row = 0, column = 0;
      const std::string first = range.substr(0, colon);
      std::size_t i = 0;
      for (; i < first.size() && std::isalpha(static_cast<unsigned char>(first[i])); ++i)
        column = column * 26 + (std::toupper(static_cast<unsigned char>(first[i])) - 'A' + 1);
      row = std::atoi(first.c_str() + i);
      problem(sheet.name, row, column,
              "merged cells " + range + ": unmerge them, one value per cell / ô bị gộp, hãy bỏ gộp ô");
    }
  }

  /// One value of an indicator (from a form's sheet or a CSV row) checked; kept when it changes
  /// what is in force.
  void take_value(const std::string& sheet, int row, int code_column, const InCell* code_cell, int value_column,
                  const InCell& value_cell, const IndicatorDefinition& definition, int year, const std::string& note,
                  std::map<std::string, int>& rows_of_codes) {
    const UnitVersion* unit = unit_of(sheet, row, code_column, code_cell, year);
    store::IndicatorValue value;
    value.year = year;
    value.indicator = definition.id;
    value.note = note;
    const bool readable = read_value(sheet, row, value_column, value_cell, definition, value);
    if (!unit) return;
    if (!reported_by(definition, unit->kind)) {
      problem(sheet, row, code_column,
              unit->code + " (" + unit->name + ") is a " + std::string(store::to_string(unit->kind)) +
                  ", which does not report this indicator / loại đơn vị này không báo cáo chỉ tiêu “" +
                  definition.label_vi + "”");
      return;
    }
    const std::string key = definition.id + "|" + std::to_string(year) + "|" + unit->code;
    if (auto [at, fresh] = rows_of_codes.emplace(key, row); !fresh) {
      problem(sheet, row, code_column,
              "unit " + unit->code + " is already on row " + std::to_string(at->second) +
                  " / đơn vị đã có ở dòng " + std::to_string(at->second));
      return;
    }
    if (!readable) return;
    value.unit_code = unit->code;
    units_checked_.insert({unit->code, year});
    const auto& in_force = this->year(year).in_force;
    if (auto current = in_force.find({unit->code, definition.id});
        current != in_force.end() && current->second.number == value.number && current->second.text == value.text) {
      ++unchanged_;
      return;
    }
    values_.push_back(std::move(value));
  }

  void read_indicator_sheet(const InSheet& sheet, const IndicatorDefinition& definition, int year) {
    bool usable = false;
    check_headers(sheet, indicator_headers(definition), usable);
    check_merged(sheet);
    if (!usable) return;
    std::map<std::string, int> rows_of_codes;
    for (int row = 2; row <= sheet.last_row; ++row) {
      const InCell* value = sheet.cell(row, kValueColumn);
      if (!value || (value->formula.empty() && value->type == InCell::Type::text && text::trim(value->text).empty()))
        continue;  // a unit left blank: nothing reported
      const auto note = plain_text(sheet.name, row, kNoteColumn, sheet.cell(row, kNoteColumn));
      take_value(sheet.name, row, kCodeColumn, sheet.cell(row, kCodeColumn), kValueColumn, *value, definition, year,
                 note.value_or("") + (note && !note->empty() && !note_.empty() ? "; " : "") + note_, rows_of_codes);
    }
  }

  std::optional<std::string> date_cell(const std::string& sheet, int row, int column, const InCell* cell,
                                       bool date1904) {
    if (!cell) return std::string();
    if (cell->type == InCell::Type::number) {
      if (!cell->formula.empty() || !cell->date_format) {
        if (!cell->formula.empty()) plain_text(sheet, row, column, cell);
        else problem(sheet, row, column, "the number " + cell->text + " is not a date: type dd/mm/yyyy / cần ghi ngày dạng dd/mm/yyyy");
        return std::nullopt;
      }
      if (auto date = office::date_of_serial(cell->number, date1904)) return date;
      problem(sheet, row, column, "not a date / không phải ngày tháng");
      return std::nullopt;
    }
    const auto text = plain_text(sheet, row, column, cell);
    if (!text) return std::nullopt;
    if (text->empty()) return std::string();
    if (auto date = parse_form_date(*text)) return date;
    problem(sheet, row, column, "bad date '" + *text + "': type dd/mm/yyyy, e.g. 15/03/2018 / ngày tháng không hợp lệ");
    return std::nullopt;
  }

  void read_model_sheet(const InSheet& sheet, int year, bool date1904) {
    bool usable = false;
    check_headers(sheet, model_headers(year), usable);
    check_merged(sheet);
    if (!usable) return;
    std::map<std::string, int> rows_of_models;
    std::map<std::string, int> next_number;
    for (int row = 2; row <= sheet.last_row; ++row) {
      bool any = false;
      for (int column = kModelCodeColumn; column <= kModelEffectiveColumn; ++column)
        if (const InCell* cell = sheet.cell(row, column); cell && (!text::trim(cell->text).empty() || !cell->formula.empty()))
          any = true;
      if (!any) continue;  // a unit's row with no model, or a blank row
      const std::size_t before = problems_.size();
      const auto code = plain_text(sheet.name, row, kModelCodeColumn, sheet.cell(row, kModelCodeColumn));
      const auto type_text = plain_text(sheet.name, row, kModelTypeColumn, sheet.cell(row, kModelTypeColumn));
      const auto name = plain_text(sheet.name, row, kModelNameColumn, sheet.cell(row, kModelNameColumn));
      const auto founded = date_cell(sheet.name, row, kModelFoundedColumn, sheet.cell(row, kModelFoundedColumn), date1904);
      std::optional<bool> effective;
      if (const InCell* cell = sheet.cell(row, kModelEffectiveColumn)) {
        if (auto text = plain_text(sheet.name, row, kModelEffectiveColumn, cell); text && !text->empty()) {
          effective = cell->type == InCell::Type::boolean ? std::optional<bool>(cell->number != 0) : yes_no_of(*text);
          if (!effective)
            problem(sheet.name, row, kModelEffectiveColumn, "'" + *text + "' is not có or không / cần ghi có hoặc không");
        }
      }
      std::optional<std::string> type;
      if (type_text && !type_text->empty()) {
        type = model_type_of(*type_text);
        if (!type) {
          std::string known;
          for (const auto& [key, label] : model_type_labels()) known += (known.empty() ? "" : ", ") + label;
          problem(sheet.name, row, kModelTypeColumn, "unknown type of model '" + *type_text + "'; the types are: " +
                                                         known + " / loại mô hình không có trong danh mục");
        }
      }
      if (founded && !founded->empty() && *founded > year_end(year))
        problem(sheet.name, row, kModelFoundedColumn,
                "founded " + vn_date(*founded) + ", after the form's year " + std::to_string(year) +
                    " / ngày thành lập sau năm báo cáo");
      const UnitVersion* unit = unit_of(sheet.name, row, kModelUnitColumn, sheet.cell(row, kModelUnitColumn), year);
      if (unit && std::find(kModelUnitKinds.begin(), kModelUnitKinds.end(), unit->kind) == kModelUnitKinds.end())
        problem(sheet.name, row, kModelUnitColumn,
                unit->code + " is a " + std::string(store::to_string(unit->kind)) +
                    "; models belong to villages, communes, agencies, enterprises and schools / cấp này không có mô hình");
      if (problems_.size() != before || !unit || !code) continue;

      ModelRow entry;
      entry.effective = effective;
      if (!code->empty()) {
        const auto existing = models_by_code_.find(*code);
        if (existing == models_by_code_.end()) {
          problem(sheet.name, row, kModelCodeColumn,
                  "unknown model code '" + *code + "' (leave it empty for a new model) / không có mô hình mã này");
          continue;
        }
        entry.model = existing->second;
        auto differs = [&](int column, const std::string& what, const std::string& in_store, const std::string& given) {
          if (!given.empty() && given != in_store)
            problem(sheet.name, row, column,
                    what + " '" + given + "' differs from the store's '" + in_store + "' for model " + *code +
                        ": the form records a model's yearly effectiveness, not changes to it / không sửa thông tin "
                        "mô hình qua biểu mẫu");
        };
        differs(kModelUnitColumn, "unit", entry.model.unit_code, unit->code);
        differs(kModelTypeColumn, "type", entry.model.type, type.value_or(""));
        differs(kModelNameColumn, "name", entry.model.name, *name);
        differs(kModelFoundedColumn, "founded", vn_date(entry.model.founded), founded ? vn_date(*founded) : "");
      } else {
        if (!type || name->empty() || !founded || founded->empty()) {
          problem(sheet.name, row, type ? (name->empty() ? kModelNameColumn : kModelFoundedColumn) : kModelTypeColumn,
                  "a new model needs its type, name and founding date / mô hình mới cần loại, tên và ngày thành lập");
          continue;
        }
        entry.model.unit_code = unit->code;
        entry.model.type = *type;
        entry.model.name = *name;
        entry.model.founded = *founded;
      }
      if (!entry.model.code.empty()) {
        if (auto [at, fresh] = rows_of_models.emplace(entry.model.code, row); !fresh) {
          problem(sheet.name, row, kModelCodeColumn, "model " + entry.model.code + " is already on row " +
                                                         std::to_string(at->second) + " / mô hình bị ghi hai lần");
          continue;
        }
      }
      if (entry.model.id != 0) {
        if (!effectiveness_) effectiveness_ = store_.model_effectiveness(year);
        const auto now = effectiveness_->find(entry.model.id);
        if (!entry.effective) continue;
        if (now != effectiveness_->end() && now->second == *entry.effective) {
          ++unchanged_;
          continue;
        }
      }
      units_checked_.insert({unit->code, year});
      models_.push_back(std::move(entry));
    }
  }

  std::vector<store::IndicatorValue>& values() { return values_; }
  std::vector<ModelRow>& models() { return models_; }
  const std::set<std::pair<std::string, int>>& units_checked() const { return units_checked_; }
  int unchanged() const { return unchanged_; }
  void set_note(std::string note) { note_ = std::move(note); }
  const std::map<std::string, store::SelfManagementModel>& models_by_code() const { return models_by_code_; }

  [[noreturn]] void fail() const { throw SheetError(file_, problems_); }

 private:
  const store::Store& store_;
  std::string file_;
  std::string note_;
  std::vector<CellProblem> problems_;
  std::map<int, YearContext> years_;
  std::map<std::string, store::SelfManagementModel> models_by_code_;
  std::optional<std::map<std::int64_t, bool>> effectiveness_;
  std::vector<store::IndicatorValue> values_;
  std::vector<ModelRow> models_;
  std::set<std::pair<std::string, int>> units_checked_;
  int unchanged_ = 0;
};

/// The form's year, from the guide sheet's "Năm báo cáo" row.
std::optional<int> form_year(const InSheet& guide) {
  for (int row = 1; row <= guide.last_row; ++row) {
    const InCell* label = guide.cell(row, 1);
    if (!label || text::fold_for_search(text::trim(label->text)) != "nam bao cao") continue;
    const InCell* value = guide.cell(row, 2);
    if (!value) return std::nullopt;
    const std::string text = text::trim(value->text);
    if (text.size() == 4 && std::all_of(text.begin(), text.end(), ::isdigit)) return std::stoi(text);
    return std::nullopt;
  }
  return std::nullopt;
}

/// RFC 4180 text: fields split by `separator`, quotes doubled inside quoted fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& content, char separator) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (quoted) {
      if (c == '"' && i + 1 < content.size() && content[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == separator) {
      rows.back().push_back(std::move(field)), field.clear(), field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field)), field.clear(), field_started = false;
      rows.emplace_back();
    } else {
      field += c, field_started = true;
    }
  }
  if (field_started || !rows.back().empty()) rows.back().push_back(std::move(field));
  while (!rows.empty() && (rows.back().empty() || (rows.back().size() == 1 && rows.back()[0].empty()))) rows.pop_back();
  return rows;
}

InSheet csv_as_sheet(const std::string& path, const std::string& name, FormReader& reader) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open " + path + " / không mở được tệp");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);
  InSheet sheet;
  sheet.name = name;
  if (!text::is_valid_utf8(content)) {
    reader.problem(name, 0, 0, "the file is not UTF-8 text: save it as “CSV UTF-8” / tệp không phải văn bản UTF-8");
    return sheet;
  }
  const std::string first_line = content.substr(0, content.find('\n'));
  const char separator = first_line.find(';') != std::string::npos && first_line.find(',') == std::string::npos ? ';' : ',';
  const auto rows = parse_csv(content, separator);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (rows[r][c].empty()) continue;
      InCell cell;
      cell.text = rows[r][c];
      sheet.cells[{static_cast<int>(r + 1), static_cast<int>(c + 1)}] = std::move(cell);
      sheet.last_row = static_cast<int>(r + 1);
    }
  return sheet;
}

void read_csv(const InSheet& sheet, const SheetImportOptions& options, FormReader& reader) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kColumns{
      {"code", {"ma_don_vi", "ma don vi", "code", "unit_code"}},
      {"indicator", {"chi_tieu", "chi tieu", "indicator"}},
      {"value", {"gia_tri", "gia tri", "value"}},
      {"year", {"nam", "year"}},
      {"note", {"ghi_chu", "ghi chu", "note"}},
  };
  std::map<std::string, int> columns;
  int last_column = 0;
  for (const auto& [place, cell] : sheet.cells)
    if (place.first == 1) last_column = std::max(last_column, place.second);
  for (int column = 1; column <= last_column; ++column) {
    const InCell* cell = sheet.cell(1, column);
    const std::string header = cell ? text::fold_for_search(text::trim(cell->text)) : "";
    bool known = false;
    for (const auto& [role, names] : kColumns)
      if (std::find(names.begin(), names.end(), header) != names.end()) {
        known = true;
        if (columns.count(role))
          reader.problem(sheet.name, 1, column, "column '" + header + "' comes twice / cột bị lặp");
        columns[role] = column;
      }
    if (!known)
      reader.problem(sheet.name, 1, column,
                     "unknown column '" + (cell ? cell->text : std::string()) +
                         "'; the columns are ma_don_vi, chi_tieu, gia_tri, nam, ghi_chu / cột không có trong mẫu");
  }
  for (const char* role : {"code", "indicator", "value"})
    if (!columns.count(role))
      reader.problem(sheet.name, 1, 0,
                     std::string("no ") + role + " column (ma_don_vi, chi_tieu, gia_tri) / thiếu cột bắt buộc");
  if (!columns.count("year") && !options.year)
    reader.problem(sheet.name, 1, 0, "no year: add a column nam or give --year / thiếu năm báo cáo");
  if (!reader.problems().empty()) return;
  std::map<std::string, int> rows_of_codes;
  for (int row = 2; row <= sheet.last_row; ++row) {
    const InCell* value = sheet.cell(row, columns["value"]);
    const InCell* indicator_cell = sheet.cell(row, columns["indicator"]);
    if (!value && !indicator_cell && !sheet.cell(row, columns["code"])) continue;
    int year = options.year.value_or(0);
    if (columns.count("year")) {
      const InCell* year_cell = sheet.cell(row, columns["year"]);
      const std::string text = year_cell ? text::trim(year_cell->text) : "";
      const bool digits = text.size() == 4 && std::all_of(text.begin(), text.end(), ::isdigit);
      if (!digits || (options.year && std::stoi(text) != *options.year)) {
        reader.problem(sheet.name, row, columns["year"],
                       digits ? "year " + text + " differs from --year " + std::to_string(*options.year) +
                                    " / năm khác với --year"
                              : "'" + text + "' is not a year / năm không hợp lệ");
        continue;
      }
      year = std::stoi(text);
    }
    const std::string id = indicator_cell ? text::trim(indicator_cell->text) : "";
    const IndicatorDefinition* definition = nullptr;
    for (const auto& candidate : indicator_definitions())
      if (candidate.id == id) definition = &candidate;
    if (!definition) {
      reader.problem(sheet.name, row, columns["indicator"],
                     "unknown indicator '" + id + "' (`anttmap record indicators` lists them) / không có chỉ tiêu này");
      continue;
    }
    if (!value) {
      reader.problem(sheet.name, row, columns["value"], "no value / thiếu giá trị");
      continue;
    }
    const InCell* note = columns.count("note") ? sheet.cell(row, columns["note"]) : nullptr;
    std::string note_text = note ? text::trim(text::to_nfc(note->text)) : "";
    if (!options.note.empty()) note_text += (note_text.empty() ? "" : "; ") + options.note;
    reader.take_value(sheet.name, row, columns["code"], sheet.cell(row, columns["code"]), columns["value"], *value,
                      *definition, year, note_text, rows_of_codes);
  }
}

}  // namespace

std::optional<std::string> parse_form_date(const std::string& raw) {
  const std::string text = text::trim(raw);
  if (auto iso = parse_iso_date(text)) return iso;
  int day = 0, month = 0, year = 0;
  char first = 0, second = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%2d%c%2d%c%4d%n", &day, &first, &month, &second, &year, &consumed) != 5 ||
      consumed != static_cast<int>(text.size()) || first != second || (first != '/' && first != '-' && first != '.') ||
      year < 1000 || day < 1 || month < 1 || !std::isdigit(static_cast<unsigned char>(text.front())))
    return std::nullopt;
  char iso[48];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
  return parse_iso_date(iso);
}

std::string CellProblem::place() const {
  std::string place = "sheet '" + sheet + "'";
  if (row > 0) place += ", row " + std::to_string(row);
  if (column > 0) place += ", column " + office::column_letters(column);
  if (row > 0 && column > 0) place += " (" + office::cell_name(row, column) + ")";
  return place;
}

namespace {
std::string problems_message(const std::string& file, const std::vector<CellProblem>& problems) {
  std::string message = file + ": " + std::to_string(problems.size()) +
                        " problem(s); nothing was recorded / có lỗi trong biểu mẫu, chưa ghi gì:";
  for (std::size_t i = 0; i < problems.size() && i < kProblemsShown; ++i)
    message += "\n  " + problems[i].place() + ": " + problems[i].reason;
  if (problems.size() > kProblemsShown)
    message += "\n  … and " + std::to_string(problems.size() - kProblemsShown) + " more";
  return message;
}
}  // namespace

nlohmann::json problems_json(const std::vector<CellProblem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& problem : problems)
    list.push_back({{"sheet", problem.sheet},
                    {"row", problem.row > 0 ? nlohmann::json(problem.row) : nlohmann::json()},
                    {"column", problem.column > 0 ? nlohmann::json(office::column_letters(problem.column)) : nlohmann::json()},
                    {"place", problem.place()},
                    {"reason", problem.reason}});
  return list;
}

SheetError::SheetError(const std::string& file, std::vector<CellProblem> problems)
    : InputError(problems_message(file, problems)), problems_(std::move(problems)) {}

SheetImportResult import_indicator_sheets(store::Store& store, const store::Actor& actor, const std::string& path,
                                          const SheetImportOptions& options) {
  const std::string label = options.label.empty() ? path : options.label;
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), ::tolower);
  if (extension != ".xlsx" && extension != ".csv")
    throw InputError("record import reads the form (.xlsx) or a .csv, not '" + extension +
                     "' / chỉ đọc tệp .xlsx hoặc .csv");
  FormReader reader(store, label);
  reader.set_note(options.note);
  SheetImportResult result;
  if (extension == ".csv") {
    const InSheet sheet = csv_as_sheet(path, std::filesystem::path(label).filename().string(), reader);
    if (reader.problems().empty()) read_csv(sheet, options, reader);
    result.year = options.year.value_or(reader.values().empty() ? 0 : reader.values().front().year);
  } else {
    const office::Workbook workbook = office::read_workbook(path);
    std::optional<int> year;
    const InSheet* guide = nullptr;
    for (const auto& sheet : workbook.sheets)
      if (sheet.name == kGuideSheet) guide = &sheet;
    if (guide) year = form_year(*guide);
    if (!guide && !options.year)
      reader.problem(kGuideSheet, 0, 0,
                     "the form's guide sheet is missing, so its year is unknown: give --year / thiếu trang Huong_dan");
    else if (guide && !year)
      reader.problem(kGuideSheet, 0, 2, "no year on the row “Năm báo cáo” / thiếu năm báo cáo");
    if (year && options.year && *year != *options.year)
      reader.problem(kGuideSheet, 2, 2,
                     "the form is for " + std::to_string(*year) + ", not " + std::to_string(*options.year) +
                         " / biểu mẫu của năm khác");
    if (!year) year = options.year;
    if (year && reader.problems().empty()) {
      for (const auto& sheet : workbook.sheets) {
        if (sheet.name == kGuideSheet) continue;
        if (sheet.name == kModelSheet) {
          reader.read_model_sheet(sheet, *year, workbook.date1904);
          continue;
        }
        const IndicatorDefinition* definition = nullptr;
        for (const auto& candidate : indicator_definitions())
          if (candidate.id == sheet.name) definition = &candidate;
        if (definition) {
          reader.read_indicator_sheet(sheet, *definition, *year);
        } else if (!sheet.cells.empty()) {
          reader.problem(sheet.name, 0, 0,
                         "not a sheet of the form (its sheets are Huong_dan, mo_hinh_tu_quan and the indicator ids "
                         "of `anttmap record indicators`) / trang tính không thuộc biểu mẫu");
        }
      }
    }
    result.year = year.value_or(0);
  }
  if (!reader.problems().empty()) reader.fail();

  if (options.check_unit)
    for (const auto& [code, year] : reader.units_checked()) options.check_unit(code, year);

  auto& models = reader.models();
  if (reader.values().empty() && models.empty()) {
    result.unchanged = reader.unchanged();
    return result;
  }
  std::set<std::string> taken;
  for (const auto& [code, model] : reader.models_by_code()) taken.insert(code);
  std::set<std::string> written_units;
  const auto recorded = record_indicator_values(store, actor, std::move(reader.values()), [&] {
    for (auto& entry : models) {
      if (entry.model.id == 0) {
        for (int number = 1; entry.model.code.empty(); ++number) {
          char suffix[32];
          std::snprintf(suffix, sizeof suffix, "-MH%02d", number);
          if (taken.insert(entry.model.unit_code + suffix).second) entry.model.code = entry.model.unit_code + suffix;
        }
        entry.model.id = store.add_model(entry.model);
        ++result.models_added;
        written_units.insert(entry.model.unit_code);
      }
      if (entry.effective) {
        store.set_model_year({entry.model.id, result.year, *entry.effective});
        ++result.model_years;
        written_units.insert(entry.model.unit_code);
      }
    }
  });
  for (const auto& value : recorded) {
    ++result.by_indicator[value.indicator];
    written_units.insert(value.unit_code);
  }
  result.recorded = static_cast<int>(recorded.size());
  result.unchanged += reader.unchanged();
  result.units = static_cast<int>(written_units.size());
  return result;
}

}  // namespace antt::editing
