// The TCP-level actions of close patterns, done on the socket itself rather than through lws.
#include "engine/socket_actions.hpp"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

namespace wsl {

void send_fin(int fd) { ::shutdown(fd, SHUT_WR); }

void send_rst(int fd) {
  struct linger abort_on_close {1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  int stand_in = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (stand_in < 0) {
    // Out of descriptors: shutting down both directions still aborts with RST because of linger 0
    // once lws closes the fd; only the exact moment is lost.
    return;
  }
  ::dup2(stand_in, fd);  // atomically closes the original socket: RST goes out now
  ::close(stand_in);
}

}  // namespace wsl
