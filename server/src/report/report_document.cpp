// The printed report with cairo (PDF surface, or an image surface for the PNG of page 1) and pango
// (Vietnamese shaping, wrapping, table rows measured before they are placed). Layout follows
// Nghị định 30/2020/NĐ-CP: margins 20/20/30/15 mm, Times-metric serif (Liberation Serif), quốc hiệu
// and tiêu ngữ on the right, the issuing body on the left, page numbers centred in the top margin
// from page 2. The document is drawn twice: once on a recording surface to count the pages, then
// for real with "Trang n/N".
#include <cmath>
#include <functional>

#include "antt/core/error.hpp"
#include "antt/styles/styles.hpp"
#include "report/cairo_handles.hpp"
#include "report/report.hpp"

namespace antt::report {
namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kPngDpi = 150;
constexpr const char* kFamily = "Liberation Serif";
constexpr double kSignatureGap = 10;                  ///< points between the table and the signature
constexpr double kSignatureHeight = 62 * kPtPerMm;    ///< "Nơi nhận" and the signature block

std::string escape(const std::string& text) {
  const GString escaped(g_markup_escape_text(text.c_str(), static_cast<gssize>(text.size())));
  return escaped.get();
}

/// Letterhead text with '|' as line breaks, escaped for pango markup.
std::string lines_of(const std::string& text) {
  std::string out = escape(text);
  for (auto at = out.find('|'); at != std::string::npos; at = out.find('|', at)) out.replace(at, 1, "\n");
  return out;
}

enum class Align { left, centre, right };

struct Column {
  std::string title;
  double weight;  ///< share of the table width
  Align align;
};

struct Cell {
  std::string text;
  bool bold = false;
};

struct Row {
  std::vector<Cell> cells;  ///< one per column; a section row has one cell spanning the table
  bool section = false;
  bool bold = false;
};

/// One pass over the document: draws on `cr`, counts pages.
class Writer {
 public:
  Writer(cairo_t* cr, const ReportData& data, const MapImage& map, int total_pages, bool first_page_only)
      : cr_(cr), data_(data), map_(map), total_pages_(total_pages), first_page_only_(first_page_only) {
    const auto paper = paper_size(data.request.paper);
    page_w_ = paper.width_mm * kPtPerMm;
    page_h_ = paper.height_mm * kPtPerMm;
    left_ = 30 * kPtPerMm;
    right_ = page_w_ - 15 * kPtPerMm;
    top_ = 20 * kPtPerMm;
    bottom_ = page_h_ - 20 * kPtPerMm;
    pango_.reset(pango_cairo_create_context(cr_));
    pango_cairo_context_set_resolution(pango_.get(), 72);  // font sizes in points = user units
    FontOptions options(cairo_font_options_create());
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_.get(), options.get());
  }

  int pages() const { return page_; }

  void write() {
    begin_page();
    map_page();
    end_page();
    if (first_page_only_) return;
    begin_page();
    const std::string year = std::to_string(data_.request.year);
    if (!data_.trend.empty()) {
      heading(numbered("KẾT QUẢ QUA CÁC NĂM, GIAI ĐOẠN " + std::to_string(data_.trend.front().year) + "-" + year));
      trend_chart();
      trend_table();
      y_ += 8;
    }
    heading(numbered("TỔNG HỢP KẾT QUẢ" + std::string(data_.trend.empty() ? "" : " NĂM " + year) +
                     (data_.in_year ? " (TÍNH ĐẾN NGÀY " + data_.as_of + ")" : "")));
    summary_table();
    y_ += 6;
    paragraph("<b>Đánh giá:</b> " + escape(data_.summary_line), 12);
    y_ += 8;
    if (!data_.indicators.empty()) {
      heading(numbered("CÁC CHỈ TIÊU KHÁC CỦA PHONG TRÀO NĂM " + year));
      indicator_table();
      y_ += 8;
    }
    heading(numbered("DANH SÁCH ĐƠN VỊ VÀ TRẠNG THÁI NĂM " + year));
    unit_table();
    y_ += kSignatureGap;
    signature();
    end_page();
  }

 private:
  // ---- text ---------------------------------------------------------------------------------

  Layout layout(const std::string& markup, double size, double width, Align align) {
    Layout text(pango_layout_new(pango_.get()));
    FontDescription font(pango_font_description_new());
    pango_font_description_set_family(font.get(), kFamily);
    pango_font_description_set_absolute_size(font.get(), size * PANGO_SCALE);
    pango_layout_set_font_description(text.get(), font.get());
    pango_layout_set_markup(text.get(), markup.c_str(), -1);
    if (width > 0) {
      pango_layout_set_width(text.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(text.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(text.get(), align == Align::centre  ? PANGO_ALIGN_CENTER
                                           : align == Align::right ? PANGO_ALIGN_RIGHT
                                                                   : PANGO_ALIGN_LEFT);
    return text;
  }

  static double height_of(PangoLayout* text) {
    int w = 0, h = 0;
    pango_layout_get_size(text, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  static double ink_width_of(PangoLayout* text) {
    PangoRectangle logical;
    pango_layout_get_extents(text, nullptr, &logical);
    return static_cast<double>(logical.width) / PANGO_SCALE;
  }

  /// Draws markup at (x, y) within `width`; returns its height.
  double text_at(const std::string& markup, double x, double y, double width, double size, Align align = Align::left) {
    auto text = layout(markup, size, width, align);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, text.get());
    return height_of(text.get());
  }

  void paragraph(const std::string& markup, double size, Align align = Align::left) {
    auto text = layout(markup, size, right_ - left_, align);
    const double h = height_of(text.get());
    if (y_ + h > bottom_) new_page();
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, left_, y_);
    pango_cairo_show_layout(cr_, text.get());
    y_ += h;
  }

  /// "I. TEXT", "II. TEXT"…: the sections present, numbered in order.
  std::string numbered(const std::string& text) {
    static constexpr const char* kRoman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};
    return std::string(kRoman[std::min<std::size_t>(section_++, 7)]) + ". " + text;
  }

  void heading(const std::string& text) {
    if (y_ + 60 > bottom_) new_page();
    paragraph("<b>" + escape(text) + "</b>", 13);
    y_ += 4;
  }

  // ---- pages --------------------------------------------------------------------------------

  void begin_page() {
    ++page_;
    y_ = top_;
    if (page_ > 1) {
      const std::string number = total_pages_ > 0 ? "Trang " + std::to_string(page_) + "/" + std::to_string(total_pages_)
                                                  : "Trang " + std::to_string(page_);
      text_at(escape(number), left_, 8 * kPtPerMm, right_ - left_, 11, Align::centre);
    }
  }

  void end_page() {
    if (data_.synthetic) sample_mark();
    if (!first_page_only_) cairo_show_page(cr_);
  }

  /// Invented data must never pass for a real report: the mark across the page, over everything, and
  /// once more in the bottom margin where a cropped copy keeps it.
  void sample_mark() {
    const std::string mark = "<b>" + escape(store::kSyntheticDataMark) + "</b>";
    auto text = layout(mark, 40, 0, Align::centre);
    const double width = ink_width_of(text.get()), height = height_of(text.get());
    cairo_save(cr_);
    cairo_translate(cr_, page_w_ / 2, page_h_ / 2);
    cairo_rotate(cr_, -std::atan2(page_h_, page_w_));
    cairo_move_to(cr_, -width / 2, -height / 2);
    pango_cairo_layout_path(cr_, text.get());
    cairo_set_source_rgba(cr_, 0.8, 0.1, 0.1, 0.18);
    cairo_fill(cr_);
    cairo_restore(cr_);
    auto footer = layout(mark, 9, right_ - left_, Align::centre);
    cairo_set_source_rgb(cr_, 0.7, 0.1, 0.1);
    cairo_move_to(cr_, left_, page_h_ - 12 * kPtPerMm);
    pango_cairo_show_layout(cr_, footer.get());
  }

  void new_page() {
    end_page();
    begin_page();
  }

  // ---- page 1 -------------------------------------------------------------------------------

  void administrative_header() {
    const double width = right_ - left_;
    const double left_w = width * 0.47, right_x = left_ + width * 0.45, right_w = width * 0.55;
    const Letterhead& head = data_.letterhead;
    double y = y_;
    y += text_at(escape(head.parent_body), left_, y, left_w, 12, Align::centre);
    y += text_at("<b>" + lines_of(head.issuer) + "</b>", left_, y, left_w, 12, Align::centre);
    rule(left_ + left_w * 0.35, left_ + left_w * 0.65, y + 4);
    y += 10;
    y += text_at(escape("Số: " + head.number), left_, y, left_w, 13, Align::centre);
    const double left_bottom = y;

    y = y_;
    y += text_at("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", right_x, y, right_w, 12, Align::centre);
    auto motto = layout("<b>Độc lập - Tự do - Hạnh phúc</b>", 13, 0, Align::left);
    const double motto_w = ink_width_of(motto.get());
    const double motto_x = right_x + (right_w - motto_w) / 2;
    cairo_move_to(cr_, motto_x, y);
    pango_cairo_show_layout(cr_, motto.get());
    y += height_of(motto.get());
    rule(motto_x, motto_x + motto_w, y + 1);
    y += 8;
    const auto& d = data_.dated;  // dd/mm/yyyy
    y += text_at("<i>" + escape(head.place + ", ngày " + d.substr(0, 2) + " tháng " + d.substr(3, 2) + " năm " +
                                d.substr(6)) +
                     "</i>",
                 right_x, y, right_w, 13, Align::centre);
    y_ = std::max(left_bottom, y) + 10;
  }

  void rule(double x0, double x1, double y) {
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }

  void map_page() {
    administrative_header();
    paragraph("<b>" + escape(data_.document_kind) + "</b>", 14, Align::centre);
    paragraph("<b>" + escape(data_.title) + "</b>", 13, Align::centre);
    y_ += 6;
    const double map_w = map_.width_mm * kPtPerMm, map_h = map_.height_mm * kPtPerMm;
    const double map_x = left_ + (right_ - left_ - map_w) / 2, map_y = y_;
    auto picture = png_surface(map_.png);
    cairo_save(cr_);
    cairo_translate(cr_, map_x, map_y);
    cairo_scale(cr_, map_w / map_.width_px, map_h / map_.height_px);
    cairo_set_source_surface(cr_, picture.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_BEST);
    cairo_paint(cr_);
    cairo_restore(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, 0.8);
    cairo_rectangle(cr_, map_x, map_y, map_w, map_h);
    cairo_stroke(cr_);
    north_arrow(map_x + map_w - 14 * kPtPerMm, map_y + 4 * kPtPerMm);
    scale_bar(map_x + 4 * kPtPerMm, map_y + map_h - 4 * kPtPerMm);
    y_ = map_y + map_h + 5;
    legend();
  }

  void north_arrow(double x, double y) {
    const double w = 10 * kPtPerMm, h = 14 * kPtPerMm;
    cairo_set_source_rgba(cr_, 1, 1, 1, 0.85);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
    const double cx = x + w / 2, top = y + 5.2 * kPtPerMm, base = y + h - 1.5 * kPtPerMm;
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, cx, top);
    cairo_line_to(cr_, cx - w * 0.28, base);
    cairo_line_to(cr_, cx, base - 2.2 * kPtPerMm);
    cairo_close_path(cr_);
    cairo_fill(cr_);
    cairo_move_to(cr_, cx, top);
    cairo_line_to(cr_, cx + w * 0.28, base);
    cairo_line_to(cr_, cx, base - 2.2 * kPtPerMm);
    cairo_close_path(cr_);
    cairo_set_line_width(cr_, 0.6);
    cairo_stroke(cr_);
    text_at("<b>B</b>", x, y + 0.3 * kPtPerMm, w, 11, Align::centre);
  }

  void scale_bar(double x, double y_bottom) {
    // A round length near a quarter of the map width, in km on paper.
    const double metres_per_pt = map_.scale_denominator * 0.0254 / 72;
    const double target_m = map_.width_mm * kPtPerMm * 0.25 * metres_per_pt;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target_m)));
    double length_m = magnitude;
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
      if (step * magnitude <= target_m) length_m = step * magnitude;
    const double length_pt = length_m / metres_per_pt;
    const double box_w = length_pt + 16 * kPtPerMm, box_h = 11 * kPtPerMm;
    const double top = y_bottom - box_h;
    cairo_set_source_rgba(cr_, 1, 1, 1, 0.85);
    cairo_rectangle(cr_, x, top, box_w, box_h);
    cairo_fill(cr_);
    const double bar_x = x + 3 * kPtPerMm, bar_y = top + 5.2 * kPtPerMm, bar_h = 1.6 * kPtPerMm;
    for (int i = 0; i < 4; ++i) {
      cairo_rectangle(cr_, bar_x + i * length_pt / 4, bar_y, length_pt / 4, bar_h);
      if (i % 2 == 0) cairo_set_source_rgb(cr_, 0, 0, 0);
      else cairo_set_source_rgb(cr_, 1, 1, 1);
      cairo_fill_preserve(cr_);
      cairo_set_source_rgb(cr_, 0, 0, 0);
      cairo_set_line_width(cr_, 0.4);
      cairo_stroke(cr_);
    }
    auto km = [](double metres) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", metres / 1000);
      std::string out = text;
      if (auto dot = out.find('.'); dot != std::string::npos) out[dot] = ',';
      return out;
    };
    text_at("0", bar_x - 5, top + 1 * kPtPerMm, 10, 7, Align::centre);
    text_at(escape(km(length_m / 2)), bar_x + length_pt / 2 - 15, top + 1 * kPtPerMm, 30, 7, Align::centre);
    text_at(escape(km(length_m) + " km"), bar_x + length_pt - 15, top + 1 * kPtPerMm, 40, 7, Align::left);
    text_at(escape("Tỷ lệ 1:" + vn_thousands(std::llround(map_.scale_denominator))), bar_x, bar_y + bar_h + 0.5,
            box_w, 7, Align::left);
  }

  void legend() {
    const bool province = !data_.request.district;
    const auto& style = styles::style(province && data_.area_level != "commune" ? "district_share" : "unit_status");
    const double width = right_ - left_;
    const double col_w = width * 0.55;
    double y = y_;
    y += text_at("<b>Chú giải:</b> " + escape(style.title_vi), left_, y, col_w, 10);
    const double swatch_w = 8 * kPtPerMm, swatch_h = 3.6 * kPtPerMm;
    for (const auto& entry : style.entries) {
      const auto fill = parse_colour(entry.fill.empty() ? "#ffffff" : entry.fill);
      const auto stroke = parse_colour(entry.stroke);
      cairo_rectangle(cr_, left_, y + 1.5, swatch_w, swatch_h);
      cairo_set_source_rgb(cr_, fill.r, fill.g, fill.b);
      cairo_fill_preserve(cr_);
      cairo_set_source_rgb(cr_, stroke.r, stroke.g, stroke.b);
      cairo_set_line_width(cr_, 0.6);
      cairo_stroke(cr_);
      y += std::max(swatch_h + 2.5, text_at(escape(entry.label_vi), left_ + swatch_w + 4, y, col_w - swatch_w - 4, 9));
    }
    // Boundaries drawn over the fills.
    cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, left_, y + 5);
    cairo_line_to(cr_, left_ + swatch_w, y + 5);
    cairo_stroke(cr_);
    y += text_at(escape(province && data_.area_level == "commune" ? "Ranh giới xã, phường (không còn cấp huyện từ 01/7/2025)"
                        : province ? "Ranh giới xã, phường, thị trấn; ranh giới huyện đậm hơn"
                                   : "Ranh giới và tên xã, phường, thị trấn; đường đậm: ranh giới huyện"),
                 left_ + swatch_w + 4, y, col_w - swatch_w - 4, 9);

    const double note_x = left_ + col_w + 8, note_w = width - col_w - 8;
    double ny = y_;
    ny += text_at("<b>Ghi chú</b>", note_x, ny, note_w, 10);
    ny += text_at(escape("Hệ tọa độ: " + map_.crs_note + "; mũi tên chỉ hướng Bắc lưới (lệch Bắc thực dưới 0,5°)."),
                  note_x, ny, note_w, 9);
    ny += text_at(escape("Tỷ lệ 1:" + vn_thousands(std::llround(map_.scale_denominator)) + " khi in khổ " +
                         std::string(to_string(data_.request.paper)) + " đúng kích thước (100 %)."),
                  note_x, ny, note_w, 9);
    ny += text_at(escape(data_.data_note), note_x, ny, note_w, 9);
    ny += text_at(escape("Nguồn: Cơ sở dữ liệu phong trào toàn dân bảo vệ ANTQ (anttmap), lập ngày " + data_.dated + "."),
                  note_x, ny, note_w, 9);
    y_ = std::max(y, ny) + 6;
    paragraph("<b>" + escape(data_.summary_line) + "</b>", 11);
  }

  // ---- tables -------------------------------------------------------------------------------

  /// Row height: the tallest cell, with padding.
  double row_height(const std::vector<Column>& columns, const Row& row, double width, double size) {
    constexpr double kPad = 2.5;
    if (row.section) return height_of(layout("<b>" + escape(row.cells[0].text) + "</b>", size, width - 2 * kPad, Align::left).get()) + 2 * kPad;
    double tallest = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const double w = width * columns[c].weight - 2 * kPad;
      const auto markup = row.bold || row.cells[c].bold ? "<b>" + escape(row.cells[c].text) + "</b>" : escape(row.cells[c].text);
      tallest = std::max(tallest, height_of(layout(markup, size, w, columns[c].align).get()));
    }
    return tallest + 2 * kPad;
  }

  void draw_row(const std::vector<Column>& columns, const Row& row, double height, double size, bool header) {
    constexpr double kPad = 2.5;
    const double width = right_ - left_;
    if (header || row.section) {
      cairo_rectangle(cr_, left_, y_, width, height);
      cairo_set_source_rgb(cr_, header ? 0.88 : 0.95, header ? 0.88 : 0.95, header ? 0.88 : 0.95);
      cairo_fill(cr_);
    }
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_set_line_width(cr_, 0.5);
    if (row.section) {
      cairo_rectangle(cr_, left_, y_, width, height);
      cairo_stroke(cr_);
      text_at("<b>" + escape(row.cells[0].text) + "</b>", left_ + kPad, y_ + kPad, width - 2 * kPad, size);
    } else {
      double x = left_;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const double w = width * columns[c].weight;
        cairo_set_source_rgb(cr_, 0, 0, 0);
        cairo_rectangle(cr_, x, y_, w, height);
        cairo_stroke(cr_);
        const auto markup =
            header || row.bold || row.cells[c].bold ? "<b>" + escape(row.cells[c].text) + "</b>" : escape(row.cells[c].text);
        text_at(markup, x + kPad, y_ + kPad, w - 2 * kPad, size, header ? Align::centre : columns[c].align);
        x += w;
      }
    }
    y_ += height;
  }

  /// Rows over as many pages as needed; the header row repeats at the top of every page. The last
  /// rows stay on one page with `tail` points of what follows (the signature never stands alone).
  void table(const std::vector<Column>& columns, const std::vector<Row>& rows, double size, double tail = 0) {
    const double width = right_ - left_;
    Row header;
    for (const auto& column : columns) header.cells.push_back({column.title, true});
    const double header_h = row_height(columns, header, width, size);
    bool need_header = true;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double h = row_height(columns, rows[i], width, size);
      // A section heading keeps at least its first row with it.
      double keep = h;
      if (rows[i].section && i + 1 < rows.size()) keep += row_height(columns, rows[i + 1], width, size);
      constexpr std::size_t kTailRows = 3;
      if (tail > 0 && i + kTailRows >= rows.size()) {
        double rest = tail;
        for (std::size_t j = i; j < rows.size(); ++j) rest += row_height(columns, rows[j], width, size);
        // Only when it fits a fresh page, and only at the first of the tail rows.
        if (i + kTailRows == rows.size() && rest + header_h <= bottom_ - top_ - 30) keep = rest;
      }
      if (y_ + (need_header ? header_h : 0) + keep > bottom_) {
        new_page();
        need_header = true;
      }
      if (need_header) {
        draw_row(columns, header, header_h, size, true);
        need_header = false;
      }
      draw_row(columns, rows[i], h, size, false);
    }
  }

  void summary_table() {
    const std::vector<Column> columns{{"STT", 0.06, Align::centre},       {"Đơn vị", 0.26, Align::left},
                                      {"Tổng số đơn vị", 0.11, Align::right}, {"Đã đăng ký", 0.11, Align::right},
                                      {"Đề nghị công nhận", 0.12, Align::right}, {"Đạt chuẩn", 0.11, Align::right},
                                      {"Tỷ lệ đạt (%)", 0.10, Align::right},  {"So với chỉ tiêu", 0.13, Align::centre}};
    std::vector<Row> rows;
    int number = 0;
    for (const auto& line : data_.summary) {
      Row row;
      row.bold = line.total;
      const auto& c = line.counts;
      std::string verdict = !line.meets ? "—" : (*line.meets ? "Đạt" : (data_.in_year ? "Chưa đạt" : "Không đạt"));
      row.cells = {{line.total ? "" : std::to_string(++number)}, {line.label},
                   {vn_thousands(c.total)}, {vn_thousands(c.registered)}, {vn_thousands(c.proposed)},
                   {vn_thousands(c.recognised)}, {vn_percent(c.share_recognised())}, {verdict}};
      rows.push_back(std::move(row));
    }
    table(columns, rows, 10.5);
  }

  /// The province's share of recognised units per year (a line with its values) against the
  /// year's target (dashed), 0-100 %.
  void trend_chart() {
    const double height = 62 * kPtPerMm;
    if (y_ + height > bottom_) new_page();
    const double x0 = left_ + 14 * kPtPerMm, x1 = right_ - 6 * kPtPerMm;
    const double y0 = y_ + 4 * kPtPerMm, y1 = y_ + height - 12 * kPtPerMm;
    const auto& rows = data_.trend;
    const double step = rows.size() > 1 ? (x1 - x0) / static_cast<double>(rows.size() - 1) : 0;
    auto x_of = [&](std::size_t i) { return rows.size() > 1 ? x0 + step * static_cast<double>(i) : (x0 + x1) / 2; };
    auto y_of = [&](double share) { return y1 - (y1 - y0) * share / 100.0; };
    cairo_set_line_width(cr_, 0.4);
    for (int level = 0; level <= 100; level += 25) {
      cairo_set_source_rgb(cr_, 0.8, 0.8, 0.8);
      cairo_move_to(cr_, x0, y_of(level));
      cairo_line_to(cr_, x1, y_of(level));
      cairo_stroke(cr_);
      text_at(escape(std::to_string(level) + " %"), left_, y_of(level) - 5, 12 * kPtPerMm, 8, Align::right);
    }
    // Targets: a dashed step per year that has one.
    cairo_set_source_rgb(cr_, 0.75, 0.1, 0.1);
    cairo_set_line_width(cr_, 1.0);
    const double dashes[] = {4.0, 3.0};
    cairo_set_dash(cr_, dashes, 2, 0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].target) continue;
      const double half = rows.size() > 1 ? step / 2 : 20;
      cairo_move_to(cr_, std::max(x0, x_of(i) - half), y_of(*rows[i].target));
      cairo_line_to(cr_, std::min(x1, x_of(i) + half), y_of(*rows[i].target));
      cairo_stroke(cr_);
    }
    cairo_set_dash(cr_, nullptr, 0, 0);
    // The shares.
    cairo_set_source_rgb(cr_, 0.03, 0.32, 0.61);
    cairo_set_line_width(cr_, 1.4);
    bool started = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].counts.total == 0) continue;
      const double x = x_of(i), y = y_of(rows[i].counts.share_recognised());
      started ? cairo_line_to(cr_, x, y) : cairo_move_to(cr_, x, y);
      started = true;
    }
    cairo_stroke(cr_);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double x = x_of(i);
      text_at(escape(std::to_string(rows[i].year)), x - 20, y1 + 3, 40, 8.5, Align::centre);
      if (rows[i].counts.total == 0) continue;
      const double y = y_of(rows[i].counts.share_recognised());
      cairo_set_source_rgb(cr_, 0.03, 0.32, 0.61);
      cairo_arc(cr_, x, y, 2.2, 0, 2 * M_PI);
      cairo_fill(cr_);
      text_at(escape(vn_percent(rows[i].counts.share_recognised())), x - 20, y - 13, 40, 7.5, Align::centre);
    }
    const double legend_y = y1 + 14;
    text_at("<span foreground=\"#08519c\">━━</span> Tỷ lệ đơn vị đạt chuẩn An toàn về ANTT   "
            "<span foreground=\"#bf1a1a\">╌╌</span> Chỉ tiêu của năm",
            x0, legend_y, x1 - x0, 9, Align::centre);
    y_ += height;
  }

  void trend_table() {
    const std::vector<Column> columns{{"Năm", 0.08, Align::centre},          {"Tổng số đơn vị", 0.13, Align::right},
                                      {"Đạt chuẩn", 0.12, Align::right},      {"Tỷ lệ đạt (%)", 0.12, Align::right},
                                      {"Chỉ tiêu", 0.12, Align::centre},      {"Đánh giá", 0.13, Align::centre},
                                      {"Tổ chức Ngày hội 19/8 (%)", 0.15, Align::right},
                                      {"Mô hình hiệu quả (%)", 0.15, Align::right}};
    std::vector<Row> rows;
    for (const auto& line : data_.trend) {
      Row row;
      auto share = [](const std::optional<double>& value) { return value ? vn_percent(*value) : std::string("—"); };
      const std::string target = line.target_text.empty() ? "—" : line.target_text;
      const std::string verdict = !line.meets ? "—" : *line.meets ? "Đạt" : "Không đạt";
      row.cells = {{std::to_string(line.year)},
                   {vn_thousands(line.counts.total)},
                   {vn_thousands(line.counts.recognised)},
                   {line.counts.total ? vn_percent(line.counts.share_recognised()) : "—"},
                   {target},
                   {verdict},
                   {share(line.festival_share)},
                   {share(line.models_effective_share)}};
      rows.push_back(std::move(row));
    }
    table(columns, rows, 10);
  }

  void indicator_table() {
    const std::vector<Column> columns{{"STT", 0.06, Align::centre},
                                      {"Chỉ tiêu", 0.46, Align::left},
                                      {"Kết quả", 0.22, Align::right},
                                      {"Chỉ tiêu kế hoạch", 0.14, Align::centre},
                                      {"Đánh giá", 0.12, Align::centre}};
    std::vector<Row> rows;
    int number = 0;
    for (const auto& line : data_.indicators) {
      Row row;
      row.cells = {{std::to_string(++number)}, {line.label}, {line.value}, {line.target.empty() ? "—" : line.target},
                   {line.verdict}};
      rows.push_back(std::move(row));
    }
    table(columns, rows, 10.5);
  }

  void unit_table() {
    const bool province = !data_.request.district;
    const std::vector<Column> columns{{"STT", 0.055, Align::centre},
                                      {"Mã", 0.075, Align::left},
                                      {"Tên đơn vị", 0.22, Align::left},
                                      {province ? "KDC đạt / tổng số" : "KDC đạt / tổng số; loại", 0.10, Align::centre},
                                      {"Trạng thái năm " + std::to_string(data_.request.year), 0.27, Align::left},
                                      {"Số quyết định", 0.16, Align::left},
                                      {"Ngày quyết định", 0.12, Align::centre}};
    std::vector<Row> rows;
    int number = 0;
    for (const auto& unit : data_.units) {
      Row row;
      if (unit.section) {
        row.section = true;
        row.cells = {{unit.name}};
      } else {
        row.cells = {{std::to_string(++number)}, {unit.code}, {unit.name},
                     {unit.villages.empty() ? unit.parent : unit.villages}, {unit.status_label},
                     {unit.decision_number}, {unit.decision_date}};
      }
      rows.push_back(std::move(row));
    }
    table(columns, rows, 9.5, kSignatureGap + kSignatureHeight);
  }

  void signature() {
    const double width = right_ - left_;
    if (y_ + kSignatureHeight > bottom_) new_page();
    const double y = y_;
    double ly = y;
    ly += text_at("<b><i>Nơi nhận:</i></b>", left_, ly, width * 0.45, 12);
    for (const auto& line : recipient_lines(data_.letterhead)) ly += text_at(escape(line), left_, ly, width * 0.45, 11);
    const double rx = left_ + width * 0.45, rw = width * 0.55;
    double ry = y;
    ry += text_at("<b>" + lines_of(data_.letterhead.signer_title) + "</b>", rx, ry, rw, 13, Align::centre);
    ry += text_at("<i>(Ký, ghi rõ họ tên, đóng dấu)</i>", rx, ry, rw, 12, Align::centre);
    ry += 28 * kPtPerMm;
    const std::string& signer = data_.letterhead.signer;
    ry += text_at(signer.empty() ? escape("…………………………………") : "<b>" + escape(signer) + "</b>", rx, ry, rw, 13,
                  Align::centre);
    y_ = std::max(ly, ry);
  }

  cairo_t* cr_;
  const ReportData& data_;
  const MapImage& map_;
  int total_pages_;
  bool first_page_only_;
  PangoContextHandle pango_;
  double page_w_ = 0, page_h_ = 0, left_ = 0, right_ = 0, top_ = 0, bottom_ = 0, y_ = 0;
  int page_ = 0;
  std::size_t section_ = 0;
};

int count_pages(const ReportData& data, const MapImage& map) {
  auto surface = recording_surface();
  auto cr = make_cairo(surface.get());
  Writer writer(cr.get(), data, map, 0, false);
  writer.write();
  return writer.pages();
}

}  // namespace

std::string write_document(const ReportData& data, const MapImage& map) {
  const auto paper = paper_size(data.request.paper);
  switch (data.request.format) {
    case Format::html: return write_html(data, map);
    case Format::png: {
      // Page 1 (the map page) at 150 dpi: the picture to share; the PDF carries every page.
      const double zoom = kPngDpi / 72;
      const int width = static_cast<int>(std::lround(paper.width_mm * kPtPerMm * zoom));
      const int height = static_cast<int>(std::lround(paper.height_mm * kPtPerMm * zoom));
      auto surface = image_surface(width, height);
      {
        auto cr = make_cairo(surface.get());
        cairo_set_source_rgb(cr.get(), 1, 1, 1);
        cairo_paint(cr.get());
        cairo_scale(cr.get(), zoom, zoom);
        Writer writer(cr.get(), data, map, 0, true);
        writer.write();
      }
      return png_bytes(surface.get());
    }
    case Format::pdf: break;
  }
  const int pages = count_pages(data, map);
  std::string out;
  {
    auto surface = pdf_surface(out, paper.width_mm * kPtPerMm, paper.height_mm * kPtPerMm);
    {
      auto cr = make_cairo(surface.get());
      Writer writer(cr.get(), data, map, pages, false);
      writer.write();
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        throw Error(std::string("report: drawing the PDF failed: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
    cairo_surface_finish(surface.get());
    checked(std::move(surface), "writing the PDF");
  }
  return out;
}

}  // namespace antt::report
