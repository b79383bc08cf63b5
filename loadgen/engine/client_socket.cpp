// Opening the generator's TCP connections: a non-blocking connect from a chosen source address.
#include "engine/client_socket.hpp"

#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>

namespace wsl {

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
