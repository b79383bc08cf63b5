// Our end of one connection (address and port), as the server's socket for it names its peer.
#pragma once

#include <cstdint>

#include "monitor/inet_diag_parser.hpp"

namespace wsl {

struct ClientEnd {
  IpAddress address;  // IPv4-mapped addresses stored as IPv4, as the sock_diag parser stores them
  uint16_t port = 0;  // 0 when unknown
};

}  // namespace wsl
