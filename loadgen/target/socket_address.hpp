// A numeric IPv4/IPv6 address and port as the sockaddr the socket calls take.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>

namespace wsl {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// nullopt when `numeric_address` is not a numeric IPv4 or IPv6 address (names are resolved elsewhere).
std::optional<SocketAddress> make_socket_address(const std::string& numeric_address, uint16_t port);

}  // namespace wsl
