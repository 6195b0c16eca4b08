#pragma once
// Owners of libmicrohttpd handles (the daemon, a response), and the libmicrohttpd response that
// carries one of our Responses.
#include <microhttpd.h>

#include <memory>

#include "http/http.hpp"

namespace antt::http {

struct DaemonStopper {
  void operator()(MHD_Daemon* daemon) const { MHD_stop_daemon(daemon); }
};
using DaemonHandle = std::unique_ptr<MHD_Daemon, DaemonStopper>;

struct ResponseDestroyer {
  void operator()(MHD_Response* response) const { MHD_destroy_response(response); }
};
using ResponseHandle = std::unique_ptr<MHD_Response, ResponseDestroyer>;

/// A libmicrohttpd response holding `response` (its body by reference, not copied), with its
/// Content-Type and headers; null when libmicrohttpd is out of memory.
ResponseHandle mhd_response(const Response& response);

}  // namespace antt::http
