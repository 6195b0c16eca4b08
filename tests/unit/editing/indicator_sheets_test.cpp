// The indicator form (antt/editing/indicator_sheets.hpp) on a real SpatiaLite store: the template
// of a year lists the units that report each indicator with the values in force; a filled form is
// recorded all or nothing and counted in the statistics (hand-computed); every kind of bad cell is
// named by sheet, row and column and nothing is written; CSV too; and through the CLI.
#include "antt/editing/indicator_sheets.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <nlohmann/json.hpp>

#include "antt/editing/indicators.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/stats/stats.hpp"
#include "test_support.hpp"

namespace antt::editing {
namespace {

using office::InSheet;
using office::OutCell;
using office::OutSheet;
using store::UnitKind;

/// The workbook as read, turned back into sheets to write (what a spreadsheet program does on save).
std::vector<OutSheet> editable(const office::Workbook& book) {
  std::vector<OutSheet> sheets;
  for (const auto& in : book.sheets) {
    OutSheet out;
    out.name = in.name;
    out.rows.resize(in.last_row);
    for (const auto& [place, cell] : in.cells) {
      auto& row = out.rows[place.first - 1];
      if (static_cast<int>(row.size()) < place.second) row.resize(place.second);
      row[place.second - 1] = cell.type == office::InCell::Type::number ? OutCell{"", cell.number, false}
                                                                         : OutCell{cell.text, std::nullopt, false};
    }
    sheets.push_back(std::move(out));
  }
  return sheets;
}

OutSheet& sheet_named(std::vector<OutSheet>& sheets, const std::string& name) {
  for (auto& sheet : sheets)
    if (sheet.name == name) return sheet;
  throw std::runtime_error("no sheet " + name);
}

/// Sets column `column` of the row whose column A is `code` (or a new row when no row has it).
void put(OutSheet& sheet, const std::string& code, int column, OutCell value) {
  for (auto& row : sheet.rows)
    if (!row.empty() && row[0].text == code) {
      if (static_cast<int>(row.size()) < column) row.resize(column);
      row[column - 1] = std::move(value);
      return;
    }
  std::vector<OutCell> row(column);
  row[0] = OutCell{code};
  row[column - 1] = std::move(value);
  sheet.rows.push_back(std::move(row));
}

OutCell text(const std::string& value) { return OutCell{value}; }
OutCell number(double value) { return OutCell{"", value, false}; }

/// Rewrites one member of a zip (a workbook) through `edit`, as another program's save would.
void edit_member(const std::string& path, const std::string& member,
                 const std::function<void(std::string&)>& edit) {
  std::map<std::string, std::string> members;
  std::vector<std::string> pending{""};
  while (!pending.empty()) {
    const std::string folder = pending.back();
    pending.pop_back();
    char** names = VSIReadDir(("/vsizip/{" + path + "}/" + folder).c_str());
    for (char** name = names; name && *name; ++name) {
      const std::string relative = folder.empty() ? *name : folder + "/" + *name;
      VSIStatBufL stat;
      ASSERT_EQ(VSIStatL(("/vsizip/{" + path + "}/" + relative).c_str(), &stat), 0) << relative;
      if (VSI_ISDIR(stat.st_mode)) {
        pending.push_back(relative);
        continue;
      }
      GByte* bytes = nullptr;
      vsi_l_offset size = 0;
      ASSERT_TRUE(VSIIngestFile(nullptr, ("/vsizip/{" + path + "}/" + relative).c_str(), &bytes, &size, -1));
      members[relative] = std::string(reinterpret_cast<char*>(bytes), size);
      VSIFree(bytes);
    }
    CSLDestroy(names);
  }
  ASSERT_TRUE(members.count(member)) << member;
  edit(members[member]);
  VSIUnlink(path.c_str());
  void* zip = CPLCreateZip(path.c_str(), nullptr);
  for (const auto& [name, content] : members) {
    CPLCreateFileInZip(zip, name.c_str(), nullptr);
    CPLWriteFileInZip(zip, content.data(), static_cast<int>(content.size()));
    CPLCloseFileInZip(zip);
  }
  ASSERT_EQ(CPLCloseZip(zip), CE_None);
}

/// The member of the sheet `name` in a workbook this project wrote (sheets in order, 1-based).
std::string member_of(const office::Workbook& book, const std::string& name) {
  for (std::size_t i = 0; i < book.sheets.size(); ++i)
    if (book.sheets[i].name == name) return "xl/worksheets/sheet" + std::to_string(i + 1) + ".xml";
  throw std::runtime_error("no sheet " + name);
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// The hand-made province of indicators_test: 17 > D1 > C1 (villages V1, V2), C2; D2 > C3; agency A1.
class IndicatorSheetsTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::string path = dir.store("s.sqlite");
  std::unique_ptr<store::Store> store = store::open_store(path, true);
  const store::Actor actor{"cán bộ thống kê Nguyễn Thị Ửng", "indicator_sheets_test"};

  void unit(const std::string& code, UnitKind kind, const std::string& parent, const std::string& name) {
    store::UnitVersion version;
    version.code = code;
    version.name = name;
    version.kind = kind;
    version.parent_code = parent;
    version.valid_from = "2010-01-01";
    if (kind == UnitKind::commune) version.subtype = "xa";
    store->insert_unit(version);
  }

  void SetUp() override {
    store->write(actor, [&] {
      unit("17", UnitKind::province, "", "Tỉnh Hòa Bình");
      unit("D1", UnitKind::district, "17", "Huyện Đà Bắc");
      unit("D2", UnitKind::district, "17", "Huyện Mai Châu");
      unit("C1", UnitKind::commune, "D1", "Xã Tú Lý");
      unit("C2", UnitKind::commune, "D1", "Xã Hiền Lương");
      unit("C3", UnitKind::commune, "D2", "Xã Chiềng Châu");
      unit("V1", UnitKind::village, "C1", "Xóm Mít — ỹ ữ ẵ ộ ẻ");
      unit("V2", UnitKind::village, "C1", "Xóm Cáp");
      unit("A1", UnitKind::agency, "17", "Sở Tư pháp");
      store->add_model({0, "MH-001", "to_hoa_giai", "Tổ hòa giải xóm Cáp", "V2", "", "2015-06-01"});
      store->set_setting("home_province", "17");
    });
  }

  std::string form(int year = 2020, std::optional<std::string> within = {}) {
    const auto file = dir.file("bieu-mau-" + std::to_string(year) + ".xlsx");
    write_indicator_template(*store, {year, within}, file);
    return file;
  }

  static std::vector<std::string> column(const InSheet& sheet, int column) {
    std::vector<std::string> values;
    for (int row = 2; row <= sheet.last_row; ++row)
      values.push_back(sheet.cell(row, column) ? sheet.cell(row, column)->text : "");
    return values;
  }

  static const InSheet& read_sheet(const office::Workbook& book, const std::string& name) {
    for (const auto& sheet : book.sheets)
      if (sheet.name == name) return sheet;
    throw std::runtime_error("no sheet " + name);
  }

  /// The problems of importing `file`, none when it imported.
  std::vector<CellProblem> problems_of(const std::string& file, SheetImportOptions options = {}) {
    try {
      import_indicator_sheets(*store, actor, file, options);
    } catch (const SheetError& error) {
      return error.problems();
    }
    return {};
  }
};

TEST_F(IndicatorSheetsTest, TheTemplateListsTheUnitsThatReportEachIndicatorWithTheValuesInForce) {
  record_indicators(*store, actor, "V1", 2020, {{"pledge_share", "95,5"}, {"movement_grade", "khá"}}, "");
  const auto book = office::read_workbook(form());
  ASSERT_EQ(book.sheets.size(), indicator_definitions().size() + 2);
  EXPECT_EQ(book.sheets.front().name, kGuideSheet);
  EXPECT_EQ(book.sheets.back().name, kModelSheet);
  const auto& guide = book.sheets.front();
  EXPECT_EQ(guide.cell(2, 1)->text, "Năm báo cáo");
  EXPECT_EQ(guide.cell(2, 2)->number, 2020);

  // Each unit under its parent, by code: A1 (under 17), then D1's C1 with its villages, C2; D2's C3.
  const auto& pledge = read_sheet(book, "pledge_share");
  EXPECT_EQ(pledge.cell(1, 1)->text, "Mã đơn vị");
  EXPECT_EQ(pledge.cell(1, 5)->text, indicator_definition("pledge_share").label_vi);
  EXPECT_EQ(column(pledge, 1), (std::vector<std::string>{"A1", "C1", "V1", "V2", "C2", "C3"}));
  EXPECT_EQ(pledge.cell(4, 2)->text, "Xóm Mít — ỹ ữ ẵ ộ ẻ");
  EXPECT_EQ(pledge.cell(4, 4)->text, "Xã Tú Lý");
  EXPECT_EQ(pledge.cell(4, 5)->number, 95.5);
  EXPECT_EQ(read_sheet(book, "movement_grade").cell(4, 5)->text, "khá");
  // Budgets are reported by the province, districts and communes only.
  EXPECT_EQ(column(read_sheet(book, "budget_spent_vnd"), 1),
            (std::vector<std::string>{"17", "D1", "C1", "C2", "D2", "C3"}));
  // The model of V2 (founded 2015) is listed; a form of 2014 has none.
  const auto& models = read_sheet(book, kModelSheet);
  EXPECT_EQ(models.cell(2, 3)->text, "MH-001");
  EXPECT_EQ(models.cell(2, 4)->text, "Tổ hòa giải");
  EXPECT_EQ(models.cell(2, 6)->text, "01/06/2015");
  EXPECT_EQ(read_sheet(office::read_workbook(form(2014)), kModelSheet).last_row, 1);

  const auto district = office::read_workbook(form(2020, "D2"));
  EXPECT_EQ(column(read_sheet(district, "budget_spent_vnd"), 1), (std::vector<std::string>{"D2", "C3"}));
  EXPECT_EQ(column(read_sheet(district, "pledge_share"), 1), (std::vector<std::string>{"C3"}));
  EXPECT_THROW(form(2020, "NOPE"), InputError);
  EXPECT_THROW(form(2005), InputError);  // no unit yet
}

TEST_F(IndicatorSheetsTest, AFilledFormIsRecordedOnceAndCountedByHand) {
  const auto file = form();
  auto sheets = editable(office::read_workbook(file));
  put(sheet_named(sheets, "pledge_share"), "V1", 5, number(100));
  put(sheet_named(sheets, "pledge_share"), "V2", 5, text("80"));
  put(sheet_named(sheets, "pledge_share"), "C1", 5, text("85,5"));
  put(sheet_named(sheets, "resolution_and_plan"), "V1", 5, text("có"));
  put(sheet_named(sheets, "resolution_and_plan"), "C1", 5, text("Có"));
  put(sheet_named(sheets, "resolution_and_plan"), "V2", 5, text("không"));
  put(sheet_named(sheets, "propaganda_sessions"), "V1", 5, number(3));
  put(sheet_named(sheets, "propaganda_sessions"), "C1", 5, number(5));
  put(sheet_named(sheets, "propaganda_sessions"), "C3", 5, text("4"));
  put(sheet_named(sheets, "propaganda_sessions"), "C3", 6, text("Báo cáo số 12/BC-CA"));
  put(sheet_named(sheets, "budget_spent_vnd"), "17", 5, text("1.500.000"));
  put(sheet_named(sheets, "budget_spent_vnd"), "C1", 5, number(2000000));
  put(sheet_named(sheets, "movement_grade"), "V1", 5, text("Khá"));
  put(sheet_named(sheets, "movement_grade"), "V2", 5, text("yếu"));
  put(sheet_named(sheets, "festival_19_8"), "C3", 5, text("có"));
  auto& models = sheet_named(sheets, kModelSheet);
  models.rows[1].resize(7);
  models.rows[1][6] = text("có");  // MH-001 effective in 2020
  models.rows.push_back({text("V1"), text(""), text(""), text("Tổ liên gia tự quản"), text("Tổ liên gia số 3 — Xóm Mít"),
                         text("15/03/2018"), text("không")});
  models.rows.push_back({text("C2"), text(""), text(""), text("to_tuan_tra_nhan_dan"), text("Tổ tuần tra"),
                         text("2019-09-02"), text("")});
  const auto filled = dir.file("da-dien.xlsx");
  office::write_workbook(sheets, filled);

  const auto result = import_indicator_sheets(*store, actor, filled, {std::nullopt, "Báo cáo năm 2020", "", {}});
  EXPECT_EQ(result.year, 2020);
  EXPECT_EQ(result.recorded, 14);  // pledge 3, resolution 3, sessions 3, budget 2, grade 2, festival 1
  EXPECT_EQ(result.by_indicator.at("propaganda_sessions"), 3);
  EXPECT_EQ(result.models_added, 2);
  EXPECT_EQ(result.model_years, 2);  // MH-001 and the new V1 model
  EXPECT_EQ(result.units, 6);        // 17, C1, C3, V1, V2 and C2 by its new model

  const auto stats = stats::compute_stats(*store, 2020);
  const stats::AreaStats* d1 = nullptr;
  for (const auto& area : stats.districts)
    if (area.code == "D1") d1 = &area;
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->totals.at("propaganda_sessions"), 8);  // V1 3 + C1 5
  EXPECT_EQ(stats.province.totals.at("propaganda_sessions"), 12);
  EXPECT_EQ(stats.province.totals.at("budget_spent_vnd"), 3500000);
  EXPECT_EQ(d1->totals.at("movement_grade:yeu"), 1);
  std::map<std::string, std::pair<int, int>> shares;
  for (const auto& indicator : d1->indicators) shares[indicator.id] = {indicator.numerator, indicator.denominator};
  EXPECT_EQ(shares["resolution_and_plan"], std::make_pair(2, 4));  // V1, C1 of V1 V2 C1 C2
  EXPECT_EQ(shares["pledge_share"], std::make_pair(1, 4));         // only V1 at 100 %
  EXPECT_EQ(shares["models_effective"], std::make_pair(1, 3));     // MH-001 of MH-001, V1's and C2's
  const auto v1 = indicators_of_unit(*store, "C3", 2020);
  ASSERT_EQ(v1.size(), 2u);
  EXPECT_EQ(v1[1].note, "Báo cáo số 12/BC-CA; Báo cáo năm 2020");
  bool found = false;
  for (const auto& model : store->models())
    if (model.unit_code == "V1") {
      found = true;
      EXPECT_EQ(model.code, "V1-MH01");
      EXPECT_EQ(model.founded, "2018-03-15");
      EXPECT_EQ(model.name, "Tổ liên gia số 3 — Xóm Mít");
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(store->audit_entries().back().user, "cán bộ thống kê Nguyễn Thị Ửng");

  // A new template shows what was recorded; sent back unchanged it records nothing.
  const auto audit = store->audit_entries().size();
  const auto again = import_indicator_sheets(*store, actor, form(), {});
  EXPECT_EQ(again.recorded, 0);
  EXPECT_EQ(again.models_added, 0);
  EXPECT_EQ(again.unchanged, 16);  // 14 values and two effectiveness rows
  EXPECT_EQ(store->audit_entries().size(), audit);
}

TEST_F(IndicatorSheetsTest, EachKindOfBadCellIsNamedAndNothingIsWritten) {
  const auto file = form();
  auto sheets = editable(office::read_workbook(file));
  put(sheet_named(sheets, "propaganda_sessions"), "C1", 5, number(5));  // a good value beside the bad ones
  sheet_named(sheets, "propaganda_materials").rows[0][4] = text("Số tờ rơi");  // wrong header
  put(sheet_named(sheets, "propaganda_participants"), "V1", 5, text("nhiều"));  // text in a number
  put(sheet_named(sheets, "propaganda_participants"), "X99", 5, number(7));    // unknown code
  put(sheet_named(sheets, "pledge_share"), "V2", 5, number(120));              // out of range
  auto& sessions = sheet_named(sheets, "propaganda_sessions");
  sessions.rows.push_back({text("C1"), {}, {}, {}, number(6)});  // C1 twice
  sessions.rows.push_back({text(""), {}, {}, {}, number(2)});    // a value with no code
  put(sheet_named(sheets, "budget_spent_vnd"), "V1", 5, number(10));  // a village has no budget line (not listed)
  auto& models = sheet_named(sheets, kModelSheet);
  models.rows.push_back({text("V1"), {}, {}, text("Tổ hòa giải"), text("Tổ mới"), text("31/02/2019"), text("có")});
  models.rows.push_back({text("V1"), {}, {}, text("Tổ bay"), text("Tổ lạ"), text("01/01/2019"), text("có")});
  models.rows.push_back({text("V1"), {}, {}, text("Tổ hòa giải"), text("Tổ số"), number(43500), text("có")});
  sheets.push_back(OutSheet{"Sheet1", {}, {{text("ghi chú riêng")}}});
  const auto bad = dir.file("sai.xlsx");
  office::write_workbook(sheets, bad);
  const auto book = office::read_workbook(bad);
  // What the writer here cannot make, another program's save does: merged cells, a formula, an error.
  edit_member(bad, member_of(book, "resolution_and_plan"), [](std::string& xml) {
    replace_once(xml, "</sheetData>", "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"B3:C3\"/></mergeCells>");
  });
  edit_member(bad, member_of(book, "core_force_members"), [](std::string& xml) {
    replace_once(xml, "<c r=\"A3\"", "<c r=\"E3\"><f>SUM(E4:E5)</f><v>0</v></c><c r=\"A3\"");
    replace_once(xml, "<c r=\"A4\"", "<c r=\"E4\" t=\"e\"><v>#DIV/0!</v></c><c r=\"A4\"");
  });

  const auto audit = store->audit_entries().size();
  const auto problems = problems_of(bad);
  std::map<std::string, std::string> by_place;
  for (const auto& problem : problems) by_place[problem.place()] = problem.reason;
  auto has = [&](const std::string& place, const std::string& words) {
    const auto found = by_place.find(place);
    if (found == by_place.end()) {
      std::string all;
      for (const auto& [where, why] : by_place) all += "\n  " + where + ": " + why;
      ADD_FAILURE() << "no problem at " << place << "; found:" << all;
      return;
    }
    EXPECT_NE(found->second.find(words), std::string::npos) << place << ": " << found->second;
  };
  // Rows: A1 2, C1 3, V1 4, V2 5, C2 6, C3 7 (17 is row 2 of the budget sheets, V1 is not there).
  has("sheet 'propaganda_materials', row 1, column E (E1)", "header 'Số tờ rơi'");
  has("sheet 'propaganda_participants', row 4, column E (E4)", "text in a number: 'nhiều'");
  has("sheet 'propaganda_participants', row 8, column A (A8)", "unknown unit code 'X99'");
  has("sheet 'pledge_share', row 5, column E (E5)", "'120' is not a percentage");
  has("sheet 'propaganda_sessions', row 8, column A (A8)", "already on row 3");
  has("sheet 'propaganda_sessions', row 9, column A (A9)", "no unit code");
  has("sheet 'budget_spent_vnd', row 8, column A (A8)", "which does not report");
  has("sheet 'resolution_and_plan', row 3, column B (B3)", "merged cells B3:C3");
  has("sheet 'core_force_members', row 3, column E (E3)", "a formula (=SUM(E4:E5))");
  has("sheet 'core_force_members', row 4, column E (E4)", "an error value (#DIV/0!)");
  const int first_model_row = 3;  // row 2 is MH-001
  has("sheet 'mo_hinh_tu_quan', row " + std::to_string(first_model_row) + ", column F (F3)", "bad date '31/02/2019'");
  has("sheet 'mo_hinh_tu_quan', row 4, column D (D4)", "unknown type of model 'Tổ bay'");
  has("sheet 'mo_hinh_tu_quan', row 5, column F (F5)", "the number 43500 is not a date");
  has("sheet 'Sheet1'", "not a sheet of the form");
  EXPECT_EQ(problems.size(), 14u);

  EXPECT_TRUE(store->indicator_history("C1").empty()) << "the good value was not written either";
  EXPECT_EQ(store->models().size(), 1u);
  EXPECT_EQ(store->audit_entries().size(), audit);

  // A form of another year, or one asked for as another year.
  EXPECT_NE(problems_of(form(2019), {2020, "", "", {}}).at(0).reason.find("the form is for 2019"), std::string::npos);
  // Not a workbook at all.
  const auto xls = dir.file("cu.xls");
  testing::write_file(xls, "\xD0\xCF\x11\xE0");
  EXPECT_THROW(import_indicator_sheets(*store, actor, xls, {}), InputError);
}

TEST_F(IndicatorSheetsTest, ACsvGoesInTheSameWay) {
  const auto good = dir.file("chi-tieu.csv");
  testing::write_file(good,
                      "\xEF\xBB\xBFma_don_vi;chi_tieu;gia_tri;nam;ghi_chu\r\n"
                      "V1;propaganda_sessions;3;2020;\"Báo cáo; số 1\"\r\n"
                      "C1;budget_spent_vnd;2.000.000;2020;\r\n"
                      "C1;movement_grade;trung bình;2020;\r\n");
  const auto result = import_indicator_sheets(*store, actor, good, {});
  EXPECT_EQ(result.recorded, 3);
  EXPECT_EQ(result.year, 2020);
  EXPECT_EQ(indicators_of_unit(*store, "V1", 2020).at(0).note, "Báo cáo; số 1");

  const auto bad = dir.file("sai.csv");
  testing::write_file(bad,
                      "ma_don_vi,chi_tieu,gia_tri,nam\n"
                      "V1,propaganda_sessions,ba,2020\n"
                      "V9,propaganda_sessions,3,2020\n"
                      "V1,nope,3,2020\n"
                      "V1,pledge_share,50,20x0\n"
                      "C2,propaganda_sessions,4,2020\n");
  const auto problems = problems_of(bad);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].place(), "sheet 'sai.csv', row 2, column C (C2)");
  EXPECT_EQ(problems[1].place(), "sheet 'sai.csv', row 3, column A (A3)");
  EXPECT_EQ(problems[2].place(), "sheet 'sai.csv', row 4, column B (B4)");
  EXPECT_EQ(problems[3].place(), "sheet 'sai.csv', row 5, column D (D5)");
  // V1's sessions, C1's budget and grade: C2's good row was not written.
  EXPECT_EQ(store->indicator_values(2020).size(), 3u);

  const auto header = dir.file("tieu-de.csv");
  testing::write_file(header, "ma,chi_tieu,gia_tri,so_lieu\nV1,propaganda_sessions,3\n");
  const auto header_problems = problems_of(header, {2020, "", "", {}});
  ASSERT_FALSE(header_problems.empty());
  EXPECT_NE(header_problems[0].reason.find("unknown column 'ma'"), std::string::npos);
  const auto latin1 = dir.file("latin1.csv");
  testing::write_file(latin1, "ma_don_vi,chi_tieu,gia_tri\nV1,propaganda_sessions,\xE0\n");
  EXPECT_NE(problems_of(latin1, {2020, "", "", {}}).at(0).reason.find("not UTF-8"), std::string::npos);
}

TEST_F(IndicatorSheetsTest, TheCliWritesTheTemplateAndListsProblemsAsJson) {
  store.reset();
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", path});
    return testing::run_anttmap(args);
  };
  const auto file = dir.file("mau.xlsx");
  const auto made = run({"--json", "template", "--year", "2020", "--within", "D1", "-o", file});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto summary = nlohmann::json::parse(made.out);
  EXPECT_EQ(summary["units"], 5);  // D1, C1, V1, V2, C2
  EXPECT_EQ(summary["scope"], "Huyện Đà Bắc (D1)");

  auto sheets = editable(office::read_workbook(file));
  put(sheet_named(sheets, "propaganda_sessions"), "C2", 5, text("mười"));
  office::write_workbook(sheets, file);
  const auto refused = run({"--json", "record", "import", file});
  EXPECT_EQ(refused.exit_code, 4);
  const auto answer = nlohmann::json::parse(refused.out);
  ASSERT_EQ(answer["problems"].size(), 1u);
  EXPECT_EQ(answer["problems"][0]["sheet"], "propaganda_sessions");
  EXPECT_EQ(answer["problems"][0]["row"], 5);
  EXPECT_EQ(answer["problems"][0]["column"], "E");
  const auto text_refusal = run({"record", "import", file});
  EXPECT_NE(text_refusal.err.find("row 5, column E (E5): text in a number: 'mười'"), std::string::npos)
      << text_refusal.err;

  put(sheet_named(sheets, "propaganda_sessions"), "C2", 5, text("10"));
  office::write_workbook(sheets, file);
  const auto recorded = run({"--json", "record", "import", file, "--note", "BC 01"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_EQ(nlohmann::json::parse(recorded.out)["recorded"], 1);
  EXPECT_NE(run({"record", "import", file, "--year", "2019"}).err.find("the form is for 2020"), std::string::npos);
  EXPECT_NE(run({"template", "--year", "2020"}).err.find("-o FILE"), std::string::npos);
  EXPECT_EQ(run({"template", "--help"}).exit_code, 0);
}

}  // namespace
}  // namespace antt::editing
