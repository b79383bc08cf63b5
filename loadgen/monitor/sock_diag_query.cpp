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
#include <array>
#include <cerrno>
#include <cstring>
#include <span>
#include <utility>

namespace wsl {
namespace {

std::string errno_text(const char* what, int error) { return std::string(what) + ": " + std::strerror(error); }

struct DiagRequest {
  nlmsghdr header;
  inet_diag_req_v2 request;
};

// Replies to lookups queue in the receive buffer until read: batches this small stay well inside its default size.
constexpr size_t kLookupBatch = 64;
// Room for one lookup's reply: an inet_diag_msg and its few default attributes, or an error echoing the request.
constexpr size_t kReplySlot = 1024;

// An address in the kernel's layout for a socket of `family`: the IPv4 peer of an IPv6 (dual-stack) socket,
// which the parser stored as IPv4, goes back to its IPv4-mapped form.
void encode_address(const IpAddress& address, uint8_t family, __be32 (&words)[4]) {
  std::memset(words, 0, sizeof words);
  auto* bytes = reinterpret_cast<uint8_t*>(words);
  if (family == AF_INET6 && address.family == AF_INET) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes + 12, address.bytes.data(), 4);
  } else {
    std::memcpy(bytes, address.bytes.data(), family == AF_INET ? 4 : 16);
  }
}

// What one datagram of a lookup batch (requests numbered from `first_sequence`) turned out to be.
struct LookupReply {
  enum Kind { answered, left_over, malformed, failed } kind;
  int error = 0;  // failed: the kernel's errno
};

LookupReply read_lookup_reply(std::span<const uint8_t> reply, uint32_t first_sequence, size_t requests,
                              const SocketVisitor& each) {
  if (reply.size() < sizeof(nlmsghdr)) return {LookupReply::malformed};
  nlmsghdr header;
  std::memcpy(&header, reply.data(), sizeof header);
  if (header.nlmsg_seq - first_sequence >= requests) return {LookupReply::left_over};  // from an earlier request
  const DiagBatchResult result = parse_inet_diag_messages(reply, each);
  if (result.status == DiagDumpStatus::more) return {LookupReply::answered};  // the socket
  if (result.status != DiagDumpStatus::failed) return {LookupReply::malformed};
  if (result.error == ENOENT) return {LookupReply::answered};  // no such socket
  return {LookupReply::failed, result.error};
}

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
    : fd_(std::exchange(other.fd_, -1)),
      sequence_(other.sequence_),
      stale_(other.stale_),
      buffer_(std::move(other.buffer_)) {}

SockDiagQuery& SockDiagQuery::operator=(SockDiagQuery&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    sequence_ = other.sequence_;
    stale_ = other.stale_;
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
  return dump_family(family, local_port, state_mask, [&out](const SocketEntry& entry) { out.push_back(entry); },
                     error, filter);
}

bool SockDiagQuery::dump_family(uint8_t family, uint16_t local_port, uint32_t state_mask, const SocketVisitor& each,
                                std::string& error, PortFilter filter) {
  if (stale_) discard_stale_replies();
  DiagRequest message{};
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

  if (!send_requests(&message, sizeof message, error)) return false;
  // The kernel fills one datagram of at most about 32 KiB per recv (a larger buffer or SO_RCVBUF does not
  // make them bigger), so a dump of N sockets takes about N / 250 recv calls whatever we do here.
  buffer_.resize(64 * 1024);
  SocketVisitor this_port;  // the user-space port filter
  if (!kernel_filter) this_port = [&](const SocketEntry& entry) {
    if (entry.local_port == local_port) each(entry);
  };
  const SocketVisitor& visit = kernel_filter ? each : this_port;
  for (;;) {
    ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      stale_ = true;
      error = errno_text("sock_diag dump", errno);
      return false;
    }
    DiagBatchResult batch =
        parse_inet_diag_messages(std::span<const uint8_t>(buffer_.data(), static_cast<size_t>(n)), visit);
    if (batch.status == DiagDumpStatus::more) continue;
    if (batch.status == DiagDumpStatus::done) return true;
    stale_ = true;
    error = batch.status == DiagDumpStatus::failed ? errno_text("sock_diag dump", batch.error)
                                                   : std::string("sock_diag dump: malformed netlink message");
    return false;
  }
}

bool SockDiagQuery::look_up(std::span<const SocketEntry> sockets, const SocketVisitor& each, std::string& error) {
  for (size_t start = 0; start < sockets.size(); start += kLookupBatch)
    if (!look_up_batch(sockets.subspan(start, std::min(kLookupBatch, sockets.size() - start)), each, error))
      return false;
  return true;
}

bool SockDiagQuery::look_up_batch(std::span<const SocketEntry> sockets, const SocketVisitor& each,
                                  std::string& error) {
  if (stale_) discard_stale_replies();
  std::array<DiagRequest, kLookupBatch> requests{};
  const uint32_t first = sequence_ + 1;
  for (size_t i = 0; i < sockets.size(); ++i) {
    const SocketEntry& socket = sockets[i];
    DiagRequest& message = requests[i];
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;  // no dump: exactly one reply, the socket or an error
    message.header.nlmsg_seq = ++sequence_;
    message.request.sdiag_family = socket.family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = kAllTcpStates;
    message.request.id.idiag_sport = htons(socket.local_port);
    message.request.id.idiag_dport = htons(socket.remote_port);
    encode_address(socket.local_address, socket.family, message.request.id.idiag_src);
    encode_address(socket.remote_address, socket.family, message.request.id.idiag_dst);
    message.request.id.idiag_if = socket.interface;
    message.request.id.idiag_cookie[0] = message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  }
  // One datagram carries the whole batch; the kernel answers each request with a datagram of its own.
  if (!send_requests(requests.data(), sockets.size() * sizeof(DiagRequest), error)) return false;
  // recvmmsg takes every reply already queued in one call (waiting only for the first), where a recv per reply
  // cost the monitor a syscall per lookup.
  buffer_.resize(kLookupBatch * kReplySlot);
  std::array<iovec, kLookupBatch> slots;
  std::array<mmsghdr, kLookupBatch> datagrams;
  for (size_t replies = 0; replies < sockets.size();) {
    const size_t due = sockets.size() - replies;
    for (size_t i = 0; i < due; ++i) {
      slots[i] = {buffer_.data() + i * kReplySlot, kReplySlot};
      datagrams[i] = {};
      datagrams[i].msg_hdr.msg_iov = &slots[i];
      datagrams[i].msg_hdr.msg_iovlen = 1;
    }
    const int got = ::recvmmsg(fd_, datagrams.data(), unsigned(due), MSG_WAITFORONE, nullptr);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      stale_ = true;
      error = errno_text("sock_diag lookup", got < 0 ? errno : EIO);
      return false;
    }
    for (int i = 0; i < got; ++i) {
      const auto reply = std::span<const uint8_t>(buffer_.data() + size_t(i) * kReplySlot, datagrams[i].msg_len);
      const bool truncated = datagrams[i].msg_hdr.msg_flags & MSG_TRUNC;
      const LookupReply outcome =
          truncated ? LookupReply{LookupReply::malformed} : read_lookup_reply(reply, first, sockets.size(), each);
      switch (outcome.kind) {
        case LookupReply::answered:
          ++replies;
          break;
        case LookupReply::left_over:
          break;
        case LookupReply::malformed:
          stale_ = true;
          error = "sock_diag lookup: malformed netlink message";
          return false;
        case LookupReply::failed:
          stale_ = true;
          error = errno_text("sock_diag lookup", outcome.error);
          return false;
      }
    }
  }
  return true;
}

bool SockDiagQuery::send_requests(const void* requests, size_t size, std::string& error) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_, requests, size, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    error = errno_text("sock_diag request", errno);
    return false;
  }
  return true;
}

void SockDiagQuery::discard_stale_replies() {
  // Reading on also lets the kernel finish a dump it had started: it refuses to start another until then.
  buffer_.resize(64 * 1024);
  while (::recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT) > 0) {}
  stale_ = false;
}

}  // namespace wsl
