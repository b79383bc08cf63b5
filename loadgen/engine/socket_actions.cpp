// The TCP-level actions and observations of close patterns, done on the socket itself.
#include "engine/socket_actions.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsl {

void send_fin(int fd) { ::shutdown(fd, SHUT_WR); }

void send_rst(int fd) {
  struct linger abort_on_close {1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  ::close(fd);
}

void disable_nagle(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

size_t unacknowledged_bytes(int fd) {
  int queued = 0;
  if (::ioctl(fd, SIOCOUTQ, &queued) != 0 || queued < 0) return 0;
  return size_t(queued);
}

PeerEnd peer_end(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return PeerEnd::reset;
  switch (info.tcpi_state) {
    case TCP_CLOSE_WAIT:
    case TCP_LAST_ACK:
    case TCP_TIME_WAIT:
    case TCP_CLOSING:
      return PeerEnd::fin;
    case TCP_CLOSE:
      return PeerEnd::reset;
    default:
      return PeerEnd::none;
  }
}

}  // namespace wsl

namespace wsl {

ClientEnd local_end_of(int fd) {
  ClientEnd end;
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return end;
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    end.address = make_ip_address(AF_INET, &v4.sin_addr);
    end.port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    end.address = make_ip_address(AF_INET6, &v6.sin6_addr);
    end.port = ntohs(v6.sin6_port);
  }
  return end;
}

}  // namespace wsl
