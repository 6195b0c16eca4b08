#pragma once
// The offices' spreadsheet round trip for the programme's indicators: `anttmap template` writes the
// form of a year (one sheet per indicator and one for self-management models, the units of that
// year pre-filled, drop-down lists), `anttmap record import` reads it back (or a CSV) all or
// nothing, naming the sheet, row, column and reason of every bad cell.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/store/store.hpp"

namespace antt::editing {

/// The sheet of self-management models in the form (the other sheets are named by indicator id).
inline constexpr const char* kModelSheet = "mo_hinh_tu_quan";
/// The first sheet: what the form is, its year and how to fill it.
inline constexpr const char* kGuideSheet = "Huong_dan";

struct TemplateRequest {
  int year = 0;
  /// Only the units under this one (a district or the province), itself included. Default: the
  /// store's home province (or what it became by the year), else every unit.
  std::optional<std::string> within;
};

struct TemplateSummary {
  int sheets = 0;
  int units = 0;       ///< units listed (each once, on every sheet it reports)
  int models = 0;      ///< models listed
  std::string scope;   ///< the name of the unit the form covers, or the province's
};

/// Writes the form of `request.year` to `path` (.xlsx): values in force are pre-filled, so a form
/// sent back unchanged records nothing. InputError for a year without units or an unknown scope.
TemplateSummary write_indicator_template(const store::Store& store, const TemplateRequest& request,
                                         const std::string& path);

/// One bad cell (row and column 1-based; column 0 when the problem is a whole row or sheet).
struct CellProblem {
  std::string sheet;
  int row = 0;
  int column = 0;
  std::string reason;
  /// "sheet 'pledge_share', row 5, column E (E5)"
  std::string place() const;
};

/// The problems as the CLI and the API list them: sheet, row, column (a letter), place, reason.
nlohmann::json problems_json(const std::vector<CellProblem>& problems);

/// Every bad cell of a form; nothing was written.
class SheetError : public InputError {
 public:
  SheetError(const std::string& file, std::vector<CellProblem> problems);
  const std::vector<CellProblem>& problems() const { return problems_; }

 private:
  std::vector<CellProblem> problems_;
};

struct SheetImportOptions {
  std::optional<int> year;  ///< must agree with the form's year; needed for a CSV without a year column
  std::string note;         ///< kept with every value (e.g. the office's report number)
  std::string label;        ///< how messages name the file; empty: its path
  /// Called for every value and model before anything is written (the server's scope check); what
  /// it throws aborts the import.
  std::function<void(const std::string& unit_code, int year)> check_unit;
};

struct SheetImportResult {
  int year = 0;
  int recorded = 0;   ///< values written
  int unchanged = 0;  ///< values equal to the one in force, not written again
  int models_added = 0;
  int model_years = 0;  ///< effectiveness rows written
  int units = 0;        ///< units with something written
  std::map<std::string, int> by_indicator;  ///< values written per indicator id
};

/// Reads a filled form (.xlsx) or a CSV (columns ma_don_vi, chi_tieu, gia_tri, and optionally nam,
/// ghi_chu; English code, indicator, value, year, note) and records it in one audited transaction.
/// SheetError listing every bad cell (wrong header, unknown sheet, unknown or repeated code, a unit
/// that does not report the indicator, text where a number goes, a bad date, merged cells, formulas,
/// error values); nothing is written then.
SheetImportResult import_indicator_sheets(store::Store& store, const store::Actor& actor, const std::string& path,
                                          const SheetImportOptions& options = {});

/// A date as offices type it: 15/03/2018, 15-3-2018, 15.03.2018 or 2018-03-15 -> "2018-03-15".
std::optional<std::string> parse_form_date(const std::string& text);

}  // namespace antt::editing
