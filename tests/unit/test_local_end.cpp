// Tests that a socket reports its own end as the server's socket names its peer (real loopback sockets).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/socket_actions.hpp"
#include "target/ports_in_use.hpp"

namespace wsl {
namespace {

struct BoundEnd {
  ClientEnd reported;       // what local_end_of says
  uint16_t chosen_port = 0;  // the port the kernel chose, read from the sockaddr itself
};

// Binds a socket of `family` to `address_text` on a free port and asks it for its own end.
BoundEnd bind_and_ask(int family, const char* address_text) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto& v4 = reinterpret_cast<sockaddr_in&>(address);
    v4.sin_family = AF_INET;
    ::inet_pton(AF_INET, address_text, &v4.sin_addr);
    length = sizeof v4;
  } else {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
    v6.sin6_family = AF_INET6;
    ::inet_pton(AF_INET6, address_text, &v6.sin6_addr);
    length = sizeof v6;
  }
  const int fd = ::socket(family, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  BoundEnd bound;
  bound.reported = local_end_of(fd);
  socklen_t chosen_length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &chosen_length);
  bound.chosen_port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port)
                                        : ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port);
  ::close(fd);
  return bound;
}

TEST(LocalEnd, AnIpv4SocketGivesItsAddressAndPort) {
  const BoundEnd bound = bind_and_ask(AF_INET, "127.0.0.5");
  EXPECT_NE(bound.chosen_port, 0);
  EXPECT_EQ(bound.reported.port, bound.chosen_port);
  EXPECT_EQ(bound.reported.address, *parse_ip_address("127.0.0.5"));
}

// sock_diag's parser stores an IPv4-mapped address as IPv4; our end must compare equal to it.
TEST(LocalEnd, AnIpv4MappedAddressIsGivenAsIpv4) {
  const BoundEnd bound = bind_and_ask(AF_INET6, "::ffff:127.0.0.6");
  EXPECT_EQ(bound.reported.port, bound.chosen_port);
  EXPECT_EQ(bound.reported.address, *parse_ip_address("127.0.0.6"));
}

TEST(LocalEnd, AnIpv6SocketGivesItsAddress) {
  const BoundEnd bound = bind_and_ask(AF_INET6, "::1");
  EXPECT_EQ(bound.reported.port, bound.chosen_port);
  EXPECT_EQ(bound.reported.address, *parse_ip_address("::1"));
}

TEST(LocalEnd, AClosedDescriptorGivesPortZero) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ::close(fd);
  EXPECT_EQ(local_end_of(fd).port, 0);
}

}  // namespace
}  // namespace wsl
