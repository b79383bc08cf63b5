// The monitor thread: samples the server under test every interval into a time series for the verdict.
#include "monitor/monitor.hpp"

#include <pthread.h>

#include <algorithm>

#include "monitor/metrics_scrape.hpp"
#include "monitor/prometheus_text.hpp"
#include "monitor/server_sockets.hpp"
#include "vocabulary/human_units.hpp"
#include "vocabulary/monotonic_clock.hpp"

namespace wsl {
namespace {

// Fine enough to time a reclaim; most checks are lookups of the pending connections' sockets, microseconds each.
constexpr Duration kReclaimPoll = 20ms;

}  // namespace

Monitor::Monitor(MonitorTarget target, Duration interval, int64_t epoch_ns)
    : target_(std::move(target)), interval_(interval), epoch_ns_(epoch_ns) {}

Monitor::~Monitor() { stop(); }

bool Monitor::start(std::string* error) {
  if (target_.port) {
    std::string why;
    sock_diag_ = SockDiagQuery::open(why);
    if (!sock_diag_) {
      *error = "cannot open netlink sock_diag: " + why;
      return false;
    }
  }
  if (!target_.pid && !target_.port && target_.scrape_url.empty()) {
    *error = "nothing to monitor";
    return false;
  }
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "wsl-monitor");  // for top -H, perf and the benchmarks
    loop();
  });
  return true;
}

void Monitor::stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Monitor::loop() {
  std::unique_lock<std::mutex> lock(wake_mutex_);
  int64_t next_sample_ns = monotonic_now_ns();
  while (!stopping_) {
    lock.unlock();
    const int64_t now = monotonic_now_ns();
    if (now >= next_sample_ns) {
      sample_now();
      next_sample_ns = now + interval_.count();
    } else {
      check_reclaims();
    }
    // Wake often when reclaims can arrive (workers register closes at any moment); a wake with
    // nothing pending costs one look at an empty table.
    const int64_t wait_ns = std::min<int64_t>(next_sample_ns - monotonic_now_ns(),
                                              reclaim_ ? reclaim_poll_ns_ : INT64_MAX);
    lock.lock();
    wake_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(wait_ns, 0)), [this] { return stopping_; });
  }
}

void Monitor::check_reclaims() {
  if (!reclaim_ || !sock_diag_ || !target_.port) return;
  const std::vector<ClientEnd> pending = reclaim_->pending_clients();
  if (pending.empty()) return;
  std::lock_guard<std::mutex> lock(sample_mutex_);
  const int64_t started = monotonic_now_ns();
  std::string why;
  asked_sockets_.clear();
  const bool all_known = reclaim_lookups_.plan(pending, asked_sockets_);
  if (!all_known && started >= next_reclaim_dump_ns_) {
    // A connection from a client address no dump has shown yet: only a dump finds its socket, and teaches the
    // lookups how the server names that address's connections.
    if (list_owned_server_sockets(*sock_diag_, *target_.port, owned_sockets_, why)) {
      reclaim_->check(owned_sockets_, monotonic_now_ns());
      reclaim_lookups_.learn(owned_sockets_);
    }
    // A dump walks every TCP socket of the host, milliseconds at scale: never more than a quarter of the time.
    next_reclaim_dump_ns_ = started + std::max<int64_t>(kReclaimPoll.count(), 4 * (monotonic_now_ns() - started));
  } else if (!asked_sockets_.empty()) {
    found_sockets_.clear();
    auto found = [this](const SocketEntry& socket) { found_sockets_.push_back(socket); };
    if (sock_diag_->look_up(asked_sockets_, found, why))
      reclaim_->check_looked_up(asked_sockets_, found_sockets_, monotonic_now_ns());
  }
  // Thousands of pending connections make even their lookups cost milliseconds: the same quarter at most.
  reclaim_poll_ns_ = std::max<int64_t>(kReclaimPoll.count(), 4 * (monotonic_now_ns() - started));
}

ReclaimResults Monitor::finish_reclaims() {
  if (!reclaim_ || !sock_diag_ || !target_.port) return {};
  std::lock_guard<std::mutex> lock(sample_mutex_);
  std::string why;
  if (!list_owned_server_sockets(*sock_diag_, *target_.port, owned_sockets_, why)) owned_sockets_.clear();
  return reclaim_->finish(owned_sockets_, monotonic_now_ns());
}

ResourceSample Monitor::sample_now() {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  ResourceSample sample = take_sample();
  series_.push_back(sample);
  return sample;
}

ResourceSample Monitor::take_sample() {
  ResourceSample sample;
  sample.at_ns = monotonic_now_ns() - epoch_ns_;
  if (target_.pid) {
    sample.process = sample_process(*target_.pid);
    note_target_state(sample);
  }
  if (!target_.scrape_url.empty()) scrape_into(sample);
  if (sock_diag_ && target_.port) {
    std::string why;
    if (auto counted = count_server_sockets(*sock_diag_, *target_.port, own_connections_, why)) {
      sample.sockets = counted->by_state;
      sample.sockets_owned = counted->owned;
    }
  }
  return sample;
}

void Monitor::note_target_state(const ResourceSample& sample) {
  if (target_lost_) return;
  const std::string pid = "server pid " + std::to_string(*target_.pid);
  const std::string when = " at " + human_duration(Duration(sample.at_ns));
  if (!sample.process || !sample.process->alive) {
    target_lost_ = pid + " was gone" + when;
    return;
  }
  // The same pid with another start time is another process: the server was replaced (restarted, pid reused).
  const int64_t started = sample.process->start_ticks;
  if (target_start_ticks_ < 0) target_start_ticks_ = started;
  else if (started >= 0 && started != target_start_ticks_) {
    target_lost_ = pid + " was replaced by another process" + when;
  }
}

void Monitor::scrape_into(ResourceSample& sample) {
  // Bounded well inside the interval, so a slow endpoint cannot stall the monitor.
  const auto timeout = std::min<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(interval_), 2000ms);
  const ScrapeResult scraped = scrape_http(target_.scrape_url, timeout);
  // Served on the port under test, the scrape is a connection the census would count as the load's, so the
  // census leaves it out (OwnConnections). Only a census forgets an end again: without one, none is remembered.
  if (scraped.local_end && sock_diag_ && target_.port) own_connections_.opened(*scraped.local_end);
  if (!scraped.ok) {
    last_scrape_error_ = scraped.error;
    return;
  }
  scraped_once_ = true;
  const MetricsParse parsed = parse_prometheus_text(scraped.body);
  auto take = [&](const std::string& name) {
    if (auto value = find_value(parsed.samples, name)) sample.scraped[name] = *value;
  };
  take("process_open_fds");
  take("process_resident_memory_bytes");
  for (const auto& name : target_.scrape_series) take(name);
}

std::vector<ResourceSample> Monitor::series() const {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  return series_;
}

std::optional<std::string> Monitor::target_lost() const {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  return target_lost_;
}

}  // namespace wsl

namespace wsl {

std::string Monitor::scrape_problem() const {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  if (target_.scrape_url.empty() || scraped_once_) return "";
  return "scrape of " + target_.scrape_url + " failed: " +
         (last_scrape_error_.empty() ? std::string("no sample taken") : last_scrape_error_);
}

}  // namespace wsl

namespace wsl {

std::optional<ResourceSample> Monitor::latest() const {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  if (series_.empty()) return std::nullopt;
  return series_.back();
}

}  // namespace wsl
