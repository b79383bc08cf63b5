// A numeric IPv4/IPv6 address and port as the sockaddr the socket calls take.
#include "target/socket_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace wsl {

std::optional<SocketAddress> make_socket_address(const std::string& numeric_address, uint16_t port) {
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (::inet_pton(AF_INET, numeric_address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, numeric_address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof *v6;
  } else {
    return std::nullopt;
  }
  return address;
}

}  // namespace wsl
