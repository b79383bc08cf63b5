// The kernel's rules for a client's local ports: parsed from /proc/sys/net/ipv4 text.
#include "target/kernel_port_settings.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

namespace wsl {
namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<uint32_t> parse_port(std::string_view text) {
  text = trim(text);
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || value > 65535) return std::nullopt;
  return value;
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::optional<LocalPortRange> parse_local_port_range(std::string_view text) {
  text = trim(text);
  const size_t gap = text.find_first_of(" \t");
  if (gap == std::string_view::npos) return std::nullopt;
  const auto first = parse_port(text.substr(0, gap));
  const auto last = parse_port(text.substr(gap));
  if (!first || !last || *first > *last) return std::nullopt;
  return LocalPortRange{*first, *last};
}

std::optional<uint32_t> count_reserved_ports(std::string_view text, LocalPortRange range) {
  text = trim(text);
  uint32_t reserved = 0;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t dash = item.find('-');
    const auto low = parse_port(item.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : parse_port(item.substr(dash + 1));
    if (!low || !high || *low > *high) return std::nullopt;
    const uint32_t from = std::max(*low, range.first), to = std::min(*high, range.last);
    if (from <= to) reserved += to - from + 1;  // the kernel keeps the list sorted and merged: no overlaps
  }
  return reserved;
}

KernelPortSettings read_kernel_port_settings() {
  KernelPortSettings settings;
  if (auto text = read_file("/proc/sys/net/ipv4/ip_local_port_range"))
    if (auto range = parse_local_port_range(*text)) settings.range = *range;
  if (auto text = read_file("/proc/sys/net/ipv4/ip_local_reserved_ports"))
    settings.reserved_in_range = count_reserved_ports(*text, settings.range).value_or(0);
  if (auto text = read_file("/proc/sys/net/ipv4/tcp_tw_reuse"))
    if (auto value = parse_port(*text)) settings.tw_reuse = int(*value);
  return settings;
}

}  // namespace wsl
