#pragma once
// The plain-HTTP port of an HTTPS server (`--redirect-http-port`): every request is sent to the same
// path on HTTPS, so a browser given the http:// address ends up on the encrypted one.
#include <string>

#include "http/http.hpp"

namespace antt::serve {

/// Where redirects go: the HTTPS public_url if one is configured, else the request's Host with the TLS port.
struct HttpsTarget {
  std::string public_url;  ///< "https://..." or empty
  int tls_port = 443;
};

/// 301 (GET, HEAD) or 308 (other methods: a browser repeats the method and body) to the same path and query
/// on HTTPS; 400 when the request names no usable Host and no public_url is configured.
http::Response https_redirect(const http::Request& request, const HttpsTarget& target);

}  // namespace antt::serve
