// `anttmap report` in-process on a fresh sample store: real render file, real map engine, real
// cairo/pango output, checked with poppler-utils (pdfinfo, pdftotext, pdfimages) as a user would.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include <cpl_string.h>
#include <gdal.h>
#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/store/store.hpp"
#include "report/report.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

namespace fs = std::filesystem;

/// Output of a shell command (poppler-utils); the test fails if it cannot run.
std::string command_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), &::pclose);
  if (!pipe) return "popen failed";
  std::string out;
  char buffer[4096];
  while (auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

int pdf_pages(const std::string& pdf) {
  std::smatch match;
  const auto info = command_output("pdfinfo '" + pdf + "'");
  if (!std::regex_search(info, match, std::regex(R"(Pages:\s+(\d+))"))) return -1;
  return std::stoi(match[1]);
}

/// Width and height of a PNG from its IHDR chunk.
std::pair<int, int> png_size(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(bytes[at]) << 24) | (static_cast<unsigned char>(bytes[at + 1]) << 16) |
           (static_cast<unsigned char>(bytes[at + 2]) << 8) | static_cast<unsigned char>(bytes[at + 3]);
  };
  return {static_cast<int>(be32(16)), static_cast<int>(be32(20))};
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->store("report.sqlite");
    copy_sample_store(db_);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  CliResult report(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--quiet", "report"});
    return run_anttmap(args);
  }
  std::string out(const std::string& name) const { return dir_->file(name); }

  static TempDir* dir_;
  static std::string db_;
};

TempDir* ReportTest::dir_ = nullptr;
std::string ReportTest::db_;

TEST_F(ReportTest, ProvincePdfOnA4HasTheHeaderMapTableAndPages) {
  const auto pdf = out("tinh-2020.pdf");
  const auto result = report({"--year", "2020", "--date", "2021-01-15", "-o", pdf});
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const auto info = command_output("pdfinfo '" + pdf + "'");
  EXPECT_TRUE(std::regex_search(info, std::regex(R"(Page size:\s+595\.276 x 841\.89 pts \(A4\))"))) << info;
  EXPECT_GT(pdf_pages(pdf), 2) << "151 communes cannot fit one table page";

  // The map: 165 x 138 mm at 200 dpi, embedded as one image.
  const auto images = command_output("pdfimages -list '" + pdf + "'");
  EXPECT_TRUE(std::regex_search(images, std::regex(R"(\n\s*1\s+0\s+image\s+1299\s+1087\s)"))) << images;

  const auto text = command_output("pdftotext -layout '" + pdf + "' -");
  for (const char* expected : {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                               "năm 2020", "tỉnh Hòa Bình", "Phường Tân Hòa", "Hòa Bình, ngày 15 tháng 01 năm 2021",
                               "TM. BAN CHỈ ĐẠO", "Trang 2/", "Tỷ lệ 1:", "EPSG:9211", "trên 90 %", "Chú giải"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  // A decision of 2020 as recorded in the store, with its date as dd/mm/yyyy.
  auto store = store::open_store(db_, false);
  std::string decision, date;
  for (const auto& [code, record] : store->statuses_of_year(2020)) {
    if (record.status == store::StatusValue::recognised && code.size() == 5) {
      decision = record.decision_number;
      date = record.decision_date.substr(8, 2) + "/" + record.decision_date.substr(5, 2) + "/" +
             record.decision_date.substr(0, 4);
      break;
    }
  }
  ASSERT_FALSE(decision.empty());
  EXPECT_NE(text.find(decision), std::string::npos) << decision;
  EXPECT_NE(text.find(date), std::string::npos) << date;
  // The sample's invented figures never pass for real: every page says so.
  for (int page = 1; page <= pdf_pages(pdf); ++page)
    EXPECT_NE(command_output("pdftotext -f " + std::to_string(page) + " -l " + std::to_string(page) + " '" + pdf + "' -")
                  .find("DỮ LIỆU GIẢ LẬP / SAMPLE DATA"),
              std::string::npos)
        << "page " << page;
  // The table header repeats on every table page.
  std::size_t headers = 0;
  for (auto at = text.find("Số quyết định"); at != std::string::npos; at = text.find("Số quyết định", at + 1)) ++headers;
  EXPECT_GE(headers, static_cast<std::size_t>(pdf_pages(pdf) - 2));
}

TEST_F(ReportTest, A3PaperAndJsonSummary) {
  const auto pdf = out("tinh-2015-a3.pdf");
  const auto result = report({"--year", "2015", "--paper", "a3", "--json", "-o", pdf});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["paper"], "A3");
  EXPECT_EQ(json["map_pixels"][0], 1984);
  EXPECT_NE(command_output("pdfinfo '" + pdf + "'").find("841.89 x 1190.55 pts (A3)"), std::string::npos);
  const auto text = command_output("pdftotext '" + pdf + "' -");
  EXPECT_NE(text.find("năm 2015"), std::string::npos);
  EXPECT_NE(text.find("trên 70 %"), std::string::npos);
}

TEST_F(ReportTest, DistrictReportListsItsCommunesAndVillagesOnly) {
  const auto pdf = out("da-bac-2020.pdf");
  const auto result = report({"--year", "2020", "--district", "150", "-o", pdf});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto text = command_output("pdftotext -layout '" + pdf + "' -");
  EXPECT_NE(text.find("huyện Đà Bắc"), std::string::npos);
  EXPECT_NE(text.find("Xã Giáp Đắt"), std::string::npos);
  EXPECT_NE(text.find("Khu dân cư"), std::string::npos);
  EXPECT_EQ(text.find("Phường Tân Hòa"), std::string::npos) << "a commune of another district";
}

TEST_F(ReportTest, PngIsTheMapPageAt150Dpi) {
  const auto png = out("tinh-2020.png");
  const auto result = report({"--year", "2020", "--format", "png", "-o", png});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto size = png_size(read_file(png));
  EXPECT_EQ(size.first, 1240);
  EXPECT_EQ(size.second, 1754);
}

/// How many pixels of the PNG at `path` have exactly the colour `rgb` (read with GDAL's PNG driver).
long pixels_of_colour(const std::string& path, int rgb) {
  GDALAllRegister();
  std::unique_ptr<void, void (*)(GDALDatasetH)> dataset(GDALOpen(path.c_str(), GA_ReadOnly), [](GDALDatasetH d) {
    if (d) GDALClose(d);
  });
  if (!dataset || GDALGetRasterCount(dataset.get()) < 3) return -1;
  const int width = GDALGetRasterXSize(dataset.get()), height = GDALGetRasterYSize(dataset.get());
  std::vector<unsigned char> bands[3];
  for (int b = 0; b < 3; ++b) {
    bands[b].resize(static_cast<std::size_t>(width) * height);
    if (GDALRasterIO(GDALGetRasterBand(dataset.get(), b + 1), GF_Read, 0, 0, width, height, bands[b].data(), width,
                     height, GDT_Byte, 0, 0) != CE_None)
      return -1;
  }
  long count = 0;
  for (std::size_t i = 0; i < bands[0].size(); ++i)
    if (bands[0][i] == ((rgb >> 16) & 0xFF) && bands[1][i] == ((rgb >> 8) & 0xFF) && bands[2][i] == (rgb & 0xFF)) ++count;
  return count;
}

/// Writes the map a report's HTML embeds (a data: URI) to `path` and returns `path`.
std::string embedded_map(const std::string& html, const std::string& path) {
  const std::string marker = "src=\"data:image/png;base64,";
  const auto from = html.find(marker);
  if (from == std::string::npos) return path;
  std::string data = html.substr(from + marker.size(), html.find('"', from + marker.size()) - from - marker.size());
  data.resize(static_cast<std::size_t>(CPLBase64DecodeInPlace(reinterpret_cast<GByte*>(data.data()))));
  write_file(path, data);
  return path;
}

TEST_F(ReportTest, MapUsesTheWebMapColoursOfTheDistrictGrades) {
  const auto png = out("colours-2020.png");
  ASSERT_EQ(report({"--year", "2020", "--format", "png", "-o", png}).exit_code, 0);
  // 2020 sample: most districts over 90 % (#08519c), Đà Bắc at 68.6 % (#fdd0a2), some between (#6baed6).
  EXPECT_GT(pixels_of_colour(png, 0x08519c), 20000);
  EXPECT_GT(pixels_of_colour(png, 0xfdd0a2), 5000);
  EXPECT_GT(pixels_of_colour(png, 0x6baed6), 5000);
}

TEST_F(ReportTest, HtmlIsStandaloneAndPrintable) {
  const auto html_path = out("tinh-2020.html");
  const auto result = report({"--year", "2020", "-o", html_path});  // format from the extension
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto html = read_file(html_path);
  EXPECT_NE(html.find("@page { size: A4"), std::string::npos);
  EXPECT_NE(html.find("src=\"data:image/png;base64,iVBORw0KGgo"), std::string::npos);
  EXPECT_NE(html.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), std::string::npos);
  EXPECT_NE(html.find("Phường Tân Hòa"), std::string::npos);
  EXPECT_NE(html.find("<thead>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"sample-foot\" role=\"note\">DỮ LIỆU GIẢ LẬP / SAMPLE DATA</div>"), std::string::npos);
  // No external reference: nothing loaded from elsewhere.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST_F(ReportTest, InYearReportCountsSoFar) {
  const auto pdf = out("2020-so-far.pdf");
  const auto result = report({"--year", "2020", "--date", "2020-06-30", "--period", "h1", "-o", pdf});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto text = command_output("pdftotext '" + pdf + "' -");
  EXPECT_NE(text.find("6 tháng đầu năm 2020 (tính đến"), std::string::npos);
  EXPECT_NE(text.find("tính đến ngày 30/06/2020"), std::string::npos);
  EXPECT_NE(text.find("Chưa đạt"), std::string::npos) << "in-year: not yet, rather than failed";
  EXPECT_NE(text.find("đã đăng ký"), std::string::npos);
  EXPECT_NE(text.find("Đề nghị"), std::string::npos);
}

TEST_F(ReportTest, BadInputsFailClearlyAndWriteNothing) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* says;
  };
  const auto target = out("never.pdf");
  const std::vector<Case> cases{
      {{"--year", "2020", "--district", "999", "-o", target}, 4, "unknown district '999'"},
      {{"--year", "1999", "-o", target}, 4, "no status recorded for year 1999"},
      {{"--year", "2020", "--paper", "A5", "-o", target}, 2, "A4 or A3"},
      {{"--year", "2020", "--format", "docx", "-o", target}, 2, "pdf, png or html"},
      {{"--year", "2020", "--period", "q5", "-o", target}, 2, "q1, q2, q3, q4, h1 or 9m"},
      {{"--period", "2020-Q5", "-o", target}, 2, "2020-Q1, 2020-H1, 2020-9M"},
      {{"--year", "2021", "--period", "2020-Q1", "-o", target}, 2, "is not in --year 2021"},
      {{"--year", "2020", "--as-of", "31/03/2020", "-o", target}, 4, "--as-of: '31/03/2020' is neither a date"},
      {{"--year", "2020", "--as-of", "2020-03-31T25:00Z", "-o", target}, 4, "--as-of"},
      {{"--year", "twenty", "-o", target}, 2, "--year"},
      {{"--year", "2020"}, 2, "-o FILE"},
      {{"-o", target}, 2, "--year"},
      {{"--year", "2020", "-o", out("no/such/dir/x.pdf")}, 4, "no such directory"},
  };
  for (const auto& c : cases) {
    const auto result = report(c.args);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.says << ": " << result.err;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(target)) << c.says;
  }
  // Nothing half-written left in the directory either.
  for (const auto& entry : fs::directory_iterator(dir_->path()))
    EXPECT_EQ(entry.path().filename().string().find(".never.pdf"), std::string::npos) << entry.path();
}

TEST_F(ReportTest, AReportAsOfAPastMomentLeavesOutALaterCorrection) {
  // A store of its own: the correction must not reach the other tests' store.
  const auto db = dir_->store("as-of.sqlite");
  copy_sample_store(db);
  std::string code, known_at;
  {
    auto store = store::open_store(db, false);
    for (const auto& [candidate, record] : store->statuses_of_year(2026)) {
      auto unit = store->unit_at(candidate, "2026-12-31", false);
      if (unit && unit->kind == store::UnitKind::commune && record.status == store::StatusValue::recognised) {
        code = candidate;
        break;
      }
    }
    ASSERT_FALSE(code.empty());
    // A store of real data carries no sample mark.
    store->write({"tester", "report_test"}, [&] { store->set_setting(store::kSyntheticDataSetting, "0"); });
    // The moment the sample's last row was recorded (its rows were written one after another).
    for (const auto& [candidate, record] : store->statuses_of_year(2026)) known_at = std::max(known_at, record.recorded_at);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // recorded_at counts milliseconds
  const auto corrected = run_anttmap({"--db", db, "--quiet", "status", "set", code, "--year", "2026", "--status",
                                      "revoked", "--decision", "77/QĐ-THỬ-NGHIỆM", "--date", "2026-11-30",
                                      "--authority", "UBND tỉnh Phú Thọ"});
  ASSERT_EQ(corrected.exit_code, 0) << corrected.err;

  auto report_of = [&](std::vector<std::string> extra, const std::string& file) {
    std::vector<std::string> args{"--db", db, "--quiet", "--json", "report", "--period", "2026-Q4", "-o", file};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = run_anttmap(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result;
  };
  // Now: the correction is in the table and the commune is drawn revoked.
  report_of({}, out("now.html"));
  const auto now = read_file(out("now.html"));
  EXPECT_NE(now.find("77/QĐ-THỬ-NGHIỆM"), std::string::npos);
  EXPECT_EQ(now.find("DỮ LIỆU GIẢ LẬP"), std::string::npos);
  // As known before it: the recognition the sample recorded, in the table, the figures and on the map.
  const auto json = nlohmann::json::parse(report_of({"--as-of", known_at}, out("then.html")).out);
  EXPECT_EQ(json["known_at"], known_at);
  EXPECT_EQ(json["period"], "quý IV năm 2026");
  const auto then = read_file(out("then.html"));
  EXPECT_EQ(then.find("77/QĐ-THỬ-NGHIỆM"), std::string::npos) << "a correction recorded later";
  EXPECT_NE(then.find("quý IV năm 2026"), std::string::npos);
  EXPECT_NE(then.find("Số liệu: trạng thái năm 2026 như đã ghi nhận đến hết "), std::string::npos);
  EXPECT_EQ(now.find("như đã ghi nhận"), std::string::npos);

  // One commune (thousands of pixels at 200 dpi) changes colour between the two maps; the rest is
  // drawn alike although the as-of fills come from the report's data, not the engine's layers.
  const auto now_png = embedded_map(now, out("now-map.png"));
  const auto then_png = embedded_map(then, out("then-map.png"));
  const long revoked_now = pixels_of_colour(now_png, 0xf4a6a6), revoked_then = pixels_of_colour(then_png, 0xf4a6a6);
  const long recognised_now = pixels_of_colour(now_png, 0x08519c);
  const long recognised_then = pixels_of_colour(then_png, 0x08519c);
  EXPECT_GT(revoked_now - revoked_then, 1000) << revoked_now << " vs " << revoked_then;
  EXPECT_GT(recognised_then - recognised_now, 1000) << recognised_then << " vs " << recognised_now;
  const long no_data_now = pixels_of_colour(now_png, 0xe0e0e0), no_data_then = pixels_of_colour(then_png, 0xe0e0e0);
  EXPECT_LT(std::abs(no_data_now - no_data_then), no_data_now / 10 + 2000) << no_data_now << " vs " << no_data_then;
  // "--as-of end": the period's last day, the end of it in Vietnam.
  EXPECT_EQ(parse_known_at(report::period_end(report::Period::q1, 2020)), "2020-03-31T16:59:59.999Z");
  EXPECT_EQ(report::period_end(report::Period::nine_months, 2020), "2020-09-30");
  EXPECT_EQ(report::period_end(report::Period::year, 2020), "2020-12-31");
}

TEST_F(ReportTest, TheProgrammesOtherIndicatorsAreReportedWithTheirSumsAndTargets) {
  const auto db = dir_->store("indicators.sqlite");
  copy_sample_store(db);
  // Two communes of Đà Bắc (150) report their propaganda sessions and budget; one its grade.
  std::vector<std::string> communes;
  {
    auto store = store::open_store(db, false);
    store::UnitQuery query;
    query.at_date = "2020-12-31";
    query.kinds = {store::UnitKind::commune};
    query.with_geometry = false;
    for (const auto& unit : store->units(query))
      if (unit.parent_code == "150" && communes.size() < 2) communes.push_back(unit.code);
  }
  ASSERT_EQ(communes.size(), 2u);
  auto record = [&](const std::string& code, std::vector<std::string> values) {
    std::vector<std::string> args{"--db", db, "--quiet", "record", "set", code, "--year", "2020"};
    args.insert(args.end(), values.begin(), values.end());
    const auto result = run_anttmap(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  };
  record(communes[0], {"propaganda_sessions=7", "budget_spent_vnd=2.000.000", "movement_grade=khá", "pledge_share=100"});
  record(communes[1], {"propaganda_sessions=5", "budget_spent_vnd=1.500.000", "pledge_share=80"});

  const auto html = out("da-bac-chi-tieu.html");
  const auto made = run_anttmap({"--db", db, "--quiet", "report", "--year", "2020", "--district", "150", "--format",
                                 "html", "-o", html});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto page = read_file(html);
  const auto section = page.find("II. CÁC CHỈ TIÊU KHÁC CỦA PHONG TRÀO NĂM 2020");
  ASSERT_NE(section, std::string::npos);
  EXPECT_NE(page.find("III. DANH SÁCH ĐƠN VỊ"), std::string::npos);
  auto row_of = [&](const std::string& label) {
    const auto at = page.find(label, section);
    return at == std::string::npos ? std::string() : page.substr(at, page.find("</tr>", at) - at);
  };
  EXPECT_NE(row_of("Số buổi tuyên truyền").find(">12<"), std::string::npos) << row_of("Số buổi tuyên truyền");
  EXPECT_NE(row_of("Kinh phí đã chi").find("3.500.000 đ"), std::string::npos);
  EXPECT_NE(row_of("Xếp loại phong trào").find("khá: 1 đơn vị"), std::string::npos);
  // Every household signed in one of the units that report it: 1 of the district's villages,
  // communes, agencies and schools, against 100 %: not met.
  const auto pledge = row_of("Tỷ lệ hộ gia đình");
  EXPECT_NE(pledge.find("1/"), std::string::npos) << pledge;
  EXPECT_NE(pledge.find("100 %"), std::string::npos);
  EXPECT_NE(pledge.find("Không đạt"), std::string::npos);

  const auto pdf = out("da-bac-chi-tieu.pdf");
  ASSERT_EQ(run_anttmap({"--db", db, "--quiet", "report", "--year", "2020", "--district", "150", "-o", pdf}).exit_code, 0);
  const auto text = command_output("pdftotext -layout '" + pdf + "' -");
  EXPECT_NE(text.find("CÁC CHỈ TIÊU KHÁC CỦA PHONG TRÀO"), std::string::npos);
  EXPECT_NE(text.find("3.500.000 đ"), std::string::npos);
}

TEST_F(ReportTest, TheLetterheadComesFromItsFileAndFlags) {
  const auto letterhead = out("tieu-de.conf");
  write_file(letterhead,
             "# the office's letterhead\n"
             "parent_body = UBND TỈNH HÒA BÌNH\n"
             "issuer = CÔNG AN TỈNH HÒA BÌNH|PHÒNG THAM MƯU\n"
             "number = 12/BC-CAT-PV01\n"
             "signer_title = KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC\n"
             "signer = Nguyễn Văn Ẩn\n"
             "recipients = Bộ Công an (V05); Thường trực Tỉnh ủy; Lưu: VT, PV01\n");
  const auto html = out("tieu-de.html");
  const auto made = report({"--year", "2020", "--district", "150", "--format", "html", "--letterhead", letterhead,
                            "--signer", "Đinh Thị Ỹ", "-o", html});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto page = read_file(html);
  for (const char* expected : {"UBND TỈNH HÒA BÌNH", "CÔNG AN TỈNH HÒA BÌNH<br>PHÒNG THAM MƯU", "Số: 12/BC-CAT-PV01",
                               "KT. GIÁM ĐỐC<br>PHÓ GIÁM ĐỐC", "<b>Đinh Thị Ỹ</b>", "- Bộ Công an (V05);",
                               "- Thường trực Tỉnh ủy;", "- Lưu: VT, PV01."})
    EXPECT_NE(page.find(expected), std::string::npos) << expected;
  EXPECT_EQ(page.find("Nguyễn Văn Ẩn"), std::string::npos) << "the flag overrides the file";
  EXPECT_EQ(page.find("TM. BAN CHỈ ĐẠO"), std::string::npos);

  const auto pdf = out("tieu-de.pdf");
  ASSERT_EQ(report({"--year", "2020", "--district", "150", "--letterhead", letterhead, "-o", pdf}).exit_code, 0);
  const auto text = command_output("pdftotext -layout '" + pdf + "' -");
  for (const char* expected : {"PHÒNG THAM MƯU", "12/BC-CAT-PV01", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ẩn", "Lưu: VT, PV01."})
    EXPECT_NE(text.find(expected), std::string::npos) << expected;

  const auto bad = out("sai.conf");
  write_file(bad, "issuer = X\nsigned_by = Y\n");
  const auto refused = report({"--year", "2020", "--letterhead", bad, "-o", out("khong.pdf")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("sai.conf:2: unknown letterhead key 'signed_by'"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(out("khong.pdf")));
}

TEST_F(ReportTest, APhaseReviewChartsEveryYearAgainstItsTarget) {
  const auto html = out("tong-ket-2012-2020.html");
  const auto made = run_anttmap({"--db", db_, "--quiet", "--json", "report", "--phase", "2012-2020", "--format", "html",
                                 "-o", html});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(nlohmann::json::parse(made.out)["period"], "giai đoạn 2012-2020");
  const auto page = read_file(html);
  EXPECT_NE(page.find("<h1>BÁO CÁO TỔNG KẾT</h1>"), std::string::npos);
  EXPECT_NE(page.find("giai đoạn 2012-2020"), std::string::npos);
  EXPECT_NE(page.find("I. KẾT QUẢ QUA CÁC NĂM, GIAI ĐOẠN 2012-2020"), std::string::npos);
  EXPECT_NE(page.find("II. TỔNG HỢP KẾT QUẢ NĂM 2020"), std::string::npos);
  // Every year's row holds the province's figures as `stats` computes them.
  int points = 0;
  for (int year = 2012; year <= 2020; ++year) {
    const auto stats = run_anttmap({"--db", db_, "--json", "stats", "--year", std::to_string(year)});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    const auto province = nlohmann::json::parse(stats.out)["province"];
    const auto at = page.find("<tr data-year=\"" + std::to_string(year) + "\">");
    ASSERT_NE(at, std::string::npos) << year;
    const auto row = page.substr(at, page.find("</tr>", at) - at);
    EXPECT_NE(row.find(">" + report::vn_thousands(province["total"].get<int>()) + "<"), std::string::npos) << row;
    EXPECT_NE(row.find(">" + report::vn_thousands(province["recognised"].get<int>()) + "<"), std::string::npos) << row;
    const double share = 100.0 * province["recognised"].get<int>() / std::max(1, province["total"].get<int>());
    EXPECT_NE(row.find(">" + report::vn_percent(share) + "<"), std::string::npos) << row;
    if (year < 2015) EXPECT_NE(row.find(">—<"), std::string::npos) << "no target before 2015: " << row;
    if (year >= 2015 && year < 2020) EXPECT_NE(row.find("trên 70 %"), std::string::npos) << row;
    if (year == 2020) EXPECT_NE(row.find("trên 90 %"), std::string::npos) << row;
    if (province["total"].get<int>() > 0) ++points;
  }
  // The chart: one point per year with units, the targets of 2015-2020 dashed.
  const auto chart = page.substr(page.find("<svg class=\"trend\""), page.find("</svg>", page.find("<svg class=\"trend\"")) -
                                                                    page.find("<svg class=\"trend\""));
  std::size_t circles = 0, targets = 0;
  for (auto at = chart.find("<circle"); at != std::string::npos; at = chart.find("<circle", at + 1)) ++circles;
  for (auto at = chart.find("class=\"target\""); at != std::string::npos; at = chart.find("class=\"target\"", at + 1)) ++targets;
  EXPECT_EQ(static_cast<int>(circles), points);
  EXPECT_EQ(targets, 6u);

  const auto pdf = out("so-ket-2012-2015.pdf");
  ASSERT_EQ(report({"--phase", "2012-2015", "-o", pdf}).exit_code, 0);
  const auto text = command_output("pdftotext -layout '" + pdf + "' -");
  EXPECT_NE(text.find("BÁO CÁO SƠ KẾT"), std::string::npos);
  EXPECT_NE(text.find("KẾT QUẢ QUA CÁC NĂM, GIAI ĐOẠN 2012-2015"), std::string::npos);
  EXPECT_NE(text.find("trên 70 %"), std::string::npos) << "the 2015 row and its target";

  EXPECT_EQ(report({"--phase", "2015-2012", "-o", out("x.pdf")}).exit_code, 2);
  EXPECT_EQ(report({"--phase", "2012-2015", "--period", "2015-Q1", "-o", out("x.pdf")}).exit_code, 2);
  EXPECT_EQ(report({"--phase", "2012-2015", "--year", "2014", "-o", out("x.pdf")}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(out("x.pdf")));
}

TEST_F(ReportTest, ALaterPlanSetsTheTargetsOfItsYearsAndIsNamed) {
  // A copy of the sample: the plan must not change the other tests' store.
  const auto db = dir_->store("later-plan.sqlite");
  copy_sample_store(db);
  const auto plan = out("plan-2021-2025.json");
  std::ofstream(plan) << R"({"id": "150/KH-UBND", "title": "Kế hoạch giai đoạn 2021-2025", "from_year": 2021,
    "to_year": 2025, "targets": {"recognised": [{"percent": 92, "strictly_over": true}, {"from_year": 2024, "percent": 95}]}})";
  ASSERT_EQ(run_anttmap({"--db", db, "--quiet", "plan", "set", plan}).exit_code, 0);
  const auto html = out("so-ket-2021-2025.html");
  ASSERT_EQ(run_anttmap({"--db", db, "--quiet", "report", "--phase", "2021-2025", "--format", "html", "-o", html}).exit_code, 0);
  const auto page = read_file(html);
  for (int year = 2021; year <= 2025; ++year) {
    const auto at = page.find("<tr data-year=\"" + std::to_string(year) + "\">");
    ASSERT_NE(at, std::string::npos) << year;
    const auto row = page.substr(at, page.find("</tr>", at) - at);
    EXPECT_NE(row.find(year < 2024 ? ">trên 92 %<" : ">95 %<"), std::string::npos) << row;
  }
  EXPECT_NE(page.find("chỉ tiêu năm 2025: 95 % (theo kế hoạch 150/KH-UBND (2021-2025))"), std::string::npos);
  // 2026: no plan after 2025 is configured, so the last one still sets the target, and says so.
  const auto y2026 = out("bao-cao-2026.html");
  ASSERT_EQ(run_anttmap({"--db", db, "--quiet", "report", "--year", "2026", "--format", "html", "-o", y2026}).exit_code, 0);
  EXPECT_NE(read_file(y2026).find("chỉ tiêu năm 2026: 95 % (theo kế hoạch 150/KH-UBND (2021-2025, chưa có kế hoạch giai "
                                   "đoạn sau))"),
            std::string::npos);
  // The founding plan's years are untouched.
  const auto y2015 = out("bao-cao-2015.html");
  ASSERT_EQ(run_anttmap({"--db", db, "--quiet", "report", "--year", "2015", "--format", "html", "-o", y2015}).exit_code, 0);
  EXPECT_NE(read_file(y2015).find("chỉ tiêu năm 2015: trên 70 % (theo Đề án 886/QĐ-UBND (2012-2020))"), std::string::npos);
}

TEST_F(ReportTest, HelpDocumentsTheOptions) {
  const auto help = run_anttmap({"report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* word : {"--year", "--district", "--paper", "--format", "-o FILE", "A3", "html", "--as-of", "2020-Q1"})
    EXPECT_NE(help.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace antt::testing
