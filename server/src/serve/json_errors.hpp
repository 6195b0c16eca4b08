#pragma once
// The one translation of failures into JSON answers for the server's JSON endpoints (/api, /ogc,
// /report): a client's mistake is a 4xx with the reason, an unreadable store 503, anything else 500.
#include <functional>
#include <string>
#include <string_view>

#include "antt/core/error.hpp"
#include "http/http.hpp"

namespace antt::serve {

/// Runs a handler body and translates what it throws, once, here. `failure` prefixes the reason of
/// an unexpected failure (500), e.g. "report failed / lỗi lập báo cáo".
http::Response answer_json(const std::function<http::Response()>& body, std::string_view failure = {});

}  // namespace antt::serve
