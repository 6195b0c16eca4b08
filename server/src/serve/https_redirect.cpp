#include "serve/https_redirect.hpp"

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

/// The decoded path encoded again for a Location header: unreserved characters and '/' stay.
std::string path_for_location(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : path) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~' || c == '/' || c == ',' || c == ':' || c == '@' || c == '!' ||
                      c == '$' || c == '\'' || c == '(' || c == ')' || c == '*' || c == ';' || c == '=' || c == '+';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

/// The raw query again, with anything a header must not carry encoded.
std::string query_for_location(std::string_view query) {
  std::string out;
  for (const unsigned char c : query) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' ||
        c == '|' || c == '}') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
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
