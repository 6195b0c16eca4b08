#pragma once
// Signing in from a browser: GET /login (a form that works without scripts), POST /login (name and
// password; a session cookie HttpOnly, SameSite=Strict, Secure under TLS), POST /logout. Sign-in
// tries are throttled per account and per address (429 with Retry-After); the login form carries
// a token matched against a cookie of its own, so no other site can sign a browser in.
#include <map>
#include <string>

#include "http/http.hpp"
#include "serve/access_control.hpp"

namespace antt::serve {

/// The fields of an application/x-www-form-urlencoded body ('+' is a space); later duplicates are
/// ignored. RequestError 400 for a body that is not valid UTF-8 once decoded.
std::map<std::string, std::string> parse_form(std::string_view body);

void register_sign_in_routes(http::Router& router, Credentials& credentials);

}  // namespace antt::serve
