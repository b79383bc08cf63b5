// Tests of the pre-run limit checks: fds from the socket demand, local ports per source address, and the messages.
#include <gtest/gtest.h>

#include "cli/run_limits.hpp"

namespace wsl {
namespace {

SocketDemand demand_of(uint64_t open, uint64_t sockets, std::vector<uint64_t> ports, std::vector<uint64_t> time_wait) {
  SocketDemand d;
  d.peak_open = open;
  d.peak_sockets = sockets;
  d.peak_ports = std::move(ports);
  d.time_wait_at_peak = std::move(time_wait);
  return d;
}

KernelPortSettings narrow_range(uint32_t first, uint32_t last) {
  KernelPortSettings kernel;
  kernel.range = {first, last};
  return kernel;
}

TEST(FdLimit, NeedsOneFdPerSocketPlusTheGeneratorsOwn) {
  const SocketDemand d = demand_of(1000, 1200, {1200}, {0});
  EXPECT_EQ(fds_needed(d), 1200 + kSpareFds);
  EXPECT_EQ(fd_limit_problem(d, 1200 + kSpareFds), "");
  const std::string problem = fd_limit_problem(d, 1024);
  EXPECT_NE(problem.find("1200 sockets at once (up to 1000 open connections, the rest still closing)"),
            std::string::npos) << problem;
  EXPECT_NE(problem.find("open-file limit is 1024"), std::string::npos) << problem;
  EXPECT_NE(problem.find("ulimit -n 1264"), std::string::npos) << problem;
  EXPECT_NE(problem.find("--shard I/N"), std::string::npos) << problem;
}

TEST(TimeWaitReuse, OnlyForConnectPickedPortsWhereTheKernelAllowsIt) {
  KernelPortSettings kernel;
  kernel.tw_reuse = 2;  // Linux's default: loopback only
  EXPECT_TRUE(kernel_reuses_time_wait(kernel, false, true));
  EXPECT_FALSE(kernel_reuses_time_wait(kernel, false, false));
  EXPECT_FALSE(kernel_reuses_time_wait(kernel, true, true));  // bind() picks the port: TIME_WAIT blocks it
  kernel.tw_reuse = 1;
  EXPECT_TRUE(kernel_reuses_time_wait(kernel, false, false));
  kernel.tw_reuse = 0;
  EXPECT_FALSE(kernel_reuses_time_wait(kernel, false, true));
}

TEST(LocalPorts, FitWhenEveryAddressHasItsShare) {
  LocalPortCheck check;
  check.kernel = narrow_range(40000, 40999);  // 1000 ports
  check.demand = demand_of(2000, 2000, {1000, 1000}, {0, 0});
  check.source_addresses = {"127.0.0.2", "127.0.0.3"};
  EXPECT_EQ(local_port_problem(check), "");
}

TEST(LocalPorts, RefuseNamingTheNumbersAndTheFixes) {
  LocalPortCheck check;
  check.kernel = narrow_range(40000, 40999);
  check.demand = demand_of(1500, 1500, {2100}, {600});
  const std::string problem = local_port_problem(check);
  for (const char* part : {"2100 local ports at once on its one source address",
                           "1500 connections open or closing + 600 ports in TIME_WAIT", "only 1000 are free",
                           "net.ipv4.ip_local_port_range 40000-40999: 1000 ports",
                           "at least 3 local addresses in all in target.source_addresses", "--shard I/N",
                           "sysctl -w net.ipv4.ip_local_port_range"})
    EXPECT_NE(problem.find(part), std::string::npos) << part << "\n" << problem;
}

TEST(LocalPorts, ReservedAndTakenPortsAreNotFree) {
  LocalPortCheck check;
  check.kernel = narrow_range(40000, 40999);
  check.kernel.reserved_in_range = 100;
  check.demand = demand_of(800, 800, {800, 800}, {0, 0});
  check.source_addresses = {"127.0.0.2", "127.0.0.3"};
  check.taken_now = {0, 150};  // 900 - 150 = 750 free on 127.0.0.3
  const std::string problem = local_port_problem(check);
  EXPECT_NE(problem.find("on source address 127.0.0.3"), std::string::npos) << problem;
  EXPECT_NE(problem.find("only 750 are free"), std::string::npos) << problem;
  EXPECT_NE(problem.find("100 of them in net.ipv4.ip_local_reserved_ports"), std::string::npos) << problem;
  EXPECT_NE(problem.find("150 taken by other sockets right now"), std::string::npos) << problem;
  check.taken_now = {0, 100};
  EXPECT_EQ(local_port_problem(check), "");
}

TEST(LocalPorts, SayWhenAShardCannotReachEveryAddress) {
  LocalPortCheck check;
  check.kernel = narrow_range(40000, 40999);
  check.demand = demand_of(1500, 1500, {1500, 0}, {0, 0});  // --shard 0/2 with two addresses
  check.source_addresses = {"127.0.0.2", "127.0.0.3"};
  const std::string problem = local_port_problem(check);
  EXPECT_NE(problem.find("reach only 1 of the 2 listed"), std::string::npos) << problem;
}

TEST(LocalPorts, AnIncompleteWalkSaysHowFarItWent) {
  LocalPortCheck check;
  check.kernel = narrow_range(40000, 40099);
  check.demand = demand_of(200, 200, {200}, {0});
  check.demand.complete = false;
  check.demand.walked = std::chrono::minutes(90);
  EXPECT_NE(local_port_problem(check).find("estimated over the first 1h30m of the run"), std::string::npos)
      << local_port_problem(check);
}

}  // namespace
}  // namespace wsl
