// The libmicrohttpd server: epoll with an internal thread pool and MHD_USE_TURBO (measured in
// /work/shared/notes/HTTP.md), plus the wrapping every answer gets: CORS, ETag/304, gzip,
// Cache-Control, metrics, and exception -> 500. Nothing thrown here ever reaches libmicrohttpd.
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <pthread.h>

#include <atomic>
#include <array>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "http/http.hpp"
#include "http/metrics.hpp"

namespace antt::http {
namespace {

constexpr std::size_t gzip_min_bytes = 512;

struct DaemonStopper {
  void operator()(MHD_Daemon* daemon) const { MHD_stop_daemon(daemon); }
};
using DaemonHandle = std::unique_ptr<MHD_Daemon, DaemonStopper>;

struct ResponseDestroyer {
  void operator()(MHD_Response* response) const { MHD_destroy_response(response); }
};
using ResponseHandle = std::unique_ptr<MHD_Response, ResponseDestroyer>;

/// Owns a zlib deflate stream writing the gzip format (window bits 15 + 16).
class GzipStream {
 public:
  GzipStream() {
    if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("http: zlib could not start a gzip stream");
    }
  }
  ~GzipStream() { deflateEnd(&stream_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  std::string compress(std::string_view input) {
    std::string output(deflateBound(&stream_, static_cast<uLong>(input.size())) + 32, '\0');
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(output.data());
    stream_.avail_out = static_cast<uInt>(output.size());
    if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("http: gzip compression failed");
    output.resize(stream_.total_out);
    return output;
  }

 private:
  z_stream stream_{};
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

template <typename Visit>
void for_each_list_item(std::string_view list, Visit visit) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) visit(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

/// True when Accept-Encoding lets us send gzip (q > 0 for gzip, or for * when gzip is not named).
bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  bool any = false;
  for_each_list_item(accept_encoding, [&](std::string_view item) {
    std::string_view coding = trim(item.substr(0, item.find(';')));
    bool allowed = true;
    if (std::size_t q = item.find("q="); q != std::string_view::npos) {
      std::string_view value = trim(item.substr(q + 2));
      allowed = !value.empty() && std::strtod(std::string(value).c_str(), nullptr) > 0.0;
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip = allowed;
    if (coding == "*") any = allowed;
  });
  return gzip.value_or(any);
}

bool is_compressible(std::string_view content_type) {
  std::string media_type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c != ' ') media_type.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  auto ends_with = [&](std::string_view suffix) {
    return media_type.size() >= suffix.size() &&
           media_type.compare(media_type.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return media_type.rfind("text/", 0) == 0 || media_type == "application/json" || media_type == "application/xml" ||
         media_type == "application/geo+json" || media_type == "application/vnd.ogc.se_xml" ||
         media_type == "application/javascript" || ends_with("+xml") || ends_with("+json");
}

/// The ETag of the gzip variant: a strong ETag must differ per encoding.
std::string gzip_etag(const std::string& etag) {
  if (etag.size() >= 2 && etag.back() == '"') return etag.substr(0, etag.size() - 1) + "-gz\"";
  return etag + "-gz";
}

/// If-None-Match uses weak comparison: W/ prefixes are ignored on both sides.
bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  auto opaque = [](std::string_view tag) { return tag.rfind("W/", 0) == 0 ? tag.substr(2) : tag; };
  const std::string_view wanted = opaque(etag);
  const std::string gzipped = gzip_etag(std::string(wanted));
  bool matched = false;
  for_each_list_item(if_none_match, [&](std::string_view item) {
    std::string_view tag = opaque(item);
    if (tag == "*" || tag == wanted || tag == gzipped) matched = true;
  });
  return matched;
}

void add_vary(Response& response, std::string_view field) {
  std::string& vary = response.headers["Vary"];
  bool present = false;
  for_each_list_item(vary, [&](std::string_view item) { present = present || iequals(item, field); });
  if (present) return;
  if (!vary.empty()) vary += ", ";
  vary += field;
}

/// Per-request state handed to libmicrohttpd as con_cls: born in the URI-log callback (which sees
/// the raw request target, so we decode the path ourselves and can refuse %00), freed on completion.
/// A deferred answer on its way: the worker stores it, then resumes the connection, whose thread
/// sends it.
struct DeferredAnswer {
  std::mutex mutex;
  std::optional<Response> answer;
  std::chrono::steady_clock::time_point started;
};

struct RequestContext {
  std::shared_ptr<DeferredAnswer> deferred;  ///< set while the answer is computed by a worker
  std::string raw_target;
  bool headers_seen = false;
  bool reads_body = false;  ///< a POST the router accepted: its body is collected
  bool too_large = false;   ///< the body passed max_body_bytes: the rest is discarded
  bool answered = false;    ///< a refusal was queued before the body ended
  std::string body;
  std::uint64_t discarded = 0;  ///< bytes dropped after the cap
};

/// A whole non-negative decimal Content-Length, or nothing.
std::optional<std::uint64_t> parse_length(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::string megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

struct ParsedTarget {
  std::string path;
  std::string query;
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

/// Runs deferred answers on a fixed set of threads, first come first served: a render goes to
/// whichever thread is free, not to the I/O thread that happened to accept its connection.
class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < threads; ++i) {
      workers_.emplace_back([this] { run(); });
      pthread_setname_np(workers_.back().native_handle(), "anttmap-worker");
    }
  }
  ~WorkerPool() { stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job`; false once stop() began (the caller then runs it itself).
  bool submit(std::function<void()>& job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

  /// Takes no more jobs, finishes the queued ones and joins the threads.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_)
      if (worker.joinable()) worker.join();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();  // never throws: the server's jobs catch everything
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

/// Owns a socket descriptor.
class SocketHandle {
 public:
  SocketHandle() = default;
  explicit SocketHandle(int fd) : fd_(fd) {}
  ~SocketHandle() {
    if (fd_ >= 0) ::close(fd_);
  }
  SocketHandle(SocketHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SocketHandle& operator=(SocketHandle&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

/// A bound, listening TCP socket (SO_REUSEADDR, as libmicrohttpd sets it; IPv6 only for IPv6).
SocketHandle listen_on(const sockaddr_storage& address, bool is_ipv6) {
  SocketHandle socket_fd(::socket(is_ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket_fd.get() < 0) throw std::system_error(errno, std::generic_category(), "socket");
  const int on = 1;
  ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (is_ipv6) ::setsockopt(socket_fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  const socklen_t length = is_ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (::bind(socket_fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    throw std::system_error(errno, std::generic_category(), "bind");
  }
  if (::listen(socket_fd.get(), SOMAXCONN) != 0) throw std::system_error(errno, std::generic_category(), "listen");
  return socket_fd;
}

int bound_port_of(const SocketHandle& listener) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) return 0;
  if (bound.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

/// Counts the connections libmicrohttpd has open (its start and close notices) plus those handed
/// to it and not started yet, so the accept thread stops accepting at the limit and further
/// clients wait in the listen backlog, as with libmicrohttpd's own accept (which takes its listening
/// socket out of epoll at the limit).
class ConnectionGate {
 public:
  explicit ConnectionGate(std::size_t limit) : limit_(std::max<std::size_t>(limit, 1)) {}

  void handed() {
    std::lock_guard lock(mutex_);
    ++handed_;
  }
  void refused() {  // MHD_add_connection said no: the socket is closed, nothing will start
    std::lock_guard lock(mutex_);
    if (handed_ > started_) --handed_;
    changed_.notify_all();
  }
  void started() {
    std::lock_guard lock(mutex_);
    ++started_;
    if (handed_ < started_) handed_ = started_;
    ++open_;
    changed_.notify_all();
  }
  void closed() {
    std::lock_guard lock(mutex_);
    if (open_ > 0) --open_;
    changed_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }

  /// Waits until a connection may be accepted; false once stopping.
  bool wait_for_room() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (open_ + (handed_ - started_) < limit_) return true;
      const std::uint64_t seen_open = open_, seen_started = started_;
      changed_.wait_for(lock, std::chrono::milliseconds(100));
      // Nothing started or closed meanwhile: the connections handed over and never started were
      // refused by libmicrohttpd itself (out of memory), so they no longer count.
      if (open_ == seen_open && started_ == seen_started) handed_ = started_;
    }
    return false;
  }

 private:
  const std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t handed_ = 0;   ///< connections given to libmicrohttpd
  std::uint64_t started_ = 0;  ///< ... that it started
  std::uint64_t open_ = 0;     ///< started and not closed yet
  bool stopping_ = false;
};

/// Accepts connections on a thread of its own and hands each to libmicrohttpd, which gives it to
/// the I/O thread of its descriptor number (modulo the thread count), so connections opened
/// together are spread evenly. With libmicrohttpd's own accept, whichever thread woke first took
/// the connection: 64 wrk connections split 57/7 and 44/20 over two threads, and the busier
/// thread's connections waited up to twice as long (docs/serve.md).
class Acceptor {
 public:
  Acceptor(SocketHandle listener, MHD_Daemon* daemon, ConnectionGate& gate,
           std::function<void(std::string_view)> log)
      : listener_(std::move(listener)), daemon_(daemon), gate_(gate), log_(std::move(log)) {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "anttmap-accept");
  }
  ~Acceptor() { stop(); }
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  /// Stops accepting (shutdown wakes the blocked accept) and joins; open connections stay.
  void stop() {
    stopping_ = true;
    gate_.stop();
    ::shutdown(listener_.get(), SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    // One line per spell of trouble, not one per connection, so a flood cannot fill the log.
    bool reported_error = false;
    while (!stopping_ && gate_.wait_for_room()) {
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      const int client =
          ::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (client >= 0) {
        reported_error = false;
        gate_.handed();
        // libmicrohttpd owns the socket from here, and closes it itself when it cannot take it.
        if (MHD_add_connection(daemon_, client, reinterpret_cast<sockaddr*>(&peer), length) != MHD_YES) {
          gate_.refused();
        }
        continue;
      }
      const int error = errno;
      if (stopping_) return;
      if (error == EINTR || error == ECONNABORTED || error == EAGAIN) continue;
      // Anything else (no descriptors or memory left, a network error of the new connection, a
      // firewall hook) is waited out: the server must never stay up without accepting.
      if (!reported_error) log_("cannot accept connections for now: " + std::string(std::strerror(error)));
      reported_error = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  SocketHandle listener_;
  MHD_Daemon* daemon_;
  ConnectionGate& gate_;
  std::function<void(std::string_view)> log_;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

/// Answers marked Response::reusable, kept as ready libmicrohttpd responses by request target and
/// sent again as they are (libmicrohttpd counts references, so one response may be queued on many
/// connections at once). A cached tile then costs no request parsing, routing or header building:
/// that was a quarter of the server's CPU time per cached tile (perf), and with less CPU per
/// request the I/O threads sleep between bursts instead of being preempted with answers pending.
/// Each shard holds answers of one data generation: a newer generation empties it.
class ReusableAnswers {
 public:
  struct Answer {
    std::shared_ptr<MHD_Response> response;
    unsigned int status = 200;
    std::string label;  ///< metrics route label
    std::size_t bytes = 0;
    std::function<void()> reused;                           ///< Response::reused
    mutable std::atomic<std::int64_t> reused_second{0};  ///< when `reused` last ran (steady clock)
  };

  explicit ReusableAnswers(std::size_t max_bytes) : shard_max_bytes_(max_bytes / shard_count) {}

  /// The answer kept for `target` at `generation`, or null.
  std::shared_ptr<const Answer> find(std::string_view target, std::uint64_t generation) {
    Shard& shard = shard_for(target);
    {
      // Shared: I/O threads looking up answers never wait for each other, even when one of them
      // is preempted while it holds the lock.
      std::shared_lock lock(shard.mutex);
      if (generation == shard.generation) {
        auto found = shard.answers.find(target);
        return found == shard.answers.end() ? nullptr : found->second;
      }
      if (generation < shard.generation) return nullptr;
    }
    Shard::Answers older;  // freed after the lock is let go
    std::lock_guard lock(shard.mutex);
    if (generation > shard.generation) older = shard.reset(generation);
    return nullptr;
  }

  /// Keeps `answer`, made from the data of `generation`, unless a newer generation was seen.
  /// The oldest answers of the shard go when it passes its share of the byte cap.
  void keep(std::string_view target, std::shared_ptr<const Answer> answer, std::uint64_t generation) {
    if (answer->bytes > shard_max_bytes_) return;
    Shard& shard = shard_for(target);
    Shard::Answers older;  // freed after the lock is let go
    std::lock_guard lock(shard.mutex);
    if (generation > shard.generation) older = shard.reset(generation);
    if (generation != shard.generation) return;
    auto [slot, inserted] = shard.answers.try_emplace(std::string(target), answer);
    if (!inserted) return;  // another thread kept the same answer first
    shard.bytes += answer->bytes;
    shard.order.push_back(&slot->first);
    while (shard.bytes > shard_max_bytes_ && !shard.order.empty()) {
      auto oldest = shard.answers.find(*shard.order.front());
      shard.order.pop_front();
      shard.bytes -= oldest->second->bytes;
      shard.answers.erase(oldest);
    }
  }

 private:
  static constexpr std::size_t shard_count = 16;

  struct TargetHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  struct Shard {
    using Answers = std::unordered_map<std::string, std::shared_ptr<const Answer>, TargetHash, std::equal_to<>>;
    std::shared_mutex mutex;
    std::uint64_t generation = 0;
    Answers answers;
    std::deque<const std::string*> order;  ///< keys, oldest first (node keys do not move)
    std::size_t bytes = 0;

    /// Empties the shard for a newer generation; returns the older answers, for the caller to
    /// free once it let go of the lock (thousands of responses may go at once).
    Answers reset(std::uint64_t newer) {
      order.clear();
      bytes = 0;
      generation = newer;
      return std::exchange(answers, Answers{});
    }
  };

  Shard& shard_for(std::string_view target) {
    return shards_[(TargetHash{}(target) >> 8) % shard_count];
  }

  std::array<Shard, shard_count> shards_;
  const std::size_t shard_max_bytes_;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  Metrics* metrics = nullptr;
  RouteLabeler labeler;
  std::unique_ptr<ConnectionGate> gate;  ///< open connections, for the accept thread; outlives the daemon
  std::unique_ptr<WorkerPool> workers;   ///< runs deferred answers; stopped before the daemon
  DaemonHandle daemon;
  std::unique_ptr<Acceptor> acceptor;  ///< stopped first
  std::unique_ptr<ReusableAnswers> reusable;  ///< null unless options.data_generation is set
  int bound_port = 0;

  void log(std::string_view line) const {
    if (options.error_log) {
      options.error_log(line);
    } else {
      std::cerr << "anttmap serve: " << line << '\n';
    }
  }

  bool origin_allowed(const std::string& origin) const {
    for (const std::string& allowed : options.cors_allow) {
      if (allowed == "*" || allowed == origin) return true;
    }
    return false;
  }

  bool allow_any_origin() const {
    for (const std::string& allowed : options.cors_allow) {
      if (allowed == "*") return true;
    }
    return false;
  }

  void add_cors(const std::optional<std::string>& origin, Response& response) const {
    if (options.cors_allow.empty()) return;
    const bool any = allow_any_origin();
    if (!any) add_vary(response, "Origin");  // the answer differs per Origin, so caches must key on it
    if (!origin || !origin_allowed(*origin)) return;
    response.headers["Access-Control-Allow-Origin"] = any ? "*" : *origin;
    response.headers["Access-Control-Expose-Headers"] = "ETag";
  }

  Response preflight(const Request& request) const {
    Response response = Response::no_content();
    add_cors(request.header("Origin"), response);
    if (response.headers.count("Access-Control-Allow-Origin") != 0) {
      std::string methods = router->allowed_methods(request.path);
      response.headers["Access-Control-Allow-Methods"] = methods.empty() ? "GET, HEAD, OPTIONS" : methods;
      response.headers["Access-Control-Allow-Headers"] =
          request.header("Access-Control-Request-Headers").value_or("Content-Type, If-None-Match, Accept-Encoding");
      response.headers["Access-Control-Max-Age"] = "86400";
    }
    response.route = "preflight";
    return response;
  }

  /// Runs a handler (or a deferred answer's work); a failure becomes a logged 500.
  template <typename Answer>
  Response guarded(const std::string& what, Answer&& answer) const {
    try {
      return answer();
    } catch (const std::exception& failure) {
      log("handler for " + what + " failed: " + failure.what());
    } catch (...) {
      log("handler for " + what + " failed with a non-standard exception");
    }
    Response failed = Response::json_error(
        500, "internal error while answering " + what.substr(what.find(' ') + 1) + "; the server log has the details");
    failed.route = "error";
    return failed;
  }

  /// The wrapped answer, computed here (in-process callers and tests).
  Response handle(Request request) const {
    Pending pending = begin(std::move(request));
    if (!pending.response.work) return std::move(pending.response);
    return finish(std::move(pending));
  }

  /// An answer whose work may still have to run, with what its wrapping needs.
  struct Pending {
    Response response;  ///< final (decorated) unless `response.work` is set
    std::string what;   ///< "GET /path", for logs
    std::optional<std::string> origin, accept_encoding, if_none_match;
  };

  Pending begin(Request request) const {
    Pending pending;
    pending.what = request.method + " " + request.path;
    const bool is_preflight =
        request.method == "OPTIONS" && request.header("Origin") && request.header("Access-Control-Request-Method");
    if (is_preflight) {
      pending.response = preflight(request);
      return pending;
    }
    if (request.body.size() > options.max_body_bytes) {
      pending.response = decorate(body_too_large(), request);
      return pending;
    }
    // The router takes the request by value: keep what the wrapping needs, then move it in.
    pending.origin = request.header("Origin");
    pending.accept_encoding = request.header("Accept-Encoding");
    pending.if_none_match = request.header("If-None-Match");
    Response response = guarded(pending.what, [&] { return router->dispatch_deferred(std::move(request)); });
    if (response.work) {
      pending.response = std::move(response);
      return pending;
    }
    pending.response = decorate(std::move(response), pending.origin, pending.accept_encoding, pending.if_none_match);
    return pending;
  }

  /// Runs the deferred work of `pending` and wraps its answer.
  Response finish(Pending pending) const {
    const std::string route = pending.response.route;
    Response response = guarded(pending.what, [&] { return resolved(std::move(pending.response)); });
    if (response.route.empty()) response.route = route;
    return decorate(std::move(response), pending.origin, pending.accept_encoding, pending.if_none_match);
  }

  /// Hands `pending` to a worker and suspends the connection until the answer is there; the
  /// connection's thread then sends it (on_request runs again after MHD_resume_connection).
  MHD_Result defer(MHD_Connection* connection, RequestContext& context, Pending pending,
                   std::chrono::steady_clock::time_point started) const {
    auto slot = std::make_shared<DeferredAnswer>();
    slot->started = started;
    context.deferred = slot;
    MHD_suspend_connection(connection);
    std::function<void()> job = [this, connection, slot, pending = std::move(pending)]() mutable noexcept {
      std::optional<Response> answer;
      try {
        answer = finish(std::move(pending));
      } catch (...) {  // out of memory while wrapping: an empty 500
        answer.reset();
      }
      {
        std::lock_guard lock(slot->mutex);
        slot->answer = answer ? std::move(answer) : std::optional<Response>(Response::text(500, "internal error"));
      }
      MHD_resume_connection(connection);  // last: the connection may be gone right after
    };
    if (!workers || !workers->submit(job)) job();  // stopping: answered on this thread
    return MHD_YES;
  }

  Response decorate(Response response, const Request& head) const {
    return decorate(std::move(response), head.header("Origin"), head.header("Accept-Encoding"),
                    head.header("If-None-Match"));
  }

  Response body_too_large() const {
    Response refused = Response::json_error(
        413, "the request body is larger than " + megabytes(options.max_body_bytes) +
                 " (max_body_mb); send a smaller document / nội dung yêu cầu quá lớn");
    refused.headers["Connection"] = "close";
    refused.route = "refused";
    return refused;
  }

  /// The refusal of a POST before its body is read (router checks, 411, 413), or nothing.
  std::optional<Response> refuse_upload(const Request& head) const {
    if (std::optional<Response> refused = router->refuse_before_body(head)) return refused;
    const std::optional<std::string> length = head.header("Content-Length");
    const std::string encoding = head.header("Transfer-Encoding").value_or("");
    if (!length && encoding.find("chunked") == std::string::npos) {
      Response refused = Response::json_error(
          411, "a POST needs Content-Length (or chunked transfer encoding) / yêu cầu POST cần Content-Length");
      refused.route = "refused";
      return refused;
    }
    if (length) {
      const std::optional<std::uint64_t> bytes = parse_length(*length);
      if (!bytes) {
        Response refused = Response::json_error(400, "Content-Length must be a whole number of bytes / Content-Length không hợp lệ");
        refused.route = "refused";
        return refused;
      }
      if (*bytes > options.max_body_bytes) return body_too_large();
    }
    return std::nullopt;
  }

  /// The wrapping every answer gets: CORS, Cache-Control, ETag/304, gzip.
  Response decorate(Response response, const std::optional<std::string>& origin,
                    const std::optional<std::string>& accept_encoding,
                    const std::optional<std::string>& if_none_match) const {
    add_cors(origin, response);
    if (response.headers.count("Cache-Control") == 0) response.headers["Cache-Control"] = "no-cache";
    if (response.status == 204 || response.status == 304) return response;

    const bool compressible = is_compressible(response.content_type) && response.body->size() > gzip_min_bytes &&
                              response.headers.count("Content-Encoding") == 0;
    if (compressible) add_vary(response, "Accept-Encoding");
    const bool gzip = compressible && accepts_gzip(accept_encoding.value_or(""));

    if (response.status == 200) {
      std::string& etag = response.headers["ETag"];
      if (etag.empty()) etag = strong_etag(*response.body);
      if (gzip) etag = gzip_etag(etag);
      if (if_none_match && etag_matches(*if_none_match, etag)) {
        response.status = 304;
        response.body = std::make_shared<const std::string>();
        response.content_type.clear();
        return response;
      }
    }
    if (gzip) {
      response.body = std::make_shared<const std::string>(GzipStream().compress(*response.body));
      response.headers["Content-Encoding"] = "gzip";
    }
    return response;
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

  static void on_completed(void* /*cls*/, MHD_Connection* /*connection*/, void** con_cls,
                           MHD_RequestTerminationCode /*toe*/) noexcept {
    std::unique_ptr<RequestContext> adopted(static_cast<RequestContext*>(*con_cls));
    *con_cls = nullptr;
  }

  static void on_connection(void* cls, MHD_Connection* /*connection*/, void** /*socket_context*/,
                            MHD_ConnectionNotificationCode code) noexcept {
    auto* gate = static_cast<ConnectionGate*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) gate->started();
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) gate->closed();
  }

  static void on_mhd_log(void* cls, const char* format, va_list arguments) noexcept {
    try {
      char line[512];
      std::vsnprintf(line, sizeof line, format, arguments);
      std::string_view text(line);
      while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
      static_cast<const Impl*>(cls)->log(std::string("libmicrohttpd: ") + std::string(text));
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

  static void release_body(void* holder) noexcept { delete static_cast<std::shared_ptr<const std::string>*>(holder); }

  static MHD_Result on_request(void* cls, MHD_Connection* connection, const char* /*url*/, const char* method,
                               const char* /*version*/, const char* upload_data, std::size_t* upload_data_size,
                               void** con_cls) noexcept {
    try {
      auto* context = static_cast<RequestContext*>(*con_cls);
      if (context == nullptr) return MHD_NO;
      const Impl& self = *static_cast<const Impl*>(cls);
      const bool is_post = method != nullptr && std::strcmp(method, "POST") == 0;
      // Queueing on the first (headers-only) call makes 0.9.75 close the connection: wait for the
      // second. Only a refused upload is answered at once (its unread body must not be parsed as
      // the next request, so that connection closes anyway).
      if (!context->headers_seen) {
        context->headers_seen = true;
        if (!is_post) return MHD_YES;
        const auto started = std::chrono::steady_clock::now();
        Request head = self.read_request(connection, method, *context);
        if (std::optional<Response> refused = self.refuse_upload(head)) {
          context->answered = true;
          refused->headers["Connection"] = "close";  // the unread body must not become the next request
          return self.respond(connection, self.decorate(std::move(*refused), head), started);
        }
        context->reads_body = true;
        return MHD_YES;
      }
      if (*upload_data_size != 0) {
        // GET bodies are never used: discarded. POST bodies are collected up to the cap.
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
      if (context->deferred) {  // resumed: a worker left the answer
        std::optional<Response> answer;
        {
          std::lock_guard lock(context->deferred->mutex);
          answer = std::move(context->deferred->answer);
        }
        if (!answer) return MHD_YES;
        context->answered = true;
        return self.respond(connection, *answer, context->deferred->started);
      }
      const auto started = std::chrono::steady_clock::now();
      const bool reuse = !is_post && self.may_reuse(connection, method);
      std::uint64_t generation = 0;
      if (reuse) {
        generation = self.options.data_generation();  // before the answer is made from the data
        if (auto kept = self.reusable->find(context->raw_target, generation)) {
          return self.send_kept(connection, *kept, started);
        }
      }
      Request request = self.read_request(connection, method, *context);
      if (context->too_large) return self.respond(connection, self.decorate(self.body_too_large(), request), started);
      request.body = std::move(context->body);
      Pending pending = self.begin(std::move(request));
      if (pending.response.work) return self.defer(connection, *context, std::move(pending), started);
      if (reuse && worth_keeping(pending.response)) {
        return self.respond_and_keep(connection, pending.response, context->raw_target, generation, started);
      }
      return self.respond(connection, pending.response, started);
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
    return request;
  }

  MHD_Result respond(MHD_Connection* connection, const Response& response,
                     std::chrono::steady_clock::time_point started) const {
    const MHD_Result queued = queue(connection, response);
    if (metrics != nullptr) {
      const std::string label = labeler ? labeler(response) : default_route_label(response);
      metrics->record_request(label, response.status, std::chrono::steady_clock::now() - started);
    }
    return queued;
  }

  /// A libmicrohttpd response holding `response` (its body by reference, not copied); null when
  /// libmicrohttpd is out of memory.
  static ResponseHandle mhd_response(const Response& response) {
    ResponseHandle mhd_response;
    if (response.body->empty()) {
      mhd_response.reset(MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT));
    } else {
      // Zero copy: the response keeps its own reference to the (possibly cached) body.
      auto holder = std::make_unique<std::shared_ptr<const std::string>>(response.body);
      mhd_response.reset(MHD_create_response_from_buffer_with_free_callback_cls(
          response.body->size(), const_cast<char*>(response.body->data()), &release_body, holder.get()));
      if (mhd_response) holder.release();
    }
    if (!mhd_response) return mhd_response;
    if (!response.content_type.empty()) {
      MHD_add_response_header(mhd_response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
    }
    for (const auto& [name, value] : response.headers) {
      MHD_add_response_header(mhd_response.get(), name.c_str(), value.c_str());
    }
    return mhd_response;
  }

  MHD_Result queue(MHD_Connection* connection, const Response& response) const {
    const ResponseHandle mhd = mhd_response(response);
    if (!mhd) return MHD_NO;
    return MHD_queue_response(connection, static_cast<unsigned int>(response.status), mhd.get());
  }

  // ---- reusable answers ----

  /// Whether this request's answer may be one kept for its target: nothing in it changes the
  /// wrapping (no If-None-Match; no Origin when CORS is configured).
  bool may_reuse(MHD_Connection* connection, const char* method) const {
    if (!reusable || method == nullptr || std::strcmp(method, "GET") != 0) return false;
    if (MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH) != nullptr) {
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

  MHD_Result send_kept(MHD_Connection* connection, const ReusableAnswers::Answer& answer,
                       std::chrono::steady_clock::time_point started) const {
    const MHD_Result queued = MHD_queue_response(connection, answer.status, answer.response.get());
    const auto now = std::chrono::steady_clock::now();
    if (metrics != nullptr) {
      metrics->record_request(answer.label, static_cast<int>(answer.status), now - started);
      metrics->record_reused_answer();
    }
    if (answer.reused) {
      const std::int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
      std::int64_t last = answer.reused_second.load(std::memory_order_relaxed);
      if (last != second && answer.reused_second.compare_exchange_strong(last, second)) answer.reused();
    }
    return queued;
  }

  /// Sends `response` and keeps it for later requests of `target`.
  MHD_Result respond_and_keep(MHD_Connection* connection, const Response& response, std::string_view target,
                              std::uint64_t generation, std::chrono::steady_clock::time_point started) const {
    ResponseHandle mhd = mhd_response(response);
    if (!mhd) return MHD_NO;
    auto answer = std::make_shared<ReusableAnswers::Answer>();
    answer->status = static_cast<unsigned int>(response.status);
    answer->label = labeler ? labeler(response) : default_route_label(response);
    answer->bytes = response.body->size() + target.size() + 512;  // + response and header structures
    answer->response = std::shared_ptr<MHD_Response>(mhd.release(), ResponseDestroyer{});
    answer->reused = response.reused;
    const MHD_Result queued = MHD_queue_response(connection, answer->status, answer->response.get());
    if (metrics != nullptr) {
      metrics->record_request(answer->label, response.status, std::chrono::steady_clock::now() - started);
    }
    if (queued == MHD_YES) reusable->keep(target, std::move(answer), generation);
    return queued;
  }

  /// The listening address as a socket address; only literals, so startup never waits on DNS.
  sockaddr_storage listen_address(bool& is_ipv6) const {
    if (options.port < 0 || options.port > 65535) {
      throw std::runtime_error("serve: port " + std::to_string(options.port) + " is outside 0..65535");
    }
    sockaddr_storage address{};
    std::string host = options.bind.empty() || options.bind == "localhost" ? "127.0.0.1" : options.bind;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<std::uint16_t>(options.port));
      is_ipv6 = false;
      return address;
    }
    address = {};
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<std::uint16_t>(options.port));
      is_ipv6 = true;
      return address;
    }
    throw std::runtime_error("serve: bind address '" + options.bind +
                             "' is not an IPv4 or IPv6 literal; use e.g. 127.0.0.1, 0.0.0.0 or ::");
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router, Metrics* metrics, RouteLabeler labeler)
    : impl_(std::make_unique<Impl>()) {
  if (!router) throw std::invalid_argument("serve: the server needs a router");
  impl_->options = std::move(options);
  impl_->router = std::move(router);
  impl_->metrics = metrics;
  impl_->labeler = std::move(labeler);
  if (impl_->options.data_generation) {
    impl_->reusable = std::make_unique<ReusableAnswers>(impl_->options.reusable_answers_max_bytes);
  }
}

Server::~Server() { stop(); }

void Server::start() {
  if (impl_->daemon) return;
  bool is_ipv6 = false;
  const sockaddr_storage address = impl_->listen_address(is_ipv6);
  SocketHandle listener;
  try {
    listener = listen_on(address, is_ipv6);
  } catch (const std::system_error& failure) {
    throw ListenError("serve: cannot listen on " + impl_->options.bind + ":" + std::to_string(impl_->options.port) +
                      " (" + failure.code().message() + "); choose another --port or --bind / không mở được cổng");
  }

  const unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
                             MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
  const unsigned int threads = static_cast<unsigned int>(impl_->options.threads > 1 ? impl_->options.threads : 1);
  // The gate holds connections at max_connections (in the listen backlog); libmicrohttpd's own
  // limit is only a backstop for connections handed over faster than they start.
  const std::size_t max_connections = impl_->options.max_connections > 0 ? impl_->options.max_connections : 1;
  const unsigned int connection_limit = static_cast<unsigned int>(max_connections + 64);
  const unsigned int timeout =
      static_cast<unsigned int>(impl_->options.connection_timeout_s > 0 ? impl_->options.connection_timeout_s : 0);

  impl_->gate = std::make_unique<ConnectionGate>(max_connections);
  impl_->workers = std::make_unique<WorkerPool>(static_cast<int>(threads));
  errno = 0;
  MHD_Daemon* daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Impl::on_request, impl_.get(),
                                        MHD_OPTION_EXTERNAL_LOGGER, &Impl::on_mhd_log,
                                        impl_.get(),  // first, or MHD logs a warning itself
                                        MHD_OPTION_THREAD_POOL_SIZE, threads,           //
                                        MHD_OPTION_CONNECTION_LIMIT, connection_limit,  //
                                        MHD_OPTION_CONNECTION_TIMEOUT, timeout,         //
                                        MHD_OPTION_URI_LOG_CALLBACK, &Impl::on_uri, nullptr,        //
                                        MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, nullptr,  //
                                        MHD_OPTION_NOTIFY_CONNECTION, &Impl::on_connection, impl_->gate.get(),  //
                                        MHD_OPTION_END);
  if (daemon == nullptr) {
    const int error = errno;
    impl_->workers.reset();
    impl_->gate.reset();
    throw std::runtime_error(std::string("serve: the HTTP server did not start (") +
                             (error != 0 ? std::strerror(error) : "libmicrohttpd refused its options") + ")");
  }
  impl_->daemon.reset(daemon);
  const int bound_port = bound_port_of(listener);
  impl_->bound_port = bound_port != 0 ? bound_port : impl_->options.port;
  impl_->acceptor = std::make_unique<Acceptor>(std::move(listener), daemon, *impl_->gate,
                                               [impl = impl_.get()](std::string_view line) { impl->log(line); });
}

void Server::stop() {
  if (!impl_) return;
  // No new connections first. Then the workers: each finishes its answer and resumes its
  // connection, so the daemon stops with no connection suspended. Deferred answers asked for
  // meanwhile are computed on the I/O threads.
  impl_->acceptor.reset();
  if (impl_->workers) impl_->workers->stop();
  impl_->daemon.reset();
  impl_->workers.reset();
  impl_->gate.reset();
}

int Server::port() const { return impl_->bound_port; }

Response Server::handle(Request request) const { return impl_->handle(std::move(request)); }

}  // namespace antt::http
