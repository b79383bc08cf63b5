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

// Binds a socket of `family` to `address` on a free port; returns the fd and the port the kernel chose.
int bound_socket(int family, const sockaddr* address, socklen_t length, uint16_t* port) {
  const int fd = ::socket(family, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::bind(fd, address, length), 0);
  sockaddr_storage chosen{};
  socklen_t chosen_length = sizeof chosen;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&chosen), &chosen_length);
  *port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in&>(chosen).sin_port)
                            : ntohs(reinterpret_cast<sockaddr_in6&>(chosen).sin6_port);
  return fd;
}

TEST(LocalEnd, AnIpv4SocketGivesItsAddressAndPort) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.5", &address.sin_addr);
  uint16_t port = 0;
  const int fd = bound_socket(AF_INET, reinterpret_cast<sockaddr*>(&address), sizeof address, &port);
  const ClientEnd end = local_end_of(fd);
  ::close(fd);
  EXPECT_NE(port, 0);
  EXPECT_EQ(end.port, port);
  EXPECT_EQ(end.address, *parse_ip_address("127.0.0.5"));
}

// sock_diag's parser stores an IPv4-mapped address as IPv4; our end must compare equal to it.
TEST(LocalEnd, AnIpv4MappedAddressIsGivenAsIpv4) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  ::inet_pton(AF_INET6, "::ffff:127.0.0.6", &address.sin6_addr);
  uint16_t port = 0;
  const int fd = bound_socket(AF_INET6, reinterpret_cast<sockaddr*>(&address), sizeof address, &port);
  const ClientEnd end = local_end_of(fd);
  ::close(fd);
  EXPECT_EQ(end.port, port);
  EXPECT_EQ(end.address, *parse_ip_address("127.0.0.6"));
}

TEST(LocalEnd, AnIpv6SocketGivesItsAddress) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  uint16_t port = 0;
  const int fd = bound_socket(AF_INET6, reinterpret_cast<sockaddr*>(&address), sizeof address, &port);
  const ClientEnd end = local_end_of(fd);
  ::close(fd);
  EXPECT_EQ(end.port, port);
  EXPECT_EQ(end.address, *parse_ip_address("::1"));
}

TEST(LocalEnd, AClosedDescriptorGivesPortZero) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ::close(fd);
  EXPECT_EQ(local_end_of(fd).port, 0);
}

}  // namespace
}  // namespace wsl
