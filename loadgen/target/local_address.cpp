// Whether an address belongs to this host, i.e. whether the server under test can be watched from here.
#include "target/local_address.hpp"

#include <unistd.h>

#include "target/socket_address.hpp"

namespace wsl {

bool is_local_address(const std::string& numeric_address) {
  const auto address = make_socket_address(numeric_address, 0);  // port 0: any free port
  if (!address) return false;
  const int fd = ::socket(address->family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool local = ::bind(fd, address->get(), address->length) == 0;
  ::close(fd);
  return local;
}

}  // namespace wsl
