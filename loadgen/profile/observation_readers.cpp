// Reads the sections about watching the run: `close` timing, `monitor`, `checks` and `metrics`.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "profile/profile_keys.hpp"
#include "profile/profile_names.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"
#include "profile/value_rules.hpp"

namespace wsl {
namespace {

constexpr const auto& kCloseKeys = profile_keys::kClose;
constexpr const auto& kMonitorKeys = profile_keys::kMonitor;
constexpr const auto& kPidFileKeys = profile_keys::kPidFile;
constexpr const auto& kChecksKeys = profile_keys::kChecks;
constexpr const auto& kLeakKeys = profile_keys::kLeak;
constexpr const auto& kReapKeys = profile_keys::kReap;
constexpr const auto& kMetricsKeys = profile_keys::kMetrics;
constexpr const auto& kPushgatewayKeys = profile_keys::kPushgateway;

void read_pid(ReadContext& ctx, const YAML::Node& node, const std::string& path, MonitorSpec& monitor) {
  if (node.IsMap()) {
    const size_t errors_before = ctx.errors().size();
    bool found = false;
    for_each_entry(ctx, node, path, kPidFileKeys, [&](const std::string&, const YAML::Node& v, const std::string& p) {
      found = true;
      auto file = read_string(ctx, v, p);
      if (file && file->empty()) ctx.error(v, p, "expected the path of a file holding the server's pid");
      if (!file || file->empty()) return;
      monitor.pid_mode = MonitorSpec::PidMode::pid_file;
      monitor.pid_file = *file;
    });
    if (!found && ctx.errors().size() == errors_before) ctx.error(node, path, "missing key pid_file");
    return;
  }
  if (node.IsScalar() && node.Scalar() == "auto") {
    monitor.pid_mode = MonitorSpec::PidMode::auto_detect;
  } else if (node.IsScalar() && node.Scalar() == "none") {
    monitor.pid_mode = MonitorSpec::PidMode::none;
  } else if (node.IsScalar() && !node.Scalar().empty() && std::isdigit(static_cast<unsigned char>(node.Scalar()[0]))) {
    if (auto pid = read_integer(ctx, node, path, 1, INT32_MAX)) {
      monitor.pid_mode = MonitorSpec::PidMode::pid;
      monitor.pid = int(*pid);
    }
  } else {
    ctx.error(node, path, "expected auto, none, a process id, or {pid_file: PATH}");
  }
}

void read_leak(ReadContext& ctx, const YAML::Node& node, const std::string& path, LeakCheck& leak) {
  for_each_entry(ctx, node, path, kLeakKeys, [&](const std::string& key, const YAML::Node& value,
                                                 const std::string& p) {
    if (key == "settle") {
      if (auto d = read_duration(ctx, value, p)) leak.settle = *d;
    } else if (key == "fd_delta_max") {
      if (auto n = read_integer(ctx, value, p, 0, INT64_MAX)) leak.fd_delta_max = *n;
    } else if (key == "rss_delta_max") {
      if (auto s = read_size(ctx, value, p)) leak.rss_delta_max = *s;
    } else if (key == "close_wait_max") {
      if (auto n = read_integer(ctx, value, p, 0, INT64_MAX)) leak.close_wait_max = *n;
    } else if (key == "rss_slope_max") {
      if (auto s = read_size_per_cycle(ctx, value, p)) leak.rss_slope_max = *s;
    } else if (key == "warmup_cycles") {
      if (auto n = read_integer(ctx, value, p, 0, UINT32_MAX)) leak.warmup_cycles = uint32_t(*n);
    } else if (key == "rss_per_connection_max") {
      if (auto s = read_size(ctx, value, p)) leak.rss_per_connection_max = double(*s);
    } else if (key == "attribute") {
      if (auto i = read_choice(ctx, value, p, kLeakAttributionNames)) leak.attribute = LeakAttribution(*i);
    }
  });
}

// A share of one core: 0.9, or 90%; above 1 for a server that uses several cores.
std::optional<double> read_core_share(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  const std::string expected = "expected a share of a core above 0, such as 0.9 or 90%";
  if (!node.IsScalar()) {
    ctx.error(node, path, expected);
    return std::nullopt;
  }
  std::string text = node.Scalar();
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  const double value = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || !(value > 0)) {
    ctx.error(node, path, expected + ", got \"" + node.Scalar() + "\"");
    return std::nullopt;
  }
  return percent ? value / 100 : value;
}

void read_reap(ReadContext& ctx, const YAML::Node& node, const std::string& path, ReapCheck& reap) {
  for_each_entry(ctx, node, path, kReapKeys, [&](const std::string&, const YAML::Node& value, const std::string& p) {
    if (auto d = read_duration(ctx, value, p, false)) reap.within = *d;
  });
}

void read_pushgateway(ReadContext& ctx, const YAML::Node& node, const std::string& path, PushgatewaySpec& push) {
  for_each_entry(ctx, node, path, kPushgatewayKeys, [&](const std::string& key, const YAML::Node& value,
                                                        const std::string& p) {
    if (key == "url") {
      auto url = read_string(ctx, value, p);
      if (!url) return;
      if (auto problem = url->empty() ? std::nullopt : http_url_problem(*url)) return ctx.error(value, p, *problem);
      push.url = *url;
    } else if (key == "job") {
      auto job = read_string(ctx, value, p);
      if (job && job->empty()) ctx.error(value, p, "expected a non-empty job name");
      else if (job) push.job = *job;
    } else if (key == "interval") {
      if (auto d = read_duration(ctx, value, p, false)) push.interval = *d;
    }
  });
}

}  // namespace

void read_close(ReadContext& ctx, const YAML::Node& node, const std::string& path, CloseSpec& close) {
  for_each_entry(ctx, node, path, kCloseKeys, [&](const std::string& key, const YAML::Node& value,
                                                  const std::string& p) {
    if (key == "timeout") {
      if (auto d = read_duration(ctx, value, p, false)) close.timeout = *d;
    } else if (key == "mix") {
      if (auto mix = read_close_mix(ctx, value, p)) close.mix = *mix;
    }
  });
}

void read_monitor(ReadContext& ctx, const YAML::Node& node, const std::string& path, MonitorSpec& monitor) {
  for_each_entry(ctx, node, path, kMonitorKeys, [&](const std::string& key, const YAML::Node& value,
                                                    const std::string& p) {
    if (key == "pid") {
      read_pid(ctx, value, p, monitor);
    } else if (key == "scrape") {
      auto url = read_string(ctx, value, p);
      if (!url) return;
      if (auto problem = url->empty() ? std::nullopt : http_url_problem(*url)) return ctx.error(value, p, *problem);
      monitor.scrape = *url;
    } else if (key == "interval") {
      if (auto d = read_duration(ctx, value, p, false)) monitor.interval = *d;
    } else if (key == "series") {
      auto list = read_string_list(ctx, value, p);
      if (!list) return;
      for (size_t i = 0; i < list->size(); ++i)
        if (auto problem = metric_name_problem((*list)[i])) ctx.error(value[i], item_path(p, i), *problem);
      monitor.series = *list;
    }
  });
}

void read_checks(ReadContext& ctx, const YAML::Node& node, const std::string& path, Checks& checks) {
  for_each_entry(ctx, node, path, kChecksKeys, [&](const std::string& key, const YAML::Node& value,
                                                   const std::string& p) {
    if (key == "leak") {
      read_leak(ctx, value, p, checks.leak);
    } else if (key == "reap") {
      read_reap(ctx, value, p, checks.reap);
    } else if (key == "dropped_by_server_max") {
      if (auto n = read_integer(ctx, value, p, 0, INT64_MAX)) checks.dropped_by_server_max = uint64_t(*n);
    } else if (key == "handshake_error_ratio_max") {
      if (auto r = read_number(ctx, value, p, 0, 1)) checks.handshake_error_ratio_max = *r;
    } else if (key == "handshake_p99_max") {
      if (auto d = read_duration(ctx, value, p, false)) checks.handshake_p99_max = *d;
    } else if (key == "message_rtt_p99_max") {
      if (auto d = read_duration(ctx, value, p, false)) checks.message_rtt_p99_max = *d;
    } else if (key == "server_cpu_max") {
      if (auto share = read_core_share(ctx, value, p)) checks.server_cpu_max = *share;
    } else if (key == "capacity_min") {
      // Connections, or opens per second with capacity.of: connect_rate (validation checks which).
      if (auto n = read_rate(ctx, value, p)) checks.capacity_min = *n;
    }
  });
}

void read_metrics(ReadContext& ctx, const YAML::Node& node, const std::string& path, MetricsSpec& metrics) {
  for_each_entry(ctx, node, path, kMetricsKeys, [&](const std::string& key, const YAML::Node& value,
                                                    const std::string& p) {
    if (key == "listen") {
      auto listen = read_string(ctx, value, p);
      if (!listen) return;
      if (auto problem = listen_address_problem(*listen)) return ctx.error(value, p, *problem);
      metrics.listen = *listen;
    } else if (key == "pushgateway") {
      read_pushgateway(ctx, value, p, metrics.pushgateway);
    } else if (key == "labels") {
      for_each_named_entry(ctx, value, p, [&](const std::string& name, const YAML::Node& v, const std::string& lp) {
        if (auto problem = label_name_problem(name)) return ctx.error(v, lp, *problem);
        if (auto text = read_string(ctx, v, lp)) metrics.labels[name] = *text;
      });
    } else if (key == "run_id") {
      auto id = read_string(ctx, value, p);
      if (!id || *id == "auto") return;  // auto: generated when the run starts
      if (auto problem = run_id_problem(*id)) return ctx.error(value, p, *problem);
      metrics.run_id = *id;
    } else if (key == "linger") {
      if (auto d = read_duration(ctx, value, p, true)) metrics.linger = *d;
    }
  });
}

}  // namespace wsl
