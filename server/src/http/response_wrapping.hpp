#pragma once
// The wrapping every answer gets around the router (what Server::handle applies): CORS and
// preflight, Cache-Control default, ETag / If-None-Match -> 304, gzip, the request body cap, and
// exception -> 500. No sockets here: the server and in-process callers share it.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "antt/core/log.hpp"
#include "http/http.hpp"

namespace antt::http {

/// An answer whose work may still have to run, with what its wrapping needs.
struct PendingAnswer {
  Response response;  ///< final (decorated) unless `response.work` is set
  std::string what;   ///< "GET /path", for logs
  std::optional<std::string> origin, accept_encoding, if_none_match;
};

class ResponseWrapping {
 public:
  /// `logger` gets an error line per handler failure; it must outlive the wrapping.
  ResponseWrapping(const ServerOptions& options, std::shared_ptr<const Router> router, const log::Logger& logger);

  /// The wrapped answer, computed here (in-process callers and tests).
  Response handle(Request request) const;

  /// Routes `request`; the answer is wrapped already unless it is deferred (`response.work` set).
  PendingAnswer begin(Request request) const;
  /// Runs the deferred work of `pending` and wraps its answer.
  Response finish(PendingAnswer pending) const;

  /// The wrapping for an answer made without the router (refusals), from the request's head.
  Response decorate(Response response, const Request& head) const;
  /// 413 for a body over max_body_bytes; the connection closes (the rest of the body is unread).
  Response body_too_large() const;
  /// The refusal of a POST before its body is read (router checks, 411, 413), or nothing.
  std::optional<Response> refuse_upload(const Request& head) const;

 private:
  /// The wrapping every answer gets: CORS, Cache-Control, ETag/304, gzip.
  Response decorate(Response response, const std::optional<std::string>& origin,
                    const std::optional<std::string>& accept_encoding,
                    const std::optional<std::string>& if_none_match) const;
  bool origin_allowed(const std::string& origin) const;
  bool allow_any_origin() const;
  void add_cors(const std::optional<std::string>& origin, Response& response) const;
  Response preflight(const Request& request) const;
  /// Runs a handler (or a deferred answer's work); a failure becomes a logged 500.
  template <typename Answer>
  Response guarded(const std::string& what, Answer&& answer) const;  // defined and used in the .cpp only

  std::vector<std::string> cors_allow_;
  std::size_t max_body_bytes_;
  std::shared_ptr<const Router> router_;
  const log::Logger& logger_;
};

}  // namespace antt::http
