// The libmicrohttpd server: epoll with an internal thread pool and MHD_USE_TURBO (measured in
// /work/shared/notes/HTTP.md), fed by our own accept thread (acceptor.hpp). This file holds the
// libmicrohttpd callbacks — the C boundary: nothing thrown here ever reaches libmicrohttpd — and
// sends what ResponseWrapping made, what a worker computed (worker_pool.hpp) or what was kept
// (reusable_answers.hpp).
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "antt/core/log.hpp"
#include "http/acceptor.hpp"
#include "http/deadlines.hpp"
#include "http/http.hpp"
#include "http/listen_socket.hpp"
#include "http/metrics.hpp"
#include "http/mhd_handles.hpp"
#include "http/response_wrapping.hpp"
#include "http/reusable_answers.hpp"
#include "http/tls_records.hpp"
#include "http/worker_pool.hpp"

namespace antt::http {
namespace {

/// True when the target's query names a `token` parameter (any case): an embed token.
bool query_names_token(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return false;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (iequals(pair.substr(0, pair.find('=')), "token")) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

/// The client's address as text; empty when libmicrohttpd does not say.
std::string client_address(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return {};
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  }
  return text;
}

/// Per-request state handed to libmicrohttpd as con_cls: born in the URI-log callback (which sees
/// the raw request target, so we decode the path ourselves and can refuse %00), freed on completion.
struct RequestContext {
  std::shared_ptr<DeferredAnswer> deferred;  ///< set while the answer is computed by a worker
  std::string raw_target;
  bool headers_seen = false;
  bool reads_body = false;  ///< a POST or PUT the router accepted: its body is collected
  bool too_large = false;   ///< the body passed max_body_bytes: the rest is discarded
  bool answered = false;    ///< a refusal was queued before the body ended
  std::string body;
  std::uint64_t discarded = 0;  ///< bytes dropped after the cap
};

struct ParsedTarget {
  std::string path;
  std::string query;
};

/// The request an answer is for, as the metrics and the access log need it.
struct Asked {
  const char* method;           ///< as libmicrohttpd gave it
  std::string_view raw_target;  ///< path and query as sent
  std::chrono::steady_clock::time_point started;
};

ParsedTarget split_target(std::string_view target) {
  // Absolute-form targets ("http://host/path") come from proxies; keep only the path.
  if (std::size_t scheme = target.find("://"); scheme != std::string_view::npos && scheme < target.find('/')) {
    std::size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  target = target.substr(0, target.find('#'));
  std::size_t question = target.find('?');
  ParsedTarget parsed;
  parsed.path = percent_decode(target.substr(0, question));
  if (question != std::string_view::npos) parsed.query = std::string(target.substr(question + 1));
  return parsed;
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions server_options, std::shared_ptr<const Router> server_router, Metrics* server_metrics,
       RouteLabeler route_labeler)
      : options(std::move(server_options)),
        logger(options.logger ? options.logger : std::make_shared<const log::Logger>(log::Logger::to_stderr())),
        metrics(server_metrics),
        labeler(std::move(route_labeler)),
        wrapping(options, std::move(server_router), *logger) {
    if (options.data_generation) reusable = std::make_unique<ReusableAnswers>(options.reusable_answers_max_bytes);
  }

  ServerOptions options;
  std::shared_ptr<const log::Logger> logger;  ///< options.logger, or text lines on stderr
  Metrics* metrics = nullptr;
  RouteLabeler labeler;
  ResponseWrapping wrapping;
  std::unique_ptr<ConnectionGate> gate;  ///< open connections, for the accept thread; outlives the daemon
  std::unique_ptr<ConnectionDeadlines> deadlines;  ///< slow clients and late answers; outlives the daemon
  std::unique_ptr<WorkerPool> workers;   ///< runs deferred answers; stopped before the daemon
  DaemonHandle daemon;
  std::unique_ptr<Acceptor> acceptor;         ///< stopped first
  std::unique_ptr<ReusableAnswers> reusable;  ///< null unless options.data_generation is set
  int bound_port = 0;
  const bool tls = !options.tls_certificate_pem.empty();
  /// How long an I/O thread waits for room to send a held small answer before cutting the client.
  static constexpr int kUncorkPatienceMs = 1000;

  std::string label_of(const Response& response) const {
    return labeler ? labeler(response) : default_route_label(response);
  }

  bool access_logged() const { return options.access_log && logger->enabled(log::Level::info); }

  /// What an answered request leaves behind: its count in the metrics, its access-log line.
  void record(const Asked& asked, const std::string& label, int status, std::size_t body_bytes,
              std::chrono::steady_clock::duration took) const {
    if (metrics != nullptr) metrics->record_request(label, status, took);
    if (!access_logged()) return;
    const std::string_view method = asked.method ? asked.method : "GET";
    const double milliseconds = std::round(std::chrono::duration<double, std::milli>(took).count() * 1000.0) / 1000.0;
    logger->info("http", "request",
                 {{"method", method},
                  {"path", split_target(asked.raw_target).path},
                  {"status", status},
                  {"bytes", method == "HEAD" ? 0 : body_bytes},  // libmicrohttpd sends no body for HEAD
                  {"duration_ms", milliseconds},
                  {"route", label}});
  }

  /// Hands `pending` to a worker and suspends the connection until the answer is there; the
  /// connection's thread then sends it (on_request runs again after MHD_resume_connection).
  MHD_Result defer(MHD_Connection* connection, RequestContext& context, PendingAnswer pending,
                   std::chrono::steady_clock::time_point started) const {
    auto slot = std::make_shared<DeferredAnswer>();
    slot->started = started;
    context.deferred = slot;
    MHD_suspend_connection(connection);
    deadlines->answer_deferred(ConnectionDeadlines::of(connection), slot);
    std::function<void()> job = [this, connection, slot, pending = std::move(pending)]() mutable noexcept {
      {
        std::lock_guard lock(slot->mutex);
        if (slot->settled) return;  // timed out while queued: nobody waits for it any more
      }
      std::optional<Response> answer;
      try {
        answer = wrapping.finish(std::move(pending));
      } catch (...) {  // out of memory while wrapping: an empty 500
        answer.reset();
      }
      std::lock_guard lock(slot->mutex);
      if (slot->settled) return;  // timed out meanwhile: answered 503 already
      slot->answer = answer ? std::move(answer) : std::optional<Response>(Response::text(500, "internal error"));
      slot->settled = true;
      // Under the lock: the connection's thread takes the answer only after it is released.
      MHD_resume_connection(connection);
    };
    if (!workers || !workers->submit(job)) job();  // stopping: answered on this thread
    return MHD_YES;
  }

  // ---- libmicrohttpd callbacks: C boundary, noexcept ----

  static void* on_uri(void* /*cls*/, const char* uri, MHD_Connection* /*connection*/) noexcept {
    try {
      auto* context = new RequestContext;
      context->raw_target = uri ? uri : "";
      return context;
    } catch (...) {
      return nullptr;
    }
  }

  static void on_completed(void* cls, MHD_Connection* connection, void** con_cls,
                           MHD_RequestTerminationCode /*toe*/) noexcept {
    std::unique_ptr<RequestContext> adopted(static_cast<RequestContext*>(*con_cls));
    *con_cls = nullptr;
    const auto& self = *static_cast<const Impl*>(cls);
    if (self.tls) uncork_answer(connection, kUncorkPatienceMs);
    self.deadlines->request_completed(ConnectionDeadlines::of(connection));
  }

  static void on_connection(void* cls, MHD_Connection* connection, void** socket_context,
                            MHD_ConnectionNotificationCode code) noexcept {
    auto& self = *static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      self.gate->started();
      try {
        *socket_context = self.deadlines->opened(connection);
      } catch (...) {  // out of memory: the connection goes unwatched
        *socket_context = nullptr;
      }
    }
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      self.deadlines->closed(static_cast<ConnectionDeadlines::Watched*>(*socket_context));
      *socket_context = nullptr;
      self.gate->closed();
    }
  }

  static void on_mhd_log(void* cls, const char* format, va_list arguments) noexcept {
    try {
      char line[512];
      std::vsnprintf(line, sizeof line, format, arguments);
      std::string_view text(line);
      while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      static_cast<const Impl*>(cls)->logger->warn("http", std::string("libmicrohttpd: ") + std::string(text));
    } catch (...) {
    }
  }

  static MHD_Result collect_value(void* cls, MHD_ValueKind kind, const char* key, std::size_t key_size,
                                  const char* value, std::size_t value_size) noexcept {
    try {
      auto* request = static_cast<Request*>(cls);
      std::string name(key ? key : "", key ? key_size : 0);
      std::string text(value ? value : "", value ? value_size : 0);
      if (kind == MHD_GET_ARGUMENT_KIND) {
        request->params.emplace(std::move(name), std::move(text));
      } else {
        auto [slot, inserted] = request->headers.emplace(std::move(name), text);
        if (!inserted) slot->second += ", " + text;  // repeated header lines form one list
      }
      return MHD_YES;
    } catch (...) {
      return MHD_NO;
    }
  }

  static MHD_Result on_request(void* cls, MHD_Connection* connection, const char* /*url*/, const char* method,
                               const char* /*version*/, const char* upload_data, std::size_t* upload_data_size,
                               void** con_cls) noexcept {
    try {
      auto* context = static_cast<RequestContext*>(*con_cls);
      if (context == nullptr) return MHD_NO;
      const Impl& self = *static_cast<const Impl*>(cls);
      const bool with_body = method != nullptr && carries_body(method);
      // Queueing on the first (headers-only) call makes 0.9.75 close the connection: wait for the
      // second. Only a refused upload is answered at once (its unread body must not be parsed as
      // the next request, so that connection closes anyway).
      if (!context->headers_seen) {
        context->headers_seen = true;
        self.deadlines->head_received(ConnectionDeadlines::of(connection));
        if (!with_body) return MHD_YES;
        const Asked asked{method, context->raw_target, std::chrono::steady_clock::now()};
        Request head = self.read_request(connection, method, *context);
        if (std::optional<Response> refused = self.wrapping.refuse_upload(head)) {
          context->answered = true;
          refused->headers["Connection"] = "close";  // the unread body must not become the next request
          return self.respond(connection, self.wrapping.decorate(std::move(*refused), head), asked);
        }
        context->reads_body = true;
        return MHD_YES;
      }
      if (*upload_data_size != 0) {
        self.deadlines->body_received(ConnectionDeadlines::of(connection), *upload_data_size);
        // GET bodies are never used: discarded. POST and PUT bodies are collected up to the cap.
        if (context->reads_body && !context->too_large && !context->answered) {
          if (context->body.size() + *upload_data_size > self.options.max_body_bytes) {
            // A chunked body passed the cap: libmicrohttpd cannot answer mid-upload, so what was kept
            // is freed, the rest is dropped as it arrives and 413 follows; an endless stream is cut off.
            context->too_large = true;
            std::string().swap(context->body);
          } else {
            context->body.append(upload_data, *upload_data_size);
          }
        }
        if (context->too_large) {
          context->discarded += *upload_data_size;
          if (context->discarded / 8 > self.options.max_body_bytes) return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
      }
      if (context->answered) return MHD_YES;
      if (context->deferred) {  // resumed: a worker left the answer, or the deadline passed
        std::optional<Response> answer;
        bool timed_out = false;
        {
          std::lock_guard lock(context->deferred->mutex);
          answer = std::move(context->deferred->answer);
          timed_out = context->deferred->timed_out;
        }
        const Asked asked{method, context->raw_target, context->deferred->started};
        if (timed_out) {
          context->answered = true;
          return self.respond(connection,
                              self.wrapping.decorate(self.too_late(), self.read_request(connection, method, *context)),
                              asked);
        }
        if (!answer) return MHD_YES;
        context->answered = true;
        return self.respond(connection, *answer, asked);
      }
      const Asked asked{method, context->raw_target, std::chrono::steady_clock::now()};
      const bool reuse = !with_body && self.may_reuse(connection, method, context->raw_target);
      std::uint64_t generation = 0;
      if (reuse) {
        generation = self.options.data_generation();  // before the answer is made from the data
        if (auto kept = self.reusable->find(context->raw_target, generation)) {
          return self.send_kept(connection, *kept, asked);
        }
      }
      Request request = self.read_request(connection, method, *context);
      if (context->too_large) {
        return self.respond(connection, self.wrapping.decorate(self.wrapping.body_too_large(), request), asked);
      }
      request.body = std::move(context->body);
      PendingAnswer pending = self.wrapping.begin(std::move(request));
      if (pending.response.work) return self.defer(connection, *context, std::move(pending), asked.started);
      if (reuse && worth_keeping(pending.response)) {
        return self.respond_and_keep(connection, pending.response, generation, asked);
      }
      return self.respond(connection, pending.response, asked);
    } catch (...) {
      return MHD_NO;  // out of memory or similar: drop the connection rather than crash
    }
  }

  Request read_request(MHD_Connection* connection, const char* method, const RequestContext& context) const {
    Request request;
    request.method = method ? method : "GET";
    ParsedTarget target = split_target(context.raw_target);
    request.path = std::move(target.path);
    request.query = std::move(target.query);
    MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, &collect_value, &request);
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &collect_value, &request);
    request.remote_address = client_address(connection);
    return request;
  }

  MHD_Result respond(MHD_Connection* connection, const Response& response, const Asked& asked) const {
    const MHD_Result queued = queue(connection, response);
    if (metrics != nullptr || access_logged()) {
      record(asked, label_of(response), response.status, response.body->size(),
             std::chrono::steady_clock::now() - asked.started);
    }
    return queued;
  }

  /// The answer to a request whose deferred work passed options.request_time_limit.
  Response too_late() const {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.request_time_limit).count();
    Response late = Response::json_error(503, "the answer took longer than " + std::to_string(seconds) +
                                                  " s (request_seconds); try again later or ask for less / "
                                                  "máy chủ trả lời quá lâu, hãy thử lại sau");
    late.headers["Retry-After"] = "10";
    late.route = "timed out";
    return late;
  }

  MHD_Result queue(MHD_Connection* connection, const Response& response) const {
    deadlines->answer_queued(ConnectionDeadlines::of(connection));
    const ResponseHandle mhd = mhd_response(response);
    if (!mhd) return MHD_NO;
    return queue_corked(connection, static_cast<unsigned int>(response.status), mhd.get(), response.body->size());
  }

  /// MHD_queue_response, with a small answer's header and body in one TLS record (tls_records.hpp).
  MHD_Result queue_corked(MHD_Connection* connection, unsigned int status, MHD_Response* response,
                          std::size_t body_bytes) const {
    const bool corked = tls && cork_small_answer(connection, body_bytes);
    const MHD_Result queued = MHD_queue_response(connection, status, response);
    if (corked && queued != MHD_YES) uncork_answer(connection, 0);
    return queued;
  }

  // ---- reusable answers ----

  /// Whether this request's answer may be one kept for its target: nothing in it changes the
  /// wrapping (no If-None-Match; no Origin when CORS is configured).
  bool may_reuse(MHD_Connection* connection, const char* method, std::string_view target) const {
    if (!reusable || method == nullptr || std::strcmp(method, "GET") != 0) return false;
    if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH) != nullptr) {
      return false;
    }
    // Kept answers are the public's: a request with credentials is answered for its caller.
    if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) != nullptr ||
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE) != nullptr ||
        query_names_token(target)) {
      return false;
    }
    return options.cors_allow.empty() ||
           MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN) == nullptr;
  }

  /// A wrapped answer that is the same for every request allowed by may_reuse: marked reusable, 200,
  /// and not varying with Accept-Encoding (gzip).
  static bool worth_keeping(const Response& response) {
    if (!response.reusable || response.status != 200 || response.body->empty()) return false;
    if (response.headers.count("Content-Encoding") != 0) return false;
    auto vary = response.headers.find("Vary");
    return vary == response.headers.end() || vary->second.find("Accept-Encoding") == std::string::npos;
  }

  MHD_Result send_kept(MHD_Connection* connection, const ReusableAnswers::Answer& answer, const Asked& asked) const {
    deadlines->answer_queued(ConnectionDeadlines::of(connection));
    const MHD_Result queued = queue_corked(connection, answer.status, answer.response.get(), answer.body_bytes);
    const auto now = std::chrono::steady_clock::now();
    record(asked, answer.label, static_cast<int>(answer.status), answer.body_bytes, now - asked.started);
    if (metrics != nullptr) metrics->record_reused_answer();
    if (answer.reused) {
      const std::int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
      std::int64_t last = answer.reused_second.load(std::memory_order_relaxed);
      if (last != second && answer.reused_second.compare_exchange_strong(last, second)) answer.reused();
    }
    return queued;
  }

  /// Sends `response` and keeps it for later requests of the same target.
  MHD_Result respond_and_keep(MHD_Connection* connection, const Response& response, std::uint64_t generation,
                              const Asked& asked) const {
    const std::string_view target = asked.raw_target;
    ResponseHandle mhd = mhd_response(response);
    if (!mhd) return MHD_NO;
    auto answer = std::make_shared<ReusableAnswers::Answer>();
    answer->status = static_cast<unsigned int>(response.status);
    answer->label = label_of(response);
    answer->body_bytes = response.body->size();
    answer->bytes = response.body->size() + target.size() + 512;  // + response and header structures
    answer->response = std::shared_ptr<MHD_Response>(mhd.release(), ResponseDestroyer{});
    answer->reused = response.reused;
    deadlines->answer_queued(ConnectionDeadlines::of(connection));
    const MHD_Result queued =
        queue_corked(connection, answer->status, answer->response.get(), answer->body_bytes);
    record(asked, answer->label, response.status, answer->body_bytes, std::chrono::steady_clock::now() - asked.started);
    if (queued == MHD_YES) reusable->keep(target, std::move(answer), generation);
    return queued;
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router, Metrics* metrics, RouteLabeler labeler) {
  if (!router) throw std::invalid_argument("serve: the server needs a router");
  impl_ = std::make_unique<Impl>(std::move(options), std::move(router), metrics, std::move(labeler));
}

Server::~Server() { stop(); }

void Server::start() {
  if (impl_->daemon) return;
  const ListenAddress where = listen_address(impl_->options.bind, impl_->options.port);
  SocketHandle listener;
  try {
    listener = listen_on(where);
  } catch (const std::system_error& failure) {
    throw ListenError("serve: cannot listen on " + impl_->options.bind + ":" + std::to_string(impl_->options.port) +
                      " (" + failure.code().message() + "); choose another --port or --bind / không mở được cổng");
  }

  const bool tls = !impl_->options.tls_certificate_pem.empty();
  const unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
                             MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC |
                             (tls ? static_cast<unsigned int>(MHD_USE_TLS) : 0u);
  // HTTPS: libmicrohttpd with GnuTLS does the handshake on the connections the acceptor hands over.
  MHD_OptionItem tls_options[] = {
      {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, const_cast<char*>(impl_->options.tls_key_pem.c_str())},
      {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
       const_cast<char*>(impl_->options.tls_certificate_pem.c_str())},
      {MHD_OPTION_END, 0, nullptr}};
  const unsigned int threads = static_cast<unsigned int>(impl_->options.threads > 1 ? impl_->options.threads : 1);
  // The gate holds connections at max_connections (in the listen backlog); libmicrohttpd's own
  // limit is only a backstop for connections handed over faster than they start.
  const std::size_t max_connections = impl_->options.max_connections > 0 ? impl_->options.max_connections : 1;
  const unsigned int connection_limit = static_cast<unsigned int>(max_connections + 64);
  const unsigned int timeout =
      static_cast<unsigned int>(impl_->options.connection_timeout_s > 0 ? impl_->options.connection_timeout_s : 0);

  impl_->gate = std::make_unique<ConnectionGate>(max_connections, impl_->metrics);
  const auto next_head = impl_->options.request_head_timeout.count() > 0
                             ? std::chrono::milliseconds(std::chrono::seconds(timeout))
                             : std::chrono::milliseconds(0);
  impl_->deadlines = std::make_unique<ConnectionDeadlines>(
      DeadlineLimits{impl_->options.request_head_timeout, next_head, impl_->options.body_min_bytes_per_second,
                     impl_->options.request_time_limit},
      impl_->metrics);
  impl_->workers = std::make_unique<WorkerPool>(static_cast<int>(threads));
  errno = 0;
  // One option and its values per line.
  // clang-format off
  MHD_Daemon* daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::on_request, impl_.get(),
                                        MHD_OPTION_EXTERNAL_LOGGER, &Impl::on_mhd_log,
                                        impl_.get(),  // first, or MHD logs a warning itself
                                        MHD_OPTION_THREAD_POOL_SIZE, threads,
                                        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                                        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
                                        MHD_OPTION_URI_LOG_CALLBACK, &Impl::on_uri, nullptr,
                                        MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, impl_.get(),
                                        MHD_OPTION_NOTIFY_CONNECTION, &Impl::on_connection, impl_.get(),
                                        MHD_OPTION_ARRAY, tls_options,
                                        MHD_OPTION_END);
  // clang-format on
  if (daemon == nullptr) {
    const int error = errno;
    impl_->workers.reset();
    impl_->deadlines.reset();
    impl_->gate.reset();
    throw std::runtime_error(std::string("serve: the HTTP server did not start (") +
                             (error != 0 ? std::strerror(error)
                              : tls      ? "the TLS certificate or key was refused; give PEM files that belong together"
                                         : "libmicrohttpd refused its options") +
                             ")");
  }
  impl_->daemon.reset(daemon);
  const int bound_port = bound_port_of(listener);
  impl_->bound_port = bound_port != 0 ? bound_port : impl_->options.port;
  impl_->acceptor = std::make_unique<Acceptor>(std::move(listener), daemon, *impl_->gate, *impl_->logger);
}

void Server::stop() {
  if (!impl_) return;
  // No new connections first. Then the workers: each finishes its answer and resumes its
  // connection, so the daemon stops with no connection suspended. Deferred answers asked for
  // meanwhile are computed on the I/O threads.
  impl_->acceptor.reset();
  if (impl_->deadlines) impl_->deadlines->stop_watching();  // resumes nothing while the daemon stops
  if (impl_->workers) impl_->workers->stop();
  impl_->daemon.reset();
  impl_->workers.reset();
  impl_->deadlines.reset();
  impl_->gate.reset();
}

int Server::port() const { return impl_->bound_port; }

Response Server::handle(Request request) const { return impl_->wrapping.handle(std::move(request)); }

}  // namespace antt::http
