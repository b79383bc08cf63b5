// The monitor's own connections to the server under test (its /metrics scrapes), so that the census of the
// server's sockets can leave out the server's ends of them.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "monitor/client_end.hpp"
#include "monitor/inet_diag_parser.hpp"

namespace wsl {

// When /metrics is served on the port under test, every scrape is a connection to that port, and the server's
// socket for it outlives the scrape: in CLOSE_WAIT until the server gets round to closing it, in TIME_WAIT for a
// minute if the server closed first. Counted, it would be the monitor's own footprint judged as the server's
// (a stray CLOSE_WAIT in the sample after settle is a LEAK). An end is remembered while the census still finds
// a server socket for it, and forgotten by the first census that does not: from then on its port may be anyone's.
class OwnConnections {
 public:
  // The monitor connected to the server from `end` (our side of the connection).
  void opened(const ClientEnd& end);
  // Whether `server_socket`, found by a census, is the server's end of one of ours; notes it as still there.
  bool is_ours(const SocketEntry& server_socket);
  // A census has finished: ends it did not find are forgotten.
  void census_done();

  size_t remembered() const;

 private:
  struct Remembered {
    IpAddress address;
    bool seen = false;  // found by the census under way
  };
  std::unordered_map<uint16_t, std::vector<Remembered>> by_port_;  // a census asks once per socket
};

}  // namespace wsl
