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

bool is_json_media_type(std::string_view type) { return type == "application/json" || type == "application/geo+json"; }

/// Why a POST body of this Content-Type is refused (415), or empty.
std::string content_type_problem(const std::optional<std::string>& content_type) {
  const std::string accepted = "send Content-Type: application/json or application/geo+json";
  if (!content_type || content_type->empty()) return "the request body has no Content-Type; " + accepted + " / thiếu Content-Type";
  const std::string type = media_type(*content_type);
  if (!is_json_media_type(type)) {
    return "request bodies of type '" + type + "' are not accepted; " + accepted + " / kiểu dữ liệu không được hỗ trợ";
  }
  // Parameters: only charset matters, and JSON is UTF-8.
  std::string_view parameters(*content_type);
  while (parameters.find(';') != std::string_view::npos) {
    parameters.remove_prefix(parameters.find(';') + 1);
    std::string parameter = media_type(parameters);  // up to the next ';', lower case, no blanks
    if (parameter.rfind("charset=", 0) != 0) continue;
    std::string charset = parameter.substr(8);
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') charset = charset.substr(1, charset.size() - 2);
    if (charset != "utf-8" && charset != "utf8") {
      return "request bodies must be UTF-8, not charset " + charset +
             "; send Content-Type: application/json; charset=utf-8 / dữ liệu phải mã hóa UTF-8";
    }
  }
  return {};
}

}  // namespace

std::string media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  std::string type;
  for (char c : content_type) {
    if (c == ' ' || c == '\t') continue;
    type.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return type;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("router: pattern '" + pattern + "' must start with '/'");
  }
  if (!handler) throw std::invalid_argument("router: pattern '" + pattern + "' has no handler");
  std::vector<std::string> segments = split_segments(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

void Router::get(std::string pattern, Handler handler) { add("GET", std::move(pattern), std::move(handler)); }

void Router::post(std::string pattern, Handler handler) { add("POST", std::move(pattern), std::move(handler)); }

void Router::put(std::string pattern, Handler handler) { add("PUT", std::move(pattern), std::move(handler)); }

void Router::put_file(std::string pattern, std::vector<std::string> media_types, Handler handler) {
  add("PUT", std::move(pattern), std::move(handler));
  routes_.back().file_types = std::move(media_types);
}

void Router::post_file(std::string pattern, std::vector<std::string> media_types, Handler handler) {
  add("POST", std::move(pattern), std::move(handler));
  routes_.back().file_types = std::move(media_types);
}

void Router::post_form(std::string pattern, Handler handler) {
  add("POST", std::move(pattern), std::move(handler));
  routes_.back().form = true;
}

const Router::Route* Router::best_match(const std::vector<std::string>& segments, std::string_view method) const {
  const Route* best = nullptr;
  std::vector<bool> best_literals;
  for (const Route& route : routes_) {
    if (!method.empty() && route.method != method) continue;
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
  return best;
}

std::string Router::allowed_methods(std::string_view path) const {
  const std::vector<std::string> segments = split_segments(path);
  const bool get = best_match(segments, "GET") != nullptr;
  const bool post = best_match(segments, "POST") != nullptr;
  const bool put = best_match(segments, "PUT") != nullptr;
  if (!get && !post && !put) return {};
  return std::string(get ? "GET, HEAD, " : "") + (post ? "POST, " : "") + (put ? "PUT, " : "") + "OPTIONS";
}

std::optional<Response> Router::refuse_before_body(const Request& head) const {
  if (std::optional<Response> refused = refuse_route(head)) return refused;
  if (gate_ && head.method != "OPTIONS") {
    Request asking = head;
    if (std::optional<Response> refused = gate_(asking, GateStage::before_body)) return refused;
  }
  return std::nullopt;
}

std::optional<Response> Router::refuse_route(const Request& head) const {
  // Bad paths are refused first: a traversal attempt gets 400 whatever its method.
  if (std::string problem = path_problem(head.path); !problem.empty()) return Response::json_error(400, problem);
  const std::vector<std::string> segments = split_segments(head.path);
  if (fallback_ && best_match(segments, {}) == nullptr) return std::nullopt;
  const bool is_get = head.method == "GET" || head.method == "HEAD";
  const bool with_body = carries_body(head.method);
  if (head.method == "OPTIONS") {
    if (best_match(segments, {}) == nullptr) return Response::json_error(404, "no resource at " + head.path);
    return std::nullopt;
  }
  const Route* route = is_get ? best_match(segments, "GET") : with_body ? best_match(segments, head.method) : nullptr;
  if (route == nullptr) {
    const std::string allowed = allowed_methods(head.path);
    if (allowed.empty()) return Response::json_error(404, "no resource at " + head.path);
    Response refused = Response::json_error(
        405, "method " + head.method + " is not allowed here; use " + allowed + " / phương thức không được phép");
    refused.headers["Allow"] = allowed;
    refused.route = best_match(segments, {})->pattern;
    return refused;
  }
  if (with_body && route->form) {
    if (media_type(head.header("Content-Type").value_or("")) != "application/x-www-form-urlencoded") {
      Response refused = Response::json_error(
          415, "send the form as application/x-www-form-urlencoded / biểu mẫu phải gửi dạng x-www-form-urlencoded");
      refused.route = route->pattern;
      return refused;
    }
  } else if (with_body && !route->file_types.empty()) {
    const std::string type = media_type(head.header("Content-Type").value_or(""));
    if (std::find(route->file_types.begin(), route->file_types.end(), type) == route->file_types.end()) {
      std::string accepted;
      for (const auto& name : route->file_types) accepted += (accepted.empty() ? "" : ", ") + name;
      Response refused = Response::json_error(
          415, "send the file as one of " + accepted + " / kiểu tệp không được hỗ trợ");
      refused.route = route->pattern;
      return refused;
    }
  } else if (with_body) {
    if (std::string problem = content_type_problem(head.header("Content-Type")); !problem.empty()) {
      Response refused = Response::json_error(415, problem);
      refused.route = route->pattern;
      return refused;
    }
  }
  return std::nullopt;
}

Response Router::dispatch(Request request) const { return resolved(dispatch_deferred(std::move(request))); }

Response Router::dispatch_deferred(Request request) const {
  if (std::optional<Response> refused = refuse_route(request)) return std::move(*refused);
  const std::vector<std::string> segments = split_segments(request.path);
  if (fallback_ && best_match(segments, {}) == nullptr) {
    Response answer = fallback_(request);
    if (answer.route.empty()) answer.route = "fallback";
    return answer;
  }
  if (request.method == "OPTIONS") {
    Response allowed = Response::no_content();
    allowed.headers["Allow"] = allowed_methods(request.path);
    allowed.route = best_match(segments, {})->pattern;
    return allowed;
  }
  if (gate_) {
    if (std::optional<Response> refused = gate_(request, GateStage::before_handler)) {
      refused->route = best_match(segments, {})->pattern;
      return std::move(*refused);
    }
  }
  const bool with_body = carries_body(request.method);
  const Route* best = best_match(segments, with_body ? request.method : std::string_view("GET"));
  if (with_body && request.body.empty()) {
    Response refused = Response::json_error(400, "the request body is empty / thiếu nội dung yêu cầu");
    refused.route = best->pattern;
    return refused;
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = best->segments[i];
    if (is_capture(segment)) request.path_params[segment.substr(1, segment.size() - 2)] = segments[i];
  }
  const bool private_to_caller = request.caller.signed_in();
  Response response = best->handler(request);
  response.route = best->pattern;
  if (private_to_caller) {
    response.private_to_caller = true;
    response.reusable = false;
  }
  return response;
}

}  // namespace antt::http
