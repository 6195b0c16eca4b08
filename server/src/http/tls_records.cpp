#include "http/tls_records.hpp"

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>

namespace antt::http {
namespace {

/// Room for the status line and headers of an answer (ours are well under 1 KB).
constexpr std::size_t kHeaderAllowance = 1024;

gnutls_session_t session_of(MHD_Connection* connection) noexcept {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  return info == nullptr ? nullptr : static_cast<gnutls_session_t>(info->tls_session);
}

int socket_of(MHD_Connection* connection) noexcept {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info == nullptr ? -1 : info->connect_fd;
}

}  // namespace

bool cork_small_answer(MHD_Connection* connection, std::size_t body_bytes) noexcept {
  if (body_bytes > kCoalescedAnswerLimit - kHeaderAllowance) return false;
  gnutls_session_t session = session_of(connection);
  if (session == nullptr) return false;
  gnutls_record_cork(session);
  return true;
}

void uncork_answer(MHD_Connection* connection, int patience_ms) noexcept {
  gnutls_session_t session = session_of(connection);
  if (session == nullptr) return;
  if (gnutls_record_check_corked(session) == 0) {
    gnutls_record_uncork(session, 0);  // nothing held: only leaves the corked mode
    return;
  }
  const int fd = socket_of(connection);
  if (fd < 0) return;
  // libmicrohttpd may have corked the socket again since (it does when it believes it uncorked).
  const int off = 0;
  setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(patience_ms);
  for (;;) {
    const ssize_t sent = gnutls_record_uncork(session, 0);
    if (sent >= 0 && gnutls_record_check_corked(session) == 0) return;
    if (sent < 0 && sent != GNUTLS_E_AGAIN && sent != GNUTLS_E_INTERRUPTED) break;  // the connection failed
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd writable{fd, POLLOUT, 0};
    if (poll(&writable, 1, static_cast<int>(left.count())) <= 0) break;
  }
  shutdown(fd, SHUT_RDWR);
}

}  // namespace antt::http
