// Context-wide state of one running echo server, shared by all its connections on its one thread.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "server/fault_mode.hpp"
#include "server/held_closes.hpp"
#include "server/server_counters.hpp"

namespace wsl {

// Owned by run_echo_server(), reached from lws callbacks through lws_context_user().
struct EchoServerState {
  explicit EchoServerState(const FaultModes& fault_modes)
      : faults(fault_modes), held_closes(fault_modes.slow_close) {}

  ServerCounters counters;
  FaultModes faults;
  // The name of our single lws protocol entry; rewritten to the client's first offered
  // subprotocol before lws matches it, so any subprotocol is accepted (see subprotocol_choice.hpp).
  std::array<char, 64> protocol_name{};
  // Set when a connection's memory was freed, so the server hands free heap back to the OS soon.
  bool memory_to_return = false;
  // What leak-on-abort deliberately keeps: duplicated sockets and untouched-by-free memory.
  std::vector<int> leaked_fds;
  std::vector<std::unique_ptr<char[]>> leaked_memory;
  // no-close-reply and slow-close: connections taken from lws after the peer's Close.
  HeldCloses held_closes;
};

}  // namespace wsl
