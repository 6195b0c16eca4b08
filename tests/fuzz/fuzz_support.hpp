#pragma once
// What the fuzz targets share: failing loudly when an invariant breaks, and turning bytes into the
// decoded query parameters the server's handlers get.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "http/http.hpp"

namespace antt::fuzz {

/// Stops the run with `what` when `holds` is false: libFuzzer keeps the input that did it.
inline void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

/// The parameters of a query string as libmicrohttpd hands them to the server: split at '&' and
/// the first '=', '+' read as a space, then %XX decoded; a name without '=' has an empty value.
inline std::multimap<std::string, std::string> query_params(std::string_view query) {
  const auto decoded = [](std::string_view text) {
    std::string spaced(text);
    for (char& c : spaced)
      if (c == '+') c = ' ';
    return http::percent_decode(spaced);
  };
  std::multimap<std::string, std::string> params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto equals = pair.find('=');
      params.emplace(decoded(pair.substr(0, equals)),
                     equals == std::string_view::npos ? std::string() : decoded(pair.substr(equals + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

}  // namespace antt::fuzz
