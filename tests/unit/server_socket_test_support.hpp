// Server sockets as a sock_diag dump reports them, made up for the monitor's unit tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <cstdint>

#include "monitor/client_end.hpp"
#include "monitor/inet_diag_parser.hpp"

namespace wsl::test {

inline IpAddress ipv4(const char* text) {
  IpAddress address;
  address.family = AF_INET;
  ::inet_pton(AF_INET, text, address.bytes.data());
  return address;
}

// The server's socket (127.0.0.1:9001) for a connection from `client`:`client_port`.
inline SocketEntry server_socket(const char* client, uint16_t client_port, uint32_t inode = 7,
                                 uint8_t state = TCP_ESTABLISHED) {
  SocketEntry entry;
  entry.family = AF_INET;
  entry.state = state;
  entry.local_address = ipv4("127.0.0.1");
  entry.local_port = 9001;
  entry.remote_address = ipv4(client);
  entry.remote_port = client_port;
  entry.inode = inode;
  return entry;
}

inline ClientEnd client(const char* address, uint16_t port) { return ClientEnd{ipv4(address), port}; }

}  // namespace wsl::test
