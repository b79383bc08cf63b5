// Tests which server sockets a reclaim check looks up instead of dumping the port, as learned from a dump.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <vector>

#include "monitor/reclaim_lookups.hpp"

namespace wsl {
namespace {

IpAddress ipv4(const char* text) {
  IpAddress address;
  address.family = AF_INET;
  ::inet_pton(AF_INET, text, address.bytes.data());
  return address;
}

SocketEntry server_socket(const char* client, uint16_t client_port, uint32_t inode = 7,
                          uint8_t state = TCP_ESTABLISHED) {
  SocketEntry entry;
  entry.family = AF_INET;
  entry.state = state;
  entry.local_address = ipv4("127.0.0.1");
  entry.local_port = 9001;
  entry.remote_address = ipv4(client);
  entry.remote_port = client_port;
  entry.inode = inode;
  return entry;
}

TEST(ReclaimLookups, NothingIsKnownBeforeADump) {
  ReclaimLookups lookups;
  std::vector<SocketEntry> out;
  const std::vector<uint16_t> pending = {40000};
  EXPECT_FALSE(lookups.plan(pending, out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(lookups.plan({}, out));
}

TEST(ReclaimLookups, LooksUpKnownPortsAndLeavesNewerOnesToADump) {
  ReclaimLookups lookups;
  const std::vector<SocketEntry> dump = {server_socket("127.0.0.2", 40000), server_socket("127.0.0.2", 40001)};
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<uint16_t> known = {40001, 40000};
  EXPECT_TRUE(lookups.plan(known, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].remote_port, 40001);
  EXPECT_EQ(out[0].remote_address, ipv4("127.0.0.2"));
  EXPECT_EQ(out[0].local_port, 9001);
  EXPECT_EQ(out[1].remote_port, 40000);

  out.clear();
  const std::vector<uint16_t> with_newer = {40000, 50000};
  EXPECT_FALSE(lookups.plan(with_newer, out));
  ASSERT_EQ(out.size(), 1u);  // the known one can still be decided now
  EXPECT_EQ(out[0].remote_port, 40000);
}

// Every address pair the dump showed is asked for each known port: a port a newer connection took again
// from another client address is found as a dump would find it.
TEST(ReclaimLookups, AsksForEachPortUnderEveryAddressPairSeen) {
  ReclaimLookups lookups;
  const std::vector<SocketEntry> dump = {server_socket("127.0.0.2", 40000), server_socket("127.0.0.3", 40001),
                                         server_socket("127.0.0.2", 40002)};
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<uint16_t> pending = {40001};
  EXPECT_TRUE(lookups.plan(pending, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].remote_address, ipv4("127.0.0.2"));
  EXPECT_EQ(out[1].remote_address, ipv4("127.0.0.3"));
  for (const SocketEntry& socket : out) EXPECT_EQ(socket.remote_port, 40001);
}

TEST(ReclaimLookups, OnlyOwnedSocketsTeachAndEachDumpReplacesTheLast) {
  ReclaimLookups lookups;
  const std::vector<SocketEntry> first = {server_socket("127.0.0.2", 40000, 0, TCP_TIME_WAIT),
                                          server_socket("127.0.0.2", 40001)};
  lookups.learn(first);
  std::vector<SocketEntry> out;
  const std::vector<uint16_t> time_wait_port = {40000};
  EXPECT_FALSE(lookups.plan(time_wait_port, out));

  lookups.learn(std::vector<SocketEntry>{server_socket("127.0.0.2", 40002)});
  const std::vector<uint16_t> forgotten = {40001};
  EXPECT_FALSE(lookups.plan(forgotten, out));
  EXPECT_TRUE(out.empty());
}

TEST(ReclaimLookups, TooManyAddressPairsMeanDumpsOnly) {
  ReclaimLookups lookups;
  std::vector<SocketEntry> dump;
  for (size_t i = 0; i <= ReclaimLookups::kMaxAddressPairs; ++i)
    dump.push_back(server_socket(("127.0.1." + std::to_string(i + 1)).c_str(), static_cast<uint16_t>(40000 + i)));
  lookups.learn(dump);
  std::vector<SocketEntry> out;
  const std::vector<uint16_t> pending = {40000};
  EXPECT_FALSE(lookups.plan(pending, out));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace wsl
