// Resolves the target host once before the run, so no worker ever blocks on DNS.
#include "target/target_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

namespace wsl {

std::optional<std::string> resolve_target_address(const TargetUrl& url, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(url.host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || !found) {
    *error = "cannot resolve target host '" + url.host + "': " + ::gai_strerror(rc);
    return std::nullopt;
  }
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = found->ai_family == AF_INET6
                        ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(found->ai_addr)->sin6_addr)
                        : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr);
  ::inet_ntop(found->ai_family, raw, text, sizeof text);
  ::freeaddrinfo(found);
  return std::string(text);
}

}  // namespace wsl
