// Every key the profile parser accepts, one table per mapping: the readers refuse any other key with "unknown key"
// (and a did-you-mean), and tests/unit/test_docs_in_step.cpp checks docs/profile-reference.md against these tables
// both ways. Free-form maps (target.headers, metrics.labels) have no fixed keys and are not listed here.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "vocabulary/close_pattern.hpp"

namespace wsl::profile_keys {

inline constexpr std::string_view kTop[] = {"name",    "target", "workers", "seed",    "cycles",
                                            "phases",  "session", "close",  "monitor", "checks",
                                            "capacity", "metrics", "report", "max_message_size",
                                            "timer_slack"};
inline constexpr std::string_view kTarget[] = {"url",     "headers",           "subprotocols",     "origin",
                                               "connect_timeout", "handshake_timeout", "source_addresses", "tls"};
inline constexpr std::string_view kTls[] = {"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"};
inline constexpr std::string_view kPhase[] = {"name",       "duration", "connections", "connect_rate",
                                              "churn_rate", "close",    "close_rate",  "mix"};
inline constexpr std::string_view kSession[] = {"lifetime", "messages", "ping"};
inline constexpr std::string_view kLifetime[] = {"dist", "value", "mean", "min", "max"};
inline constexpr std::string_view kMessages[] = {"interval", "size", "payload", "expect_echo", "first"};
inline constexpr std::string_view kPing[] = {"interval"};
inline constexpr std::string_view kClose[] = {"timeout", "mix"};
// A close-mix entry: pattern and weight, which every pattern takes, then the settings of the close-pattern table.
inline constexpr auto kMixEntry = [] {
  std::array<std::string_view, 2 + kCloseSettings.size()> keys{"pattern", "weight"};
  for (size_t i = 0; i < kCloseSettings.size(); ++i) keys[2 + i] = kCloseSettings[i].name;
  return keys;
}();
inline constexpr std::string_view kMonitor[] = {"pid", "scrape", "interval", "series"};
inline constexpr std::string_view kPidFile[] = {"pid_file"};
inline constexpr std::string_view kChecks[] = {"leak",           "reap",           "handshake_error_ratio_max",
                                               "handshake_p99_max", "dropped_by_server_max", "message_rtt_p99_max",
                                               "server_cpu_max", "capacity_min"};
inline constexpr std::string_view kLeak[] = {"settle",        "fd_delta_max",           "rss_delta_max",
                                             "close_wait_max", "rss_slope_max",         "warmup_cycles",
                                             "rss_per_connection_max", "attribute"};
inline constexpr std::string_view kReap[] = {"within"};
inline constexpr std::string_view kCapacity[] = {"of",     "start",  "factor",    "max",
                                                 "step_duration", "refine", "ramp_rate", "connections"};
inline constexpr std::string_view kMetrics[] = {"listen", "pushgateway", "labels", "run_id", "linger"};
inline constexpr std::string_view kPushgateway[] = {"url", "job", "interval"};
inline constexpr std::string_view kReport[] = {"dir"};

// Where each table applies, as the key path docs/profile-reference.md writes it ("[]": any item of a list).
struct Section {
  std::string_view path;  // "" for the top level
  std::span<const std::string_view> keys;
};
inline constexpr Section kSections[] = {
    {"", kTop},
    {"target", kTarget},
    {"target.tls", kTls},
    {"phases[]", kPhase},
    {"session", kSession},
    {"session.lifetime", kLifetime},
    {"session.messages", kMessages},
    {"session.ping", kPing},
    {"close", kClose},
    {"close.mix[]", kMixEntry},
    {"phases[].mix[]", kMixEntry},
    {"monitor", kMonitor},
    {"monitor.pid", kPidFile},
    {"checks", kChecks},
    {"checks.leak", kLeak},
    {"checks.reap", kReap},
    {"capacity", kCapacity},
    {"metrics", kMetrics},
    {"metrics.pushgateway", kPushgateway},
    {"report", kReport},
};

}  // namespace wsl::profile_keys
