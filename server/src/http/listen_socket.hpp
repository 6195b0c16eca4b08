#pragma once
// The server's listening socket: its address (literals only), the socket itself, its bound port.
#include <sys/socket.h>

#include <string>
#include <utility>

namespace antt::http {

/// Owns a socket descriptor.
class SocketHandle {
 public:
  SocketHandle() = default;
  explicit SocketHandle(int fd) : fd_(fd) {}
  ~SocketHandle();
  SocketHandle(SocketHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SocketHandle& operator=(SocketHandle&& other) noexcept;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

struct ListenAddress {
  sockaddr_storage address{};
  bool is_ipv6 = false;
};

/// `bind` ("127.0.0.1", "::", "[::1]", "localhost") and `port` as a socket address; only literals,
/// so startup never waits on DNS. Throws std::runtime_error naming what to use instead.
ListenAddress listen_address(const std::string& bind, int port);

/// A bound, listening TCP socket (SO_REUSEADDR, as libmicrohttpd sets it; IPv6 only for IPv6).
/// Throws std::system_error.
SocketHandle listen_on(const ListenAddress& where);

/// The port `listener` is bound to; 0 when it cannot tell.
int bound_port_of(const SocketHandle& listener);

}  // namespace antt::http
