// Which server sockets a reclaim check can look up one by one instead of dumping the port: learned from dumps.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "monitor/client_end.hpp"
#include "monitor/inet_diag_parser.hpp"

namespace wsl {

// A dump walks every TCP socket of the host, TIME_WAIT included (milliseconds once a churn has left tens of
// thousands); a lookup by addresses and ports is a hash probe (microseconds). The client knows its own end of a
// connection, but not how the server names the rest: its socket's family (a dual-stack server sees an IPv4 peer
// as IPv4-mapped IPv6), its local address, its interface. A dump teaches that once per client address (an
// "address pair"); from then on every connection from that address is looked up exactly, however new it is.
class ReclaimLookups {
 public:
  // Adds the address pairs of a dump's owned sockets to those already known (a pair stays true once seen).
  void learn(std::span<const SocketEntry> owned);
  // Appends to `out` the sockets to ask for: each of `clients` under every known pair with its address.
  // False when some client's address is in no known pair, which only a dump can decide.
  bool plan(std::span<const ClientEnd> clients, std::vector<SocketEntry>& out) const;

  // Pairs beyond this many are not learned (their clients go on being decided by dumps): a bound on the work
  // of a check, far above the handful of source and server addresses a run uses.
  static constexpr size_t kMaxAddressPairs = 256;

 private:
  std::vector<SocketEntry> pairs_;  // one socket per address pair seen, its client port to be replaced
};

}  // namespace wsl
