#pragma once
// Ways for the server tests to wait on what really happens instead of sleeping: a condition
// polled until a deadline, and the kernel's view of a listening socket.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace antt::testing {

/// Polls `condition` until it holds (true) or `timeout` passed (false). The timeout only bounds a
/// test whose server is broken; a working one meets the condition long before.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// Connections waiting in the accept queue (the listen backlog) of the TCP socket listening on
/// `port` of this machine, as the kernel counts them (/proc/net/tcp and tcp6: for a listening
/// socket, rx_queue is that queue's length); nothing when no socket listens on `port`.
inline std::optional<std::size_t> listen_backlog(int port) {
  char port_suffix[8];
  std::snprintf(port_suffix, sizeof port_suffix, ":%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // column titles
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues;
      if (!(fields >> slot >> local >> remote >> state >> queues)) continue;
      const bool listening = state == "0A";
      if (!listening || local.size() < 5 || local.compare(local.size() - 5, 5, port_suffix) != 0) continue;
      return std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);  // "tx_queue:rx_queue"
    }
  }
  return std::nullopt;
}

}  // namespace antt::testing
