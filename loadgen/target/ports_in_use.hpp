// Local ports that sockets on this host already hold and a new connection could not take (TIME_WAIT of earlier runs).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "monitor/inet_diag_parser.hpp"
#include "target/kernel_port_settings.hpp"

namespace wsl {

// How the run's connections will pick their local port.
struct PortPick {
  // A bound source address (target.source_addresses): bind() picks the port before the destination is known,
  // so any socket on that address's port (or on the wildcard address) blocks it, TIME_WAIT included.
  std::optional<IpAddress> source;
  // Without one, connect() picks the port: only a socket with the same destination, or a listener, blocks it;
  // a TIME_WAIT one not when the kernel may reuse it (net.ipv4.tcp_tw_reuse).
  IpAddress target;
  uint16_t target_port = 0;
  bool time_wait_reusable = false;
  LocalPortRange range;
};

// How many distinct ports of `pick.range` the given sockets take from connections picked that way (pure).
uint64_t count_ports_taken(std::span<const SocketEntry> sockets, const PortPick& pick);

// A numeric IPv4/IPv6 address as sock_diag reports addresses; nullopt when it is not one.
std::optional<IpAddress> parse_ip_address(const std::string& numeric_address);

// Every TCP socket of this network namespace (IPv4 and IPv6, all states); nullopt with `error` set on failure.
std::optional<std::vector<SocketEntry>> dump_all_tcp_sockets(std::string& error);

}  // namespace wsl
