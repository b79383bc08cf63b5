// What the reference echo server saw, so tests can check the wire from the server's side.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace wsl {

// Filled only by the server's service thread; read after run_echo_server() returns.
struct ServerCounters {
  std::uint64_t handshakes = 0;                  // WebSocket upgrades completed
  std::uint64_t messages_received = 0;           // whole (reassembled) text and binary messages
  std::uint64_t bytes_received = 0;              // payload bytes of those messages
  std::map<int, std::uint64_t> close_codes;      // Close frames received, by code (1005: no code)
  std::uint64_t closed_without_close_frame = 0;  // connections that ended with no Close from the peer
  std::uint64_t open_connections = 0;            // established and not yet closed
  std::uint64_t peak_open_connections = 0;       // the most open at once
  std::uint64_t upgrades_refused = 0;            // max-connections: upgrades answered 503 at the limit
  std::uint64_t close_replies_withheld = 0;      // peer Closes never answered (no-close-reply)
  std::uint64_t close_replies_delayed = 0;       // peer Closes answered late (slow-close)
  std::uint64_t held_at_stop = 0;                // of those, peers still connected when the server stopped
};

// One JSON object on one line, the shape `wsloadgen serve` prints at shutdown:
// {"handshakes":N,"messages":N,"bytes":N,"close_codes":{"1000":N},"closed_without_close_frame":N,
//  "close_replies_withheld":N,"close_replies_delayed":N,"held_at_stop":N,"peak_open_connections":N,
//  "upgrades_refused":N}
std::string server_counters_json(const ServerCounters& counters);

}  // namespace wsl
