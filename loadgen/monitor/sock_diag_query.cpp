// Asks the kernel for TCP sockets over NETLINK_SOCK_DIAG (what `ss` does), for both IPv4 and IPv6.
#include "monitor/sock_diag_query.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <utility>

namespace wsl {
namespace {

std::string errno_text(const char* what, int error) { return std::string(what) + ": " + std::strerror(error); }

}  // namespace

std::optional<SockDiagQuery> SockDiagQuery::open(std::string& error) {
  int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    error = errno_text("netlink sock_diag socket", errno);
    return std::nullopt;
  }
  // A dump never blocks for long; the timeout only guards against a kernel that never sends NLMSG_DONE.
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return SockDiagQuery(fd);
}

SockDiagQuery::SockDiagQuery(SockDiagQuery&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), sequence_(other.sequence_), buffer_(std::move(other.buffer_)) {}

SockDiagQuery& SockDiagQuery::operator=(SockDiagQuery&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    sequence_ = other.sequence_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

SockDiagQuery::~SockDiagQuery() {
  if (fd_ >= 0) ::close(fd_);
}

bool SockDiagQuery::dump_local_port(uint16_t local_port, uint32_t state_mask, std::vector<SocketEntry>& out,
                                    std::string& error, PortFilter filter) {
  return dump_family(AF_INET, local_port, state_mask, out, error, filter) &&
         dump_family(AF_INET6, local_port, state_mask, out, error, filter);
}

bool SockDiagQuery::dump_family(uint8_t family, uint16_t local_port, uint32_t state_mask,
                                std::vector<SocketEntry>& out, std::string& error, PortFilter filter) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  bool kernel_filter = filter == PortFilter::kernel;
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = ++sequence_;
  message.request.sdiag_family = family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = state_mask;
  // The kernel skips sockets of other local ports while walking its tables, before formatting them; this is
  // cheaper than an INET_DIAG_REQ_BYTECODE filter (run per socket after the walk) and works on every kernel.
  if (kernel_filter) message.request.id.idiag_sport = htons(local_port);

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_, &message, message.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    error = errno_text("sock_diag request", errno);
    return false;
  }
  buffer_.resize(64 * 1024);  // the kernel sends at most about 32 KiB per datagram
  size_t first_new = out.size();
  for (;;) {
    ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno_text("sock_diag dump", errno);
      return false;
    }
    DiagBatchResult batch =
        parse_inet_diag_messages(std::span<const uint8_t>(buffer_.data(), static_cast<size_t>(n)), out);
    if (batch.status == DiagDumpStatus::more) continue;
    if (batch.status == DiagDumpStatus::done) break;
    error = batch.status == DiagDumpStatus::failed ? errno_text("sock_diag dump", batch.error)
                                                   : std::string("sock_diag dump: malformed netlink message");
    return false;
  }
  if (!kernel_filter)
    out.erase(std::remove_if(out.begin() + static_cast<ptrdiff_t>(first_new), out.end(),
                             [&](const SocketEntry& e) { return e.local_port != local_port; }),
              out.end());
  return true;
}

std::optional<SocketTable> sample_server_sockets(SockDiagQuery& query, uint16_t local_port, std::string& error) {
  // Every dump walks the kernel's whole connection table (all families, all ports), so the cost grows with every
  // TCP socket on the host. Listeners are cheap to list (only the listening table is walked); a server's
  // accepted sockets share its listener's family, so only those families' connection tables are dumped.
  std::vector<SocketEntry> entries;
  if (!query.dump_local_port(local_port, kListenState, entries, error)) return std::nullopt;
  bool ipv4 = entries.empty(), ipv6 = entries.empty();  // no listener (server gone): look everywhere
  for (const SocketEntry& listener : entries) (listener.family == AF_INET6 ? ipv6 : ipv4) = true;
  uint32_t connection_states = kAllTcpStates & ~kListenState;
  if (ipv4 && !query.dump_family(AF_INET, local_port, connection_states, entries, error)) return std::nullopt;
  if (ipv6 && !query.dump_family(AF_INET6, local_port, connection_states, entries, error)) return std::nullopt;
  return SocketTable(std::move(entries));
}

}  // namespace wsl
