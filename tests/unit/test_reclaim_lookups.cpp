// Tests which server sockets a reclaim check looks up instead of dumping the port, as learned from dumps.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <string>
#include <vector>

#include "monitor/reclaim_lookups.hpp"
#include "server_socket_test_support.hpp"

namespace wsl {
namespace {

using test::client;
using test::ipv4;
using test::server_socket;

TEST(ReclaimLookups, NothingIsKnownBeforeADump) {
  ReclaimLookups lookups;
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.2", 40000)};
  EXPECT_FALSE(lookups.plan(pending, out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(lookups.plan({}, out));
}

// Once a dump has shown one connection from a client address, every connection from it is looked up, however
// much newer than the dump: the churn of new connections needs no more dumps.
TEST(ReclaimLookups, AnyPortOfAKnownClientAddressIsLookedUp) {
  ReclaimLookups lookups;
  const std::vector<SocketEntry> dump = {server_socket("127.0.0.2", 40000), server_socket("127.0.0.2", 40001)};
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.2", 40001), client("127.0.0.2", 51234)};
  EXPECT_TRUE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 2u);  // the two dumped sockets are one address pair
  EXPECT_EQ(out[0].remote_port, 40001);
  EXPECT_EQ(out[0].remote_address, ipv4("127.0.0.2"));
  EXPECT_EQ(out[0].local_address, ipv4("127.0.0.1"));
  EXPECT_EQ(out[0].local_port, 9001);
  EXPECT_EQ(out[1].remote_port, 51234);
}

// A client address no dump has shown is left to a dump (the server may name it in a way not seen yet); the
// others are still decided now.
TEST(ReclaimLookups, AnUnseenClientAddressNeedsADump) {
  ReclaimLookups lookups;
  lookups.learn(std::vector<SocketEntry>{server_socket("127.0.0.2", 40000)});
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.2", 40000), client("127.0.0.3", 40001)};
  EXPECT_FALSE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].remote_address, ipv4("127.0.0.2"));
  EXPECT_EQ(out[0].remote_port, 40000);
}

// Each client is asked for only under the pairs of its own address, so a port that a connection from another
// address holds does not hold this one's reclaim.
TEST(ReclaimLookups, AsksOnlyUnderThePairsOfTheClientsAddress) {
  ReclaimLookups lookups;
  const std::vector<SocketEntry> dump = {server_socket("127.0.0.2", 40000), server_socket("127.0.0.3", 40001)};
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.3", 40000)};
  EXPECT_TRUE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].remote_address, ipv4("127.0.0.3"));
  EXPECT_EQ(out[0].remote_port, 40000);
}

// A dual-stack server names an IPv4 client from an IPv6 socket: the lookup must ask in the server's family.
TEST(ReclaimLookups, AsksInTheFamilyTheServerUses) {
  ReclaimLookups lookups;
  SocketEntry dual_stack = server_socket("127.0.0.2", 40000);
  dual_stack.family = AF_INET6;
  lookups.learn(std::vector<SocketEntry>{dual_stack});
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.2", 45000)};
  EXPECT_TRUE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].family, AF_INET6);
  EXPECT_EQ(out[0].remote_port, 45000);
}

// Sockets without an inode (TIME_WAIT, request sockets) are the kernel's and teach nothing; a pair once learned
// stays known when a later dump no longer shows it.
TEST(ReclaimLookups, OnlyOwnedSocketsTeachAndPairsAreKept) {
  ReclaimLookups lookups;
  lookups.learn(std::vector<SocketEntry>{server_socket("127.0.0.2", 40000, 0, TCP_TIME_WAIT)});
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> pending = {client("127.0.0.2", 40000)};
  EXPECT_FALSE(lookups.plan(pending, out));

  lookups.learn(std::vector<SocketEntry>{server_socket("127.0.0.2", 40001)});
  lookups.learn(std::vector<SocketEntry>{server_socket("127.0.0.9", 40002)});
  out.clear();
  EXPECT_TRUE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].remote_port, 40000);
}

TEST(ReclaimLookups, PairsBeyondTheBoundAreNotLearned) {
  ReclaimLookups lookups;
  std::vector<SocketEntry> dump;
  for (size_t i = 0; i <= ReclaimLookups::kMaxAddressPairs; ++i)
    dump.push_back(server_socket(("127.0." + std::to_string(i / 250 + 1) + "." + std::to_string(i % 250 + 1)).c_str(),
                                 static_cast<uint16_t>(40000 + i)));
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<ClientEnd> first = {client("127.0.1.1", 50000)};
  EXPECT_TRUE(lookups.plan(first, out));
  const std::string last_address = "127.0." + std::to_string(ReclaimLookups::kMaxAddressPairs / 250 + 1) + "." +
                                   std::to_string(ReclaimLookups::kMaxAddressPairs % 250 + 1);
  const std::vector<ClientEnd> beyond = {client(last_address.c_str(), 50000)};
  EXPECT_FALSE(lookups.plan(beyond, out));
}

}  // namespace
}  // namespace wsl
