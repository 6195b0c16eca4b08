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
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "antt/access/access.hpp"

namespace antt::log {
class Logger;  // antt/core/log.hpp
}

namespace antt::http {

class Metrics;

/// Case-insensitive key compare for headers and OGC parameter names.
struct CaseInsensitiveLess {
  using is_transparent = void;  ///< lookups by string_view without building a std::string
  bool operator()(std::string_view a, std::string_view b) const;
};

bool iequals(std::string_view a, std::string_view b);

/// POST and PUT: the methods whose requests carry a body the server reads.
bool carries_body(std::string_view method);
/// Every method but GET, HEAD and OPTIONS: a session must show its CSRF token for these.
bool changes_state(std::string_view method);

struct Request {
  std::string method = "GET";
  std::string path;                                ///< decoded path, no query
  std::string query;                               ///< raw query string (for logs)
  std::multimap<std::string, std::string> params;  ///< decoded query parameters, names as sent
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::map<std::string, std::string> path_params;  ///< filled by the router ("layer", "z", ...)
  /// The request body (POST), as received; empty for GET. The server caps its size
  /// (ServerOptions::max_body_bytes) before reading it.
  std::string body;
  /// The client's address as text ("127.0.0.1", "::1"); empty in-process.
  std::string remote_address;
  /// Who asks: set by the router's gate (Router::set_gate) before the handler runs; the public
  /// until then.
  access::Caller caller;

  /// First parameter whose name matches case-insensitively.
  std::optional<std::string> param(std::string_view name) const;
  std::optional<std::string> header(std::string_view name) const;
  /// True for a request from this machine (127.0.0.0/8, ::1, ::ffff:127.x) or in-process.
  bool from_loopback() const;
  /// True when it carries credentials (Authorization, Cookie, or a `token` parameter): its answer
  /// may depend on who asks, so the server neither keeps it nor answers it from kept answers.
  bool carries_credentials() const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  /// Shared so cached tiles are sent without copying.
  std::shared_ptr<const std::string> body = std::make_shared<const std::string>();
  std::map<std::string, std::string, CaseInsensitiveLess> headers;  ///< extra headers (ETag, Cache-Control, ...)
  /// The router pattern that answered ("/tiles/{layer}/{z}/{x}/{y}"), empty when none matched.
  /// Set by Router::dispatch; the server turns it into a metrics label.
  std::string route;
  /// Set by Response::deferred: the answer still has to be computed by this function.
  std::function<Response()> work;
  /// Set by a handler whose answer depends on nothing but the request target (path and query) and
  /// the store's data: the server may keep it and send it again for the same target until
  /// ServerOptions::data_generation changes (GET without If-None-Match, and without Origin when
  /// CORS is configured; never for bodies it would gzip). Once answers depend on who asks (access
  /// scopes), such handlers must not set it, or the target must name the scope.
  bool reusable = false;
  /// For a reusable answer: called when the server sends its kept copy again, at most about once
  /// a second per answer (the tile cache keeps such tiles recent in its LRU).
  std::function<void()> reused;
  /// Set by the router when the caller signed in: the answer is for this caller only
  /// (Cache-Control: private; never kept).
  bool private_to_caller = false;

  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  /// {"error": reason, "status": status} with Content-Type application/json.
  static Response json_error(int status, const std::string& reason);
  static Response json(int status, const std::string& json_text, std::string content_type = "application/json");
  /// A body that is already shared (a cached tile): sent without copying.
  static Response shared(int status, std::shared_ptr<const std::string> body, std::string content_type);
  /// 204 No Content, e.g. for an empty tile.
  static Response no_content();
  /// An answer `work` computes later: the server runs it on its worker pool, so the connection's
  /// I/O thread goes on with its other connections meanwhile and every core takes the next render,
  /// whichever connection it came from. For CPU-heavy answers (rendering, validation).
  static Response deferred(std::function<Response()> work);
};

/// `response`, or what its deferred work computes (run here, on the calling thread).
Response resolved(Response response);

/// Strong ETag (quoted) from a fast 64-bit hash of the bytes; stable across runs and builds, so
/// tiles read back from the disk cache keep the ETag they were first served with.
std::string strong_etag(std::string_view body);

/// Percent-decodes %XX (no '+' handling: that is for query strings). Malformed escapes stay as sent.
std::string percent_decode(std::string_view text);

using Handler = std::function<Response(const Request&)>;
/// When the gate runs: before a POST's or PUT's body is read (on a copy of the head), or before the handler.
enum class GateStage { before_body, before_handler };
/// Decides who asks before any handler runs: sets Request::caller, or returns the refusal
/// (401 for credentials that are not valid). A POST or PUT passes it at both stages.
using Gate = std::function<std::optional<Response>(Request&, GateStage)>;

/// The media type of a Content-Type value, lower case, without parameters ("application/json").
std::string media_type(std::string_view content_type);

/// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim_whitespace(std::string_view text);

/// True when an Accept-Encoding value lets the answer be gzipped: q > 0 for gzip (or x-gzip), or
/// for * when gzip is not named.
bool accepts_gzip(std::string_view accept_encoding);

/// One router for every endpoint. Patterns are literal segments and {name} captures, e.g.
/// "/tiles/{layer}/{z}/{x}/{y}"; a capture matches one non-empty segment. The last segment's
/// file extension is kept in the capture ("{y}" matches "12.png"); handlers split it.
/// When several patterns match, the one with a literal segment earliest wins
/// ("/layers/catalog" beats "/layers/{name}"), then registration order.
class Router {
 public:
  static constexpr std::size_t max_path_length = 2048;

  void get(std::string pattern, Handler handler);
  /// A POST route. Its body must be JSON: Content-Type application/json or application/geo+json
  /// (charset, when given, utf-8), else 415; an empty body is 400. The handler reads Request::body.
  void post(std::string pattern, Handler handler);
  /// A POST route taking an HTML form (application/x-www-form-urlencoded, else 415): sign-in and
  /// sign-out pages that work without scripts.
  void post_form(std::string pattern, Handler handler);
  /// A PUT route: a JSON body, as post().
  void put(std::string pattern, Handler handler);
  /// A PUT route taking a file of one of `media_types` (Content-Type, else 415; the handler checks
  /// the content itself); an empty body is 400.
  void put_file(std::string pattern, std::vector<std::string> media_types, Handler handler);
  /// The same for POST.
  void post_file(std::string pattern, std::vector<std::string> media_types, Handler handler);
  /// 400 JSON for paths with a ".." segment, a NUL byte or more than max_path_length bytes,
  /// 404 JSON for unknown paths, 405 (with Allow) for a method the path does not take. HEAD runs
  /// the GET handler (the server drops the body); OPTIONS on a known path answers 204 with Allow.
  /// The returned Response::route names the matched pattern.
  Response dispatch(Request request) const;
  /// As dispatch, but a deferred answer comes back unresolved (Response::work set): the server
  /// runs it on its worker pool. dispatch() runs it inline.
  Response dispatch_deferred(Request request) const;
  /// The refusal of a request whose body has not been read yet (400 path, 404, 405, 415), or
  /// nothing when the body should be read; dispatch applies the same checks. The server asks this
  /// before it reads a body, so a refused upload is never read.
  std::optional<Response> refuse_before_body(const Request& head) const;
  /// "GET, HEAD, POST, OPTIONS": the methods `path` takes; empty when no route matches it.
  std::string allowed_methods(std::string_view path) const;
  /// Runs before every handler (and before a body is read): see Gate.
  void set_gate(Gate gate) { gate_ = std::move(gate); }
  /// Answers every request whose path no route has, whatever its method (a server that only
  /// redirects has no other route). Bad paths are still 400.
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

 private:
  struct Route {
    std::string method;  ///< "GET" or "POST"
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    bool form = false;  ///< its body is an HTML form, not JSON
    std::vector<std::string> file_types;  ///< its body is a file of one of these media types, not JSON
  };
  void add(std::string method, std::string pattern, Handler handler);
  const Route* best_match(const std::vector<std::string>& segments, std::string_view method) const;
  /// refuse_before_body without the gate.
  std::optional<Response> refuse_route(const Request& head) const;
  std::vector<Route> routes_;
  Gate gate_;
  Handler fallback_;
};

/// Turns the matched pattern into a low-cardinality metrics label. The default takes the first
/// literal segment ("/tiles/{layer}/..." -> "tiles", "/" -> "root", no match -> "unmatched").
using RouteLabeler = std::function<std::string(const Response&)>;
std::string default_route_label(const Response& response);

/// The server cannot listen where it was asked to (port in use, address not on this machine).
class ListenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerOptions {
  std::string bind = "127.0.0.1";       ///< IPv4 or IPv6 literal ("::" for all IPv6), or "localhost"
  int port = 8080;                      ///< 0 picks a free port; Server::port() tells which
  int threads = 4;                      ///< libmicrohttpd I/O threads, and as many workers for deferred answers
  std::vector<std::string> cors_allow;  ///< allowed Origins; "*" allows any
  std::size_t max_connections = 1024;
  int connection_timeout_s = 30;  ///< libmicrohttpd's idle timeout: restarts at every byte
  /// Deadlines for slow clients (one byte every few seconds never meets the idle timeout): a connection's
  /// first request head (TLS handshake included) within request_head_timeout of its opening, a later one
  /// within connection_timeout_s of the previous answer; a body at body_min_bytes_per_second on average
  /// after a grace of request_head_timeout. A client past its deadline is disconnected. Zero: no deadline.
  std::chrono::milliseconds request_head_timeout{10'000};
  std::size_t body_min_bytes_per_second = 1024;
  /// A deferred answer (a render, a report) not ready within request_time_limit is answered 503 with
  /// Retry-After; its work is skipped if it has not started. Zero: no limit.
  std::chrono::milliseconds request_time_limit{60'000};
  /// Largest request body read (POST); a bigger one is answered 413 without being read.
  std::size_t max_body_bytes = std::size_t{16} << 20;
  /// The store's data generation: it changes whenever an answer marked Response::reusable could
  /// change. Unset: no answer is kept.
  std::function<std::uint64_t()> data_generation;
  /// Bytes of kept reusable answers (bodies are shared with the tile cache, so this bounds what
  /// the kept answers can hold beyond it).
  std::size_t reusable_answers_max_bytes = std::size_t{64} << 20;
  /// Where the server logs, as component "http": handler failures and accept trouble (error),
  /// libmicrohttpd's own messages (warn), and the access log (info). Unset: text lines on stderr.
  std::shared_ptr<const log::Logger> logger;
  /// One info line per answered request in `logger`: method, path (decoded, no query), status,
  /// bytes (of the body; 0 for HEAD), duration_ms (until the answer was queued) and route (the
  /// metrics label). Requests libmicrohttpd answers itself (malformed ones) have none.
  bool access_log = false;
  /// HTTPS: the certificate chain and the private key, PEM text (both, or neither for plain HTTP).
  std::string tls_certificate_pem;
  std::string tls_key_pem;
};

/// Applied around the router for every request: HEAD, OPTIONS (CORS preflight), CORS headers,
/// ETag / If-None-Match -> 304, gzip of text bodies when accepted, Cache-Control default, metrics.
/// A handler that throws answers 500 JSON; the exception never reaches libmicrohttpd.
/// Request bodies (POST) are read only after the router accepted the head (path, method,
/// Content-Type); a POST without Content-Length or chunked encoding is 411, one whose
/// Content-Length exceeds max_body_bytes is 413 at once, a chunked one is 413 when it passes
/// the cap (what follows is discarded, never buffered).
class Server {
 public:
  /// metrics may be null; it must outlive the server. labeler defaults to default_route_label.
  Server(ServerOptions options, std::shared_ptr<const Router> router, Metrics* metrics = nullptr,
         RouteLabeler labeler = {});
  ~Server();  ///< stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  ///< throws ListenError (port in use, ...) or std::runtime_error
  void stop();
  int port() const;  ///< the bound port (useful with port 0)

  /// The wrapping the server applies around the router (CORS, ETag/304, gzip, Cache-Control,
  /// exception -> 500), without sockets; exposed so tests and `anttmap` tools can check it.
  Response handle(Request request) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antt::http
