// The fd swap behind a socket takeover: keep a duplicate of the real socket, dup a stand-in over it.
#include "server/socket_takeover.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsl {

int take_socket_from_lws(struct lws* wsi) {
  int fd = lws_get_socket_fd(wsi);
  if (fd < 0) return -1;
  int real = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (real < 0) return -1;
  // lws 4.1's default loop polls by fd number, so swapping what that number refers to is enough;
  // the real socket stays alive through `real` and sees neither lws's Close frame nor its FIN.
  int standin = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (standin < 0 || dup3(standin, fd, O_CLOEXEC) < 0) {
    if (standin >= 0) close(standin);
    close(real);
    return -1;
  }
  close(standin);
  return real;
}

}  // namespace wsl
