#pragma once
// The HTTP layer of `anttmap serve`: plain request/response values, one router, and a
// libmicrohttpd server (epoll, internal thread pool) that feeds the router. Handlers are pure
// functions of a Request, so tests drive them in-process without sockets.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antt::http {

/// Case-insensitive key compare for headers and OGC parameter names.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
};

struct Request {
  std::string method = "GET";
  std::string path;   ///< decoded path, no query
  std::string query;  ///< raw query string (for logs)
  std::multimap<std::string, std::string> params;  ///< decoded query parameters, names as sent
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::map<std::string, std::string> path_params;  ///< filled by the router ("layer", "z", ...)

  /// First parameter whose name matches case-insensitively.
  std::optional<std::string> param(std::string_view name) const;
  std::optional<std::string> header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  /// Shared so cached tiles are sent without copying.
  std::shared_ptr<const std::string> body = std::make_shared<const std::string>();
  std::map<std::string, std::string, CaseInsensitiveLess> headers;  ///< extra headers (ETag, Cache-Control, ...)

  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  /// {"error": reason, "status": status} with Content-Type application/json.
  static Response json_error(int status, const std::string& reason);
  static Response json(int status, const std::string& json_text, std::string content_type = "application/json");
};

using Handler = std::function<Response(const Request&)>;

/// One router for every endpoint. Patterns are literal segments and {name} captures, e.g.
/// "/tiles/{layer}/{z}/{x}/{y}"; a capture matches one non-empty segment. The last segment's
/// file extension is kept in the capture ("{y}" matches "12.png"); handlers split it.
class Router {
 public:
  void get(std::string pattern, Handler handler);
  /// 404 JSON for unknown paths, 405 for methods other than GET/HEAD/OPTIONS.
  Response dispatch(Request request) const;

 private:
  struct Route {
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;
  int threads = 4;  ///< libmicrohttpd pool threads; each renders synchronously
  std::vector<std::string> cors_allow;  ///< allowed Origins; "*" allows any
  std::size_t max_connections = 1024;
  int connection_timeout_s = 30;
};

/// Applied around the router for every request: HEAD, OPTIONS (CORS preflight), CORS headers,
/// ETag / If-None-Match -> 304, gzip of text bodies when accepted, Cache-Control default, metrics.
class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();  ///< stops
  void start();  ///< throws std::runtime_error (port in use, ...)
  void stop();
  int port() const;  ///< the bound port (useful with port 0)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antt::http
