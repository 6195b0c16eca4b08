#include "serve/sign_in.hpp"

#include "antt/core/error.hpp"
#include "antt/text/escape.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

constexpr std::string_view kSignInPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string login_page(const std::string& message, const std::string& token) {
  return "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>Đăng nhập – anttmap</title><style>"
         "body{font:16px/1.4 sans-serif;margin:0;display:flex;justify-content:center;background:#f4f6f8;color:#222}"
         "main{background:#fff;margin-top:10vh;padding:1.5em 2em;border-radius:6px;box-shadow:0 1px 4px #0003;"
         "max-width:22em;width:100%}label{display:block;margin:.8em 0 .2em}input{width:100%;padding:.5em;"
         "font-size:1em;box-sizing:border-box}button{margin-top:1.2em;padding:.6em 1.2em;font-size:1em}"
         ".message{color:#b2182b}small{color:#555}</style></head><body><main>"
         "<h1>Đăng nhập <small>/ Sign in</small></h1>" +
         (message.empty() ? std::string() : "<p class=\"message\" role=\"alert\">" + message + "</p>") +
         "<form method=\"post\" action=\"login\">"
         "<input type=\"hidden\" name=\"token\" value=\"" + token + "\">"
         "<label for=\"name\">Tên đăng nhập / Account</label>"
         "<input id=\"name\" name=\"name\" autocomplete=\"username\" required autofocus maxlength=\"64\">"
         "<label for=\"password\">Mật khẩu / Password</label>"
         "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required "
         "maxlength=\"1024\">"
         "<button type=\"submit\">Đăng nhập / Sign in</button></form>"
         "<p><small><a href=\"./\">Bản đồ công khai / Public map</a></small></p></main></body></html>";
}

http::Response page(int status, const std::string& message, const Credentials& credentials) {
  // The form's token is matched against a cookie of the same value: a form posted from another
  // site cannot read or set that cookie.
  const std::string token = access::random_token(16);
  http::Response response = http::Response::text(status, login_page(message, token), "text/html; charset=utf-8");
  response.headers["Content-Security-Policy"] = std::string(kSignInPagePolicy);
  response.headers["X-Frame-Options"] = "DENY";
  response.headers["Cache-Control"] = "no-store";
  response.headers["Set-Cookie"] = std::string(kLoginCookie) + "=" + token + "; Path=/login; HttpOnly; SameSite=Strict" +
                                   (credentials.options().secure_cookie ? "; Secure" : "");
  return response;
}

http::Response see_other(const std::string& location) {
  http::Response response = http::Response::text(303, "", "text/plain; charset=utf-8");
  response.headers["Location"] = location;
  response.headers["Cache-Control"] = "no-store";
  return response;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto equals = pair.find('=');
    std::string name = form_decode(pair.substr(0, equals));
    std::string value = equals == std::string_view::npos ? std::string() : form_decode(pair.substr(equals + 1));
    if (!text::is_valid_utf8(name) || !text::is_valid_utf8(value))
      throw RequestError("the form is not UTF-8 / biểu mẫu không phải UTF-8");
    fields.emplace(std::move(name), std::move(value));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return fields;
}

void register_sign_in_routes(http::Router& router, Credentials& credentials) {
  router.get("/login", [&credentials](const http::Request& request) {
    const bool expired = request.param("expired").has_value();
    return page(200, expired ? "Phiên đăng nhập đã hết, xin đăng nhập lại. / Your session ended; sign in again." : "",
                credentials);
  });
  router.post_form("/login", [&credentials](const http::Request& request) {
    std::map<std::string, std::string> form;
    try {
      form = parse_form(request.body);
    } catch (const RequestError& error) {
      return page(400, text::xml_escape(error.what()), credentials);
    }
    const auto token = cookie_value(request, kLoginCookie);
    if (!token || token->empty() || !access::same_secret(*token, form["token"]))
      return page(403, "Biểu mẫu đã cũ, xin nhập lại. / The form expired; please try again.", credentials);
    const std::string name = form["name"];
    const std::string password = form["password"];
    if (name.empty() || name.size() > 64 || password.size() > 1024)
      return page(400, "Nhập tên đăng nhập và mật khẩu. / Give an account name and a password.", credentials);
    if (!credentials.allow_sign_in_try(name, request.remote_address)) {
      http::Response refused =
          page(429, "Quá nhiều lần thử, xin chờ một phút. / Too many tries; wait a minute.", credentials);
      refused.headers["Retry-After"] = "60";
      return refused;
    }
    // Checking the password takes a worker a tenth of a second, on purpose.
    return http::Response::deferred([&credentials, name, password] {
      const auto signed_in = credentials.sign_in(name, password);
      if (!signed_in)
        return page(401, "Sai tên đăng nhập hoặc mật khẩu. / Wrong account name or password.", credentials);
      http::Response done = see_other("./");
      done.headers["Set-Cookie"] = credentials.session_cookie(signed_in->session_id);
      return done;
    });
  });
  router.post_form("/logout", [&credentials](const http::Request& request) {
    const auto session_id = cookie_value(request, kSessionCookie);
    const auto form = parse_form(request.body);
    const auto csrf = form.find("csrf");
    if (!session_id || !request.caller.signed_in()) return see_other("./");
    if (csrf == form.end() || !access::same_secret(csrf->second, credentials.csrf_of(request)))
      return http::Response::json_error(403, "the form lacks its CSRF token / thiếu mã chống giả mạo (CSRF)");
    credentials.sign_out(*session_id);
    http::Response done = see_other("./");
    done.headers["Set-Cookie"] = credentials.cleared_session_cookie();
    return done;
  });
}

}  // namespace antt::serve
