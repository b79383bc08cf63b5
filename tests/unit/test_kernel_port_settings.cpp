// Tests of the local-port sysctl parsers and of counting the ports other sockets already hold.
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "target/kernel_port_settings.hpp"
#include "target/ports_in_use.hpp"

namespace wsl {
namespace {

TEST(KernelPortSettings, ParsesTheRange) {
  const auto range = parse_local_port_range("32768\t60999\n");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, 32768u);
  EXPECT_EQ(range->last, 60999u);
  EXPECT_EQ(range->size(), 28232u);
  EXPECT_FALSE(parse_local_port_range("60999 32768"));
  EXPECT_FALSE(parse_local_port_range("32768"));
  EXPECT_FALSE(parse_local_port_range("1024 70000"));
}

TEST(KernelPortSettings, CountsOnlyReservedPortsInsideTheRange) {
  const LocalPortRange range{40000, 40999};
  EXPECT_EQ(count_reserved_ports("\n", range), 0u);
  EXPECT_EQ(count_reserved_ports("8080,40000-40009,40500,41000-42000\n", range), 11u);
  EXPECT_EQ(count_reserved_ports("39990-40004", range), 5u);
  EXPECT_FALSE(count_reserved_ports("40010-40000", range));
  EXPECT_FALSE(count_reserved_ports("abc", range));
  KernelPortSettings kernel;
  kernel.range = range;
  kernel.reserved_in_range = 11;
  EXPECT_EQ(kernel.ports_per_address(), 989u);
}

SocketEntry socket_entry(const char* local, uint16_t local_port, const char* remote, uint16_t remote_port,
                         uint8_t state) {
  SocketEntry e;
  e.family = AF_INET;
  e.state = state;
  e.local_address = *parse_ip_address(local);
  e.local_port = local_port;
  e.remote_address = *parse_ip_address(remote);
  e.remote_port = remote_port;
  return e;
}

TEST(PortsInUse, ABoundSourceAddressLosesEveryPortItsSocketsHold) {
  const std::vector<SocketEntry> sockets = {
      socket_entry("127.0.0.2", 40001, "127.0.0.1", 9001, TCP_TIME_WAIT),
      socket_entry("127.0.0.2", 40002, "127.0.0.1", 7777, TCP_ESTABLISHED),  // another destination: still taken
      socket_entry("127.0.0.3", 40003, "127.0.0.1", 9001, TCP_ESTABLISHED),  // another address
      socket_entry("0.0.0.0", 40004, "0.0.0.0", 0, TCP_LISTEN),             // the wildcard takes it everywhere
      socket_entry("127.0.0.2", 30000, "127.0.0.1", 9001, TCP_ESTABLISHED),  // outside the range
  };
  PortPick pick;
  pick.source = parse_ip_address("127.0.0.2");
  pick.range = {40000, 40999};
  EXPECT_EQ(count_ports_taken(sockets, pick), 3u);
}

TEST(PortsInUse, ConnectPickedPortsAreTakenOnlyByTheSameDestination) {
  const std::vector<SocketEntry> sockets = {
      socket_entry("127.0.0.1", 40001, "127.0.0.1", 9001, TCP_TIME_WAIT),
      socket_entry("127.0.0.1", 40002, "127.0.0.1", 9001, TCP_ESTABLISHED),
      socket_entry("127.0.0.1", 40003, "127.0.0.1", 7777, TCP_ESTABLISHED),
      socket_entry("127.0.0.1", 40004, "0.0.0.0", 0, TCP_LISTEN),
  };
  PortPick pick;
  pick.target = *parse_ip_address("127.0.0.1");
  pick.target_port = 9001;
  pick.range = {40000, 40999};
  EXPECT_EQ(count_ports_taken(sockets, pick), 3u);
  pick.time_wait_reusable = true;
  EXPECT_EQ(count_ports_taken(sockets, pick), 2u);
}

TEST(PortsInUse, ParsesNumericAddressesOnly) {
  EXPECT_EQ(parse_ip_address("127.0.0.2")->family, AF_INET);
  EXPECT_EQ(parse_ip_address("::1")->family, AF_INET6);
  EXPECT_FALSE(parse_ip_address("localhost"));
}

}  // namespace
}  // namespace wsl
