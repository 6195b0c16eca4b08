// Workbooks (antt/office/xlsx.hpp): written and read back; and read as other tools write them
// (shared and rich strings, styles that make a number a date, formulas, merged cells, booleans and
// error values, rows without references, prefixed namespaces, the 1904 date system), each built
// here member by member so the reader is not only checked against its own writer.
#include "antt/office/xlsx.hpp"

#include <cpl_conv.h>

#include <filesystem>
#include <map>

#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::office {
namespace {

/// A zip of the given members, as another program would write the workbook.
void write_zip(const std::string& path, const std::map<std::string, std::string>& members) {
  void* zip = CPLCreateZip(path.c_str(), nullptr);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, content] : members) {
    ASSERT_EQ(CPLCreateFileInZip(zip, name.c_str(), nullptr), CE_None);
    ASSERT_EQ(CPLWriteFileInZip(zip, content.data(), static_cast<int>(content.size())), CE_None);
    ASSERT_EQ(CPLCloseFileInZip(zip), CE_None);
  }
  ASSERT_EQ(CPLCloseZip(zip), CE_None);
}

const char* kRootRelationships =
    R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";

TEST(Xlsx, ColumnLettersAndCellNames) {
  EXPECT_EQ(column_letters(1), "A");
  EXPECT_EQ(column_letters(26), "Z");
  EXPECT_EQ(column_letters(27), "AA");
  EXPECT_EQ(column_letters(703), "AAA");
  EXPECT_EQ(cell_name(5, 5), "E5");
}

TEST(Xlsx, DatesOfSerialsInBothSystems) {
  EXPECT_EQ(date_of_serial(1, false), "1900-01-01");
  EXPECT_EQ(date_of_serial(59, false), "1900-02-28");
  EXPECT_EQ(date_of_serial(60, false), std::nullopt);  // Lotus' 29 February 1900
  EXPECT_EQ(date_of_serial(61, false), "1900-03-01");
  EXPECT_EQ(date_of_serial(43831, false), "2020-01-01");
  EXPECT_EQ(date_of_serial(43831.75, false), "2020-01-01");
  EXPECT_EQ(date_of_serial(45839, false), "2025-07-01");
  EXPECT_EQ(date_of_serial(0, true), "1904-01-01");
  EXPECT_EQ(date_of_serial(42369, true), "2020-01-01");
  EXPECT_EQ(date_of_serial(-3, false), std::nullopt);
  EXPECT_EQ(date_of_serial(1e12, false), std::nullopt);
}

TEST(Xlsx, WhatItWritesItReadsBack) {
  testing::TempDir dir;
  const auto path = dir.file("biểu mẫu.xlsx");
  OutSheet sheet;
  sheet.name = "Hòa Bình";
  sheet.rows = {{{"Mã", {}, true}, {"Tên", {}, true}, {"Số", {}, true}},
                {{"04831"}, {"Xã Đà Bắc — ỹ ữ ẵ ộ & <b> \"q\"\x01"}, {"", 12.5}},
                {},
                {{"x"}, {""}, {"", 1500000}}};
  sheet.rules.push_back({3, 2, 4, {"có", "không"}, std::nullopt, std::nullopt, false, "có/không"});
  OutSheet second;
  second.name = "thứ hai";
  second.rows = {{{"một"}}};
  write_workbook({sheet, second}, path);

  const Workbook book = read_workbook(path);
  ASSERT_EQ(book.sheets.size(), 2u);
  const InSheet& read = book.sheets[0];
  EXPECT_EQ(read.name, "Hòa Bình");
  EXPECT_EQ(read.cell(2, 1)->text, "04831");
  EXPECT_EQ(read.cell(2, 1)->type, InCell::Type::text);
  EXPECT_EQ(read.cell(2, 2)->text, "Xã Đà Bắc — ỹ ữ ẵ ộ & <b> \"q\"");  // the control character dropped
  EXPECT_EQ(read.cell(2, 3)->type, InCell::Type::number);
  EXPECT_EQ(read.cell(2, 3)->number, 12.5);
  EXPECT_EQ(read.cell(4, 3)->number, 1500000);
  EXPECT_EQ(read.cell(3, 1), nullptr);
  EXPECT_EQ(read.last_row, 4);
  EXPECT_TRUE(read.merged.empty());
  EXPECT_EQ(book.sheets[1].cell(1, 1)->text, "một");

  EXPECT_THROW(write_workbook({OutSheet{"a/b"}}, dir.file("bad.xlsx")), Error);
  EXPECT_THROW(write_workbook({OutSheet{"same"}, OutSheet{"same"}}, dir.file("bad.xlsx")), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.xlsx")));
}

TEST(Xlsx, ReadsWhatExcelAndOthersWrite) {
  testing::TempDir dir;
  const auto path = dir.file("excel.xlsx");
  write_zip(path,
            {{"_rels/.rels", kRootRelationships},
             {"xl/workbook.xml",
              R"(<?xml version="1.0" encoding="UTF-8"?>)"
              R"(<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
              R"(<x:workbookPr date1904="false"/><x:sheets><x:sheet name="Số liệu" sheetId="7" r:id="rIdA"/>)"
              R"(<x:sheet name="ẩn" sheetId="8" state="hidden" r:id="rIdB"/></x:sheets></x:workbook>)"},
             {"xl/_rels/workbook.xml.rels",
              R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
              R"(<Relationship Id="rIdA" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>)"
              R"(<Relationship Id="rIdB" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/../worksheets/hidden.xml"/>)"
              R"(<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
              R"(<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)"},
             {"xl/sharedStrings.xml",
              R"(<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">)"
              R"(<si><t>Mã đơn vị</t></si><si><r><rPr><b/></rPr><t>Xã </t></r><r><t xml:space="preserve">Mường Chiềng</t></r><rPh sb="0" eb="1"><t>X</t></rPh></si>)"
              R"(<si><t>Tỷ lệ &amp; số</t></si></sst>)"},
             {"xl/styles.xml",
              R"(<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
              R"(<numFmts count="2"><numFmt numFmtId="165" formatCode="d/m/yyyy;@"/><numFmt numFmtId="166" formatCode="0.0&quot;d&quot;"/></numFmts>)"
              R"(<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="14"/></cellXfs></styleSheet>)"},
             {"xl/worksheets/data.xml",
              R"(<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
              R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>2</v></c></row>)"
              R"(<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>43831</v></c><c r="C3" s="2"><v>12</v></c>)"
              R"(<c r="D3" s="3"><v>45839</v></c><c r="E3" t="b"><v>1</v></c><c r="F3" t="e"><v>#N/A</v></c></row>)"
              R"(<row><c><f>SUM(C3:C3)</f><v>12</v></c><c t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c t="inlineStr"><is><t>ộ</t></is></c><c s="1"/></row>)"
              R"(</sheetData><mergeCells count="1"><mergeCell ref="A5:B6"/></mergeCells></worksheet>)"},
             {"xl/worksheets/hidden.xml",
              R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>)"}});

  const Workbook book = read_workbook(path);
  EXPECT_FALSE(book.date1904);
  ASSERT_EQ(book.sheets.size(), 2u);
  const InSheet& sheet = book.sheets[0];
  EXPECT_EQ(sheet.name, "Số liệu");
  EXPECT_FALSE(sheet.hidden);
  EXPECT_TRUE(book.sheets[1].hidden);
  EXPECT_EQ(sheet.cell(1, 1)->text, "Mã đơn vị");
  EXPECT_EQ(sheet.cell(1, 3)->text, "Tỷ lệ & số");
  EXPECT_EQ(sheet.cell(3, 1)->text, "Xã Mường Chiềng");  // runs joined, the phonetic guide left out
  EXPECT_TRUE(sheet.cell(3, 2)->date_format);
  EXPECT_EQ(date_of_serial(sheet.cell(3, 2)->number, book.date1904), "2020-01-01");
  EXPECT_FALSE(sheet.cell(3, 3)->date_format);  // a quoted "d" is text, not a day
  EXPECT_TRUE(sheet.cell(3, 4)->date_format);   // built-in format 14
  EXPECT_EQ(sheet.cell(3, 5)->type, InCell::Type::boolean);
  EXPECT_EQ(sheet.cell(3, 5)->number, 1);
  EXPECT_EQ(sheet.cell(3, 6)->type, InCell::Type::error);
  EXPECT_EQ(sheet.cell(3, 6)->text, "#N/A");
  // Row 4 has no references: its cells follow row 3 from column A.
  ASSERT_NE(sheet.cell(4, 1), nullptr);
  EXPECT_EQ(sheet.cell(4, 1)->formula, "SUM(C3:C3)");
  EXPECT_EQ(sheet.cell(4, 2)->formula, "\"a\"&\"b\"");
  EXPECT_EQ(sheet.cell(4, 2)->text, "ab");
  EXPECT_EQ(sheet.cell(4, 3)->text, "ộ");
  EXPECT_EQ(sheet.cell(4, 4), nullptr);  // styled but empty
  EXPECT_EQ(sheet.merged, std::vector<std::string>{"A5:B6"});
}

TEST(Xlsx, RefusesWhatIsNotAWorkbookNamingTheFile) {
  testing::TempDir dir;
  const auto xls = dir.file("cu.xls.xlsx");
  testing::write_file(xls, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(500, '\0'));
  try {
    read_workbook(xls);
    FAIL() << "an .xls was read";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("Excel 97-2003"), std::string::npos) << error.what();
  }
  const auto text = dir.file("text.xlsx");
  testing::write_file(text, "ma_don_vi,gia_tri\n");
  EXPECT_THROW(read_workbook(text), InputError);
  const auto empty_zip = dir.file("empty.xlsx");
  write_zip(empty_zip, {{"readme.txt", "hello"}});
  EXPECT_THROW(read_workbook(empty_zip), InputError);
  const auto broken = dir.file("broken.xlsx");
  write_zip(broken, {{"_rels/.rels", kRootRelationships}, {"xl/workbook.xml", "<workbook><sheets><sheet name='a'"}});
  EXPECT_THROW(read_workbook(broken), InputError);
  EXPECT_THROW(read_workbook(dir.file("missing.xlsx")), InputError);
  // 40 MB of spaces deflate to a few kilobytes: refused before they are inflated and parsed.
  const auto bomb = dir.file("bomb.xlsx");
  write_zip(bomb, {{"_rels/.rels", kRootRelationships}, {"xl/workbook.xml", std::string(40u << 20, ' ')}});
  EXPECT_LT(std::filesystem::file_size(bomb), 1u << 20);
  try {
    read_workbook(bomb);
    FAIL() << "a zip bomb was read";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("larger than 32 MB"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace antt::office
