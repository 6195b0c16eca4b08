#pragma once
// A tiny blocking HTTP/1.1 client over POSIX sockets for the server tests: one connection,
// many requests (keep-alive), Content-Length bodies only (all the server sends); requests may
// carry a body, or be sent raw (chunked, a head without its body).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "http/http.hpp"

namespace antt::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string, http::CaseInsensitiveLess> headers;
  std::string body;

  bool has(const std::string& name) const { return headers.count(name) != 0; }
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class HttpTestClient {
 public:
  explicit HttpTestClient(int port, const std::string& host = "127.0.0.1") {
    const bool ipv6 = host.find(':') != std::string::npos;
    socket_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (socket_ < 0) throw std::runtime_error("test client: socket() failed");
    int on = 1;
    ::setsockopt(socket_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    timeval timeout{10, 0};  // a hung server fails the test instead of blocking it
    ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    int connected = -1;
    if (ipv6) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_port = htons(static_cast<std::uint16_t>(port));
      ::inet_pton(AF_INET6, host.c_str(), &address.sin6_addr);
      connected = ::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(static_cast<std::uint16_t>(port));
      ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
      connected = ::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    }
    if (connected != 0) {
      ::close(socket_);
      throw std::runtime_error("test client: cannot connect to " + host + ":" + std::to_string(port));
    }
  }
  ~HttpTestClient() { ::close(socket_); }
  HttpTestClient(const HttpTestClient&) = delete;
  HttpTestClient& operator=(const HttpTestClient&) = delete;

  HttpReply request(const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: test\r\n";
    for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
    text += "\r\n";
    send_all(text);
    return read_reply(method == "HEAD");
  }

  HttpReply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, headers);
  }

  /// A request with a body sent with Content-Length (unless `headers` frame it otherwise).
  HttpReply request(const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, const std::string& body) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: test\r\n";
    bool framed = false;
    for (const auto& [name, value] : headers) {
      text += name + ": " + value + "\r\n";
      framed = framed || http::iequals(name, "Content-Length") || http::iequals(name, "Transfer-Encoding");
    }
    if (!framed) text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    text += "\r\n" + body;
    send_all(text);
    return read_reply(method == "HEAD");
  }

  HttpReply post(const std::string& target, const std::string& body,
                 const std::string& content_type = "application/json") {
    return request("POST", target, {{"Content-Type", content_type}}, body);
  }

  /// Sends bytes as they are (a request head alone, chunks...); read the answer with read().
  void send_raw(const std::string& bytes) { send_all(bytes); }
  HttpReply read() { return read_reply(false); }

  /// True when the server closed the connection (read returns 0) within a short wait.
  bool closed_by_server() {
    timeval timeout{0, 200000};
    ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char byte;
    return ::recv(socket_, &byte, 1, MSG_PEEK) == 0;
  }

 private:
  void send_all(const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      ssize_t n = ::send(socket_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("test client: send failed");
      sent += static_cast<std::size_t>(n);
    }
  }

  bool fill() {
    char chunk[16384];
    ssize_t n = ::recv(socket_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  HttpReply read_reply(bool head) {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) throw std::runtime_error("test client: connection closed before the headers");
    }
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);

    HttpReply reply;
    std::size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    reply.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
    std::size_t position = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (position < head_text.size()) {
      std::size_t next = head_text.find("\r\n", position);
      if (next == std::string::npos) next = head_text.size();
      std::string line = head_text.substr(position, next - position);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        reply.headers[line.substr(0, colon)] = value;
      }
      position = next + 2;
    }
    const bool bodiless = head || reply.status == 204 || reply.status == 304 || reply.status < 200;
    if (bodiless) return reply;
    if (!reply.has("Content-Length")) throw std::runtime_error("test client: reply without Content-Length");
    const std::size_t length = std::stoul(reply.header("Content-Length"));
    while (buffer_.size() < length) {
      if (!fill()) throw std::runtime_error("test client: connection closed inside the body");
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  int socket_ = -1;
  std::string buffer_;
};

/// Inflates a gzip body (window bits 15 + 16); throws on corrupt input.
inline std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("gunzip: init failed");
  std::string output;
  char chunk[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    result = inflate(&stream, Z_NO_FLUSH);
    output.append(chunk, sizeof chunk - stream.avail_out);
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("gunzip: corrupt gzip body");
  return output;
}

}  // namespace antt::testing
