#include "serve/report_route.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/store/store.hpp"
#include "antt/text/unicode.hpp"
#include "mapserver/engine.hpp"
#include "report/report.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"

namespace antt::serve {
namespace {

/// Letters, digits and '-' only: the file name offered to the browser.
std::string file_name(const report::ReportData& data) {
  std::string name = "bao-cao-antt-" + std::to_string(data.request.year) + "-" +
                     (data.request.district ? "huyen-" + data.area_code : std::string("tinh"));
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
  return name + "." + std::string(report::to_string(data.request.format));
}

http::Response report_response(const http::Request& request, const ReportRouteContext& context) {
  require_printable_params(request);
  // period=2020-Q1 names the year as well; with year= too, both must agree.
  const auto period_text = request.param("period");
  const auto period = report::parse_period(period_text.value_or("year"));  // a bad one fails first
  const auto year_period = period_text ? report::parse_year_period(*period_text) : std::nullopt;
  std::optional<std::pair<int, int>> phase;
  if (const auto phase_text = request.param("phase")) {
    phase = report::parse_phase(*phase_text);
    if (!phase) throw RequestError("phase must be FROM-TO, e.g. 2012-2015, not '" + *phase_text + "' / giai đoạn không hợp lệ");
    if (period_text) throw RequestError("give phase or period, not both / chỉ chọn phase hoặc period");
  }
  const auto year_text = phase && !request.param("year") ? std::optional<std::string>(std::to_string(phase->second))
                                                          : request.param("year");
  if (!year_text && !year_period)
    throw RequestError("year is required, e.g. /report?year=2020 or ?period=2020-Q1 / cần tham số year");
  const auto year = year_text ? parse_year(*year_text) : std::optional<int>(year_period->year);
  if (!year) throw RequestError("year must be YYYY, not '" + *year_text + "' / năm phải có dạng YYYY");
  if (year_period && year_period->year != *year)
    throw RequestError("period " + *period_text + " is not in year " + std::to_string(*year) +
                       " / kỳ báo cáo không thuộc năm đã chọn");
  if (phase && phase->second != *year)
    throw RequestError("year must be the phase's last year " + std::to_string(phase->second) + " / năm phải là năm cuối giai đoạn");
  report::ReportRequest wanted;
  wanted.year = *year;
  if (phase) wanted.phase_from = phase->first;
  wanted.period = period;
  if (auto as_of = request.param("as_of")) {
    wanted.known_at = parse_known_at(*as_of == "end" ? report::period_end(wanted.period, wanted.year) : *as_of);
    if (!wanted.known_at)
      throw RequestError("as_of must be YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS](Z|+07:00) or end, not '" + *as_of +
                         "' / thời điểm không hợp lệ");
  }
  wanted.today = context.today;
  wanted.letterhead = context.letterhead;
  if (auto district = request.param("district"); district && !district->empty()) wanted.district = *district;
  wanted.paper = report::parse_paper(request.param("paper").value_or("A4"));
  wanted.format = report::parse_format(request.param("format").value_or("pdf"));

  report::ReportData data;
  {
    auto store = store::open_store(context.store_path);
    data = report::collect_report(*store, wanted);
  }
  const auto map = report::render_map(*context.engine, data, context.max_image_size);
  auto document = report::write_document(data, map);
  auto response = http::Response::text(200, std::move(document), std::string(report::content_type(wanted.format)));
  response.headers["Content-Disposition"] = "inline; filename=\"" + file_name(data) + "\"";
  response.headers["Cache-Control"] = "no-store";
  return response;
}

}  // namespace

void add_report_route(http::Router& router, ReportRouteContext context) {
  auto busy = std::make_shared<std::mutex>();
  router.get("/report", [context = std::move(context), busy](const http::Request& request) {
    // Drawn by one of the server's workers: the connection's I/O thread keeps serving tiles.
    return http::Response::deferred([context, busy, request] {
      return answer_json(
          [&] {
            std::unique_lock lock(*busy, std::try_to_lock);
            if (!lock.owns_lock())
              throw RequestError(503, "another report is being drawn; retry in a few seconds / đang lập báo cáo "
                                      "khác, thử lại sau");
            return report_response(request, context);
          },
          "report failed / lỗi lập báo cáo");
    });
  });
}

}  // namespace antt::serve
