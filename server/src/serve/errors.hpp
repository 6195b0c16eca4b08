#pragma once
// The one translation of failures into answers for the server's endpoints. A handler throws
// (antt::RequestError with its status for what the client can fix; the core's errors otherwise)
// and this maps it, once: RequestError its own status (400, 401, 403, 404, 405, 409, 413, 429,
// 503), bad input 400, a store that cannot be read 503, anything else 500.
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "antt/core/error.hpp"
#include "http/http.hpp"

namespace antt::serve {

/// The HTTP status a failure is answered with.
int status_of(const std::exception& error);

/// {"error": reason, "status": status} for `error`; 503 answers ask to retry in 5 s. `failure`
/// prefixes the reason of an unexpected failure (500), e.g. "report failed / lỗi lập báo cáo".
http::Response json_error_response(const std::exception& error, std::string_view failure = {});

/// Runs a handler body and answers what it throws with json_error_response.
http::Response answer_json(const std::function<http::Response()>& body, std::string_view failure = {});

}  // namespace antt::serve
