// The monitor thread: samples the server under test every interval into a time series for the verdict.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "monitor/own_connections.hpp"
#include "monitor/reclaim_lookups.hpp"
#include "monitor/reclaim_tracker.hpp"
#include "monitor/resource_sample.hpp"
#include "monitor/sock_diag_query.hpp"
#include "profile/profile.hpp"

namespace wsl {

// What to watch: a local process and port (same host), and/or a /metrics URL (any host).
struct MonitorTarget {
  std::optional<int> pid;
  std::optional<uint16_t> port;  // server-side sockets of this local port, through sock_diag
  std::string scrape_url;
  std::vector<std::string> scrape_series;  // besides process_open_fds and process_resident_memory_bytes
};

class Monitor {
 public:
  Monitor(MonitorTarget target, Duration interval, int64_t epoch_ns);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // While connections await their reclaim, their server sockets are checked every kReclaimPoll: looked up one
  // by one once a dump of the port has shown how the server names connections from their client address, else
  // by a new dump (rate-limited).
  // Set before start(); only meaningful with a same-host port.
  void set_reclaim_tracker(ReclaimTracker* tracker) { reclaim_ = tracker; }
  // A last check at the end: the reclaim times, and what the server still holds.
  ReclaimResults finish_reclaims();

  // Opens what sampling needs and starts the periodic thread; false with *error when nothing can be watched.
  bool start(std::string* error);
  void stop();

  // Takes one sample now (also recorded in the series); safe alongside the periodic thread.
  ResourceSample sample_now();

  // Runs `f` while no sample is being taken (a sample opens transient fds, e.g. to list /proc/PID/fd).
  template <typename F>
  auto between_samples(F f) {
    std::lock_guard<std::mutex> lock(sample_mutex_);
    return f();
  }

  std::vector<ResourceSample> series() const;
  // The most recent sample, if any (for the progress line).
  std::optional<ResourceSample> latest() const;
  // Set once the watched process is gone or replaced, saying when: every later comparison is meaningless.
  std::optional<std::string> target_lost() const;
  const MonitorTarget& target() const { return target_; }
  // Why scraping gave nothing, when monitor.scrape is set and no scrape ever succeeded; else empty.
  std::string scrape_problem() const;

 private:
  ResourceSample take_sample();  // callers hold sample_mutex_
  void check_reclaims();
  void scrape_into(ResourceSample& sample);  // remote monitoring: the server's own /metrics
  void note_target_state(const ResourceSample& sample);  // sets target_lost_ once the process is gone or replaced
  void loop();

  const MonitorTarget target_;
  const Duration interval_;
  const int64_t epoch_ns_;
  std::optional<SockDiagQuery> sock_diag_;
  ReclaimTracker* reclaim_ = nullptr;
  int64_t reclaim_poll_ns_ = 20'000'000;  // how often pending reclaims are checked; adapts to the check's cost
  // Reclaim checks (under sample_mutex_): when the next dump may be taken, what the last one taught about lookups,
  // and the sockets of the last dump, lookup and answers, their memory kept from one check to the next.
  int64_t next_reclaim_dump_ns_ = 0;
  ReclaimLookups reclaim_lookups_;
  std::vector<SocketEntry> owned_sockets_;
  std::vector<SocketEntry> asked_sockets_;
  std::vector<SocketEntry> found_sockets_;
  OwnConnections own_connections_;  // the scrapes' connections, left out of the census
  mutable std::mutex sample_mutex_;  // sock_diag and the series are shared by the thread and sample_now
  std::vector<ResourceSample> series_;
  std::optional<std::string> target_lost_;
  int64_t target_start_ticks_ = -1;  // the watched process's start time, from the first sample
  std::string last_scrape_error_;
  bool scraped_once_ = false;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wsl
