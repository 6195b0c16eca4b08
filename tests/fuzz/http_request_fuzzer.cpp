// HTTP requests as a client writes them, through what the server does with them after
// libmicrohttpd has split the lines: path decoding, the router (400 for bad paths, 404, 405, 415),
// the request-body checks (411, 413), the wrapping (CORS, ETag/304, gzip), cookies, form bodies and
// the shared parameter parsers (server/src/serve/params.hpp). Input:
//
//   METHOD TARGET HTTP/1.1
//   Name: value
//   (an empty line)
//   body
//
// Invariants: no request makes a handler fail with anything but a RequestError (a 500 is a finding),
// a path with a ".." segment or a NUL is 400, a 304 has no body, gzip only when the client accepts
// it, JSON error bodies are valid JSON, and every parser's answer keeps its documented promise.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "antt/core/error.hpp"
#include "antt/core/log.hpp"
#include "antt/layers/layers.hpp"
#include "antt/text/unicode.hpp"
#include "fuzz_support.hpp"
#include "http/http.hpp"
#include "http/response_wrapping.hpp"
#include "serve/access_control.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"
#include "serve/sign_in.hpp"

namespace {

using antt::fuzz::require;
namespace http = antt::http;
namespace serve = antt::serve;

const serve::Years& years() {
  static const serve::Years years{{2015, 2016, 2017, 2018, 2019, 2020}, 2020};
  return years;
}

bool has_space_at_ends(std::string_view text) {
  return !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t');
}

void check_cookies(const http::Request& request) {
  for (std::string_view name : {serve::kSessionCookie, serve::kLoginCookie}) {
    if (const auto value = serve::cookie_value(request, name)) {
      require(value->find(';') == std::string::npos, "a cookie value ends at ';'");
      require(!has_space_at_ends(*value), "a cookie value is trimmed");
    }
  }
}

void check_form(const http::Request& request) {
  for (const auto& [name, value] : serve::parse_form(request.body)) {
    require(antt::text::is_valid_utf8(name) && antt::text::is_valid_utf8(value), "form fields are UTF-8");
  }
}

/// The parameters the endpoints share, read as the endpoints read them.
void check_params(const http::Request& request) {
  serve::require_printable_params(request);
  if (const auto q = request.param("q")) {
    const std::string text = serve::checked_text(*q, 200, "q");
    require(antt::text::is_valid_utf8(text) && antt::text::to_nfc(text) == text, "checked text is NFC UTF-8");
  }
  const int limit = serve::integer_param(request, "limit", 20, 1, 100);
  require(limit >= 1 && limit <= 100, "an integer parameter lies in its range");
  const antt::TimeFilter time = serve::time_param(request, years());
  require(years().contains(time.year), "the time is a year the server holds");
  if (const auto bbox = request.param("bbox")) {
    const auto box = serve::lon_lat_box_param(*bbox);
    require(box.west < box.east && box.south < box.north, "a box has min < max");
    require(box.west >= -180 && box.east <= 180 && box.south >= -86 && box.north <= 86, "a box lies on the map");
  }
  if (const auto layers = request.param("layers")) {
    const auto& registry = *antt::layers::LayerRegistry::standard();
    const auto chosen = serve::layer_list_param(*layers, registry);
    require(!chosen.empty(), "a layer list names a layer");
    for (const auto* layer : chosen) require(registry.find(layer->name) == layer, "listed layers are registry layers");
  }
}

/// What a handler answers: its checks' refusal (RequestError → 4xx), or 200 with a body long enough
/// to be gzipped and given an ETag.
http::Handler checking(void (*check)(const http::Request&)) {
  return [check](const http::Request& request) {
    return serve::answer_json([&] {
      check(request);
      return http::Response::text(200, std::string(600, 'x') + request.path, "text/plain; charset=utf-8");
    });
  };
}

std::shared_ptr<const http::Router> router() {
  static const std::shared_ptr<const http::Router> made = [] {
    auto routes = std::make_shared<http::Router>();
    routes->get("/", checking(check_cookies));
    routes->get("/health", checking([](const http::Request&) {}));
    routes->get("/api/search", checking(check_params));
    routes->get("/api/units/{code}", checking(check_params));
    routes->get("/report", checking(check_params));
    routes->get("/tiles/{layer}/{z}/{x}/{y}", checking(check_params));
    routes->get("/ogc/collections/{collectionId}/items", checking(check_params));
    routes->get("/wms", checking(check_params));
    routes->get("/login", checking(check_cookies));
    routes->post("/api/validate", checking([](const http::Request&) {}));
    routes->post_form("/login", checking([](const http::Request& request) {
      check_cookies(request);
      check_form(request);
    }));
    routes->post_form("/logout", checking(check_form));
    // A session cookie of this value signs in: answers become private to the caller.
    routes->set_gate([](http::Request& request, http::GateStage) -> std::optional<http::Response> {
      if (serve::cookie_value(request, serve::kSessionCookie) == "fuzz-session") {
        request.caller.credential = antt::access::Credential::session;
        request.caller.role = antt::access::Role::viewer;
      }
      return std::nullopt;
    });
    return routes;
  }();
  return made;
}

const http::ResponseWrapping& wrapping() {
  static const http::ServerOptions options = [] {
    http::ServerOptions made;
    made.cors_allow = {"https://portal.example.vn"};
    made.max_body_bytes = 2048;  // small, so that fuzzed bodies reach the 413
    return made;
  }();
  static const antt::log::Logger logger = antt::log::Logger::to_stderr({.min_level = antt::log::Level::error});
  static const http::ResponseWrapping made(options, router(), logger);
  return made;
}

/// The request line, headers and body, split as libmicrohttpd splits them: repeated headers joined
/// with ", ", the target's path percent-decoded (as the server's split_target does), its query
/// decoded into parameters.
struct Asked {
  http::Request head;
  std::string body;
};

Asked read_request(std::string_view text) {
  Asked asked;
  auto next_line = [&text] {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
  };
  std::string_view line = next_line();
  const auto space = line.find(' ');
  asked.head.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "/" : line.substr(space + 1);
  target = target.substr(0, target.find(' '));
  target = target.substr(0, target.find('#'));
  const auto question = target.find('?');
  asked.head.path = http::percent_decode(target.substr(0, question));
  require(asked.head.path.size() <= std::min(question, target.size()), "percent-decoding never lengthens");
  if (question != std::string_view::npos) {
    asked.head.query = std::string(target.substr(question + 1));
    asked.head.params = antt::fuzz::query_params(asked.head.query);
  }
  while (!text.empty()) {
    line = next_line();
    if (line.empty()) break;
    const auto colon = line.find(':');
    // libmicrohttpd refuses a header line without a colon or with a bare CR in it.
    if (colon == std::string_view::npos || line.find('\r') != std::string_view::npos) continue;
    const std::string value(http::trim_whitespace(line.substr(colon + 1)));
    auto [slot, inserted] = asked.head.headers.emplace(std::string(line.substr(0, colon)), value);
    if (!inserted) slot->second += ", " + value;
  }
  asked.body = std::string(text);
  asked.head.remote_address = "203.0.113.7";
  return asked;
}

bool path_is_refused(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.size() > http::Router::max_path_length) return true;
  if (path.find('\0') != std::string_view::npos) return true;
  for (std::string_view rest = path; !rest.empty();) {
    const auto slash = rest.find('/');
    if (rest.substr(0, slash) == "..") return true;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return false;
}

void check_response(const http::Request& head, const http::Response& response) {
  require(response.status != 500, "no request makes a handler fail (500)");
  require(response.status >= 200 && response.status < 600, "a status is an HTTP status");
  const bool before_router = response.route == "preflight" || response.status == 413 || response.status == 411;
  if (!before_router && path_is_refused(head.path)) require(response.status == 400, "a bad path is refused with 400");
  if (response.status == 304) require(response.body->empty(), "a 304 has no body");
  const auto encoding = response.headers.find("Content-Encoding");
  if (encoding != response.headers.end() && encoding->second == "gzip") {
    require(http::accepts_gzip(head.header("Accept-Encoding").value_or("")), "gzip only when the client accepts it");
    require(response.body->starts_with("\x1f\x8b"), "a gzipped body is gzip");
  } else if (response.content_type == "application/json") {
    require(nlohmann::json::accept(*response.body), "a JSON answer is JSON");
  }
  for (const auto& [name, value] : response.headers) {
    require(value.find('\n') == std::string::npos && value.find('\r') == std::string::npos,
            "no header value carries a line break");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Asked asked = read_request({reinterpret_cast<const char*>(data), size});
  http::Request& head = asked.head;

  const std::string media = http::media_type(head.header("Content-Type").value_or(""));
  require(media.find_first_of(" \t;ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos, "a media type is bare lower case");
  (void)head.from_loopback();
  (void)head.carries_credentials();

  // As the server: a POST's head is checked before its body is read.
  if (head.method == "POST") {
    if (auto refused = wrapping().refuse_upload(head)) {
      check_response(head, wrapping().decorate(std::move(*refused), head));
      return 0;
    }
  }
  http::Request request = head;
  if (head.method == "POST") request.body = std::move(asked.body);  // other bodies are never read
  check_response(head, wrapping().handle(std::move(request)));
  return 0;
}
