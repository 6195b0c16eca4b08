// The one router: pattern matching with {capture} segments, and the 400/404/405 answers.
#include <algorithm>
#include <stdexcept>

#include "http/http.hpp"

namespace antt::http {
namespace {

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// Why the path must be refused before any handler sees it, or empty.
std::string path_problem(std::string_view path) {
  if (path.size() > Router::max_path_length) return "request path is longer than 2048 bytes";
  if (path.find('\0') != std::string_view::npos) return "request path contains a NUL byte";
  if (path.empty() || path.front() != '/') return "request path must start with '/'";
  for (const std::string& segment : split_segments(path)) {
    // Only a whole ".." segment climbs; "a..b.png" is an ordinary name.
    if (segment == "..") return "request path must not contain '..' segments";
  }
  return {};
}

}  // namespace

void Router::get(std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("router: pattern '" + pattern + "' must start with '/'");
  }
  if (!handler) throw std::invalid_argument("router: pattern '" + pattern + "' has no handler");
  Route route{pattern, split_segments(pattern), std::move(handler)};
  routes_.push_back(std::move(route));
}

Response Router::dispatch(Request request) const {
  const bool is_get = request.method == "GET" || request.method == "HEAD";
  const bool is_options = request.method == "OPTIONS";
  // Bad paths are refused first: a traversal attempt gets 400 whatever its method.
  if (std::string problem = path_problem(request.path); !problem.empty()) return Response::json_error(400, problem);
  if (!is_get && !is_options) {
    Response refused = Response::json_error(405, "method " + request.method + " is not allowed; use GET");
    refused.headers["Allow"] = "GET, HEAD, OPTIONS";
    return refused;
  }

  const std::vector<std::string> segments = split_segments(request.path);
  const Route* best = nullptr;
  std::vector<bool> best_literals;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<bool> literals(segments.size());
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      literals[i] = !is_capture(route.segments[i]);
      matches = !literals[i] || route.segments[i] == segments[i];
    }
    // vector<bool> compares lexicographically: a literal earlier in the path is more specific.
    if (matches && (best == nullptr || literals > best_literals)) {
      best = &route;
      best_literals = std::move(literals);
    }
  }
  if (best == nullptr) return Response::json_error(404, "no resource at " + request.path);

  if (is_options) {
    Response allowed = Response::no_content();
    allowed.headers["Allow"] = "GET, HEAD, OPTIONS";
    allowed.route = best->pattern;
    return allowed;
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = best->segments[i];
    if (is_capture(segment)) request.path_params[segment.substr(1, segment.size() - 2)] = segments[i];
  }
  Response response = best->handler(request);
  response.route = best->pattern;
  return response;
}

}  // namespace antt::http
