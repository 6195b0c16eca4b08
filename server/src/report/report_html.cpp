// The standalone printable HTML report: inline CSS with @page size and the NĐ 30/2020 margins,
// the map as a data: URI PNG sized in millimetres (so the scale bar, inline SVG, stays true when
// printed at 100 %), tables whose header repeats on every printed page. No external reference.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "antt/styles/styles.hpp"
#include "antt/text/escape.hpp"
#include "report/report.hpp"

namespace antt::report {
namespace {

std::string html(const std::string& text) { return text::xml_escape(text); }

/// The phase's shares per year (a line with its values) against each year's target (dashed), as SVG.
std::string trend_svg(const std::vector<TrendRow>& rows) {
  const double width = 600, height = 220, x0 = 44, x1 = 585, y0 = 12, y1 = 180;
  const double step = rows.size() > 1 ? (x1 - x0) / static_cast<double>(rows.size() - 1) : 0;
  auto x_of = [&](std::size_t i) { return rows.size() > 1 ? x0 + step * static_cast<double>(i) : (x0 + x1) / 2; };
  auto y_of = [&](double share) { return y1 - (y1 - y0) * share / 100.0; };
  char number[64];
  auto fixed = [&](double value) {
    std::snprintf(number, sizeof number, "%.1f", value);
    return std::string(number);
  };
  std::ostringstream svg;
  svg << "<svg class=\"trend\" viewBox=\"0 0 " << width << " " << height
      << "\" role=\"img\" style=\"width:100%; max-width:170mm\" xmlns=\"http://www.w3.org/2000/svg\">"
      << "<title>Tỷ lệ đơn vị đạt chuẩn qua các năm</title>";
  for (int level = 0; level <= 100; level += 25)
    svg << "<line x1=\"" << x0 << "\" x2=\"" << x1 << "\" y1=\"" << fixed(y_of(level)) << "\" y2=\"" << fixed(y_of(level))
        << "\" stroke=\"#ccc\" stroke-width=\"0.6\"/><text x=\"" << x0 - 4 << "\" y=\"" << fixed(y_of(level) + 3)
        << "\" font-size=\"9\" text-anchor=\"end\">" << level << " %</text>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double half = rows.size() > 1 ? step / 2 : 20;
    if (rows[i].target)
      svg << "<line class=\"target\" x1=\"" << fixed(std::max(x0, x_of(i) - half)) << "\" x2=\""
          << fixed(std::min(x1, x_of(i) + half)) << "\" y1=\"" << fixed(y_of(*rows[i].target)) << "\" y2=\""
          << fixed(y_of(*rows[i].target)) << "\" stroke=\"#bf1a1a\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>";
    svg << "<text x=\"" << fixed(x_of(i)) << "\" y=\"" << y1 + 14 << "\" font-size=\"9\" text-anchor=\"middle\">"
        << rows[i].year << "</text>";
  }
  std::string points;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].counts.total > 0)
      points += (points.empty() ? "" : " ") + fixed(x_of(i)) + "," + fixed(y_of(rows[i].counts.share_recognised()));
  svg << "<polyline class=\"share\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"" << points << "\"/>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].counts.total == 0) continue;
    const double y = y_of(rows[i].counts.share_recognised());
    svg << "<circle cx=\"" << fixed(x_of(i)) << "\" cy=\"" << fixed(y) << "\" r=\"3\" fill=\"#08519c\"/><text x=\""
        << fixed(x_of(i)) << "\" y=\"" << fixed(y - 7) << "\" font-size=\"8.5\" text-anchor=\"middle\">"
        << vn_percent(rows[i].counts.share_recognised()) << "</text>";
  }
  svg << "<text x=\"" << (x0 + x1) / 2 << "\" y=\"" << height - 6
      << "\" font-size=\"9\" text-anchor=\"middle\"><tspan fill=\"#08519c\">━━</tspan> Tỷ lệ đơn vị đạt chuẩn An toàn "
         "về ANTT   <tspan fill=\"#bf1a1a\">╌╌</tspan> Chỉ tiêu của năm</text></svg>\n";
  return svg.str();
}

/// Letterhead text with '|' as line breaks.
std::string html_lines(const std::string& text) {
  std::string out = html(text);
  for (auto at = out.find('|'); at != std::string::npos; at = out.find('|', at)) out.replace(at, 1, "<br>");
  return out;
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63], out += kAlphabet[(v >> 12) & 63], out += kAlphabet[(v >> 6) & 63],
        out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63], out += kAlphabet[(v >> 12) & 63], out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63], out += kAlphabet[(v >> 12) & 63], out += kAlphabet[(v >> 6) & 63], out += '=';
  }
  return out;
}

std::string mm(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2fmm", value);
  return text;
}

/// Scale bar as inline SVG, in millimetres on paper.
std::string scale_bar_svg(const MapImage& map) {
  const double metres_per_mm = map.scale_denominator / 1000;
  const double target_m = map.width_mm * 0.25 * metres_per_mm;
  const double magnitude = std::pow(10.0, std::floor(std::log10(target_m)));
  double length_m = magnitude;
  for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (step * magnitude <= target_m) length_m = step * magnitude;
  const double length_mm = length_m / metres_per_mm;
  char km[32];
  std::snprintf(km, sizeof km, "%g", length_m / 1000);
  std::ostringstream out;
  out << "<svg class=\"scalebar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << mm(length_mm + 16) << "\" height=\"11mm\" viewBox=\"0 0 "
      << length_mm + 16 << " 11\"><rect width=\"" << length_mm + 16 << "\" height=\"11\" fill=\"#fff\" fill-opacity=\"0.85\"/>";
  for (int i = 0; i < 4; ++i)
    out << "<rect x=\"" << 3 + i * length_mm / 4 << "\" y=\"4.6\" width=\"" << length_mm / 4
        << "\" height=\"1.6\" stroke=\"#000\" stroke-width=\"0.15\" fill=\"" << (i % 2 ? "#fff" : "#000") << "\"/>";
  out << "<text x=\"3\" y=\"3.8\" font-size=\"2.6\" text-anchor=\"middle\">0</text>"
      << "<text x=\"" << 3 + length_mm << "\" y=\"3.8\" font-size=\"2.6\" text-anchor=\"middle\">" << km << " km</text>"
      << "<text x=\"3\" y=\"9.6\" font-size=\"2.6\">Tỷ lệ 1:" << vn_thousands(std::llround(map.scale_denominator))
      << "</text></svg>";
  return out.str();
}

const char* kNorthArrow =
    "<svg class=\"north\" xmlns=\"http://www.w3.org/2000/svg\" width=\"10mm\" height=\"14mm\" viewBox=\"0 0 10 14\">"
    "<rect width=\"10\" height=\"14\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
    "<text x=\"5\" y=\"4.4\" font-size=\"4\" font-weight=\"bold\" text-anchor=\"middle\">B</text>"
    "<path d=\"M5 5.2 L2.2 12.5 L5 10.3 Z\" fill=\"#000\"/><path d=\"M5 5.2 L7.8 12.5 L5 10.3 Z\" fill=\"#fff\" "
    "stroke=\"#000\" stroke-width=\"0.3\"/></svg>";

}  // namespace

std::string write_html(const ReportData& data, const MapImage& map) {
  const auto paper = paper_size(data.request.paper);
  const bool province = !data.request.district;
  const std::string year = std::to_string(data.request.year);
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n<title>Báo cáo " << html(data.title) << "</title>\n<style>\n"
      << "@page { size: " << to_string(data.request.paper) << " portrait; margin: 20mm 15mm 20mm 30mm; }\n"
      << "body { font-family: 'Times New Roman', 'Liberation Serif', serif; font-size: 13pt; margin: 0 auto; width: "
      << mm(paper.width_mm - 45) << "; color: #000; }\n"
      << ".header { display: flex; justify-content: space-between; text-align: center; }\n"
      << ".header .left, .header .right { white-space: nowrap; } .header .left { font-size: 12pt; } .header .right { font-size: 12pt; }\n"
      << ".motto { font-weight: bold; font-size: 13pt; display: inline-block; border-bottom: 0.6pt solid #000; }\n"
      << ".rule { width: 35%; margin: 2pt auto; border-top: 0.6pt solid #000; }\n"
      << "h1 { font-size: 14pt; text-align: center; margin: 10pt 0 0; } h2 { font-size: 13pt; text-align: center; margin: 2pt 0 8pt; }\n"
      << "h3 { font-size: 13pt; margin: 12pt 0 4pt; }\n"
      << ".map { position: relative; width: " << mm(map.width_mm) << "; height: " << mm(map.height_mm)
      << "; border: 0.8pt solid #000; margin: 0 auto; }\n"
      << ".map img { width: " << mm(map.width_mm) << "; height: " << mm(map.height_mm) << "; display: block; }\n"
      << ".map .north { position: absolute; right: 4mm; top: 4mm; } .map .scalebar { position: absolute; left: 4mm; bottom: 4mm; }\n"
      << ".below { display: flex; gap: 8pt; font-size: 9pt; margin-top: 4pt; } .below .legend { width: 55%; } .below .notes { width: 45%; }\n"
      << ".swatch { display: inline-block; width: 8mm; height: 3.6mm; border: 0.6pt solid; vertical-align: middle; margin-right: 4pt; }\n"
      << "table.data { width: 100%; border-collapse: collapse; font-size: 10pt; page-break-inside: auto; }\n"
      << "table.data th, table.data td { border: 0.5pt solid #000; padding: 2.5pt; vertical-align: top; }\n"
      << "table.data thead { display: table-header-group; } table.data th { background: #e0e0e0; }\n"
      << "table.data tr { page-break-inside: avoid; } tr.section td { background: #f2f2f2; font-weight: bold; } tr.total td { font-weight: bold; }\n"
      << "td.num { text-align: right; } td.c { text-align: center; }\n"
      << ".mappage { page-break-after: always; } .mappage p.result { font-size: 11pt; }\n"
      << ".sign { display: flex; margin-top: 14pt; page-break-inside: avoid; } .sign .left { width: 45%; font-size: 11pt; }\n"
      << ".sign .right { width: 55%; text-align: center; } .sign .space { height: 28mm; }\n"
      << ".sample-mark { position: fixed; top: 45%; left: 0; right: 0; text-align: center; transform: rotate(-55deg); "
         "font: bold 40pt sans-serif; color: rgba(204, 26, 26, 0.18); pointer-events: none; z-index: 10; }\n"
      << ".sample-foot { position: fixed; bottom: 0; left: 0; right: 0; text-align: center; font: bold 9pt sans-serif; "
         "color: #b31a1a; }\n"
      << "</style></head><body>\n";
  // Invented data (the sample): fixed elements are repeated on every printed page.
  if (data.synthetic)
    out << "<div class=\"sample-mark\" aria-hidden=\"true\">" << html(store::kSyntheticDataMark)
        << "</div>\n<div class=\"sample-foot\" role=\"note\">" << html(store::kSyntheticDataMark) << "</div>\n";
  out << "<div class=\"mappage\">\n";

  const auto& d = data.dated;
  const Letterhead& head = data.letterhead;
  out << "<div class=\"header\"><div class=\"left\"><div>" << html(head.parent_body) << "</div><div><b>"
      << html_lines(head.issuer) << "</b></div>"
      << "<div class=\"rule\"></div><div style=\"font-size:13pt; white-space: pre\">Số: " << html(head.number)
      << "</div></div>\n"
      << "<div class=\"right\"><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></div><div class=\"motto\">Độc lập - Tự do - Hạnh phúc</div>"
      << "<div style=\"font-size:13pt; margin-top:8pt\"><i>" << html(head.place) << ", ngày " << d.substr(0, 2)
      << " tháng " << d.substr(3, 2) << " năm " << d.substr(6) << "</i></div></div></div>\n";

  out << "<h1>" << html(data.document_kind) << "</h1><h2>" << html(data.title) << "</h2>\n";
  out << "<div class=\"map\"><img alt=\"Bản đồ " << html(data.area_title) << " năm " << year
      << "\" src=\"data:image/png;base64," << base64(map.png) << "\">" << kNorthArrow << scale_bar_svg(map) << "</div>\n";

  const auto& style = styles::style(province && data.area_level != "commune" ? "district_share" : "unit_status");
  out << "<div class=\"below\"><div class=\"legend\"><b>Chú giải:</b> " << html(style.title_vi) << "<br>";
  for (const auto& entry : style.entries) {
    out << "<span class=\"swatch\" style=\"background:" << html(entry.fill.empty() ? "#ffffff" : entry.fill)
        << "; border-color:" << html(entry.stroke) << "\"></span>" << html(entry.label_vi) << "<br>";
  }
  out << "</div><div class=\"notes\"><b>Ghi chú</b><br>Hệ tọa độ: " << html(map.crs_note)
      << "; mũi tên chỉ hướng Bắc lưới (lệch Bắc thực dưới 0,5°).<br>Tỷ lệ 1:"
      << vn_thousands(std::llround(map.scale_denominator)) << " khi in khổ " << to_string(data.request.paper)
      << " đúng kích thước (100 %).<br>" << html(data.data_note) << "<br>Nguồn: Cơ sở dữ liệu phong trào toàn dân bảo vệ ANTQ (anttmap), lập ngày " << data.dated
      << ".</div></div>\n<p class=\"result\"><b>" << html(data.summary_line) << "</b></p>\n</div>\n";

  std::size_t section = 0;
  const auto numbered = [&section](const std::string& text) {
    static constexpr const char* kRoman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};
    return std::string(kRoman[std::min<std::size_t>(section++, 7)]) + ". " + text;
  };
  if (!data.trend.empty()) {
    out << "<h3>" << html(numbered("KẾT QUẢ QUA CÁC NĂM, GIAI ĐOẠN " + std::to_string(data.trend.front().year) + "-" +
                                   year))
        << "</h3>\n" << trend_svg(data.trend)
        << "<table class=\"data trend\"><thead><tr><th>Năm</th><th>Tổng số đơn vị</th><th>Đạt chuẩn</th>"
           "<th>Tỷ lệ đạt (%)</th><th>Chỉ tiêu</th><th>Đánh giá</th><th>Tổ chức Ngày hội 19/8 (%)</th>"
           "<th>Mô hình hiệu quả (%)</th></tr></thead><tbody>\n";
    auto share = [](const std::optional<double>& value) { return value ? vn_percent(*value) : std::string("—"); };
    for (const auto& line : data.trend)
      out << "<tr data-year=\"" << line.year << "\"><td class=\"c\">" << line.year << "</td><td class=\"num\">"
          << vn_thousands(line.counts.total) << "</td><td class=\"num\">" << vn_thousands(line.counts.recognised)
          << "</td><td class=\"num\">" << (line.counts.total ? vn_percent(line.counts.share_recognised()) : "—")
          << "</td><td class=\"c\">" << (line.target_text.empty() ? "—" : html(line.target_text))
          << "</td><td class=\"c\">" << (!line.meets ? "—" : *line.meets ? "Đạt" : "Không đạt")
          << "</td><td class=\"num\">" << share(line.festival_share) << "</td><td class=\"num\">"
          << share(line.models_effective_share) << "</td></tr>\n";
    out << "</tbody></table>\n";
  }
  out << "<h3>" << html(numbered("TỔNG HỢP KẾT QUẢ" + std::string(data.trend.empty() ? "" : " NĂM " + year) +
                                 (data.in_year ? " (TÍNH ĐẾN NGÀY " + data.as_of + ")" : ""))) << "</h3>\n"
      << "<table class=\"data\"><thead><tr><th>STT</th><th>Đơn vị</th><th>Tổng số đơn vị</th><th>Đã đăng ký</th>"
         "<th>Đề nghị công nhận</th><th>Đạt chuẩn</th><th>Tỷ lệ đạt (%)</th><th>So với chỉ tiêu</th></tr></thead><tbody>\n";
  int number = 0;
  for (const auto& line : data.summary) {
    const auto& c = line.counts;
    const std::string verdict = !line.meets ? "—" : (*line.meets ? "Đạt" : (data.in_year ? "Chưa đạt" : "Không đạt"));
    out << "<tr" << (line.total ? " class=\"total\"" : "") << "><td class=\"c\">"
        << (line.total ? std::string() : std::to_string(++number)) << "</td><td>" << html(line.label) << "</td><td class=\"num\">"
        << vn_thousands(c.total) << "</td><td class=\"num\">" << vn_thousands(c.registered) << "</td><td class=\"num\">"
        << vn_thousands(c.proposed) << "</td><td class=\"num\">" << vn_thousands(c.recognised) << "</td><td class=\"num\">"
        << vn_percent(c.share_recognised()) << "</td><td class=\"c\">" << verdict << "</td></tr>\n";
  }
  out << "</tbody></table>\n<p><b>Đánh giá:</b> " << html(data.summary_line) << "</p>\n";

  if (!data.indicators.empty()) {
    out << "<h3>" << html(numbered("CÁC CHỈ TIÊU KHÁC CỦA PHONG TRÀO NĂM " + year))
        << "</h3>\n<table class=\"data\"><thead><tr>"
           "<th>STT</th><th>Chỉ tiêu</th><th>Kết quả</th><th>Chỉ tiêu kế hoạch</th><th>Đánh giá</th></tr></thead><tbody>\n";
    number = 0;
    for (const auto& line : data.indicators)
      out << "<tr><td class=\"c\">" << ++number << "</td><td>" << html(line.label) << "</td><td class=\"num\">"
          << html(line.value) << "</td><td class=\"c\">" << html(line.target.empty() ? "—" : line.target)
          << "</td><td class=\"c\">" << html(line.verdict) << "</td></tr>\n";
    out << "</tbody></table>\n";
  }

  out << "<h3>" << html(numbered("DANH SÁCH ĐƠN VỊ VÀ TRẠNG THÁI NĂM " + year))
      << "</h3>\n<table class=\"data\"><thead><tr><th>STT</th>"
      << "<th>Mã</th><th>Tên đơn vị</th><th>" << (province ? "KDC đạt / tổng số" : "KDC đạt / tổng số; loại")
      << "</th><th>Trạng thái năm " << year << "</th><th>Số quyết định</th><th>Ngày quyết định</th></tr></thead><tbody>\n";
  number = 0;
  for (const auto& unit : data.units) {
    if (unit.section) {
      out << "<tr class=\"section\"><td colspan=\"7\">" << html(unit.name) << "</td></tr>\n";
      continue;
    }
    out << "<tr><td class=\"c\">" << ++number << "</td><td>" << html(unit.code) << "</td><td>" << html(unit.name)
        << "</td><td class=\"c\">" << html(unit.villages.empty() ? unit.parent : unit.villages) << "</td><td>"
        << html(unit.status_label) << "</td><td>" << html(unit.decision_number) << "</td><td class=\"c\">"
        << html(unit.decision_date) << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
  out << "<div class=\"sign\"><div class=\"left\"><b><i>Nơi nhận:</i></b>";
  for (const auto& line : recipient_lines(head)) out << "<br>" << html(line);
  out << "</div><div class=\"right\"><b>" << html_lines(head.signer_title) << "</b><br>"
      << "<i>(Ký, ghi rõ họ tên, đóng dấu)</i><div class=\"space\"></div>"
      << (head.signer.empty() ? std::string("…………………………………") : "<b>" + html(head.signer) + "</b>") << "</div></div>\n";
  out << "</body></html>\n";
  return out.str();
}

}  // namespace antt::report
