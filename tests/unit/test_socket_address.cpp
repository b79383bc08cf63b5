// Numeric addresses as the preflight and the workers connect to them and bind their source addresses.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "target/socket_address.hpp"

namespace wsl {
namespace {

TEST(SocketAddress, ParsesIpv4WithThePortInNetworkOrder) {
  auto address = make_socket_address("127.0.0.7", 9001);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->family(), AF_INET);
  EXPECT_EQ(address->length, sizeof(sockaddr_in));
  auto* v4 = reinterpret_cast<const sockaddr_in*>(address->get());
  EXPECT_EQ(ntohs(v4->sin_port), 9001);
  EXPECT_EQ(ntohl(v4->sin_addr.s_addr), 0x7F000007u);
}

TEST(SocketAddress, ParsesIpv6) {
  for (const char* text : {"::1", "0:0:0:0:0:0:0:1"}) {
    auto address = make_socket_address(text, 443);
    ASSERT_TRUE(address) << text;
    EXPECT_EQ(address->family(), AF_INET6) << text;
    EXPECT_EQ(address->length, sizeof(sockaddr_in6));
    auto* v6 = reinterpret_cast<const sockaddr_in6*>(address->get());
    EXPECT_EQ(ntohs(v6->sin6_port), 443);
    EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) << text;
  }
}

TEST(SocketAddress, RefusesNamesAndGarbage) {
  EXPECT_FALSE(make_socket_address("localhost", 80));
  EXPECT_FALSE(make_socket_address("127.0.0.256", 80));
  EXPECT_FALSE(make_socket_address("", 80));
  EXPECT_FALSE(make_socket_address("[127.0.0.1", 80));
}

}  // namespace
}  // namespace wsl
