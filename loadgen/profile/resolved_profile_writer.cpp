// Prints the resolved profile as YAML in the profile syntax itself, so `validate` output loads back unchanged.
#include <yaml-cpp/yaml.h>

#include "profile/load_profile.hpp"
#include "profile/profile_names.hpp"
#include "vocabulary/units.hpp"

namespace wsl {
namespace {

constexpr const char* kRedacted = "<redacted>";

void key(YAML::Emitter& out, std::string_view name) { out << YAML::Key << std::string(name) << YAML::Value; }

void write_tls(YAML::Emitter& out, const TlsOptions& tls) {
  out << YAML::Flow << YAML::BeginMap;
  key(out, "ca_file"), out << tls.ca_file;
  key(out, "cert_file"), out << tls.cert_file;
  key(out, "key_file"), out << tls.key_file;
  key(out, "server_name"), out << tls.server_name;
  key(out, "insecure_skip_verify"), out << tls.insecure_skip_verify;
  out << YAML::EndMap;
}

void write_target(YAML::Emitter& out, const TargetSpec& target) {
  out << YAML::BeginMap;
  key(out, "url"), out << (target.url_secret ? kRedacted : target.url);
  key(out, "headers");
  if (target.headers.empty()) out << YAML::Flow;  // "{}" reads better than a dangling block
  out << YAML::BeginMap;
  for (const Header& h : target.headers) out << YAML::Key << h.name << YAML::Value << (h.secret ? kRedacted : h.value);
  out << YAML::EndMap;
  key(out, "subprotocols"), out << YAML::Flow << target.subprotocols;
  key(out, "origin"), out << (target.origin_secret ? kRedacted : target.origin);
  key(out, "connect_timeout"), out << format_duration(target.connect_timeout);
  key(out, "handshake_timeout"), out << format_duration(target.handshake_timeout);
  key(out, "source_addresses"), out << YAML::Flow << target.source_addresses;
  key(out, "tls"), write_tls(out, target.tls);
  out << YAML::EndMap;
}

void write_setting(YAML::Emitter& out, const CloseChoice& c, const CloseSettingInfo& setting) {
  key(out, setting.name);
  switch (setting.kind) {
    case CloseSettingKind::close_code: out << c.code; return;
    case CloseSettingKind::close_reason: out << c.reason; return;
    case CloseSettingKind::duration: out << format_duration(c.*setting.duration); return;
    case CloseSettingKind::abort_point: out << to_string(c.at); return;
    case CloseSettingKind::drop_by: out << to_string(c.by); return;
  }
}

// Only the settings the pattern takes, so the entry reads back as it was given.
void write_choice(YAML::Emitter& out, const CloseChoice& c) {
  out << YAML::Flow << YAML::BeginMap;
  key(out, "pattern"), out << to_string(c.pattern);
  key(out, "weight"), out << format_number(c.weight);
  for (const CloseSettingInfo& setting : kCloseSettings)
    if (describe(c.pattern).settings.has(setting.setting)) write_setting(out, c, setting);
  out << YAML::EndMap;
}

void write_mix(YAML::Emitter& out, const std::vector<CloseChoice>& mix) {
  out << YAML::BeginSeq;
  for (const CloseChoice& c : mix) write_choice(out, c);
  out << YAML::EndSeq;
}

void write_phase(YAML::Emitter& out, const Phase& phase) {
  out << YAML::Flow << YAML::BeginMap;
  key(out, "name"), out << phase.name;
  if (phase.duration) key(out, "duration"), out << format_duration(*phase.duration);
  if (phase.connections) key(out, "connections"), out << *phase.connections;
  if (phase.connect_rate) key(out, "connect_rate"), out << format_rate(*phase.connect_rate);
  if (phase.churn_rate) key(out, "churn_rate"), out << format_rate(*phase.churn_rate);
  if (phase.close_all) key(out, "close"), out << "all";
  if (phase.close_rate) key(out, "close_rate"), out << format_rate(*phase.close_rate);
  if (!phase.mix.empty()) key(out, "mix"), write_mix(out, phase.mix);
  out << YAML::EndMap;
}

void write_session(YAML::Emitter& out, const SessionSpec& session) {
  out << YAML::BeginMap;
  const Lifetime& life = session.lifetime;
  key(out, "lifetime"), out << YAML::Flow << YAML::BeginMap;
  key(out, "dist"), out << to_string(life.dist);
  if (life.dist == Lifetime::Dist::fixed) key(out, "value"), out << format_duration(life.mean);
  if (life.dist == Lifetime::Dist::exponential) key(out, "mean"), out << format_duration(life.mean);
  if (life.dist == Lifetime::Dist::uniform) {
    key(out, "min"), out << format_duration(life.min);
    key(out, "max"), out << format_duration(life.max);
  }
  out << YAML::EndMap;
  const MessagesSpec& m = session.messages;
  key(out, "messages"), out << YAML::Flow << YAML::BeginMap;
  key(out, "interval"), out << format_duration(m.interval);
  key(out, "size"), out << format_size(m.size);
  key(out, "payload"), out << to_string(m.payload);
  key(out, "expect_echo"), out << m.expect_echo;
  key(out, "first"), out << to_string(m.first);
  out << YAML::EndMap;
  key(out, "ping"), out << YAML::Flow << YAML::BeginMap;
  key(out, "interval"), out << format_duration(session.ping_interval);
  out << YAML::EndMap << YAML::EndMap;
}

void write_monitor(YAML::Emitter& out, const MonitorSpec& monitor) {
  out << YAML::BeginMap;
  key(out, "pid");
  switch (monitor.pid_mode) {
    case MonitorSpec::PidMode::none: out << "none"; break;
    case MonitorSpec::PidMode::auto_detect: out << "auto"; break;
    case MonitorSpec::PidMode::pid: out << monitor.pid; break;
    case MonitorSpec::PidMode::pid_file:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "pid_file" << YAML::Value << monitor.pid_file
          << YAML::EndMap;
      break;
  }
  key(out, "scrape"), out << monitor.scrape;
  key(out, "interval"), out << format_duration(monitor.interval);
  key(out, "series"), out << YAML::Flow << monitor.series;
  out << YAML::EndMap;
}

void write_checks(YAML::Emitter& out, const Checks& checks) {
  const LeakCheck& leak = checks.leak;
  out << YAML::BeginMap;
  key(out, "leak"), out << YAML::Flow << YAML::BeginMap;
  key(out, "settle"), out << format_duration(leak.settle);
  key(out, "fd_delta_max"), out << leak.fd_delta_max;
  key(out, "rss_delta_max"), out << format_size(leak.rss_delta_max);
  key(out, "close_wait_max"), out << leak.close_wait_max;
  if (leak.rss_slope_max) key(out, "rss_slope_max"), out << format_size_per_cycle(*leak.rss_slope_max);
  key(out, "warmup_cycles"), out << leak.warmup_cycles;
  key(out, "rss_per_connection_max"), out << format_size(uint64_t(leak.rss_per_connection_max));
  key(out, "attribute"), out << to_string(leak.attribute);
  out << YAML::EndMap;
  key(out, "reap"), out << YAML::Flow << YAML::BeginMap;
  if (checks.reap.within) key(out, "within"), out << format_duration(*checks.reap.within);
  out << YAML::EndMap;
  key(out, "handshake_error_ratio_max"), out << format_number(checks.handshake_error_ratio_max);
  key(out, "handshake_p99_max"), out << format_duration(checks.handshake_p99_max);
  key(out, "dropped_by_server_max"), out << checks.dropped_by_server_max;
  if (checks.message_rtt_p99_max) key(out, "message_rtt_p99_max"), out << format_duration(*checks.message_rtt_p99_max);
  if (checks.server_cpu_max) key(out, "server_cpu_max"), out << format_number(*checks.server_cpu_max);
  if (checks.capacity_min) key(out, "capacity_min"), out << format_number(*checks.capacity_min);
  out << YAML::EndMap;
}

// A level as the profile writes it: a whole number of connections, or a rate.
std::string level_text(const CapacitySearch& search, double level) {
  switch (search.of) {
    case CapacityQuantity::connections: return format_number(level);
    case CapacityQuantity::connect_rate: return format_rate(level);
  }
  return format_number(level);
}

void write_capacity(YAML::Emitter& out, const CapacitySearch& search) {
  out << YAML::BeginMap;
  key(out, "of"), out << to_string(search.of);
  key(out, "start"), out << level_text(search, search.start);
  key(out, "factor"), out << format_number(search.factor);
  if (search.max) key(out, "max"), out << level_text(search, *search.max);
  key(out, "step_duration"), out << format_duration(search.step_duration);
  key(out, "refine"), out << search.refine;
  switch (search.of) {
    case CapacityQuantity::connections: key(out, "ramp_rate"), out << format_rate(search.ramp_rate); break;
    case CapacityQuantity::connect_rate: key(out, "connections"), out << search.connections; break;
  }
  out << YAML::EndMap;
}

void write_metrics(YAML::Emitter& out, const MetricsSpec& metrics) {
  out << YAML::BeginMap;
  key(out, "listen"), out << metrics.listen;
  key(out, "pushgateway"), out << YAML::Flow << YAML::BeginMap;
  key(out, "url"), out << metrics.pushgateway.url;
  key(out, "job"), out << metrics.pushgateway.job;
  key(out, "interval"), out << format_duration(metrics.pushgateway.interval);
  out << YAML::EndMap;
  key(out, "labels");
  if (metrics.labels.empty()) out << YAML::Flow;
  out << YAML::BeginMap;
  for (const auto& [name, value] : metrics.labels) out << YAML::Key << name << YAML::Value << value;
  out << YAML::EndMap;
  key(out, "run_id"), out << (metrics.run_id.empty() ? std::string("auto") : metrics.run_id);
  key(out, "linger"), out << format_duration(metrics.linger);
  out << YAML::EndMap;
}

}  // namespace

std::string render_resolved_profile(const Profile& p) {
  YAML::Emitter out;
  out << YAML::Comment("resolved from " + (p.source_file.empty() ? std::string("(text)") : p.source_file) +
                       ": every default filled in, secrets shown as <redacted>");
  out << YAML::BeginMap;
  key(out, "name"), out << p.name;
  key(out, "target"), write_target(out, p.target);
  key(out, "workers");
  if (p.workers == 0) out << "auto";
  else out << p.workers;
  key(out, "seed"), out << p.seed;
  key(out, "cycles"), out << p.cycles;
  key(out, "max_message_size"), out << format_size(p.max_message_size);
  key(out, "timer_slack"), out << format_duration(p.timer_slack);
  key(out, "phases");
  if (p.phases.empty()) out << YAML::Flow;  // a capacity search has none: "[]"
  out << YAML::BeginSeq;
  for (const Phase& phase : p.phases) write_phase(out, phase);
  out << YAML::EndSeq;
  if (p.capacity) key(out, "capacity"), write_capacity(out, *p.capacity);
  key(out, "session"), write_session(out, p.session);
  key(out, "close"), out << YAML::BeginMap;
  key(out, "timeout"), out << format_duration(p.close.timeout);
  key(out, "mix"), write_mix(out, p.close.mix);
  out << YAML::EndMap;
  key(out, "monitor"), write_monitor(out, p.monitor);
  key(out, "checks"), write_checks(out, p.checks);
  key(out, "metrics"), write_metrics(out, p.metrics);
  key(out, "report"), out << YAML::BeginMap;
  key(out, "dir"), out << p.report.dir;
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace wsl
