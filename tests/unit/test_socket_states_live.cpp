// Proves the sock_diag query and the listening-port owner lookup on the real kernel, over loopback.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <vector>

#include "monitor/listening_owner.hpp"
#include "monitor/sock_diag_query.hpp"

namespace wsl {
namespace {

// Owns the fds the test opens so each test gives them back however it ends.
struct OwnedFds {
  std::vector<int> fds;
  int add(int fd) {
    if (fd >= 0) fds.push_back(fd);
    return fd;
  }
  void close_one(int fd) {
    std::erase(fds, fd);
    ::close(fd);
  }
  ~OwnedFds() {
    for (int fd : fds) ::close(fd);
  }
};

sockaddr_in loopback_any_port() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Re-samples until `done` holds or two seconds pass; the kernel moves sockets between states asynchronously.
bool eventually(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    ::poll(nullptr, 0, 1);
  }
  return done();
}

class LiveSockets : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = fds_.add(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_GE(listener_, 0);
    sockaddr_in address = loopback_any_port();
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener_, 16), 0);
    socklen_t size = sizeof address;
    ASSERT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
    for (int i = 0; i < 3; ++i) {
      int client = fds_.add(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
      clients_.push_back(client);
      servers_.push_back(fds_.add(::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC)));
      ASSERT_GE(servers_.back(), 0);
    }
    std::string error;
    auto query = SockDiagQuery::open(error);
    ASSERT_TRUE(query) << error;
    query_.emplace(std::move(*query));
  }

  std::optional<SocketTable> sample(PortFilter filter = PortFilter::kernel) {
    std::vector<SocketEntry> entries;
    std::string error;
    if (!query_->dump_local_port(port_, kAllTcpStates, entries, error, filter)) {
      ADD_FAILURE() << error;
      return std::nullopt;
    }
    return SocketTable(std::move(entries));
  }

  OwnedFds fds_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<int> clients_;
  std::vector<int> servers_;
  std::optional<SockDiagQuery> query_;
};

TEST_F(LiveSockets, CountsServerSideSocketsByStateAfterAPeerCloses) {
  sockaddr_in closed_peer{};
  socklen_t size = sizeof closed_peer;
  ASSERT_EQ(::getsockname(clients_[0], reinterpret_cast<sockaddr*>(&closed_peer), &size), 0);
  fds_.close_one(clients_[0]);  // its server-side socket, never closed, sits in CLOSE_WAIT

  SocketStateCounts expected;
  expected.listen = 1;
  expected.established = 2;
  expected.close_wait = 1;
  std::optional<SocketTable> table;
  EXPECT_TRUE(eventually([&] {
    table = sample();
    return table && table->counts() == expected;
  })) << "established=" << table->counts().established << " close_wait=" << table->counts().close_wait;

  // Only server-side sockets: the clients' own sockets have the port as their REMOTE port.
  for (const SocketEntry& entry : table->entries()) EXPECT_EQ(entry.local_port, port_);

  IpAddress peer_address;
  peer_address.family = AF_INET;
  std::memcpy(peer_address.bytes.data(), &closed_peer.sin_addr, 4);
  const SocketEntry* socket = table->find_remote(peer_address, ntohs(closed_peer.sin_port));
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(socket->state, TCP_CLOSE_WAIT);
  EXPECT_NE(socket->inode, 0u);

  // Filtering after the dump finds the same sockets as the kernel filter.
  auto user_space = sample(PortFilter::user_space);
  ASSERT_TRUE(user_space);
  EXPECT_EQ(user_space->counts(), table->counts());
}

TEST_F(LiveSockets, ServerSocketDisappearsFromTheTableOnceClosedBothWays) {
  sockaddr_in peer{};
  socklen_t size = sizeof peer;
  ASSERT_EQ(::getsockname(clients_[1], reinterpret_cast<sockaddr*>(&peer), &size), 0);
  IpAddress peer_address;
  peer_address.family = AF_INET;
  std::memcpy(peer_address.bytes.data(), &peer.sin_addr, 4);
  // The client closes first, so TIME_WAIT lands on the client side and the server's socket is gone.
  fds_.close_one(clients_[1]);
  ASSERT_TRUE(eventually([&] {
    auto table = sample();
    const SocketEntry* s = table ? table->find_remote(peer_address, ntohs(peer.sin_port)) : nullptr;
    return s && s->state == TCP_CLOSE_WAIT;
  }));
  fds_.close_one(servers_[1]);
  EXPECT_TRUE(eventually([&] {
    auto table = sample();
    return table && table->find_remote(peer_address, ntohs(peer.sin_port)) == nullptr;
  }));
}

TEST_F(LiveSockets, FindsThisProcessAsTheListenersOwner) {
  EXPECT_EQ(find_listening_pid(port_), ::getpid());
  fds_.close_one(listener_);
  EXPECT_EQ(find_listening_pid(port_), std::nullopt);
}

TEST(SockDiagQuery, SeesAnIpv6Listener) {
  OwnedFds fds;
  int listener = fds.add(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(listener, 0);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    GTEST_SKIP() << "no IPv6 loopback here";
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t size = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size), 0);
  std::string error;
  auto query = SockDiagQuery::open(error);
  ASSERT_TRUE(query) << error;
  auto table = sample_server_sockets(*query, ntohs(address.sin6_port), error);
  ASSERT_TRUE(table) << error;
  ASSERT_EQ(table->entries().size(), 1u);
  EXPECT_EQ(table->entries()[0].family, AF_INET6);
  EXPECT_EQ(table->entries()[0].local_address.to_string(), "::1");
  EXPECT_EQ(table->counts().listen, 1);
}

}  // namespace
}  // namespace wsl
