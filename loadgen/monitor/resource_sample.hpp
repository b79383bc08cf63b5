// One observation of the server under test, and the named resource values the leak verdict judges.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "monitor/process_sample.hpp"
#include "monitor/socket_states.hpp"

namespace wsl {

struct ResourceSample {
  int64_t at_ns = 0;                         // monotonic, from the start of the run
  std::optional<ProcessSample> process;      // same host, with a known pid
  std::optional<SocketStateCounts> sockets;  // same host: the server-side sockets of the target port
  // Of those, the ones a process still owns (they have an inode), listener excluded: TIME_WAIT and
  // orphaned FIN_WAIT2 sockets belong to the kernel, which reaps them on its own timers.
  std::optional<int64_t> sockets_owned;
  std::map<std::string, double> scraped;     // remote: series read from the server's /metrics
};

// The values a sample gives each resource: "fds", "socket_fds", "rss", "rss_peak", "threads", "cpu_seconds", "sockets" (the port's
// server-side sockets a process still owns), "sockets.<state>", "scrape:<name>". Values the monitor
// could not read are absent.
std::map<std::string, double> resource_values(const ResourceSample& sample);

// Values recorded in the series but never judged: the RSS high-water mark ("rss_peak") and CPU time
// ("cpu_seconds") only ever rise, so a trend in them says nothing about a leak.
bool is_observed_only(const std::string& resource);

}  // namespace wsl
