// Opening the generator's TCP connections: numeric addresses, non-blocking connect from a chosen source.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace wsl {

// A numeric IPv4 or IPv6 address with a port, ready for bind() or connect().
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Parses "127.0.0.1", "::1" or "[::1]"; nullopt when it is not a numeric address (names were
// resolved before the run, so a worker never blocks on DNS).
std::optional<SocketAddress> parse_socket_address(const std::string& numeric, uint16_t port);

// Starts a non-blocking connect to `target`, bound to `source` (port 0) when given. Returns the
// socket, or -1 with `*error_number` set when the attempt failed at once (no fd, no local port, ...).
// The connect completes later: the socket becomes writeable, and connect_result() tells how it went.
int start_connect(const SocketAddress& target, const SocketAddress* source, int* error_number);

// After a connecting socket became writeable: 0 once connected, else the errno it failed with.
int connect_result(int fd);

}  // namespace wsl
