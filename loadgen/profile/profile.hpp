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
  std::optional<Duration> duration;      // absent: as long as its opens/closes take
  std::optional<uint32_t> connections;   // target number of open connections
  std::optional<double> connect_rate;    // opens per second; absent: spread over duration, else instant
  std::optional<double> churn_rate;      // closes+reopens per second while holding `connections`
  bool close_all = false;                // `close: all`
  std::optional<double> close_rate;      // closes per second when shrinking/draining; absent: instant
  std::vector<CloseChoice> mix;          // overrides close.mix for closes decided in this phase

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

struct LeakCheck {
  Duration settle = 10s;
  int64_t fd_delta_max = 8;
  uint64_t rss_delta_max = 16ull << 20;
  int64_t close_wait_max = 0;
  double rss_slope_max = double(1ull << 20);  // bytes per cycle

  bool operator==(const LeakCheck&) const = default;
};

struct Checks {
  LeakCheck leak;
  double handshake_error_ratio_max = 0.001;
  Duration handshake_p99_max = 250ms;

  bool operator==(const Checks&) const = default;
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
  MetricsSpec metrics;
  ReportSpec report;
  uint64_t max_message_size = 16ull << 20;  // larger incoming messages are a protocol error

  bool operator==(const Profile&) const = default;
};

}  // namespace wsl
