// Request/Response values and the small helpers shared by the router and the server.
#include "http/http.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

namespace antt::http {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return ascii_lower(x) < ascii_lower(y); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool carries_body(std::string_view method) { return method == "POST" || method == "PUT"; }

bool changes_state(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

std::optional<std::string> Request::param(std::string_view name) const {
  // OGC clients send SERVICE, service or Service; the first one sent wins.
  for (const auto& [key, value] : params) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::header(std::string_view name) const {
  auto found = headers.find(name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

bool Request::from_loopback() const {
  const std::string_view address = remote_address;
  if (address.empty() || address == "::1") return true;
  return address.starts_with("127.") || address.starts_with("::ffff:127.");
}

bool Request::carries_credentials() const {
  if (headers.count("Authorization") != 0 || headers.count("Cookie") != 0) return true;
  for (const auto& [key, value] : params)
    if (iequals(key, "token")) return true;
  return false;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

Response Response::json_error(int status, const std::string& reason) {
  const nlohmann::json document = {{"error", reason}, {"status", status}};
  // Replace invalid UTF-8 (a reason quoting a raw request path) instead of throwing from an error path.
  return json(status, document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response Response::json(int status, const std::string& json_text, std::string content_type) {
  return text(status, json_text, std::move(content_type));
}

Response Response::shared(int status, std::shared_ptr<const std::string> body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = body ? std::move(body) : std::make_shared<const std::string>();
  return response;
}

Response Response::no_content() { return text(204, {}, {}); }

Response Response::deferred(std::function<Response()> work) {
  Response response;
  response.work = std::move(work);
  return response;
}

Response resolved(Response response) {
  if (!response.work) return response;
  const auto work = std::move(response.work);
  Response answer = work();
  if (answer.route.empty()) answer.route = std::move(response.route);
  return resolved(std::move(answer));
}

std::string strong_etag(std::string_view body) {
  // FNV-1a over 8-byte words instead of bytes: ~8x faster on tiles, still a good spread for ETags.
  constexpr std::uint64_t offset_basis = 0xcbf29ce484222325ULL;
  constexpr std::uint64_t prime = 0x100000001b3ULL;
  std::uint64_t hash = offset_basis ^ body.size();
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, body.data() + i, 8);
    hash = (hash ^ word) * prime;
    hash ^= hash >> 29;
  }
  for (; i < body.size(); ++i) hash = (hash ^ static_cast<unsigned char>(body[i])) * prime;
  hash ^= hash >> 32;
  static constexpr char digits[] = "0123456789abcdef";
  std::string etag(18, '"');
  for (int n = 0; n < 16; ++n) etag[static_cast<std::size_t>(16 - n)] = digits[(hash >> (4 * n)) & 0xf];
  return etag;
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

std::string default_route_label(const Response& response) {
  if (response.route.empty()) return "unmatched";
  std::string_view pattern = response.route;
  std::size_t start = pattern.find_first_not_of('/');
  if (start == std::string_view::npos) return "root";
  std::size_t end = pattern.find('/', start);
  std::string_view first = pattern.substr(start, end == std::string_view::npos ? end : end - start);
  if (first.empty() || first.front() == '{') return "other";
  return std::string(first);
}

}  // namespace antt::http
