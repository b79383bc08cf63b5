// A step's figures from its phase stats and the monitor's samples, and the thresholds that make it sustained.
#include "capacity/step_result.hpp"

#include <algorithm>
#include <cstdio>

#include "profile/capacity_level.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {
namespace {

LatencyFigures figures_of(const LatencyHistogram& h) {
  LatencyFigures f;
  f.count = h.count();
  if (f.count > 0) {
    f.p50 = h.quantile(0.50);
    f.p99 = h.quantile(0.99);
  }
  return f;
}

std::optional<double> value_of(const ResourceSample& sample, std::initializer_list<const char*> names) {
  const auto values = resource_values(sample);
  for (const char* name : names)
    if (auto it = values.find(name); it != values.end()) return it->second;
  return std::nullopt;
}

void add_server_figures(StepResult& step, const std::vector<ResourceSample>& series) {
  std::optional<std::pair<int64_t, double>> first_cpu, last_cpu;
  for (const ResourceSample& sample : series) {
    if (sample.at_ns < step.start_ns || sample.at_ns > step.end_ns) continue;
    if (auto rss = value_of(sample, {"rss", "scrape:process_resident_memory_bytes"}))
      step.server_rss_bytes = std::max(step.server_rss_bytes.value_or(*rss), *rss);
    if (auto fds = value_of(sample, {"fds", "scrape:process_open_fds"}))
      step.server_fds = std::max(step.server_fds.value_or(*fds), *fds);
    if (auto cpu = value_of(sample, {"cpu_seconds"})) {
      if (!first_cpu) first_cpu = {sample.at_ns, *cpu};
      last_cpu = {sample.at_ns, *cpu};
    }
  }
  // The share comes from the samples that bound the step; CPU per message and per connection scale it to the step.
  if (!first_cpu || last_cpu->first <= first_cpu->first) return;
  const double share = (last_cpu->second - first_cpu->second) / (double(last_cpu->first - first_cpu->first) / 1e9);
  step.server_cpu_share = std::max(share, 0.0);
  const double cpu_in_step = *step.server_cpu_share * step.duration_seconds();
  if (step.messages_sent > 0) step.server_cpu_per_message = cpu_in_step / double(step.messages_sent);
  if (step.connects_attempted > 0) step.server_cpu_per_connection = cpu_in_step / double(step.connects_attempted);
}

std::string ratio_text(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", ratio);
  return text;
}

}  // namespace

bool is_host_limit_error(const std::string& reason) {
  return reason == "no_local_port" || reason == "no_file_descriptor";
}

StepResult measure_step(const StepFrame& frame, const PhaseStats& phase, const std::vector<ResourceSample>& series) {
  StepResult step;
  step.name = frame.name;
  step.cycle = frame.cycle;
  step.of = frame.of;
  step.level = frame.level;
  step.start_ns = frame.start_ns;
  step.end_ns = std::max(frame.end_ns, frame.start_ns);
  step.connections_open = phase.open_at_end;
  step.connects_attempted = phase.connects_attempted;
  step.connections_opened = phase.connections_opened;
  step.closes_started = phase.closes_started;
  const double seconds = step.duration_seconds();
  if (seconds > 0) {
    step.opens_per_second = double(phase.connections_opened) / seconds;
    step.closes_per_second = double(phase.closes_started) / seconds;
  }
  step.errors = phase.connect_errors;
  step.errors_total = phase.connect_error_total();
  step.dropped_by_server = phase.dropped_by_server;
  step.messages_sent = phase.messages_sent;
  step.messages_received = phase.messages_received;
  step.handshake = figures_of(phase.handshake_latency);
  step.message_rtt = figures_of(phase.message_rtt);
  add_server_figures(step, series);
  return step;
}

void judge_step(StepResult& step, const Checks& checks) {
  step.failures.clear();
  step.failed_check.clear();
  auto fail = [&](const std::string& check, const std::string& detail) {
    if (step.failures.empty()) step.failed_check = check;
    step.failures.push_back(check + " " + detail);
  };
  if (step.connects_attempted > 0) {
    const double ratio = double(step.errors_total) / double(step.connects_attempted);
    if (ratio > checks.handshake_error_ratio_max)
      fail("handshake_error_ratio", ratio_text(ratio) + " > max " + ratio_text(checks.handshake_error_ratio_max) +
                                        " (" + std::to_string(step.errors_total) + " of " +
                                        std::to_string(step.connects_attempted) + " failed)");
  }
  if (step.handshake.p99 && *step.handshake.p99 > checks.handshake_p99_max)
    fail("handshake_p99", human_duration(*step.handshake.p99) + " > max " + human_duration(checks.handshake_p99_max));
  if (checks.message_rtt_p99_max && step.message_rtt.p99 && *step.message_rtt.p99 > *checks.message_rtt_p99_max)
    fail("message_rtt_p99",
         human_duration(*step.message_rtt.p99) + " > max " + human_duration(*checks.message_rtt_p99_max));
  if (checks.server_cpu_max && step.server_cpu_share && *step.server_cpu_share > *checks.server_cpu_max) {
    char text[96];
    std::snprintf(text, sizeof text, "%.0f%% of a core > max %.0f%%", *step.server_cpu_share * 100,
                  *checks.server_cpu_max * 100);
    fail("server_cpu", text);
  }
  if (step.dropped_by_server > checks.dropped_by_server_max)
    fail("dropped_by_server", std::to_string(step.dropped_by_server) + " open connections ended by the server > max " +
                                  std::to_string(checks.dropped_by_server_max));
  step.host_limited = false;
  for (const auto& [reason, n] : step.errors)
    if (n > 0 && is_host_limit_error(reason)) step.host_limited = true;
  step.sustained = step.failures.empty();
}

}  // namespace wsl
