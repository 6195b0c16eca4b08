// The report's map: drawn by the map engine (the same mapfile, classes and colours as the web map)
// in EPSG:9211 VN-2000 / TM-3 106-00, whose scale factor over Hòa Bình stays within 0.9999-1.0002,
// so a scale bar drawn from the scale denominator is true on paper. Several engine renders are
// stacked with cairo (fills first, then outlines and labels on top) and the land outside the area
// is veiled.
#include <algorithm>
#include <cmath>
#include <limits>

#include "antt/core/error.hpp"
#include "antt/geo/crs.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/styles/styles.hpp"
#include "mapserver/engine.hpp"
#include "report/cairo_handles.hpp"
#include "report/report.hpp"

namespace antt::report {
namespace {

constexpr int kPrintEpsg = 9211;
constexpr double kPrintDpi = 200;
constexpr double kMinDpi = 96;

struct Layer {
  std::string name;
  bool outline = false;
};

/// Province: district grades, commune boundaries over them, district boundaries and names on top.
/// District: commune and village status fills, commune boundaries and names on top.
std::vector<Layer> layers_of(const ReportData& data) {
  if (data.request.district) return {{"communes", false}, {"villages", false}, {"communes", true}};
  // Since 2025-07-01 the province has no districts: its communes are graded and outlined.
  if (data.area_level == "commune") return {{"communes", false}, {"communes", true}};
  return {{"districts", false}, {"communes", true}, {"districts", true}};
}

/// 587 312 -> 590 000: up to two significant digits.
double round_scale(double scale) {
  const double step = std::pow(10.0, std::floor(std::log10(scale)) - 1);
  return std::ceil(scale / step - 1e-9) * step;
}

/// Fills each area in its class's colour (solid: the style's hatching is left to the engine's maps),
/// with the class's outline, in order.
void paint_fills(cairo_t* cr, const std::vector<MapFill>& fills, const geo::CoordinateTransformation& transform,
                 const mapserver::Box& box, double px_per_m) {
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_width(cr, 0.5);
  for (const auto& fill : fills) {
    const auto& entries = styles::style(fill.style).entries;
    const auto entry = std::find_if(entries.begin(), entries.end(),
                                    [&](const styles::LegendEntry& candidate) { return candidate.key == fill.key; });
    if (entry == entries.end()) continue;
    cairo_new_path(cr);
    for (const auto& ring : fill.rings) {
      bool first = true;
      for (auto [x, y] : ring) {
        if (!transform.transform_point(x, y)) continue;
        const double px = (x - box.minx) * px_per_m, py = (box.maxy - y) * px_per_m;
        if (first) cairo_move_to(cr, px, py);
        else cairo_line_to(cr, px, py);
        first = false;
      }
      cairo_close_path(cr);
    }
    const auto colour = parse_colour(entry->fill.empty() ? "#ffffff" : entry->fill);
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_fill_preserve(cr);
    const auto stroke = parse_colour(entry->stroke);
    cairo_set_source_rgb(cr, stroke.r, stroke.g, stroke.b);
    cairo_stroke(cr);
  }
}

}  // namespace

MapFrame map_frame(Paper paper) { return paper == Paper::a3 ? MapFrame{252, 262} : MapFrame{165, 138}; }

MapImage render_map(mapserver::MapEngine& engine, const ReportData& data, int max_image_size) {
  if (data.area_rings.empty())
    throw InputError("report: " + data.area_title + " has no boundary in the store; import its geometry first / "
                     "đơn vị chưa có ranh giới");
  // Area rings to the print CRS (VN-2000 datum shift of QĐ 05/2007, as import/export use).
  const auto wgs84 = geo::wgs84();
  const auto target = geo::prepare_for_transformation(geo::SpatialReference::from_epsg(kPrintEpsg));
  const auto transform = geo::CoordinateTransformation::create(wgs84, target.srs);
  std::vector<std::vector<std::pair<double, double>>> rings;
  double minx = std::numeric_limits<double>::max(), miny = minx, maxx = -minx, maxy = -minx;
  for (const auto& ring : data.area_rings) {
    auto& projected = rings.emplace_back();
    for (auto [x, y] : ring) {
      if (!transform.transform_point(x, y)) continue;
      projected.emplace_back(x, y);
      minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y), maxy = std::max(maxy, y);
    }
  }
  if (!(maxx > minx && maxy > miny)) throw InputError("report: the area's boundary does not project to EPSG:9211");

  const auto frame = map_frame(data.request.paper);
  MapImage image;
  image.width_mm = frame.width_mm;
  image.height_mm = frame.height_mm;
  const double frame_w_m = frame.width_mm / 1000, frame_h_m = frame.height_mm / 1000;
  image.scale_denominator = round_scale(std::max((maxx - minx) * 1.04 / frame_w_m, (maxy - miny) * 1.04 / frame_h_m));
  const double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;
  const double half_w = frame_w_m * image.scale_denominator / 2, half_h = frame_h_m * image.scale_denominator / 2;
  const mapserver::Box box{cx - half_w, cy - half_h, cx + half_w, cy + half_h};

  // 200 dpi, less when the server's max_image_size would not allow it.
  const double longest_mm = std::max(frame.width_mm, frame.height_mm);
  image.dpi = std::min(kPrintDpi, std::floor(max_image_size * 25.4 / longest_mm));
  if (image.dpi < kMinDpi)
    throw Error("report: max_image_size " + std::to_string(max_image_size) + " is too small for a printed map (needs " +
                std::to_string(static_cast<int>(std::ceil(kMinDpi * longest_mm / 25.4))) + " px)");
  image.width_px = static_cast<int>(std::lround(frame.width_mm / 25.4 * image.dpi));
  image.height_px = static_cast<int>(std::lround(frame.height_mm / 25.4 * image.dpi));
  image.crs_note = "VN-2000 / TM-3 106-00 (EPSG:9211)";

  auto canvas = image_surface(image.width_px, image.height_px);
  auto cr = make_cairo(canvas.get());
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  const double px_per_m = image.width_px / (box.maxx - box.minx);
  // Statuses as known at a past moment: the fills are drawn here from the report's data (the
  // engine's layers show what is recorded now); the engine still draws boundaries and names.
  const bool as_known = data.request.known_at.has_value();
  if (as_known) paint_fills(cr.get(), data.fills, transform, box, px_per_m);
  for (const auto& layer : layers_of(data)) {
    if (as_known && !layer.outline) continue;
    mapserver::ImageRequest request;
    request.layers = {layer.name};
    if (layer.outline) request.outline_layers = {layer.name};
    request.bbox = box;
    request.epsg = kPrintEpsg;
    request.width = image.width_px;
    request.height = image.height_px;
    request.resolution = image.dpi;
    request.time = TimeFilter::of_year(data.request.year);
    request.transparent = true;
    const auto rendered = engine.render_image(request);
    if (rendered.status != 200) throw Error("report: the map engine could not draw " + layer.name + ": " + rendered.body);
    auto drawn = png_surface(rendered.body);
    cairo_set_source_surface(cr.get(), drawn.get(), 0, 0);
    cairo_paint(cr.get());
  }

  // Veil what lies outside the area (neighbouring districts or provinces), then outline the area.
  auto ring_path = [&] {
    for (const auto& ring : rings) {
      bool first = true;
      for (const auto& [x, y] : ring) {
        const double px = (x - box.minx) * px_per_m, py = (box.maxy - y) * px_per_m;
        if (first) cairo_move_to(cr.get(), px, py);
        else cairo_line_to(cr.get(), px, py);
        first = false;
      }
      cairo_close_path(cr.get());
    }
  };
  cairo_set_fill_rule(cr.get(), CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle(cr.get(), 0, 0, image.width_px, image.height_px);
  ring_path();
  cairo_set_source_rgba(cr.get(), 1, 1, 1, 0.6);
  cairo_fill(cr.get());
  if (data.request.district) {
    ring_path();
    cairo_set_source_rgb(cr.get(), 0.15, 0.15, 0.15);
    cairo_set_line_width(cr.get(), 1.4 * image.dpi / 72);
    cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr.get());
  }
  cr.reset();
  image.png = png_bytes(canvas.get());
  return image;
}

}  // namespace antt::report
