// Office Open XML workbooks: the parts a form needs (ECMA-376 part 1: workbook, worksheets,
// shared strings, styles, relationships), written as few and as plain as Excel and LibreOffice
// accept, and read as either of them (or another tool) writes them.
#include "antt/office/xlsx.hpp"

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"

namespace antt::office {
namespace {

// Writing ----------------------------------------------------------------------------------------

constexpr const char* kMainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelationshipNamespace =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

// Cell styles of styles.xml, by index.
constexpr int kStylePlain = 0;
constexpr int kStyleBold = 1;
constexpr int kStyleDate = 2;
constexpr int kStyleText = 3;

std::string xml_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 has no place for the other control characters.
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
    }
  }
  return out;
}

std::string number_text(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

void check_sheet_name(const std::string& name, std::set<std::string>& seen) {
  const bool bad_character = name.find_first_of("[]:*?/\\") != std::string::npos;
  if (name.empty() || name.size() > 31 || bad_character || !seen.insert(name).second)
    throw Error("sheet name '" + name + "' is empty, too long, repeated or has one of []:*?/\\");
}

std::string worksheet_xml(const OutSheet& sheet, bool selected) {
  std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"") +
                    kMainNamespace + "\" xmlns:r=\"" + kRelationshipNamespace + "\">";
  xml += std::string("<sheetViews><sheetView workbookViewId=\"0\"") + (selected ? " tabSelected=\"1\"" : "") + ">";
  if (sheet.freeze_first_row && sheet.rows.size() > 1)
    xml += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>";
  xml += "</sheetView></sheetViews>";
  if (!sheet.column_widths.empty()) {
    xml += "<cols>";
    for (std::size_t i = 0; i < sheet.column_widths.size(); ++i) {
      const std::string index = std::to_string(i + 1);
      const int column = static_cast<int>(i + 1);
      const bool date = std::count(sheet.date_columns.begin(), sheet.date_columns.end(), column) > 0;
      const bool text = std::count(sheet.text_columns.begin(), sheet.text_columns.end(), column) > 0;
      xml += "<col min=\"" + index + "\" max=\"" + index + "\" width=\"" + number_text(sheet.column_widths[i]) +
             "\" customWidth=\"1\"" +
             (date ? " style=\"" + std::to_string(kStyleDate) + "\"" : text ? " style=\"" + std::to_string(kStyleText) + "\"" : "") +
             "/>";
    }
    xml += "</cols>";
  }
  xml += "<sheetData>";
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const int row = static_cast<int>(r + 1);
    xml += "<row r=\"" + std::to_string(row) + "\">";
    for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
      const OutCell& cell = sheet.rows[r][c];
      const int column = static_cast<int>(c + 1);
      if (!cell.number && cell.text.empty()) continue;
      int style = cell.bold ? kStyleBold : kStylePlain;
      if (!cell.bold && std::count(sheet.date_columns.begin(), sheet.date_columns.end(), column)) style = kStyleDate;
      if (!cell.bold && std::count(sheet.text_columns.begin(), sheet.text_columns.end(), column)) style = kStyleText;
      xml += "<c r=\"" + cell_name(row, column) + "\"" + (style ? " s=\"" + std::to_string(style) + "\"" : "");
      if (cell.number) xml += "><v>" + number_text(*cell.number) + "</v></c>";
      else xml += " t=\"inlineStr\"><is><t xml:space=\"preserve\">" + xml_escaped(cell.text) + "</t></is></c>";
    }
    xml += "</row>";
  }
  xml += "</sheetData>";
  if (!sheet.rules.empty()) {
    xml += "<dataValidations count=\"" + std::to_string(sheet.rules.size()) + "\">";
    for (const ColumnRule& rule : sheet.rules) {
      const std::string range = cell_name(rule.first_row, rule.column) + ":" + cell_name(rule.last_row, rule.column);
      const std::string message = " showErrorMessage=\"1\" errorTitle=\"anttmap\" error=\"" + xml_escaped(rule.message) +
                                  "\" sqref=\"" + range + "\">";
      if (!rule.choices.empty()) {
        std::string list;
        for (const auto& choice : rule.choices) list += (list.empty() ? "" : ",") + choice;
        xml += "<dataValidation type=\"list\" allowBlank=\"1\"" + message + "<formula1>\"" + xml_escaped(list) +
               "\"</formula1></dataValidation>";
      } else {
        const char* type = rule.whole ? "whole" : "decimal";
        if (rule.minimum && rule.maximum)
          xml += std::string("<dataValidation type=\"") + type + "\" operator=\"between\" allowBlank=\"1\"" + message +
                 "<formula1>" + number_text(*rule.minimum) + "</formula1><formula2>" + number_text(*rule.maximum) +
                 "</formula2></dataValidation>";
        else if (rule.minimum)
          xml += std::string("<dataValidation type=\"") + type + "\" operator=\"greaterThanOrEqual\" allowBlank=\"1\"" +
                 message + "<formula1>" + number_text(*rule.minimum) + "</formula1></dataValidation>";
      }
    }
    xml += "</dataValidations>";
  }
  xml += "</worksheet>";
  return xml;
}

const char* kStylesXml =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
    R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>)"
    R"(<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>)"
    R"(<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>)"
    R"(<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>)"
    R"(<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>)"
    R"(<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>)"
    R"(<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>)"
    R"(<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>)"
    R"(<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>)"
    R"(<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>)";

/// A zip being written by CPLCreateZip; closed (and so finished) once.
class ZipWriter {
 public:
  explicit ZipWriter(const std::string& path) : handle_(CPLCreateZip(path.c_str(), nullptr)) {
    if (!handle_) throw InputError("cannot create " + path + " / không tạo được tệp");
  }
  ~ZipWriter() {
    if (handle_) CPLCloseZip(handle_);
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void add(const std::string& name, const std::string& content) {
    if (CPLCreateFileInZip(handle_, name.c_str(), nullptr) != CE_None ||
        CPLWriteFileInZip(handle_, content.data(), static_cast<int>(content.size())) != CE_None ||
        CPLCloseFileInZip(handle_) != CE_None)
      throw InputError("cannot write " + name + " into the workbook / không ghi được bảng tính");
  }
  void finish() {
    const CPLErr result = CPLCloseZip(handle_);
    handle_ = nullptr;
    if (result != CE_None) throw InputError("cannot finish the workbook / không ghi được bảng tính");
  }

 private:
  void* handle_;
};

// Reading ----------------------------------------------------------------------------------------

struct XmlTreeDeleter {
  void operator()(CPLXMLNode* node) const { CPLDestroyXMLNode(node); }
};
using XmlTree = std::unique_ptr<CPLXMLNode, XmlTreeDeleter>;

// A sheet of a province's form is under 1 MB; a member beyond this is refused rather than inflated
// and parsed (a zip bomb uploaded to the server).
constexpr GIntBig kMaxMemberBytes = 32LL * 1024 * 1024;

class Package {
 public:
  explicit Package(std::string path) : path_(std::move(path)) {}

  bool has(const std::string& member) const {
    VSIStatBufL stat;
    return VSIStatL(address(member).c_str(), &stat) == 0;
  }

  /// The member parsed, its namespace prefixes dropped; nothing when absent and optional.
  XmlTree xml(const std::string& member, bool required = true) const {
    if (!has(member)) {
      if (!required) return nullptr;
      throw InputError(path_ + " is not an Excel workbook (.xlsx): it has no " + member +
                       " / tệp không phải bảng tính .xlsx");
    }
    GByte* bytes = nullptr;
    vsi_l_offset size = 0;
    geo::GdalErrorScope errors;
    if (!VSIIngestFile(nullptr, address(member).c_str(), &bytes, &size, kMaxMemberBytes))
      throw InputError(path_ + ": cannot read " + member + " (damaged, or larger than 32 MB unpacked) / không đọc được");
    std::unique_ptr<GByte, decltype(&VSIFree)> owned(bytes, &VSIFree);
    XmlTree tree(CPLParseXMLString(reinterpret_cast<const char*>(bytes)));
    if (!tree)
      throw InputError(path_ + ": " + member + " is not well-formed XML (" + errors.last_error() +
                       ") / bảng tính bị hỏng");
    CPLStripXMLNamespace(tree.get(), nullptr, TRUE);
    return tree;
  }

 private:
  std::string address(const std::string& member) const { return "/vsizip/{" + path_ + "}/" + member; }
  std::string path_;
};

/// The element `name` among the root's siblings (a parsed document starts with <?xml ...?>).
const CPLXMLNode* document_element(const CPLXMLNode* tree, const char* name) {
  for (const CPLXMLNode* node = tree; node; node = node->psNext)
    if (node->eType == CXT_Element && std::string_view(node->pszValue) == name) return node;
  return nullptr;
}

template <typename Visit>
void for_each_child(const CPLXMLNode* parent, std::string_view name, Visit visit) {
  if (!parent) return;
  for (const CPLXMLNode* node = parent->psChild; node; node = node->psNext)
    if (node->eType == CXT_Element && name == node->pszValue) visit(node);
}

/// The text of <t> elements under `node`, phonetic runs (<rPh>) left out.
void gather_text(const CPLXMLNode* node, std::string& out) {
  for (const CPLXMLNode* child = node->psChild; child; child = child->psNext) {
    if (child->eType != CXT_Element) continue;
    const std::string_view name = child->pszValue;
    if (name == "t") {
      for (const CPLXMLNode* text = child->psChild; text; text = text->psNext)
        if (text->eType == CXT_Text) out += text->pszValue;
    } else if (name != "rPh" && name != "phoneticPr") {
      gather_text(child, out);
    }
  }
}

std::string attribute(const CPLXMLNode* node, const char* name) { return CPLGetXMLValue(node, name, ""); }

/// "AB12" -> (12, 28); (0, 0) when it is not a cell name.
std::pair<int, int> parse_cell_name(std::string_view name) {
  int column = 0, row = 0;
  std::size_t i = 0;
  for (; i < name.size() && std::isalpha(static_cast<unsigned char>(name[i])); ++i) {
    column = column * 26 + (std::toupper(static_cast<unsigned char>(name[i])) - 'A' + 1);
    if (column > 16384) return {0, 0};
  }
  if (i == 0 || i == name.size()) return {0, 0};
  for (; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {0, 0};
    row = row * 10 + (name[i] - '0');
    if (row > 1048576) return {0, 0};
  }
  return {row, column};
}

/// Whether a number format shows a date: the built-in date formats, or a format whose code (its
/// quoted text, escapes and [colour] parts left out) has a day or year.
bool is_date_format(int id, const std::map<int, std::string>& custom) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58))
    return true;
  const auto found = custom.find(id);
  if (found == custom.end()) return false;
  const std::string& code = found->second;
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) { quoted = c != '"'; continue; }
    if (bracket) { bracket = c != ']'; continue; }
    if (c == '"') quoted = true;
    else if (c == '[') bracket = true;
    else if (c == '\\' || c == '_' || c == '*') ++i;
    else if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') return true;
  }
  return false;
}

/// For each cell style index, whether it shows numbers as dates.
std::vector<bool> date_styles(const Package& package, const std::string& member) {
  std::vector<bool> dates;
  const XmlTree tree = package.xml(member, false);
  const CPLXMLNode* sheet = tree ? document_element(tree.get(), "styleSheet") : nullptr;
  if (!sheet) return dates;
  std::map<int, std::string> custom;
  for_each_child(CPLGetXMLNode(sheet, "numFmts"), "numFmt", [&](const CPLXMLNode* format) {
    custom[std::atoi(attribute(format, "numFmtId").c_str())] = attribute(format, "formatCode");
  });
  for_each_child(CPLGetXMLNode(sheet, "cellXfs"), "xf", [&](const CPLXMLNode* xf) {
    dates.push_back(is_date_format(std::atoi(attribute(xf, "numFmtId").c_str()), custom));
  });
  return dates;
}

/// Relationship id -> target member, resolved against the folder of `source`.
std::map<std::string, std::string> relationships(const Package& package, const std::string& source) {
  const auto slash = source.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : source.substr(0, slash + 1);
  const std::string member = folder + "_rels/" + source.substr(slash == std::string::npos ? 0 : slash + 1) + ".rels";
  std::map<std::string, std::string> targets;
  const XmlTree tree = package.xml(member, false);
  const CPLXMLNode* root = tree ? document_element(tree.get(), "Relationships") : nullptr;
  for_each_child(root, "Relationship", [&](const CPLXMLNode* relationship) {
    std::string target = attribute(relationship, "Target");
    if (!target.empty() && target.front() == '/') target = target.substr(1);
    else target = folder + target;
    // "xl/worksheets/../sharedStrings.xml" -> "xl/sharedStrings.xml"
    targets[attribute(relationship, "Id")] = std::filesystem::path(target).lexically_normal().generic_string();
  });
  return targets;
}

std::string relationship_of_type(const Package& package, const std::string& source, std::string_view type_suffix) {
  const auto slash = source.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : source.substr(0, slash + 1);
  const std::string member = folder + "_rels/" + source.substr(slash == std::string::npos ? 0 : slash + 1) + ".rels";
  const XmlTree tree = package.xml(member, false);
  const CPLXMLNode* root = tree ? document_element(tree.get(), "Relationships") : nullptr;
  std::string found;
  for_each_child(root, "Relationship", [&](const CPLXMLNode* relationship) {
    const std::string type = attribute(relationship, "Type");
    if (found.empty() && type.size() >= type_suffix.size() &&
        type.compare(type.size() - type_suffix.size(), type_suffix.size(), type_suffix) == 0) {
      std::string target = attribute(relationship, "Target");
      found = !target.empty() && target.front() == '/' ? target.substr(1) : folder + target;
    }
  });
  return found.empty() ? found : std::filesystem::path(found).lexically_normal().generic_string();
}

void read_worksheet(const Package& package, const std::string& member, const std::vector<std::string>& shared,
                    const std::vector<bool>& dates, InSheet& sheet) {
  const XmlTree tree = package.xml(member);
  const CPLXMLNode* worksheet = document_element(tree.get(), "worksheet");
  if (!worksheet) throw InputError(member + " is not a worksheet / trang tính bị hỏng");
  int row_number = 0;
  for_each_child(CPLGetXMLNode(worksheet, "sheetData"), "row", [&](const CPLXMLNode* row) {
    const std::string r = attribute(row, "r");
    if (r.empty()) {
      ++row_number;
    } else {
      const auto [named_row, named_column] = parse_cell_name("A" + r);
      if (named_row < 1)
        throw InputError(sheet.name + ": a row numbered '" + r + "' (rows are 1 to 1048576) / số dòng không hợp lệ");
      row_number = named_row;
    }
    if (row_number > 1048576) throw InputError(sheet.name + ": more than 1048576 rows / quá nhiều dòng");
    int column = 0;
    for_each_child(row, "c", [&](const CPLXMLNode* c) {
      const auto [named_row, named_column] = parse_cell_name(attribute(c, "r"));
      column = named_column > 0 ? named_column : column + 1;
      if (column > 16384) throw InputError(sheet.name + ": more than 16384 columns / quá nhiều cột");
      InCell cell;
      const std::string type = attribute(c, "t");
      const char* value = CPLGetXMLValue(c, "v", nullptr);
      if (const CPLXMLNode* formula = CPLGetXMLNode(c, "f")) {
        cell.formula = CPLGetXMLValue(formula, nullptr, "");
        if (cell.formula.empty()) cell.formula = "(shared formula)";
      }
      if (type == "s") {
        const int index = value ? std::atoi(value) : -1;
        if (index < 0 || index >= static_cast<int>(shared.size()))
          throw InputError(sheet.name + "!" + cell_name(row_number, column) + " names a shared string that is not there");
        cell.text = shared[index];
      } else if (type == "inlineStr") {
        if (const CPLXMLNode* is = CPLGetXMLNode(c, "is")) gather_text(is, cell.text);
      } else if (type == "str" || type == "d") {
        cell.text = value ? value : "";
      } else if (type == "b") {
        cell.type = InCell::Type::boolean;
        cell.text = value ? value : "";
        cell.number = cell.text == "1" ? 1 : 0;
      } else if (type == "e") {
        cell.type = InCell::Type::error;
        cell.text = value ? value : "#ERROR";
      } else if (value) {
        cell.type = InCell::Type::number;
        cell.text = value;
        cell.number = CPLAtof(value);
        const int style = std::atoi(attribute(c, "s").c_str());
        cell.date_format = style >= 0 && style < static_cast<int>(dates.size()) && dates[style];
      }
      if (cell.text.empty() && cell.formula.empty() && cell.type == InCell::Type::text) return;  // styled, empty
      sheet.last_row = std::max(sheet.last_row, row_number);
      sheet.cells[{row_number, column}] = std::move(cell);
    });
  });
  for_each_child(CPLGetXMLNode(worksheet, "mergeCells"), "mergeCell",
                 [&](const CPLXMLNode* merge) { sheet.merged.push_back(attribute(merge, "ref")); });
}

}  // namespace

std::string column_letters(int column) {
  std::string letters;
  for (; column > 0; column = (column - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (column - 1) % 26));
  return letters;
}

std::string cell_name(int row, int column) { return column_letters(column) + std::to_string(row); }

const InCell* InSheet::cell(int row, int column) const {
  const auto found = cells.find({row, column});
  return found == cells.end() ? nullptr : &found->second;
}

void write_workbook(const std::vector<OutSheet>& sheets, const std::string& path) {
  if (sheets.empty()) throw Error("a workbook needs a sheet");
  std::set<std::string> names;
  for (const auto& sheet : sheets) check_sheet_name(sheet.name, names);
  const std::filesystem::path target(path);
  const std::filesystem::path partial =
      target.parent_path() / ("." + target.filename().string() + ".partial");
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  try {
    ZipWriter zip(partial.string());
    std::string types = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
                        R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
                        R"(<Default Extension="xml" ContentType="application/xml"/>)"
                        R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>)"
                        R"(<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>)";
    std::string workbook = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"") +
                           kMainNamespace + "\" xmlns:r=\"" + kRelationshipNamespace + "\"><sheets>";
    std::string workbook_relationships =
        std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"") +
        kPackageRelationships + "\">";
    for (std::size_t i = 0; i < sheets.size(); ++i) {
      const std::string number = std::to_string(i + 1);
      types += "<Override PartName=\"/xl/worksheets/sheet" + number +
               ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
      workbook += "<sheet name=\"" + xml_escaped(sheets[i].name) + "\" sheetId=\"" + number + "\" r:id=\"rId" + number +
                  "\"/>";
      workbook_relationships += "<Relationship Id=\"rId" + number +
                                "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                "worksheet\" Target=\"worksheets/sheet" + number + ".xml\"/>";
    }
    workbook += "</sheets></workbook>";
    workbook_relationships += "<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
                              "2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";
    types += "</Types>";
    zip.add("[Content_Types].xml", types);
    zip.add("_rels/.rels", std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
                                       "xmlns=\"") + kPackageRelationships +
                               "\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
                               "2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    zip.add("xl/workbook.xml", workbook);
    zip.add("xl/_rels/workbook.xml.rels", workbook_relationships);
    zip.add("xl/styles.xml", kStylesXml);
    for (std::size_t i = 0; i < sheets.size(); ++i)
      zip.add("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", worksheet_xml(sheets[i], i == 0));
    zip.finish();
    std::filesystem::rename(partial, target);
  } catch (...) {
    std::filesystem::remove(partial, ignored);
    throw;
  }
}

Workbook read_workbook(const std::string& path) {
  geo::register_gdal_drivers();
  {
    // Through VSI, so a workbook in memory (/vsimem/) reads as one on disk.
    VSILFILE* file = VSIFOpenL(path.c_str(), "rb");
    if (!file) throw InputError("cannot open " + path + " / không mở được tệp");
    char signature[4] = {};
    const std::size_t read = VSIFReadL(signature, 1, 4, file);
    VSIFCloseL(file);
    if (read >= 4 && signature[0] == '\xD0' && signature[1] == '\xCF')
      throw InputError(path + " is an Excel 97-2003 workbook (.xls): save it as .xlsx (Excel Workbook) and try again / "
                       "hãy lưu bảng tính dưới dạng .xlsx");
    if (read < 4 || signature[0] != 'P' || signature[1] != 'K')
      throw InputError(path + " is not an Excel workbook (.xlsx) / tệp không phải bảng tính .xlsx");
  }
  const Package package(path);
  std::string workbook_member = relationship_of_type(package, "", "/officeDocument");
  if (workbook_member.empty()) workbook_member = "xl/workbook.xml";
  const XmlTree workbook_tree = package.xml(workbook_member);
  const CPLXMLNode* workbook_element = document_element(workbook_tree.get(), "workbook");
  if (!workbook_element) throw InputError(path + ": " + workbook_member + " is not a workbook / bảng tính bị hỏng");

  Workbook workbook;
  const std::string date1904 = CPLGetXMLValue(workbook_element, "workbookPr.date1904", "0");
  workbook.date1904 = date1904 == "1" || date1904 == "true";

  const auto targets = relationships(package, workbook_member);
  std::vector<std::string> shared;
  if (const std::string member = relationship_of_type(package, workbook_member, "/sharedStrings"); !member.empty()) {
    const XmlTree strings = package.xml(member, false);
    for_each_child(strings ? document_element(strings.get(), "sst") : nullptr, "si", [&](const CPLXMLNode* item) {
      std::string text;
      gather_text(item, text);
      shared.push_back(std::move(text));
    });
  }
  const std::string styles_member = relationship_of_type(package, workbook_member, "/styles");
  const auto dates = styles_member.empty() ? std::vector<bool>{} : date_styles(package, styles_member);

  for_each_child(CPLGetXMLNode(workbook_element, "sheets"), "sheet", [&](const CPLXMLNode* entry) {
    InSheet sheet;
    sheet.name = attribute(entry, "name");
    const std::string state = attribute(entry, "state");
    sheet.hidden = state == "hidden" || state == "veryHidden";
    const auto target = targets.find(attribute(entry, "id"));
    if (target == targets.end())
      throw InputError(path + ": sheet '" + sheet.name + "' has no part in the workbook / bảng tính bị hỏng");
    read_worksheet(package, target->second, shared, dates, sheet);
    workbook.sheets.push_back(std::move(sheet));
  });
  return workbook;
}

std::optional<std::string> date_of_serial(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < (date1904 ? 0 : 1) || serial > 3000000) return std::nullopt;
  const long whole = static_cast<long>(std::floor(serial));
  // Howard Hinnant's days_from_civil / civil_from_days, on days since 1970-01-01.
  const auto days_from_civil = [](long y, long m, long d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long yoe = y - era * 400;
    const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  };
  long days;
  if (date1904) {
    days = days_from_civil(1904, 1, 1) + whole;
  } else {
    // The 1900 system counts a 29 February 1900 that never was (serial 60).
    if (whole == 60) return std::nullopt;
    days = whole < 60 ? days_from_civil(1899, 12, 31) + whole : days_from_civil(1899, 12, 30) + whole;
  }
  const long z = days + 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long year = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long day = doy - (153 * mp + 2) / 5 + 1;
  const long month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  if (year < 1900 || year > 9999) return std::nullopt;
  char text[64];
  std::snprintf(text, sizeof text, "%04ld-%02ld-%02ld", year, month, day);
  return std::string(text);
}

}  // namespace antt::office
