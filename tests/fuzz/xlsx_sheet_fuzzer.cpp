// A worksheet of an uploaded form (antt/office/xlsx.hpp) on any bytes: the input is the sheet's XML,
// placed in a workbook with a shared-string table and styles (so mutations reach the cell parser, not
// zip's compression); reading it answers the cells or refuses with InputError, never crashes or hangs.
// Every number cell's date and every text cell's form date read or refuse cleanly too.
#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "antt/core/error.hpp"
#include "antt/editing/indicator_sheets.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/text/unicode.hpp"
#include "fuzz_support.hpp"

namespace {

using antt::fuzz::require;

constexpr const char* kPath = "/vsimem/fuzz/form.xlsx";

void add(void* zip, const char* name, const std::string& content) {
  // Stored, not deflated: the fuzzer's bytes reach the parser as they are.
  const char* options[] = {"COMPRESSED=NO", nullptr};
  CPLCreateFileInZip(zip, name, const_cast<char**>(options));
  CPLWriteFileInZip(zip, content.data(), static_cast<int>(content.size()));
  CPLCloseFileInZip(zip);
}

void write_workbook(const std::string& sheet) {
  VSIUnlink(kPath);
  void* zip = CPLCreateZip(kPath, nullptr);
  require(zip != nullptr, "an in-memory zip can be made");
  add(zip, "_rels/.rels",
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"a\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"xl/workbook.xml\"/></Relationships>");
  add(zip, "xl/workbook.xml",
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas."
      "openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"propaganda_sessions\" "
      "sheetId=\"1\" r:id=\"s\"/></sheets></workbook>");
  add(zip, "xl/_rels/workbook.xml.rels",
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"s\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"t\" Type=\"http://schemas.openxmlformats.org/"
      "officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"u\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
      "</Relationships>");
  add(zip, "xl/sharedStrings.xml",
      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Mã đơn vị</t></si>"
      "<si><r><t>Xã </t></r><r><t>Tú Lý</t></r></si><si><t>15/03/2018</t></si></sst>");
  add(zip, "xl/styles.xml",
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts><numFmt "
      "numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
      "</cellXfs></styleSheet>");
  add(zip, "xl/worksheets/sheet1.xml", sheet);
  require(CPLCloseZip(zip) == CE_None, "the in-memory zip closes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CPLSetConfigOption("CPL_DEBUG", "OFF");
  CPLPushErrorHandler(CPLQuietErrorHandler);
  write_workbook(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto book = antt::office::read_workbook(kPath);
    for (const auto& sheet : book.sheets)
      for (const auto& [place, cell] : sheet.cells) {
        require(place.first >= 1 && place.second >= 1, "cells are numbered from 1");
        require(place.first <= sheet.last_row, "no cell below the last row");
        if (cell.type == antt::office::InCell::Type::number)
          if (const auto date = antt::office::date_of_serial(cell.number, book.date1904))
            require(date->size() == 10, "a date is YYYY-MM-DD");
        if (const auto date = antt::editing::parse_form_date(cell.text))
          require(date->size() == 10, "a form date is YYYY-MM-DD");
      }
  } catch (const antt::InputError&) {
    // refused: what an upload that is not a form gets
  }
  CPLPopErrorHandler();
  return 0;
}
