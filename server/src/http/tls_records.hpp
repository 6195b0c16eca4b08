#pragma once
// One TLS record for a small answer. libmicrohttpd 0.9.75 sends an answer's header and its body with
// two gnutls_record_send calls under TLS (it has no vectored send there), so a small answer cost two
// records and two sendmsg calls where nginx sends one. The server corks the connection's TLS session
// while libmicrohttpd writes a small answer and uncorks it when libmicrohttpd reports the answer sent:
// GnuTLS then seals header and body as one record (docs/benchmarks-server.md has the figures).
#include <cstddef>

struct MHD_Connection;

namespace antt::http {

/// The largest answer, header included, sent as one record: TLS's own record limit. Into an empty
/// socket send queue it goes in one write, so uncorking does not wait for the client.
inline constexpr std::size_t kCoalescedAnswerLimit = 16 * 1024;

/// Corks the connection's TLS session when the answer about to be queued, with `body_bytes` of body,
/// fits one record. Returns whether it did; does nothing on a connection without TLS.
bool cork_small_answer(MHD_Connection* connection, std::size_t body_bytes) noexcept;

/// Sends what a cork held. libmicrohttpd corks the TCP socket before an answer's header and, on
/// Linux, pushes the body with TCP_NODELAY, leaving TCP_CORK on, under which a record written later
/// would wait up to 200 ms: TCP_CORK is turned off first. When the socket has no room (a client
/// that stopped reading with its window full), waits for room up to `patience_ms`, then shuts the
/// socket down, and libmicrohttpd closes the connection: such a client holds an I/O thread no longer.
void uncork_answer(MHD_Connection* connection, int patience_ms) noexcept;

}  // namespace antt::http
