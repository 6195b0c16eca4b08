#pragma once
// Office Open XML workbooks (.xlsx), written and read cell by cell: the forms offices fill in.
// GDAL's XLSX driver reads tables but hides what a form check must see (merged cells, formulas,
// a number typed as a date, drop-down lists), so the workbook's XML is handled here, through GDAL's
// zip support (/vsizip/ to read, CPLCreateZip to write) and its XML parser.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace antt::office {

/// "A", "Z", "AA" for columns 1, 26, 27.
std::string column_letters(int column);
/// "E5" for row 5, column 5.
std::string cell_name(int row, int column);

// Writing ----------------------------------------------------------------------------------------

struct OutCell {
  std::string text;
  std::optional<double> number;  ///< a number cell when set (text is then ignored)
  bool bold = false;
};

/// A drop-down list or a number rule on a block of one column (Excel's data validation).
struct ColumnRule {
  int column = 1;
  int first_row = 2;
  int last_row = 2;
  std::vector<std::string> choices;     ///< a drop-down list when not empty
  std::optional<double> minimum, maximum;  ///< a number rule when choices is empty
  bool whole = false;                      ///< whole numbers only
  std::string message;                     ///< shown when the rule is broken
};

struct OutSheet {
  std::string name;  ///< at most 31 characters, none of []:*?/\ .
  std::vector<double> column_widths;  ///< in characters
  std::vector<std::vector<OutCell>> rows;
  std::vector<ColumnRule> rules;
  std::vector<int> date_columns;  ///< cells of these columns show dd/mm/yyyy
  std::vector<int> text_columns;  ///< typed text stays text (codes keep their leading zeros)
  bool freeze_first_row = true;
};

/// Writes the workbook to `path` (a temporary file renamed into place). InputError when it cannot.
void write_workbook(const std::vector<OutSheet>& sheets, const std::string& path);

// Reading ----------------------------------------------------------------------------------------

struct InCell {
  enum class Type { text, number, boolean, error };
  Type type = Type::text;
  std::string text;     ///< the text, or the number as stored
  double number = 0;    ///< numbers and booleans
  bool date_format = false;  ///< a number shown as a date or time
  std::string formula;       ///< not empty when the cell holds a formula
};

struct InSheet {
  std::string name;
  bool hidden = false;
  std::map<std::pair<int, int>, InCell> cells;  ///< by (row, column), 1-based
  std::vector<std::string> merged;              ///< merged ranges, e.g. "A5:B5"
  int last_row = 0;

  const InCell* cell(int row, int column) const;
};

struct Workbook {
  std::vector<InSheet> sheets;
  bool date1904 = false;
};

/// Reads every sheet of an .xlsx workbook. InputError when the file is not one (an .xls, a
/// damaged zip, XML that does not parse), naming the file.
Workbook read_workbook(const std::string& path);

/// The day of an Excel date serial (1900 or 1904 system) as YYYY-MM-DD; nothing outside 1900-9999.
std::optional<std::string> date_of_serial(double serial, bool date1904);

}  // namespace antt::office
