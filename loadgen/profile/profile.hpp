// The resolved, immutable description of a run: every key of a profile YAML with its default applied.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/close_pattern.hpp"
#include "vocabulary/duration.hpp"
#include "wire/tls_options.hpp"

namespace wsl {

// timer_slack: 1 ms saves about a fifth of the generator's CPU at 1000 opens/s (bench/RESULTS.md) and moves no
// latency it reports (docs/how-it-works.md); more would delay its actions by more than a loopback round trip.
inline constexpr Duration kDefaultTimerSlack = 1ms;
inline constexpr Duration kMaxTimerSlack = 1ms;

struct Header {
  std::string name;
  std::string value;      // after ${VAR} expansion
  bool secret = false;    // value came (partly) from the environment: never print it

  bool operator==(const Header&) const = default;
};

struct TargetSpec {
  std::string url;  // empty: run against the embedded reference server
  bool url_secret = false;     // url came (partly) from the environment: never print it
  std::vector<Header> headers;
  std::vector<std::string> subprotocols;
  std::string origin;
  bool origin_secret = false;  // origin came (partly) from the environment: never print it
  Duration connect_timeout = 5s;
  Duration handshake_timeout = 5s;
  std::vector<std::string> source_addresses;
  TlsOptions tls;

  bool operator==(const TargetSpec&) const = default;
};

// A phase changes the target number of open connections and/or churns them.
struct Phase {
  std::string name;
  std::optional<Duration> duration{};     // absent: as long as its opens/closes take
  std::optional<uint32_t> connections{};  // target number of open connections
  std::optional<double> connect_rate{};   // opens per second; absent: spread over duration, else instant
  std::optional<double> churn_rate{};     // closes+reopens per second while holding `connections`
  bool close_all = false;                 // `close: all`
  std::optional<double> close_rate{};     // closes per second when shrinking/draining; absent: instant
  std::vector<CloseChoice> mix{};         // overrides close.mix for closes decided in this phase

  bool operator==(const Phase&) const = default;
};

struct Lifetime {
  enum class Dist { none, fixed, uniform, exponential, last = exponential };
  Dist dist = Dist::none;  // none: the connection lives until a phase closes it
  Duration mean = 0ns;     // fixed value, or exponential mean
  Duration min = 0ns;      // uniform
  Duration max = 0ns;      // uniform

  bool operator==(const Lifetime&) const = default;
};

struct MessagesSpec {
  Duration interval = 0ns;  // 0: no messages
  uint64_t size = 128;
  enum class Payload { text, binary, last = binary } payload = Payload::text;
  bool expect_echo = true;
  // When a connection's first message is due: at a seeded offset within the first interval (spread, so connections
  // opened together do not send in lockstep), or as soon as the upgrade is answered (at_open, in the same turn).
  enum class First { spread, at_open, last = at_open } first = First::spread;

  bool operator==(const MessagesSpec&) const = default;
};

struct SessionSpec {
  Lifetime lifetime;
  MessagesSpec messages;
  Duration ping_interval = 0ns;  // 0: no pings

  bool operator==(const SessionSpec&) const = default;
};

struct CloseSpec {
  Duration timeout = 5s;
  std::vector<CloseChoice> mix;  // default: one clean close with code 1000

  bool operator==(const CloseSpec&) const = default;
};

struct MonitorSpec {
  enum class PidMode { none, auto_detect, pid, pid_file };
  PidMode pid_mode = PidMode::auto_detect;
  int pid = 0;
  std::string pid_file;
  std::string scrape;  // URL of the server's /metrics, empty: none
  Duration interval = 1s;
  std::vector<std::string> series;  // extra scraped series to watch

  bool operator==(const MonitorSpec&) const = default;
};

// How the leak verdict splits the run to say which close pattern leaks (docs/verdict.md).
enum class LeakAttribution {
  none,      // every cycle runs the profile's mixes; rates are per connection of any pattern
  patterns,  // each cycle runs one block per pattern of the mixes, that pattern alone, each judged on its own
  last = patterns,
};

struct LeakCheck {
  Duration settle = 10s;
  int64_t fd_delta_max = 8;
  // The gross bound on memory growth after warm-up (from the end of the warm-up to the end of the run).
  uint64_t rss_delta_max = 64ull << 20;
  int64_t close_wait_max = 0;
  std::optional<double> rss_slope_max;  // bytes per cycle after warm-up; absent: not judged (the rate per connection is)
  uint32_t warmup_cycles = 1;  // memory growth in these first cycles is reported, never by itself a LEAK
  double rss_per_connection_max = 512;  // bytes of memory growth per connection closed, after warm-up
  LeakAttribution attribute = LeakAttribution::none;

  bool operator==(const LeakCheck&) const = default;
};

// Dead peers: connections of a held pattern (stall, close_timeout, ignore_server_close) must be given back by
// the server within `within` of their close starting.
struct ReapCheck {
  std::optional<Duration> within;  // absent: not checked

  bool operator==(const ReapCheck&) const = default;
};

struct Checks {
  LeakCheck leak;
  ReapCheck reap;
  double handshake_error_ratio_max = 0.001;
  Duration handshake_p99_max = 250ms;
  // Open connections the server ended without a Close frame (outside the held patterns, which expect it).
  uint64_t dropped_by_server_max = 0;
  std::optional<Duration> message_rtt_p99_max;  // absent: message RTT is reported, not judged
  // The server's CPU (utime+stime) as a share of one core over a step, e.g. 0.9; absent: not judged. Same host.
  std::optional<double> server_cpu_max;
  // The sustained capacity (connections, or opens per second for capacity.of: connect_rate) the run must reach.
  std::optional<double> capacity_min;

  bool operator==(const Checks&) const = default;
};

// What a capacity search raises step by step (docs/capacity-and-compare.md).
enum class CapacityQuantity {
  connections,   // open connections held for a step
  connect_rate,  // new connections per second (churned), for servers whose limit is their accept path
  last = connect_rate,
};

// capacity: the search mode. Each step is a block of its own: reach the level, hold it for step_duration, close
// everything, settle; the next level follows from whether the step was sustained (capacity/search_controller.hpp).
struct CapacitySearch {
  CapacityQuantity of = CapacityQuantity::connections;
  double start = 0;                  // the first level; required
  double factor = 2;                 // each level is the last sustained one times this, until a step fails
  std::optional<double> max{};       // never above this; absent: as far as this host's limits allow
  Duration step_duration = 20s;      // how long each level is held (after the ramp to it)
  uint32_t refine = 3;               // bisections between the last sustained and the first failed level
  double ramp_rate = 1000;           // of: connections: opens per second while a step ramps up to its level
  uint32_t connections = 100;        // of: connect_rate: the open connections churned at the step's rate

  bool operator==(const CapacitySearch&) const = default;
};

struct PushgatewaySpec {
  std::string url;  // empty: no push
  std::string job = "wsloadgen";
  Duration interval = 10s;

  bool operator==(const PushgatewaySpec&) const = default;
};

struct MetricsSpec {
  std::string listen = "127.0.0.1:9464";  // "off": no endpoint
  PushgatewaySpec pushgateway;
  std::map<std::string, std::string> labels;
  std::string run_id;     // the run_id label; empty ("auto"): "<profile name>-<UTC start time>"
  Duration linger = 0s;   // how long /metrics stays up after the verdict, so a scraper sees the final values

  bool operator==(const MetricsSpec&) const = default;
};

struct ReportSpec {
  std::string dir = "out/";

  bool operator==(const ReportSpec&) const = default;
};

struct Profile {
  std::string source_file;  // path it was loaded from, for messages
  std::string name;
  TargetSpec target;
  unsigned workers = 0;  // 0: auto (online cores)
  uint64_t seed = 1;
  uint32_t cycles = 1;
  std::vector<Phase> phases;
  SessionSpec session;
  CloseSpec close;
  MonitorSpec monitor;
  Checks checks;
  std::optional<CapacitySearch> capacity;  // present: the run is a capacity search; its steps replace `phases`
  MetricsSpec metrics;
  ReportSpec report;
  uint64_t max_message_size = 16ull << 20;  // larger incoming messages are a protocol error
  // A worker sleeps until a grid point of this step after its earliest timer (opens, closes, messages, pings,
  // deadlines), so that one wake-up serves every timer due within a step; 0s is exact timing
  // (docs/how-it-works.md, plan/timer_grid.hpp).
  Duration timer_slack = kDefaultTimerSlack;

  bool operator==(const Profile&) const = default;
};

}  // namespace wsl
