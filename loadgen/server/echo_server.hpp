// The embedded reference WebSocket echo server: the default target of every wsloadgen profile.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "server/server_counters.hpp"

namespace wsl {

struct ServeOptions {
  std::string host = "127.0.0.1";   // loopback by default
  int port = 0;                     // 0: pick a free port
  std::vector<std::string> faults;  // names from `--fault` (see fault_mode.hpp)
  // A peer that proves no liveness for this long is dropped; it is pinged at half of it.
  // lws counts whole seconds, so this is rounded down, with a floor of 2 s.
  std::chrono::seconds idle_timeout{40};
};

// Serves until *stop becomes true (checked at least every 50 ms; a signal handler may set it).
// Calls on_listening(actual_port) once the socket listens. Returns 0 after a normal stop, 2 with a
// message in *error for a bad or not yet implemented fault name, and 3 with a message when it
// cannot listen (port in use, etc.). *counters_out (may be null) receives what the server saw.
int run_echo_server(const ServeOptions& options, const std::atomic<bool>* stop,
                    const std::function<void(int port)>& on_listening, std::string* error,
                    ServerCounters* counters_out);

}  // namespace wsl
