// The limits a run must fit in before it starts, and the refusal messages that say what to change.
#include "cli/run_limits.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return b == 0 ? 0 : (a + b - 1) / b; }

std::string walked_note(const SocketDemand& demand) {
  if (demand.complete) return "";
  return " (estimated over the first " + human_duration(demand.walked) + " of the run)";
}

// Where the kernel's range comes from, with what takes ports out of it.
std::string range_text(const KernelPortSettings& kernel) {
  std::string text = "net.ipv4.ip_local_port_range " + std::to_string(kernel.range.first) + "-" +
                     std::to_string(kernel.range.last) + ": " + std::to_string(kernel.range.size()) + " ports";
  if (kernel.reserved_in_range > 0)
    text += ", " + std::to_string(kernel.reserved_in_range) + " of them in net.ipv4.ip_local_reserved_ports";
  return text;
}

}  // namespace

uint64_t fds_needed(const SocketDemand& demand) { return demand.peak_sockets + kSpareFds; }

std::string fd_limit_problem(const SocketDemand& demand, uint64_t hard_limit) {
  const uint64_t needed = fds_needed(demand);
  if (hard_limit >= needed) return "";
  std::string held = std::to_string(demand.peak_sockets) + " sockets at once";
  if (demand.peak_sockets > demand.peak_open)
    held += " (up to " + std::to_string(demand.peak_open) + " open connections, the rest still closing)";
  return "this process holds up to " + held + walked_note(demand) + ", " + std::to_string(needed) +
         " file descriptors with the generator's own, but the open-file limit is " + std::to_string(hard_limit) +
         ": raise it (ulimit -n " + std::to_string(needed) +
         "), lower phases[].connections, or split the load with --shard I/N";
}

bool kernel_reuses_time_wait(const KernelPortSettings& kernel, bool bound_source_address, bool loopback_target) {
  if (bound_source_address) return false;
  return kernel.tw_reuse == 1 || (kernel.tw_reuse == 2 && loopback_target);
}

std::string local_port_problem(const LocalPortCheck& check) {
  const SocketDemand& demand = check.demand;
  const uint64_t per_address = check.kernel.ports_per_address();
  // The address that falls shortest, if any does.
  std::optional<size_t> worst;
  int64_t worst_shortfall = 0;
  for (size_t a = 0; a < demand.peak_ports.size(); ++a) {
    const uint64_t taken = a < check.taken_now.size() ? check.taken_now[a] : 0;
    const int64_t free_ports = int64_t(per_address) - int64_t(std::min(taken, per_address));
    const int64_t shortfall = int64_t(demand.peak_ports[a]) - free_ports;
    if (shortfall > worst_shortfall) {
      worst_shortfall = shortfall;
      worst = a;
    }
  }
  if (!worst) return "";

  const size_t a = *worst;
  const uint64_t peak = demand.peak_ports[a], time_wait = demand.time_wait_at_peak[a];
  const uint64_t taken = a < check.taken_now.size() ? check.taken_now[a] : 0;
  const std::string where =
      check.source_addresses.empty() ? "its one source address" : "source address " + check.source_addresses[a];
  std::string text = "this process needs up to " + std::to_string(peak) + " local ports at once on " + where + " (" +
                     std::to_string(peak - time_wait) + " connections open or closing";
  if (time_wait > 0)
    text += " + " + std::to_string(time_wait) + " ports in TIME_WAIT, which stay taken " +
            human_duration(check.time_wait) + " after each close where our FIN goes first";
  text += ")" + walked_note(demand) + " but only " + std::to_string(per_address - std::min(taken, per_address)) +
          " are free there (" + range_text(check.kernel);
  if (taken > 0)
    text += "; " + std::to_string(taken) +
            " taken by other sockets right now: listeners, or TIME_WAIT left by an earlier run, which frees within 60 s";
  text += "): ";

  const uint64_t total = std::accumulate(demand.peak_ports.begin(), demand.peak_ports.end(), uint64_t(0));
  // Enough for the whole demand, and always more than are listed now (the shortfall may come from ports
  // other sockets hold rather than from the demand).
  const uint64_t addresses =
      std::max<uint64_t>({ceil_div(total, per_address), check.source_addresses.size() + 1, 2});
  text += "list at least " + std::to_string(addresses) +
          " local addresses in all in target.source_addresses (on loopback any of 127.0.0.2, 127.0.0.3, ...)";
  const auto used = size_t(std::count_if(demand.peak_ports.begin(), demand.peak_ports.end(),
                                         [](uint64_t p) { return p > 0; }));
  if (used < check.source_addresses.size())
    text += " — a shard's connections leave from address id % count, and the ids of shard I/N reach only " +
            std::to_string(used) + " of the " + std::to_string(check.source_addresses.size()) +
            " listed, so list a number of addresses that shares no factor with N";
  text += ", split the load with --shard I/N over more machines or source addresses, or widen the range "
          "(sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\")";
  return text;
}

}  // namespace wsl
