#include "serve/https_redirect.hpp"

#include "antt/text/percent_encoding.hpp"

#include <optional>
#include <string_view>

namespace antt::serve {
namespace {

/// The host of a Host header without its port: a name or IPv4 address, or a bracketed IPv6 address.
/// Nothing else is let into a Location header.
std::optional<std::string> host_of(std::string_view header) {
  if (header.empty() || header.size() > 255) return std::nullopt;
  if (header.front() == '[') {
    const auto close = header.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view address = header.substr(1, close - 1);
    if (address.empty() || address.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return std::nullopt;
    return std::string(header.substr(0, close + 1));
  }
  const std::string_view host = header.substr(0, header.find(':'));
  if (host.empty() ||
      host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != std::string_view::npos)
    return std::nullopt;
  return std::string(host);
}

/// The decoded path encoded again for a Location header: '/' and the sub-delimiters stay.
std::string path_for_location(std::string_view path) { return text::percent_encode_except(path, "/,:@!$'()*;=+"); }

/// The raw query again, with only what a header must not carry encoded ('%' stays: it is encoded already).
std::string query_for_location(std::string_view query) {
  return text::percent_encode_except(query, "!#$%&'()*+,/:;=?@[]");
}

}  // namespace

http::Response https_redirect(const http::Request& request, const HttpsTarget& target) {
  std::string base;
  if (!target.public_url.empty()) {
    base = target.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
  } else {
    const auto host = host_of(request.header("Host").value_or(""));
    if (!host) {
      return http::Response::json_error(
          400, "this port only sends browsers to HTTPS, and the request names no usable Host / hãy dùng https://");
    }
    base = "https://" + *host + (target.tls_port == 443 ? "" : ":" + std::to_string(target.tls_port));
  }
  std::string location = base + path_for_location(request.path);
  if (!request.query.empty()) location += "?" + query_for_location(request.query);
  const bool safe_method = request.method == "GET" || request.method == "HEAD";
  http::Response moved = http::Response::text(safe_method ? 301 : 308, "This server speaks HTTPS: " + location + "\n");
  moved.headers["Location"] = location;
  moved.route = "https redirect";
  return moved;
}

}  // namespace antt::serve
