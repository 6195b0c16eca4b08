#include "http/response_wrapping.hpp"

#include <zlib.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <utility>

namespace antt::http {
namespace {

constexpr std::size_t gzip_min_bytes = 512;

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

template <typename Visit>
void for_each_list_item(std::string_view list, Visit visit) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = trim_whitespace(list.substr(0, comma));
    if (!item.empty()) visit(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
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

}  // namespace

std::string_view trim_whitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  bool any = false;
  for_each_list_item(accept_encoding, [&](std::string_view item) {
    std::string_view coding = trim_whitespace(item.substr(0, item.find(';')));
    bool allowed = true;
    if (std::size_t q = item.find("q="); q != std::string_view::npos) {
      std::string_view value = trim_whitespace(item.substr(q + 2));
      allowed = !value.empty() && std::strtod(std::string(value).c_str(), nullptr) > 0.0;
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip = allowed;
    if (coding == "*") any = allowed;
  });
  return gzip.value_or(any);
}

ResponseWrapping::ResponseWrapping(const ServerOptions& options, std::shared_ptr<const Router> router,
                                   const log::Logger& logger)
    : cors_allow_(options.cors_allow),
      max_body_bytes_(options.max_body_bytes),
      router_(std::move(router)),
      logger_(logger) {}

bool ResponseWrapping::origin_allowed(const std::string& origin) const {
  for (const std::string& allowed : cors_allow_) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

bool ResponseWrapping::allow_any_origin() const {
  for (const std::string& allowed : cors_allow_) {
    if (allowed == "*") return true;
  }
  return false;
}

void ResponseWrapping::add_cors(const std::optional<std::string>& origin, Response& response) const {
  if (cors_allow_.empty()) return;
  const bool any = allow_any_origin();
  if (!any) add_vary(response, "Origin");  // the answer differs per Origin, so caches must key on it
  if (!origin || !origin_allowed(*origin)) return;
  response.headers["Access-Control-Allow-Origin"] = any ? "*" : *origin;
  response.headers["Access-Control-Expose-Headers"] = "ETag";
}

Response ResponseWrapping::preflight(const Request& request) const {
  Response response = Response::no_content();
  add_cors(request.header("Origin"), response);
  if (response.headers.count("Access-Control-Allow-Origin") != 0) {
    std::string methods = router_->allowed_methods(request.path);
    response.headers["Access-Control-Allow-Methods"] = methods.empty() ? "GET, HEAD, OPTIONS" : methods;
    response.headers["Access-Control-Allow-Headers"] =
        request.header("Access-Control-Request-Headers").value_or("Content-Type, If-None-Match, Accept-Encoding");
    response.headers["Access-Control-Max-Age"] = "86400";
  }
  response.route = "preflight";
  return response;
}

template <typename Answer>
Response ResponseWrapping::guarded(const std::string& what, Answer&& answer) const {
  try {
    return answer();
  } catch (const std::exception& failure) {
    logger_.error("http", "handler for " + what + " failed: " + failure.what());
  } catch (...) {
    logger_.error("http", "handler for " + what + " failed with a non-standard exception");
  }
  Response failed = Response::json_error(
      500, "internal error while answering " + what.substr(what.find(' ') + 1) + "; the server log has the details");
  failed.route = "error";
  return failed;
}

Response ResponseWrapping::handle(Request request) const {
  PendingAnswer pending = begin(std::move(request));
  if (!pending.response.work) return std::move(pending.response);
  return finish(std::move(pending));
}

PendingAnswer ResponseWrapping::begin(Request request) const {
  PendingAnswer pending;
  pending.what = request.method + " " + request.path;
  const bool is_preflight =
      request.method == "OPTIONS" && request.header("Origin") && request.header("Access-Control-Request-Method");
  if (is_preflight) {
    pending.response = preflight(request);
    return pending;
  }
  if (request.body.size() > max_body_bytes_) {
    pending.response = decorate(body_too_large(), request);
    return pending;
  }
  // The router takes the request by value: keep what the wrapping needs, then move it in.
  pending.origin = request.header("Origin");
  pending.accept_encoding = request.header("Accept-Encoding");
  pending.if_none_match = request.header("If-None-Match");
  Response response = guarded(pending.what, [&] { return router_->dispatch_deferred(std::move(request)); });
  if (response.work) {
    pending.response = std::move(response);
    return pending;
  }
  pending.response = decorate(std::move(response), pending.origin, pending.accept_encoding, pending.if_none_match);
  return pending;
}

Response ResponseWrapping::finish(PendingAnswer pending) const {
  const std::string route = pending.response.route;
  const bool private_to_caller = pending.response.private_to_caller;
  Response response = guarded(pending.what, [&] { return resolved(std::move(pending.response)); });
  if (response.route.empty()) response.route = route;
  if (private_to_caller) {
    response.private_to_caller = true;
    response.reusable = false;
  }
  return decorate(std::move(response), pending.origin, pending.accept_encoding, pending.if_none_match);
}

Response ResponseWrapping::decorate(Response response, const Request& head) const {
  return decorate(std::move(response), head.header("Origin"), head.header("Accept-Encoding"),
                  head.header("If-None-Match"));
}

Response ResponseWrapping::body_too_large() const {
  Response refused =
      Response::json_error(413, "the request body is larger than " + megabytes(max_body_bytes_) +
                                    " (max_body_mb); send a smaller document / nội dung yêu cầu quá lớn");
  refused.headers["Connection"] = "close";
  refused.route = "refused";
  return refused;
}

std::optional<Response> ResponseWrapping::refuse_upload(const Request& head) const {
  if (std::optional<Response> refused = router_->refuse_before_body(head)) return refused;
  const std::optional<std::string> length = head.header("Content-Length");
  const std::string encoding = head.header("Transfer-Encoding").value_or("");
  if (!length && encoding.find("chunked") == std::string::npos) {
    Response refused = Response::json_error(
        411, "a " + head.method + " needs Content-Length (or chunked transfer encoding) / yêu cầu " + head.method +
                 " cần Content-Length");
    refused.route = "refused";
    return refused;
  }
  if (length) {
    const std::optional<std::uint64_t> bytes = parse_length(*length);
    if (!bytes) {
      Response refused =
          Response::json_error(400, "Content-Length must be a whole number of bytes / Content-Length không hợp lệ");
      refused.route = "refused";
      return refused;
    }
    if (*bytes > max_body_bytes_) return body_too_large();
  }
  return std::nullopt;
}

Response ResponseWrapping::decorate(Response response, const std::optional<std::string>& origin,
                                    const std::optional<std::string>& accept_encoding,
                                    const std::optional<std::string>& if_none_match) const {
  add_cors(origin, response);
  if (response.private_to_caller) {
    // Drawn for a signed-in caller: no shared cache may keep it for anyone else.
    response.headers["Cache-Control"] = "private, no-cache";
  } else if (response.headers.count("Cache-Control") == 0) {
    response.headers["Cache-Control"] = "no-cache";
  }
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

}  // namespace antt::http
