// The reason label of a failed TCP connect, from the errno it failed with.
#include "engine/connect_error_reason.hpp"

#include <cerrno>

namespace wsl {

std::string_view connect_error_reason(int error_number) {
  switch (error_number) {
    case ECONNREFUSED:
      return "connection_refused";
    case ETIMEDOUT:
      return "connect_timeout";
    case ENETUNREACH:
    case EHOSTUNREACH:
      return "unreachable";
    case EADDRNOTAVAIL:  // the ephemeral ports of the source address are used up
    case EADDRINUSE:
      return "no_local_port";
    case EMFILE:
    case ENFILE:
      return "no_file_descriptor";
    default:
      return "connect_failed";
  }
}

}  // namespace wsl
