// Which server sockets a reclaim check can look up one by one instead of dumping the port: learned from a full dump.
#pragma once

#include <bitset>
#include <cstdint>
#include <span>
#include <vector>

#include "monitor/inet_diag_parser.hpp"

namespace wsl {

// A dump walks every TCP socket of the host, TIME_WAIT included (milliseconds once a churn has left tens of
// thousands); a lookup by addresses and ports is a hash probe (microseconds). A connection's server socket can
// be looked up once a full dump has shown its client port with an owned socket: it is then asked for under
// every address pair (server address, client address, interface) that dump showed, so a port taken again by a
// newer connection is still found, as a dump would find it.
class ReclaimLookups {
 public:
  // Remembers a full dump's owned sockets (instead of the previous dump's): their client ports and address pairs.
  void learn(std::span<const SocketEntry> owned);
  // Appends to `out` the sockets to ask for: one per known client port of `client_ports` and address pair.
  // False when some port was not in the last dump (its connection came later), which only a dump can decide.
  bool plan(std::span<const uint16_t> client_ports, std::vector<SocketEntry>& out) const;

  // More pairs than this (many client or server addresses) and lookups stop paying: every check dumps.
  static constexpr size_t kMaxAddressPairs = 8;

 private:
  std::bitset<65536> known_ports_;  // client ports that had an owned socket in the last dump
  std::vector<SocketEntry> pairs_;  // one socket per address pair seen, its client port to be replaced
};

}  // namespace wsl
