// Tests when a closed connection counts as reclaimed: no socket a process owns has its client port as peer.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <vector>

#include "monitor/reclaim_tracker.hpp"
#include "target/ports_in_use.hpp"

namespace wsl {
namespace {

constexpr int64_t kMs = 1'000'000;

SocketEntry server_socket(uint16_t client_port, uint8_t state, uint32_t inode, const char* peer = "127.0.0.1") {
  SocketEntry entry;
  entry.family = AF_INET;
  entry.state = state;
  entry.local_port = 9001;
  entry.remote_port = client_port;
  entry.remote_address.family = AF_INET;
  ::inet_pton(AF_INET, peer, entry.remote_address.bytes.data());
  entry.inode = inode;
  return entry;
}

ClientEnd client(uint16_t port, const char* address = "127.0.0.1") { return ClientEnd{*parse_ip_address(address), port}; }

std::vector<uint16_t> pending_ports(const ReclaimTracker& tracker) {
  std::vector<uint16_t> ports;
  for (const ClientEnd& pending : tracker.pending_clients()) ports.push_back(pending.port);
  return ports;
}

TEST(ReclaimTracker, ReclaimedAtTheFirstCheckWithoutAnOwnedSocket) {
  ReclaimTracker tracker;
  tracker.watch(client(40000), ClosePattern::clean, 100 * kMs);
  tracker.watch(client(40001), ClosePattern::rst, 100 * kMs);
  std::vector<SocketEntry> sockets = {server_socket(40000, TCP_LAST_ACK, 7), server_socket(40001, TCP_CLOSE_WAIT, 8)};
  tracker.check(sockets, 120 * kMs);
  EXPECT_FALSE(pending_ports(tracker).empty());
  EXPECT_EQ(tracker.reclaim_time(ClosePattern::clean).count(), 0u);

  sockets.erase(sockets.begin());  // 40000's socket is gone
  tracker.check(sockets, 140 * kMs);
  ASSERT_EQ(tracker.reclaim_time(ClosePattern::clean).count(), 1u);
  EXPECT_EQ(tracker.reclaim_time(ClosePattern::clean).max(), Duration(40 * kMs));
  EXPECT_EQ(tracker.reclaim_time(ClosePattern::rst).count(), 0u);
  EXPECT_FALSE(pending_ports(tracker).empty());
}

// TIME_WAIT (and an orphaned FIN_WAIT2) has no inode: the kernel's, not the server's, so the check may be
// given it or not; the same goes for sockets of ports nobody watches.
TEST(ReclaimTracker, SocketsWithoutAnInodeDoNotHoldAReclaim) {
  ReclaimTracker tracker;
  tracker.watch(client(40000), ClosePattern::clean, 0);
  tracker.watch(client(40001), ClosePattern::clean, 0);
  const std::vector<SocketEntry> sockets = {server_socket(40000, TCP_TIME_WAIT, 0),
                                            server_socket(40001, TCP_FIN_WAIT2, 0),
                                            server_socket(50000, TCP_ESTABLISHED, 9)};
  tracker.check(sockets, 5 * kMs);
  EXPECT_TRUE(pending_ports(tracker).empty());
  EXPECT_EQ(tracker.reclaim_time(ClosePattern::clean).count(), 2u);
}

// The port is the key: an owned socket of another peer address with the same client port still holds it.
TEST(ReclaimTracker, AnyOwnedSocketWithTheClientPortHoldsIt) {
  ReclaimTracker tracker;
  tracker.watch(client(40000), ClosePattern::fin, 0);
  const std::vector<SocketEntry> sockets = {server_socket(40000, TCP_TIME_WAIT, 0),
                                            server_socket(40000, TCP_ESTABLISHED, 3, "127.0.0.2")};
  tracker.check(sockets, kMs);
  EXPECT_FALSE(pending_ports(tracker).empty());
}

TEST(ReclaimTracker, FinishCountsWhatTheServerStillHoldsByItsFirstOwnedSocket) {
  ReclaimTracker tracker;
  tracker.watch(client(40000), ClosePattern::fin, 0);
  tracker.watch(client(40001), ClosePattern::fin, 0);
  tracker.watch(client(40002), ClosePattern::fin, 0);
  tracker.watch(client(40003), ClosePattern::rst, 0);
  const std::vector<SocketEntry> sockets = {
      server_socket(40000, TCP_TIME_WAIT, 0),  server_socket(40000, TCP_CLOSE_WAIT, 4, "127.0.0.2"),
      server_socket(40000, TCP_ESTABLISHED, 5), server_socket(40001, TCP_CLOSE_WAIT, 6),
      server_socket(40002, TCP_FIN_WAIT1, 7)};
  ReclaimResults results = tracker.finish(sockets, 3000 * kMs);
  EXPECT_EQ(results.stuck_by_state, (std::map<std::string, uint64_t>{{"close_wait", 2}, {"fin_wait1", 1}}));
  EXPECT_EQ(results.reclaim_time[int(ClosePattern::rst)].count(), 1u);
  EXPECT_EQ(results.reclaim_time[int(ClosePattern::fin)].count(), 0u);
  EXPECT_TRUE(pending_ports(tracker).empty());
}

// Lookups decide only the ports they asked about; a socket found without an inode (TIME_WAIT, or orphaned
// after the server closed it) or the port's listener (the kernel's answer when no connection matches) does not
// hold a reclaim.
TEST(ReclaimTracker, LookupsDecideOnlyThePortsTheyAskedFor) {
  ReclaimTracker tracker;
  tracker.watch(client(40000), ClosePattern::clean, 0);
  tracker.watch(client(40001), ClosePattern::clean, 0);
  tracker.watch(client(40002), ClosePattern::clean, 0);
  tracker.watch(client(40003), ClosePattern::clean, 0);
  const std::vector<SocketEntry> asked = {server_socket(40000, TCP_ESTABLISHED, 0),
                                          server_socket(40001, TCP_ESTABLISHED, 0),
                                          server_socket(40002, TCP_ESTABLISHED, 0)};
  const std::vector<SocketEntry> found = {server_socket(40000, TCP_CLOSE_WAIT, 5),
                                          server_socket(40001, TCP_FIN_WAIT1, 0), server_socket(0, TCP_LISTEN, 2)};
  tracker.check_looked_up(asked, found, 10 * kMs);
  EXPECT_EQ(tracker.reclaim_time(ClosePattern::clean).count(), 2u);  // 40001 orphaned, 40002 gone
  std::vector<uint16_t> pending = pending_ports(tracker);
  std::sort(pending.begin(), pending.end());
  EXPECT_EQ(pending, (std::vector<uint16_t>{40000, 40003}));
}

// A check looks a pending connection up by our whole end of it, so the address comes back with the port.
TEST(ReclaimTracker, PendingClientsKeepTheirAddress) {
  ReclaimTracker tracker;
  tracker.watch(client(40000, "127.0.0.7"), ClosePattern::clean, 0);
  const std::vector<ClientEnd> pending = tracker.pending_clients();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].port, 40000);
  EXPECT_EQ(pending[0].address, *parse_ip_address("127.0.0.7"));
}

TEST(ReclaimTracker, ClientPortZeroIsNeverWatched) {
  ReclaimTracker tracker;
  tracker.watch(client(0), ClosePattern::clean, 0);
  EXPECT_TRUE(pending_ports(tracker).empty());
}

}  // namespace
}  // namespace wsl
