// Asks the kernel for TCP sockets over NETLINK_SOCK_DIAG (what `ss` does), for both IPv4 and IPv6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/inet_diag_parser.hpp"
#include "monitor/socket_states.hpp"

namespace wsl {

// Bit masks for `state_mask`: 1 << TCP_*; every state by default.
inline constexpr uint32_t kAllTcpStates = 0xffffffffu;
inline constexpr uint32_t kListenState = 1u << 10;  // TCP_LISTEN

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
  // The same for one family (AF_INET or AF_INET6).
  bool dump_family(uint8_t family, uint16_t local_port, uint32_t state_mask, std::vector<SocketEntry>& out,
                   std::string& error, PortFilter filter = PortFilter::kernel);

 private:
  explicit SockDiagQuery(int fd) : fd_(fd) {}

  int fd_ = -1;
  uint32_t sequence_ = 0;
  std::vector<uint8_t> buffer_;
};

// One monitor sample: the server-side sockets of `local_port` in every state, as a table; nullopt on failure.
// Lists the port's listeners first and dumps connections only for their families (both when none listens).
std::optional<SocketTable> sample_server_sockets(SockDiagQuery& query, uint16_t local_port, std::string& error);

}  // namespace wsl
