#include "http/listen_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

namespace antt::http {

SocketHandle::~SocketHandle() {
  if (fd_ >= 0) ::close(fd_);
}

SocketHandle& SocketHandle::operator=(SocketHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

ListenAddress listen_address(const std::string& bind, int port) {
  if (port < 0 || port > 65535) {
    throw std::runtime_error("serve: port " + std::to_string(port) + " is outside 0..65535");
  }
  ListenAddress where;
  std::string host = bind.empty() || bind == "localhost" ? "127.0.0.1" : bind;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&where.address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    where.is_ipv6 = false;
    return where;
  }
  where.address = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&where.address);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    where.is_ipv6 = true;
    return where;
  }
  throw std::runtime_error("serve: bind address '" + bind +
                           "' is not an IPv4 or IPv6 literal; use e.g. 127.0.0.1, 0.0.0.0 or ::");
}

SocketHandle listen_on(const ListenAddress& where) {
  SocketHandle socket_fd(::socket(where.is_ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket_fd.get() < 0) throw std::system_error(errno, std::generic_category(), "socket");
  const int on = 1;
  ::setsockopt(socket_fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (where.is_ipv6) ::setsockopt(socket_fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  const socklen_t length = where.is_ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (::bind(socket_fd.get(), reinterpret_cast<const sockaddr*>(&where.address), length) != 0) {
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

}  // namespace antt::http
