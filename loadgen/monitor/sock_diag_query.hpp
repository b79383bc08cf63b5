// Asks the kernel for TCP sockets over NETLINK_SOCK_DIAG (what `ss` does), for both IPv4 and IPv6.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "monitor/inet_diag_parser.hpp"

namespace wsl {

// Bit masks for `state_mask`: 1 << TCP_*; every state by default.
inline constexpr uint32_t kAllTcpStates = 0xffffffffu;
inline constexpr uint32_t kListenState = 1u << 10;     // TCP_LISTEN
inline constexpr uint32_t kTimeWaitState = 1u << 6;    // TCP_TIME_WAIT (a FIN_WAIT2 timewait socket matches 1 << 5)
inline constexpr uint32_t kNewSynRecvState = 1u << 12;  // TCP_NEW_SYN_RECV: request sockets, not yet accepted

// Where sockets of other ports are dropped: in the kernel (inet_diag_req_v2.id.idiag_sport) or after parsing.
enum class PortFilter { kernel, user_space };

// One netlink socket, kept open across samples so a sample costs only the dump.
class SockDiagQuery {
 public:
  // nullopt with `error` set when the netlink socket cannot be opened.
  static std::optional<SockDiagQuery> open(std::string& error);
  SockDiagQuery(SockDiagQuery&& other) noexcept;
  SockDiagQuery& operator=(SockDiagQuery&& other) noexcept;
  SockDiagQuery(const SockDiagQuery&) = delete;
  SockDiagQuery& operator=(const SockDiagQuery&) = delete;
  ~SockDiagQuery();

  // Appends every TCP socket (IPv4 then IPv6) in this network namespace whose LOCAL port is `local_port`
  // and whose state bit is in `state_mask`; false with `error` set when the dump fails.
  bool dump_local_port(uint16_t local_port, uint32_t state_mask, std::vector<SocketEntry>& out, std::string& error,
                       PortFilter filter = PortFilter::kernel);
  // The same for one family (AF_INET or AF_INET6), handing each socket to `each` as its datagram is read.
  bool dump_family(uint8_t family, uint16_t local_port, uint32_t state_mask, const SocketVisitor& each,
                   std::string& error, PortFilter filter = PortFilter::kernel);
  // The same, appending to `out`.
  bool dump_family(uint8_t family, uint16_t local_port, uint32_t state_mask, std::vector<SocketEntry>& out,
                   std::string& error, PortFilter filter = PortFilter::kernel);

  // Asks for each of `sockets` by its family, addresses, ports and interface: a hash lookup in the kernel, where
  // a dump walks every TCP socket of the host. Each socket found goes to `each`; one that does not exist is left
  // out, and where no connection matches the kernel may answer with the port's listener instead (callers tell it
  // by its state). False with `error` set when a lookup fails otherwise.
  bool look_up(std::span<const SocketEntry> sockets, const SocketVisitor& each, std::string& error);

 private:
  explicit SockDiagQuery(int fd) : fd_(fd) {}
  bool send_requests(const void* requests, size_t size, std::string& error);
  bool look_up_batch(std::span<const SocketEntry> sockets, const SocketVisitor& each, std::string& error);
  void discard_stale_replies();

  int fd_ = -1;
  uint32_t sequence_ = 0;
  bool stale_ = false;  // a request failed half-way: its remaining replies must not be read as the next one's
  std::vector<uint8_t> buffer_;
};

}  // namespace wsl
