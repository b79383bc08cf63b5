// The kernel's rules for a client's local ports: the ephemeral range, reserved ports, TIME_WAIT reuse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsl {

struct LocalPortRange {
  uint32_t first = 32768;
  uint32_t last = 60999;
  uint32_t size() const { return last >= first ? last - first + 1 : 0; }
};

struct KernelPortSettings {
  LocalPortRange range;          // net.ipv4.ip_local_port_range
  uint32_t reserved_in_range = 0;  // net.ipv4.ip_local_reserved_ports that fall in the range
  int tw_reuse = 2;              // net.ipv4.tcp_tw_reuse: 0 off, 1 on, 2 loopback only
  // Ports connect() or bind() may pick for one source address.
  uint32_t ports_per_address() const { return range.size() - reserved_in_range; }
};

// "32768\t60999\n" → {32768, 60999}; nullopt when it is not two ports in order.
std::optional<LocalPortRange> parse_local_port_range(std::string_view text);

// How many ports of `range` a list like "8080,9000-9100\n" reserves (empty: none); nullopt when malformed.
std::optional<uint32_t> count_reserved_ports(std::string_view text, LocalPortRange range);

// Reads the three from /proc/sys/net/ipv4; a file that cannot be read keeps Linux's default.
KernelPortSettings read_kernel_port_settings();

}  // namespace wsl
