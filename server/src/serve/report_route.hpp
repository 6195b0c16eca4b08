#pragma once
// GET /report?year=Y[&district=CODE][&paper=A4|A3][&format=pdf|png|html]: the printable report
// (docs/reports.md) drawn with the server's live map engine. One report renders at a time (a second
// request meanwhile gets 503 with Retry-After), so reports never hold more than one worker thread
// and tiles keep flowing; paper is capped at A3 and the map at 200 dpi within max_image_size.
#include <functional>
#include <string>
#include <vector>

#include "http/http.hpp"
#include "report/report.hpp"

namespace antt::mapserver {
class MapEngine;
}

namespace antt::serve {

struct ReportRouteContext {
  std::string store_path;
  mapserver::MapEngine* engine = nullptr;  ///< the server's engine; outlives the router
  int max_image_size = 4096;
  std::string today;  ///< ISO date the reports carry; empty = the day of the request
  report::Letterhead letterhead;  ///< from the configuration's report_letterhead
};

/// Registers GET /report on `router`.
void add_report_route(http::Router& router, ReportRouteContext context);

}  // namespace antt::serve
