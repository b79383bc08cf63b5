// Opening the generator's TCP connections: numeric addresses, non-blocking connect from a chosen source.
#include "engine/client_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>

namespace wsl {

std::optional<SocketAddress> parse_socket_address(const std::string& numeric, uint16_t port) {
  std::string text = numeric;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

int start_connect(const SocketAddress& target, const SocketAddress* source, int* error_number) {
  const int fd = ::socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error_number = errno;
    return -1;
  }
  if (source) {
    // The local port is chosen at connect(), by the whole 4-tuple: without this, bind() would pick a
    // port unique for the source address alone and run out long before the ephemeral range does.
    int on = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    if (::bind(fd, source->get(), source->length) != 0) {
      *error_number = errno;
      ::close(fd);
      return -1;
    }
  }
  if (::connect(fd, target.get(), target.length) != 0 && errno != EINPROGRESS) {
    *error_number = errno;
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_result(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

}  // namespace wsl
