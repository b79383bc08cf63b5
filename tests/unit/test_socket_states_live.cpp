// Proves the sock_diag query and the listening-port owner lookup on the real kernel, over loopback.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "monitor/listening_owner.hpp"
#include "monitor/server_sockets.hpp"
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

IpAddress address_of(const sockaddr_in& socket_address) {
  IpAddress address;
  address.family = AF_INET;
  std::memcpy(address.bytes.data(), &socket_address.sin_addr, 4);
  return address;
}

// The two IPv6 tests need an IPv6 loopback (::1). Without one (IPv6 disabled, or no ::1 on lo) they are
// skipped rather than failed, so the skip says why; a skip fails ./dev test and CI all the same unless
// tests/allowed_skips.txt allows it (tests/check_skips.py), and no CI machine needs that: all have ::1.
// Any other failure to make or bind the socket is a failure. Returns whether `listener` is bound.
bool bind_ipv6_or_say_why_not(int listener, const sockaddr_in6& address, std::string& why_not) {
  if (listener < 0) {
    why_not = errno == EAFNOSUPPORT ? "no IPv6 here (socket: EAFNOSUPPORT)" : "";
    return false;
  }
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return true;
  why_not = errno == EADDRNOTAVAIL ? "no IPv6 loopback here (bind: EADDRNOTAVAIL)" : "";
  return false;
}

// The test servers listen on a port below the kernel's ephemeral range, one no other socket has as its local
// port. With port 0 a listener shared its number with clients' sockets on other loopback addresses or in TIME_WAIT
// (bind(0) hands such numbers out again), and a dump by port counted them with ours: while a benchmark churned
// connections from 127.0.10.x beside this suite, nearly every ephemeral number was some client's. The kernel never
// gives a client a port below the range unless it asks for it.
constexpr int kMaxPortTries = 50;

int ephemeral_range_low() {
  FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
  int low = 32768;
  if (f) {
    if (std::fscanf(f, "%d", &low) != 1) low = 32768;
    std::fclose(f);
  }
  return low;
}

// Spread by process (ctest runs each test in its own) and by attempt, so parallel tests rarely collide.
uint16_t candidate_port(int attempt) {
  const int low = std::max(ephemeral_range_low(), 12000);
  const unsigned span = unsigned(low - 10000);
  const unsigned seed = unsigned(::getpid()) * 2654435761u;
  return uint16_t(10000 + (seed + unsigned(attempt) * 7919u) % span);
}

void set_port(sockaddr_in& address, uint16_t port) { address.sin_port = htons(port); }
void set_port(sockaddr_in6& address, uint16_t port) { address.sin6_port = htons(port); }

uint16_t local_port_of(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  return address.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

bool alone_on_its_port(int listener) {
  std::string error;
  auto query = SockDiagQuery::open(error);
  std::vector<SocketEntry> entries;
  return query && query->dump_local_port(local_port_of(listener), kAllTcpStates, entries, error) &&
         entries.size() == 1;
}

// A listening socket on `address` (its port replaced) that is alone on its port; -1 with `why_not` set when this
// host has no such address family or address (IPv6), -1 with it empty on any other failure (errno says).
template <class Address>
int listen_alone(OwnedFds& fds, Address address, std::string& why_not) {
  const int family = reinterpret_cast<const sockaddr*>(&address)->sa_family;
  for (int attempt = 0; attempt < kMaxPortTries; ++attempt) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      why_not = errno == EAFNOSUPPORT ? "no IPv6 here (socket: EAFNOSUPPORT)" : "";
      return -1;
    }
    fds.add(fd);
    set_port(address, candidate_port(attempt));
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      fds.close_one(fd);
      if (error == EADDRINUSE) continue;
      why_not = error == EADDRNOTAVAIL ? "no such loopback address here (bind: EADDRNOTAVAIL)" : "";
      errno = error;
      return -1;
    }
    if (::listen(fd, 16) == 0 && alone_on_its_port(fd)) return fd;
    fds.close_one(fd);
  }
  why_not = "";
  errno = EADDRINUSE;
  return -1;
}

// The socket whose peer is address:port, if the dump has one.
const SocketEntry* find_peer(const std::vector<SocketEntry>& entries, const sockaddr_in& peer) {
  for (const SocketEntry& entry : entries)
    if (entry.remote_address == address_of(peer) && entry.remote_port == ntohs(peer.sin_port)) return &entry;
  return nullptr;
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
    sockaddr_in address = loopback_any_port();
    std::string why_not;
    listener_ = listen_alone(fds_, address, why_not);
    ASSERT_GE(listener_, 0) << "no port of its own for the test server: " << std::strerror(errno);
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

  std::optional<std::vector<SocketEntry>> sample(PortFilter filter = PortFilter::kernel) {
    std::vector<SocketEntry> entries;
    std::string error;
    if (!query_->dump_local_port(port_, kAllTcpStates, entries, error, filter)) {
      ADD_FAILURE() << error;
      return std::nullopt;
    }
    return entries;
  }

  // Waits until the server's socket for `peer` is in `state` (0: gone from the dump).
  bool server_socket_reaches(const sockaddr_in& peer, uint8_t state) {
    return eventually([&] {
      auto entries = sample();
      const SocketEntry* socket = entries ? find_peer(*entries, peer) : nullptr;
      return entries && (socket ? socket->state == state : state == 0);
    });
  }

  sockaddr_in local_address_of(int fd) {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
    return address;
  }

  OwnedFds fds_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<int> clients_;
  std::vector<int> servers_;
  std::optional<SockDiagQuery> query_;
};

TEST_F(LiveSockets, CountsServerSideSocketsByStateAfterAPeerCloses) {
  sockaddr_in closed_peer = local_address_of(clients_[0]);
  fds_.close_one(clients_[0]);  // its server-side socket, never closed, sits in CLOSE_WAIT

  SocketStateCounts expected;
  expected.listen = 1;
  expected.established = 2;
  expected.close_wait = 1;
  std::optional<std::vector<SocketEntry>> entries;
  EXPECT_TRUE(eventually([&] { return (entries = sample()) && count_socket_states(*entries) == expected; }))
      << "established=" << count_socket_states(*entries).established
      << " close_wait=" << count_socket_states(*entries).close_wait;

  // Only server-side sockets: the clients' own sockets have the port as their REMOTE port.
  for (const SocketEntry& entry : *entries) EXPECT_EQ(entry.local_port, port_);

  const SocketEntry* socket = find_peer(*entries, closed_peer);
  ASSERT_NE(socket, nullptr);
  EXPECT_EQ(socket->state, TCP_CLOSE_WAIT);
  EXPECT_NE(socket->inode, 0u);

  // Filtering after the dump finds the same sockets as the kernel filter.
  auto user_space = sample(PortFilter::user_space);
  ASSERT_TRUE(user_space);
  EXPECT_EQ(count_socket_states(*user_space), count_socket_states(*entries));

  // The monitor's sample counts the same without storing a socket; all three connections are still owned.
  std::string error;
  OwnConnections none_ours;
  auto counted = count_server_sockets(*query_, port_, none_ours, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->by_state, expected);
  EXPECT_EQ(counted->owned, 3);
}

// The monitor's own connection to the port (a /metrics scrape) is not the load's: the census leaves the server's
// socket for it out, in CLOSE_WAIT and in TIME_WAIT, until a census no longer finds it.
TEST_F(LiveSockets, CensusLeavesOutTheServersEndsOfTheMonitorsOwnConnections) {
  const sockaddr_in scrape = local_address_of(clients_[0]);
  OwnConnections own;
  own.opened(ClientEnd{address_of(scrape), ntohs(scrape.sin_port)});
  fds_.close_one(clients_[0]);  // the scrape is over; the server has not closed its socket: CLOSE_WAIT

  std::string error;
  std::optional<ServerSocketCounts> counted;
  ASSERT_TRUE(server_socket_reaches(scrape, TCP_CLOSE_WAIT));
  counted = count_server_sockets(*query_, port_, own, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->by_state.close_wait, 0);
  EXPECT_EQ(counted->by_state.established, 2);
  EXPECT_EQ(counted->owned, 2);
  EXPECT_EQ(own.remembered(), 1u);

  // The server closes it: its socket goes (the client closed first), and the census forgets the end.
  fds_.close_one(servers_[0]);
  ASSERT_TRUE(server_socket_reaches(scrape, 0));
  counted = count_server_sockets(*query_, port_, own, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(own.remembered(), 0u);

  // A scrape the server closes first leaves TIME_WAIT on the server side: left out too, while it lasts.
  const sockaddr_in second = local_address_of(clients_[1]);
  own.opened(ClientEnd{address_of(second), ntohs(second.sin_port)});
  fds_.close_one(servers_[1]);
  fds_.close_one(clients_[1]);
  ASSERT_TRUE(server_socket_reaches(second, TCP_TIME_WAIT));
  counted = count_server_sockets(*query_, port_, own, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->by_state.time_wait, 0);
  EXPECT_EQ(counted->by_state.established, 1);
  EXPECT_EQ(own.remembered(), 1u);

  // Without the monitor's record, the same census counts that socket: the test sees what it claims to.
  OwnConnections none_ours;
  counted = count_server_sockets(*query_, port_, none_ours, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->by_state.time_wait, 1);
}

TEST_F(LiveSockets, ServerSocketDisappearsFromTheDumpOnceClosedBothWays) {
  sockaddr_in peer = local_address_of(clients_[1]);
  // The client closes first, so TIME_WAIT lands on the client side and the server's socket is gone.
  fds_.close_one(clients_[1]);
  ASSERT_TRUE(server_socket_reaches(peer, TCP_CLOSE_WAIT));
  fds_.close_one(servers_[1]);
  EXPECT_TRUE(server_socket_reaches(peer, 0));
}

// The server closes first, so TIME_WAIT lands on the server side: counted in the sample, left out of the
// reclaim checks' list (the kernel's socket, not the server's), while a CLOSE_WAIT the server holds stays in it.
TEST_F(LiveSockets, ServerSideTimeWaitIsCountedButNotListedAsOwned) {
  sockaddr_in timed_peer = local_address_of(clients_[2]);
  sockaddr_in holding_peer = local_address_of(clients_[0]);
  fds_.close_one(servers_[2]);
  fds_.close_one(clients_[2]);
  fds_.close_one(clients_[0]);  // its server-side socket, never closed, sits in CLOSE_WAIT

  std::string error;
  std::optional<ServerSocketCounts> counted;
  OwnConnections none_ours;
  ASSERT_TRUE(eventually([&] {
    counted = count_server_sockets(*query_, port_, none_ours, error);
    return counted && counted->by_state.time_wait == 1 && counted->by_state.close_wait == 1;
  })) << error;
  EXPECT_EQ(counted->by_state.established, 1);
  EXPECT_EQ(counted->by_state.listen, 1);
  EXPECT_EQ(counted->owned, 2);  // the ESTABLISHED and the CLOSE_WAIT socket

  std::vector<SocketEntry> owned(5);  // whatever it held before is replaced
  ASSERT_TRUE(list_owned_server_sockets(*query_, port_, owned, error)) << error;
  ASSERT_EQ(owned.size(), 2u);
  EXPECT_EQ(find_peer(owned, timed_peer), nullptr);
  const SocketEntry* holding = find_peer(owned, holding_peer);
  ASSERT_NE(holding, nullptr);
  EXPECT_EQ(holding->state, TCP_CLOSE_WAIT);
  for (const SocketEntry& entry : owned) EXPECT_NE(entry.inode, 0u);

  // The full dump still has the TIME_WAIT socket, with no inode.
  auto entries = sample();
  ASSERT_TRUE(entries);
  const SocketEntry* timed = find_peer(*entries, timed_peer);
  ASSERT_NE(timed, nullptr);
  EXPECT_EQ(timed->state, TCP_TIME_WAIT);
  EXPECT_EQ(timed->inode, 0u);
}

// A lookup asks for one socket by its addresses and ports, as a dump showed it, without walking the host's sockets.
TEST_F(LiveSockets, LooksUpServerSocketsByTheirAddresses) {
  std::vector<SocketEntry> connections;
  std::string error;
  ASSERT_TRUE(list_owned_server_sockets(*query_, port_, connections, error)) << error;
  ASSERT_EQ(connections.size(), 3u);
  std::vector<SocketEntry> found;
  auto collect = [&found](const SocketEntry& socket) { found.push_back(socket); };
  ASSERT_TRUE(query_->look_up(connections, collect, error)) << error;
  ASSERT_EQ(found.size(), 3u);
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].remote_port, connections[i].remote_port);
    EXPECT_EQ(found[i].inode, connections[i].inode);
    EXPECT_EQ(found[i].state, TCP_ESTABLISHED);
  }

  // The server closes first: its socket goes to TIME_WAIT, found without an inode.
  sockaddr_in timed_peer = local_address_of(clients_[2]);
  fds_.close_one(servers_[2]);
  fds_.close_one(clients_[2]);
  SocketEntry timed = connections[0];
  timed.remote_port = ntohs(timed_peer.sin_port);
  ASSERT_TRUE(eventually([&] {
    found.clear();
    return query_->look_up(std::span<const SocketEntry>(&timed, 1), collect, error) && found.size() == 1 &&
           found[0].state == TCP_TIME_WAIT;
  })) << error;
  EXPECT_EQ(found[0].inode, 0u);

  // No connection with these ports: nothing, or the port's listener in its place.
  SocketEntry missing = connections[0];
  missing.remote_port = 1;
  found.clear();
  ASSERT_TRUE(query_->look_up(std::span<const SocketEntry>(&missing, 1), collect, error)) << error;
  for (const SocketEntry& socket : found) EXPECT_EQ(socket.state, TCP_LISTEN);

  // More lookups than one batch holds.
  std::vector<SocketEntry> many(150, connections[1]);
  found.clear();
  ASSERT_TRUE(query_->look_up(many, collect, error)) << error;
  EXPECT_EQ(found.size(), 150u);
}

TEST_F(LiveSockets, FindsThisProcessAsTheListenersOwner) {
  EXPECT_EQ(find_listening_pid(port_), ::getpid());
  fds_.close_one(listener_);
  EXPECT_EQ(find_listening_pid(port_), std::nullopt);
}

TEST(SockDiagQuery, SeesAnIpv6Listener) {
  OwnedFds fds;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  std::string why_not;
  const int listener = listen_alone(fds, address, why_not);
  if (listener < 0) {
    if (!why_not.empty()) GTEST_SKIP() << why_not;
    FAIL() << "cannot listen on [::1]: " << std::strerror(errno);
  }
  socklen_t size = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size), 0);
  std::string error;
  auto query = SockDiagQuery::open(error);
  ASSERT_TRUE(query) << error;
  std::vector<SocketEntry> entries;
  ASSERT_TRUE(query->dump_local_port(ntohs(address.sin6_port), kAllTcpStates, entries, error)) << error;
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].family, AF_INET6);
  EXPECT_EQ(entries[0].local_address.to_string(), "::1");
  OwnConnections none_ours;
  auto counted = count_server_sockets(*query, ntohs(address.sin6_port), none_ours, error);
  ASSERT_TRUE(counted) << error;
  EXPECT_EQ(counted->by_state.listen, 1);
  EXPECT_EQ(counted->by_state.total(), 1);
}

// A dual-stack server's socket for an IPv4 client is an IPv6 socket with IPv4-mapped addresses; the dump shows
// the peer as IPv4, and the lookup must ask for it in the socket's own form.
TEST(SockDiagQuery, LooksUpADualStackServersIpv4Connection) {
  OwnedFds fds;
  int listener = fds.add(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int v6only = 0;
  if (listener >= 0) {
    ASSERT_EQ(::setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only), 0);
  }
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  any.sin6_addr = in6addr_any;
  std::string why_not;
  if (!bind_ipv6_or_say_why_not(listener, any, why_not)) {
    if (!why_not.empty()) GTEST_SKIP() << why_not;
    FAIL() << "cannot bind [::]:0: " << std::strerror(errno);
  }
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t size = sizeof any;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&any), &size), 0);
  sockaddr_in target = loopback_any_port();
  target.sin_port = any.sin6_port;
  int client = fds.add(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&target), sizeof target), 0);
  ASSERT_GE(fds.add(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)), 0);

  std::string error;
  auto query = SockDiagQuery::open(error);
  ASSERT_TRUE(query) << error;
  std::vector<SocketEntry> connections;
  ASSERT_TRUE(list_owned_server_sockets(*query, ntohs(any.sin6_port), connections, error)) << error;
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].family, AF_INET6);
  EXPECT_EQ(connections[0].remote_address.family, AF_INET);
  std::vector<SocketEntry> found;
  ASSERT_TRUE(query->look_up(connections, [&](const SocketEntry& socket) { found.push_back(socket); }, error))
      << error;
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].inode, connections[0].inode);
  EXPECT_EQ(found[0].remote_port, connections[0].remote_port);
}

}  // namespace
}  // namespace wsl
