// report.json: everything a run measured and decided, in a documented, versioned schema (docs/report.md).
#include "report/report_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "profile/load_profile.hpp"
#include "profile/profile_names.hpp"
#include "stats/run_stats.hpp"

namespace wsl {
namespace {

// Keys stay in the order they are written, as the report always had them.
using Json = nlohmann::ordered_json;

double seconds(Duration d) { return double(d.count()) / 1e9; }

// Finite numbers as they are; NaN and infinities, which JSON cannot hold, as null.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
Json optional_number(const std::optional<double>& v) { return v ? number(*v) : Json(nullptr); }

Json quantiles(const LatencyHistogram& h) {
  Json out = {{"count", h.count()}};
  if (h.count() > 0) {
    out["mean"] = seconds(h.mean());
    out["p50"] = seconds(h.quantile(0.50));
    out["p90"] = seconds(h.quantile(0.90));
    out["p99"] = seconds(h.quantile(0.99));
    out["max"] = seconds(h.max());
  }
  return out;
}

template <typename Map>
Json counts(const Map& map) {
  Json out = Json::object();
  for (const auto& [k, n] : map) {
    if constexpr (std::is_same_v<std::decay_t<decltype(k)>, std::string>) out[k] = uint64_t(n);
    else out[std::to_string(k)] = uint64_t(n);
  }
  return out;
}

Json patterns(const RunStats& st) {
  Json out = Json::object();
  for (int i = 0; i < kClosePatternCount; ++i) {
    const PatternStats& p = st.patterns[i];
    if (p.started == 0 && p.codes_received.empty()) continue;
    Json outcomes = Json::object();
    for (int o = 0; o < kCloseOutcomeCount; ++o) outcomes[to_string(CloseOutcome(o))] = p.outcomes[o];
    out[to_string(ClosePattern(i))] = {{"started", p.started},
                                       {"outcomes", outcomes},
                                       {"close_codes_received", counts(p.codes_received)},
                                       {"close_latency_seconds", quantiles(p.close_latency)},
                                       {"server_tcp_close_seconds", quantiles(p.server_tcp_close_latency)},
                                       {"server_reclaim_seconds", quantiles(p.server_reclaim_time)}};
  }
  return out;
}

void add_totals(Json& json, const RunStats& st) {
  json["connections"] = {{"attempted", st.connects_attempted},
                         {"opened", st.connections_opened},
                         {"failed", st.connect_error_total()},
                         {"errors", counts(st.connect_errors)},
                         {"dropped_by_server", st.dropped_by_server},
                         {"server_close_codes", counts(st.server_close_codes)},
                         {"protocol_errors", counts(st.protocol_errors)}};
  json["messages"] = {{"sent", st.messages_sent},
                      {"received", st.messages_received},
                      {"echo_mismatches", st.echo_mismatches},
                      {"bytes_sent", st.bytes_sent},
                      {"bytes_received", st.bytes_received},
                      {"pings_sent", st.pings_sent},
                      {"pongs_received", st.pongs_received}};
  json["latency_seconds"] = {{"connect", quantiles(st.connect_latency)},
                             {"handshake", quantiles(st.handshake_latency)},
                             {"message_rtt", quantiles(st.message_rtt)},
                             {"timer_lateness", quantiles(st.timer_lateness)}};
  json["tcp_after_our_close"] = {{"closed_by_server", st.tcp_closed_by_server},
                                 {"closed_by_client", st.tcp_closed_by_client}};
  json["reclaim_stuck"] = counts(st.reclaim_stuck);
}

Json pattern_shares(const std::vector<PatternShare>& shares) {
  Json out = Json::array();
  for (const PatternShare& s : shares)
    out.push_back({{"pattern", s.pattern},
                   {"verdict", to_string(s.verdict)},
                   {"connections", number(s.connections)},
                   {"change", number(s.change)},
                   {"per_connection", optional_number(s.per_connection)},
                   {"per_connection_low", optional_number(s.low)},
                   {"per_connection_high", optional_number(s.high)},
                   {"reason", s.reason}});
  return out;
}

Json window(SampleWindow w) { return Json::array({double(w.from_ns) / 1e9, double(w.to_ns) / 1e9}); }

// What each settled window followed: the verdict's evidence, block by block.
Json blocks(const RunReport& report) {
  Json out = Json::array();
  for (std::size_t i = 0; i < report.blocks.size(); ++i) {
    const LoadBlock& b = report.blocks[i];
    out.push_back({{"cycle", uint64_t(b.cycle) + 1},
                   {"pattern", b.group},
                   {"warmup", b.warmup},
                   {"flush", b.flush},
                   {"held", b.held},
                   {"connections_closed", number(b.connections_closed)},
                   {"settled_window_seconds", i < report.settled.size() ? window(report.settled[i]) : Json(nullptr)}});
  }
  return out;
}

Json verdicts(const RunReport& report) {
  const LeakCheck& leak = report.profile->checks.leak;
  Json resources = Json::array();
  for (const ResourceVerdict& v : report.verdicts)
    resources.push_back({{"resource", v.resource},
                         {"verdict", to_string(v.verdict)},
                         {"baseline", number(v.baseline)},
                         {"after", number(v.after)},
                         {"delta", number(v.delta)},
                         {"limit", number(v.limit)},
                         {"limit_name", v.limit_name},
                         {"slope_per_cycle", optional_number(v.slope_per_cycle)},
                         {"slope_low", optional_number(v.slope_low)},
                         {"slope_high", optional_number(v.slope_high)},
                         {"warmup_change", optional_number(v.warmup_change)},
                         {"judged_change", optional_number(v.judged_change)},
                         {"per_connection", optional_number(v.per_connection)},
                         {"per_connection_low", optional_number(v.per_connection_low)},
                         {"per_connection_high", optional_number(v.per_connection_high)},
                         {"by_pattern", pattern_shares(v.by_pattern)},
                         {"reason", v.reason}});
  return {{"overall", report.overall_leak_verdict},
          {"attribution", to_string(leak.attribute)},
          {"warmup_cycles", uint64_t(leak.warmup_cycles)},
          {"blocks", blocks(report)},
          {"resources", resources}};
}

Json monitor(const RunReport& report) {
  Json settled = Json::array();
  for (const SampleWindow& w : report.settled) settled.push_back(window(w));
  Json series = Json::array();
  for (const ResourceSample& sample : report.series) {
    Json values = Json::object();
    for (const auto& [name, value] : resource_values(sample)) values[name] = number(value);
    series.push_back({{"t", double(sample.at_ns) / 1e9}, {"values", values}});
  }
  return {{"monitored", report.monitored},
          {"baseline_window_seconds", window(report.baseline)},
          {"settled_windows_seconds", settled},
          {"series", series}};
}

// The generator's side of the time axis, so the load can be drawn against the monitor's series.
Json load(const std::vector<LoadPoint>& points) {
  Json out = Json::array();
  for (const LoadPoint& p : points)
    out.push_back({{"t", double(p.at_ns) / 1e9},
                   {"cycle", p.cycle},
                   {"phase", p.phase},
                   {"active", p.active},
                   {"connects_attempted", p.connects_attempted},
                   {"connections_opened", p.connections_opened},
                   {"connect_errors", p.connect_errors},
                   {"closes_started", p.closes_started},
                   {"messages_sent", p.messages_sent},
                   {"messages_received", p.messages_received}});
  return out;
}

Json latency_figures(const LatencyFigures& f) {
  return {{"count", f.count},
          {"p50", f.p50 ? Json(seconds(*f.p50)) : Json(nullptr)},
          {"p99", f.p99 ? Json(seconds(*f.p99)) : Json(nullptr)}};
}

// Per step (docs/capacity-and-compare.md): a phase of the run, or one level of a capacity search.
Json steps(const std::vector<StepResult>& list) {
  Json out = Json::array();
  for (const StepResult& s : list)
    out.push_back({{"name", s.name},
                   {"cycle", s.cycle},
                   {"level", number(s.level)},
                   {"start_seconds", double(s.start_ns) / 1e9},
                   {"end_seconds", double(s.end_ns) / 1e9},
                   {"completed", s.completed},
                   {"connections_open", s.connections_open},
                   {"connects_attempted", s.connects_attempted},
                   {"connections_opened", s.connections_opened},
                   {"closes_started", s.closes_started},
                   {"opens_per_second", number(s.opens_per_second)},
                   {"closes_per_second", number(s.closes_per_second)},
                   {"errors", counts(s.errors)},
                   {"errors_total", s.errors_total},
                   {"dropped_by_server", s.dropped_by_server},
                   {"messages_sent", s.messages_sent},
                   {"messages_received", s.messages_received},
                   {"handshake_seconds", latency_figures(s.handshake)},
                   {"message_rtt_seconds", latency_figures(s.message_rtt)},
                   {"server", {{"cpu_share", optional_number(s.server_cpu_share)},
                               {"cpu_seconds_per_message", optional_number(s.server_cpu_per_message)},
                               {"cpu_seconds_per_connection", optional_number(s.server_cpu_per_connection)},
                               {"rss_bytes", optional_number(s.server_rss_bytes)},
                               {"fds", optional_number(s.server_fds)}}},
                   {"sustained", s.sustained},
                   {"failures", s.failures},
                   {"host_limited", s.host_limited}});
  return out;
}

Json capacity(const RunReport& report) {
  const RunSummary& s = *report.summary;
  if (!s.capacity) return nullptr;
  const CapacityResult& c = *s.capacity;
  auto step_name = [&](const std::optional<size_t>& i) { return i ? Json(s.steps[*i].name) : Json(nullptr); };
  Json search = nullptr;
  if (const auto& spec = report.profile->capacity)
    search = {{"start", spec->start},
              {"factor", spec->factor},
              {"max", optional_number(spec->max)},
              {"step_duration_seconds", seconds(spec->step_duration)},
              {"refine", spec->refine}};
  return {{"method", to_string(c.method)},
          {"of", to_string(c.of)},
          {"sustained", optional_number(c.sustained)},
          {"sustained_step", step_name(c.sustained_step)},
          {"failed", optional_number(c.failed)},
          {"failed_step", step_name(c.failed_step)},
          {"failed_because", c.failed_because},
          {"resolution", optional_number(c.resolution)},
          {"stop", c.stop ? Json(to_string(*c.stop)) : Json(nullptr)},
          {"how", c.how},
          {"further", c.further},
          {"search", search}};
}

}  // namespace

std::string render_report_json(const RunReport& report) {
  const RunSummary& s = *report.summary;
  Json json;
  json["schema_version"] = kReportSchemaVersion;
  json["tool"] = {{"name", "wsloadgen"}, {"version", WSLOADGEN_VERSION}};
  json["profile"] = {{"name", report.profile->name},
                     {"source_file", report.profile->source_file},
                     {"resolved", render_resolved_profile(*report.profile)}};
  json["target"] = s.target;
  json["workers"] = s.workers;
  json["elapsed_seconds"] = seconds(s.elapsed);
  json["cycles_completed"] = s.cycles_completed;
  json["interrupted"] = s.interrupted;
  json["verdict"] = s.verdict;
  json["exit_code"] = report.exit_code;
  add_totals(json, s.stats);
  json["patterns"] = patterns(s.stats);
  json["generator_fds"] = {{"before", s.generator_fds_before}, {"after", s.generator_fds_after}};
  json["generator_connections_left"] = s.stats.connections_left;
  Json checks = Json::array();
  for (const CheckResult& c : report.checks) checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  json["checks"] = checks;
  json["leak_verdict"] = verdicts(report);
  json["monitor"] = monitor(report);
  json["load"] = load(report.load);
  json["steps"] = steps(s.steps);
  json["capacity"] = capacity(report);
  // Text the run saw (close reasons, names) that is not UTF-8 is written with U+FFFD rather than as invalid JSON.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace wsl
