// Tests how the monitor remembers its own connections to the server (scrapes) for the census to leave out.
#include <gtest/gtest.h>

#include <netinet/tcp.h>

#include "monitor/own_connections.hpp"
#include "server_socket_test_support.hpp"

namespace wsl {
namespace {

using test::ipv4;

// The server's socket for a connection from `client`:`client_port`, as a census finds it.
SocketEntry server_socket(const char* client, uint16_t client_port, uint8_t state = TCP_CLOSE_WAIT) {
  return test::server_socket(client, client_port, 7, state);
}

TEST(OwnConnections, ClaimsTheServersSocketForOurEndOnly) {
  OwnConnections own;
  own.opened({ipv4("127.0.0.1"), 40000});
  EXPECT_TRUE(own.is_ours(server_socket("127.0.0.1", 40000)));
  EXPECT_FALSE(own.is_ours(server_socket("127.0.0.1", 40001)));  // a load connection
  EXPECT_FALSE(own.is_ours(server_socket("127.0.0.2", 40000)));  // the same port from another address
}

TEST(OwnConnections, KeepsAnEndWhileTheCensusFindsItAndForgetsItAfter) {
  OwnConnections own;
  own.opened({ipv4("127.0.0.1"), 40000});
  own.opened({ipv4("127.0.0.1"), 40002});
  // First census: both still have a server socket (CLOSE_WAIT, TIME_WAIT).
  EXPECT_TRUE(own.is_ours(server_socket("127.0.0.1", 40000)));
  EXPECT_TRUE(own.is_ours(server_socket("127.0.0.1", 40002, TCP_TIME_WAIT)));
  own.census_done();
  EXPECT_EQ(own.remembered(), 2u);
  // Second census: the first is gone from the server.
  EXPECT_TRUE(own.is_ours(server_socket("127.0.0.1", 40002, TCP_TIME_WAIT)));
  own.census_done();
  EXPECT_EQ(own.remembered(), 1u);
  // From then on its port is anyone's: a load connection that gets it is counted.
  EXPECT_FALSE(own.is_ours(server_socket("127.0.0.1", 40000, TCP_ESTABLISHED)));
}

TEST(OwnConnections, AScrapeTheCensusNeverSawIsForgottenAtOnce) {
  // A scrape of another port or host: no server socket on the port under test ever names it.
  OwnConnections own;
  own.opened({ipv4("127.0.0.1"), 40000});
  own.census_done();
  EXPECT_EQ(own.remembered(), 0u);
}

TEST(OwnConnections, AReusedPortIsRememberedOnce) {
  OwnConnections own;
  own.opened({ipv4("127.0.0.1"), 40000});
  own.opened({ipv4("127.0.0.1"), 40000});
  own.opened({ipv4("127.0.0.3"), 40000});
  EXPECT_EQ(own.remembered(), 2u);
  own.opened({ipv4("127.0.0.1"), 0});  // no end known: nothing to remember
  EXPECT_EQ(own.remembered(), 2u);
}

}  // namespace
}  // namespace wsl
