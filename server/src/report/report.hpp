#pragma once
// Printable reports of the movement (quarterly, half-year and yearly): a map page for the province
// or one district under the administrative header of Nghị định 30/2020/NĐ-CP, then the table of
// units over as many pages as it needs, the summary against the 70 %/90 % targets and a signature
// block. One data model (ReportData, read from the store), one map render (the map engine, in
// VN-2000 / TM-3 106-00 so the scale bar is true on paper) and three writers: PDF (cairo + pango),
// PNG (page 1 at 150 dpi) and a standalone printable HTML page.
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "antt/stats/stats.hpp"
#include "antt/store/store.hpp"

namespace antt::mapserver {
class MapEngine;
}

namespace antt::report {

enum class Paper { a4, a3 };
enum class Format { pdf, png, html };
/// The reporting period the title names; the figures are the year's state as recorded by the
/// report's moment (everything so far, or ReportRequest::known_at).
enum class Period { year, q1, q2, q3, q4, h1, nine_months };

/// A period with its year, as offices write it: "2020-Q1", "2020-H1", "2020-9M", "2020".
struct YearPeriod {
  int year = 0;
  Period period = Period::year;
};
/// "2020-Q1".."2020-Q4", "2020-H1", "2020-9M", "2020" (any case); nothing for a period without a
/// year ("q1"), which parse_period reads.
std::optional<YearPeriod> parse_year_period(std::string_view text);
/// The period's last day, ISO ("2020-Q1" -> "2020-03-31").
std::string period_end(Period period, int year);

/// A phase of the programme reviewed as a whole: "2012-2015" (sơ kết giai đoạn I), "2012-2020"
/// (tổng kết). Nothing unless two four-digit years, the first before the second, at most 30 apart.
std::optional<std::pair<int, int>> parse_phase(std::string_view text);

/// "A4"/"A3" (any case); throws UsageError naming the choices.
Paper parse_paper(std::string_view text);
/// "pdf", "png", "html" (any case); throws UsageError naming the choices.
Format parse_format(std::string_view text);
/// "year", "q1".."q4", "h1", "9m" (any case); throws UsageError naming the choices.
Period parse_period(std::string_view text);
/// "năm 2020", "quý II năm 2026", "6 tháng đầu năm 2026", "9 tháng đầu năm 2026".
std::string period_phrase(Period period, int year);
std::string_view to_string(Paper paper);
std::string_view to_string(Format format);
std::string_view content_type(Format format);

/// Paper size in millimetres, portrait.
struct PaperSize {
  double width_mm = 210, height_mm = 297;
};
PaperSize paper_size(Paper paper);

/// Who issues the report and who signs it (Nghị định 30/2020/NĐ-CP): from a letterhead file
/// (`report --letterhead FILE`, the server's `report_letterhead`) or flags; what is left empty takes
/// the Ban Chỉ đạo's usual text (a number and a signer's name to be written by hand).
struct Letterhead {
  std::string parent_body;   ///< "UBND TỈNH HÒA BÌNH"; default from the province
  std::string issuer;        ///< "BAN CHỈ ĐẠO PHONG TRÀO|TOÀN DÂN BẢO VỆ|AN NINH TỔ QUỐC" ('|' breaks the line)
  std::string number;        ///< "12/BC-BCĐ"; default "      /BC-BCĐ" to fill in
  std::string place;         ///< "Hòa Bình" in "Hòa Bình, ngày …"; default the province
  std::string signer_title;  ///< "TM. BAN CHỈ ĐẠO|TRƯỞNG BAN"
  std::string signer;        ///< the name under the signature; default a dotted line
  std::vector<std::string> recipients;  ///< "Nơi nhận"; default the province's usual list
};

/// The keys of a letterhead file and of its flags: parent_body, issuer, number, place, signer_title,
/// signer, recipients (separated by ';').
const std::vector<std::string>& letterhead_keys();
/// Sets `key` of `letterhead` to `value` (NFC, trimmed); UsageError naming the keys for another.
void set_letterhead(Letterhead& letterhead, std::string_view key, std::string_view value);
/// Reads "key = value" lines (UTF-8; '#' comments); UsageError naming file:line for a mistake.
Letterhead read_letterhead(const std::string& path);
/// The letterhead with every empty field given its usual text for `province_name` ("Hòa Bình").
Letterhead completed(Letterhead letterhead, const std::string& province_name);
/// "- Ban Chỉ đạo tỉnh;" … "- Lưu: VT.": the recipients as the block lists them.
std::vector<std::string> recipient_lines(const Letterhead& letterhead);

struct ReportRequest {
  int year = 0;
  std::optional<std::string> district;  ///< GSO code of a district valid on 31 December of `year`
  Paper paper = Paper::a4;
  Format format = Format::pdf;
  Period period = Period::year;
  std::string today;  ///< ISO date the report is dated and "in-year" is judged by; empty = today
  /// Count only what had been recorded by this instant (UTC, antt::parse_known_at): a report printed
  /// again later shows what was known then. Nothing: everything recorded so far.
  std::optional<std::string> known_at;
  Letterhead letterhead;
  /// A phase review from this year to `year`: the results of every year of the phase against the
  /// targets (table and chart) before the last year's report.
  std::optional<int> phase_from;
};

/// One year of a phase review: the province's units against the year's target, and the shares of
/// two of the plan's indicators (nothing when no unit reports them that year).
struct TrendRow {
  int year = 0;
  stats::Counts counts;
  std::optional<double> target;  ///< percent, of the plan in force that year
  std::string target_text;       ///< "trên 70 %", "95 %"; empty without a target
  std::optional<bool> meets;
  std::optional<double> festival_share;
  std::optional<double> models_effective_share;
};

/// One line of the summary table: counts of an area or a kind against the year's target.
struct SummaryRow {
  std::string label;
  stats::Counts counts;
  std::optional<bool> meets;  ///< against the year's target; nothing when no target or no unit
  bool total = false;         ///< the province/district total line (bold)
};

/// One line of the unit table; a `section` row is a group heading spanning the table.
struct UnitRow {
  bool section = false;
  std::string code;
  std::string name;
  std::string parent;          ///< district (province report) or commune (district report)
  std::string villages;        ///< communes: "recognised/total" villages; empty otherwise
  std::string status_key;      ///< StatusValue spelling or "no_data"
  std::string status_label;    ///< Vietnamese
  std::string decision_number;
  std::string decision_date;   ///< dd/mm/yyyy or empty
};

/// Outer rings (and holes) of the area in EPSG:4326, for the mask around a district on the map.
using Ring = std::vector<std::pair<double, double>>;

/// An area filled on the map in a class of a style: used when the report shows statuses as known at
/// a past moment, which the engine's layers (drawn from what is recorded now) cannot show.
struct MapFill {
  std::string style;  ///< "unit_status" or "district_share"
  std::string key;    ///< the class key (antt/styles/styles.hpp)
  std::vector<Ring> rings;  ///< EPSG:4326 lon/lat
};

/// One of the programme's other indicators of the report's area (antt/stats: models, the 19/8
/// festival, core forces and the plan's catalogue of antt/editing/indicators.hpp).
struct IndicatorLine {
  std::string label;
  std::string value;    ///< "3/4 đơn vị (75,0 %)", "12", "3.500.000 đ", "khá: 1; yếu: 1"
  std::string target;   ///< "100 %", "trên 70 %" or empty
  std::string verdict;  ///< "Đạt", "Không đạt", "Chưa đạt" or "—"
};

struct ReportData {
  ReportRequest request;
  std::string province_name;  ///< "Hòa Bình"
  std::string area_title;     ///< "tỉnh Hòa Bình" / "huyện Đà Bắc"
  std::string area_code;
  /// The province's areas in the year: "district", or "commune" since districts ended (2025-07-01).
  std::string area_level = "district";
  bool in_year = false;       ///< the report's year is the current year: counts so far
  std::string as_of;          ///< dd/mm/yyyy of the state shown (today for in-year, 31/12/Y otherwise)
  std::string dated;          ///< dd/mm/yyyy the report is dated
  /// The notes' data line: "Số liệu: trạng thái năm 2020 [ghi nhận đến …], đơn vị hành chính tại ngày …".
  std::string data_note;
  /// The store holds invented data (the sample): every page carries store::kSyntheticDataMark.
  bool synthetic = false;
  Letterhead letterhead;      ///< completed: every field set
  std::string document_kind = "BÁO CÁO";  ///< "BÁO CÁO SƠ KẾT" / "BÁO CÁO TỔNG KẾT" for a phase review
  std::string title;          ///< "Kết quả xây dựng … quý II năm 2026 (tính đến ngày …) — tỉnh Hòa Bình"
  std::optional<double> target;  ///< the year's recognised-share target, percent (of the plan in force)
  std::vector<SummaryRow> summary;
  std::vector<UnitRow> units;
  /// A phase review's years, oldest first (empty for the other reports).
  std::vector<TrendRow> trend;
  /// The area's other indicators recorded for the year (empty: none recorded).
  std::vector<IndicatorLine> indicators;
  std::string summary_line;   ///< the sentence against the target
  std::vector<Ring> area_rings;  ///< the area's polygon rings (the province: its districts'), EPSG:4326 lon/lat
  /// With request.known_at: every fill of the map in its class as known then, drawn in this order
  /// instead of the engine's fill layers (the engine still draws boundaries and names).
  std::vector<MapFill> fills;
};

/// Reads everything the report shows. Throws InputError for a year without any status or an
/// unknown district (the message lists the valid codes).
ReportData collect_report(const store::Store& store, const ReportRequest& request);

/// The rendered map of a report page.
struct MapImage {
  std::string png;
  int width_px = 0, height_px = 0;
  double dpi = 0;
  double scale_denominator = 0;  ///< true scale on paper, rounded up to a whole 1:N
  double width_mm = 0, height_mm = 0;
  std::string crs_note;  ///< "VN-2000 / TM-3 106-00 (EPSG:9211)"
};

/// Map frame size on the page (millimetres) for a paper.
struct MapFrame {
  double width_mm = 0, height_mm = 0;
};
MapFrame map_frame(Paper paper);

/// Renders the report's map with the engine at print resolution (200 dpi, lowered to respect
/// `max_image_size`) in EPSG:9211. Throws Error when the engine cannot draw.
MapImage render_map(mapserver::MapEngine& engine, const ReportData& data, int max_image_size);

/// The finished document in the request's format (PDF bytes, PNG bytes or HTML text).
std::string write_document(const ReportData& data, const MapImage& map);
/// The standalone printable HTML page (report_html.cpp); write_document's html format.
std::string write_html(const ReportData& data, const MapImage& map);

/// A colour of the style definition, components 0..1.
struct Rgb {
  double r = 0, g = 0, b = 0;
};
/// "#rrggbb" -> components; white for anything else (the definition is checked when it loads).
Rgb parse_colour(std::string_view hex);

/// ISO "2020-12-28" -> "28/12/2020"; other text unchanged.
std::string vn_date(std::string_view iso);
/// 590000 -> "590.000" (Vietnamese thousands separator).
std::string vn_thousands(long long value);
/// "Tỷ lệ" with one decimal and a comma: 91.25 -> "91,3".
std::string vn_percent(double value);

}  // namespace antt::report
