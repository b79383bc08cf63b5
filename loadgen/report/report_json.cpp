// report.json: everything a run measured and decided, in a documented, versioned schema (README "report.json").
#include "report/report_json.hpp"

#include "profile/load_profile.hpp"
#include "profile/profile_names.hpp"
#include "report/json_writer.hpp"
#include "stats/run_stats.hpp"

namespace wsl {
namespace {

double seconds(Duration d) { return double(d.count()) / 1e9; }

void write_quantiles(JsonWriter& json, const LatencyHistogram& h) {
  json.begin_object().key("count").value(h.count());
  if (h.count() > 0) {
    json.key("mean").value(seconds(h.mean())).key("p50").value(seconds(h.quantile(0.50)));
    json.key("p90").value(seconds(h.quantile(0.90))).key("p99").value(seconds(h.quantile(0.99)));
    json.key("max").value(seconds(h.max()));
  }
  json.end_object();
}

template <typename Map>
void write_counts(JsonWriter& json, const Map& counts) {
  json.begin_object();
  for (const auto& [k, n] : counts) {
    if constexpr (std::is_same_v<std::decay_t<decltype(k)>, std::string>) json.key(k);
    else json.key(std::to_string(k));
    json.value(uint64_t(n));
  }
  json.end_object();
}

void write_patterns(JsonWriter& json, const RunStats& st) {
  json.begin_object();
  for (int i = 0; i < kClosePatternCount; ++i) {
    const PatternStats& p = st.patterns[i];
    if (p.started == 0 && p.codes_received.empty()) continue;
    json.key(to_string(ClosePattern(i))).begin_object().key("started").value(p.started);
    json.key("outcomes").begin_object();
    for (int o = 0; o < kCloseOutcomeCount; ++o) json.key(to_string(CloseOutcome(o))).value(p.outcomes[o]);
    json.end_object();
    json.key("close_codes_received");
    write_counts(json, p.codes_received);
    json.key("close_latency_seconds");
    write_quantiles(json, p.close_latency);
    json.key("server_tcp_close_seconds");
    write_quantiles(json, p.server_tcp_close_latency);
    json.key("server_reclaim_seconds");
    write_quantiles(json, p.server_reclaim_time);
    json.end_object();
  }
  json.end_object();
}

void write_totals(JsonWriter& json, const RunStats& st) {
  json.key("connections").begin_object();
  json.key("attempted").value(st.connects_attempted).key("opened").value(st.connections_opened);
  json.key("failed").value(st.connect_error_total()).key("errors");
  write_counts(json, st.connect_errors);
  json.key("dropped_by_server").value(st.dropped_by_server).key("server_close_codes");
  write_counts(json, st.server_close_codes);
  json.key("protocol_errors");
  write_counts(json, st.protocol_errors);
  json.end_object();
  json.key("messages").begin_object();
  json.key("sent").value(st.messages_sent).key("received").value(st.messages_received);
  json.key("echo_mismatches").value(st.echo_mismatches).key("bytes_sent").value(st.bytes_sent);
  json.key("bytes_received").value(st.bytes_received).key("pings_sent").value(st.pings_sent);
  json.key("pongs_received").value(st.pongs_received).end_object();
  json.key("latency_seconds").begin_object();
  json.key("connect");
  write_quantiles(json, st.connect_latency);
  json.key("handshake");
  write_quantiles(json, st.handshake_latency);
  json.key("message_rtt");
  write_quantiles(json, st.message_rtt);
  json.end_object();
  json.key("tcp_after_our_close").begin_object().key("closed_by_server").value(st.tcp_closed_by_server);
  json.key("closed_by_client").value(st.tcp_closed_by_client).end_object();
  json.key("reclaim_stuck");
  write_counts(json, st.reclaim_stuck);
}

void optional_value(JsonWriter& json, const char* key, const std::optional<double>& v) {
  json.key(key);
  v ? json.value(*v) : json.null();
}

void write_pattern_shares(JsonWriter& json, const std::vector<PatternShare>& shares) {
  json.key("by_pattern").begin_array();
  for (const PatternShare& s : shares) {
    json.begin_object().key("pattern").value(s.pattern).key("verdict").value(to_string(s.verdict));
    json.key("connections").value(s.connections).key("change").value(s.change);
    optional_value(json, "per_connection", s.per_connection);
    optional_value(json, "per_connection_low", s.low);
    optional_value(json, "per_connection_high", s.high);
    json.key("reason").value(s.reason).end_object();
  }
  json.end_array();
}

void write_window(JsonWriter& json, SampleWindow w) {
  json.begin_array().value(double(w.from_ns) / 1e9).value(double(w.to_ns) / 1e9).end_array();
}

// What each settled window followed: the verdict's evidence, block by block.
void write_blocks(JsonWriter& json, const RunReport& report) {
  json.key("blocks").begin_array();
  for (std::size_t i = 0; i < report.blocks.size(); ++i) {
    const LoadBlock& b = report.blocks[i];
    json.begin_object().key("cycle").value(uint64_t(b.cycle) + 1).key("pattern").value(b.group);
    json.key("warmup").value(b.warmup).key("flush").value(b.flush).key("held").value(b.held);
    json.key("connections_closed").value(b.connections_closed);
    json.key("settled_window_seconds");
    if (i < report.settled.size()) write_window(json, report.settled[i]);
    else json.null();
    json.end_object();
  }
  json.end_array();
}

void write_verdicts(JsonWriter& json, const RunReport& report) {
  const LeakCheck& leak = report.profile->checks.leak;
  json.key("leak_verdict").begin_object().key("overall").value(report.overall_leak_verdict);
  json.key("attribution").value(to_string(leak.attribute)).key("warmup_cycles").value(uint64_t(leak.warmup_cycles));
  write_blocks(json, report);
  json.key("resources").begin_array();
  for (const ResourceVerdict& v : report.verdicts) {
    json.begin_object().key("resource").value(v.resource).key("verdict").value(to_string(v.verdict));
    json.key("baseline").value(v.baseline).key("after").value(v.after).key("delta").value(v.delta);
    json.key("limit").value(v.limit).key("limit_name").value(v.limit_name);
    optional_value(json, "slope_per_cycle", v.slope_per_cycle);
    optional_value(json, "slope_low", v.slope_low);
    optional_value(json, "slope_high", v.slope_high);
    optional_value(json, "warmup_change", v.warmup_change);
    optional_value(json, "judged_change", v.judged_change);
    optional_value(json, "per_connection", v.per_connection);
    optional_value(json, "per_connection_low", v.per_connection_low);
    optional_value(json, "per_connection_high", v.per_connection_high);
    write_pattern_shares(json, v.by_pattern);
    json.key("reason").value(v.reason).end_object();
  }
  json.end_array().end_object();
}

void write_monitor(JsonWriter& json, const RunReport& report) {
  json.key("monitor").begin_object().key("monitored").value(report.monitored);
  json.key("baseline_window_seconds");
  write_window(json, report.baseline);
  json.key("settled_windows_seconds").begin_array();
  for (const SampleWindow& w : report.settled) write_window(json, w);
  json.end_array();
  json.key("series").begin_array();
  for (const ResourceSample& sample : report.series) {
    json.begin_object().key("t").value(double(sample.at_ns) / 1e9).key("values").begin_object();
    for (const auto& [name, value] : resource_values(sample)) json.key(name).value(value);
    json.end_object().end_object();
  }
  json.end_array().end_object();
}

// The generator's side of the time axis, so the load can be drawn against the monitor's series.
void write_load(JsonWriter& json, const std::vector<LoadPoint>& load) {
  json.key("load").begin_array();
  for (const LoadPoint& p : load) {
    json.begin_object().key("t").value(double(p.at_ns) / 1e9).key("cycle").value(p.cycle).key("phase").value(p.phase);
    json.key("active").value(p.active).key("connects_attempted").value(p.connects_attempted);
    json.key("connections_opened").value(p.connections_opened).key("connect_errors").value(p.connect_errors);
    json.key("closes_started").value(p.closes_started).key("messages_sent").value(p.messages_sent);
    json.key("messages_received").value(p.messages_received).end_object();
  }
  json.end_array();
}

}  // namespace

std::string render_report_json(const RunReport& report) {
  const RunSummary& s = *report.summary;
  JsonWriter json;
  json.begin_object();
  json.key("schema_version").value(kReportSchemaVersion);
  json.key("tool").begin_object().key("name").value("wsloadgen").key("version").value(WSLOADGEN_VERSION).end_object();
  json.key("profile").begin_object().key("name").value(report.profile->name);
  json.key("source_file").value(report.profile->source_file);
  json.key("resolved").value(render_resolved_profile(*report.profile)).end_object();
  json.key("target").value(s.target).key("workers").value(s.workers);
  json.key("elapsed_seconds").value(seconds(s.elapsed)).key("cycles_completed").value(s.cycles_completed);
  json.key("interrupted").value(s.interrupted).key("verdict").value(s.verdict).key("exit_code").value(report.exit_code);
  write_totals(json, s.stats);
  json.key("patterns");
  write_patterns(json, s.stats);
  json.key("generator_fds").begin_object().key("before").value(s.generator_fds_before);
  json.key("after").value(s.generator_fds_after).end_object();
  json.key("generator_connections_left").value(s.stats.connections_left);
  json.key("checks").begin_array();
  for (const CheckResult& c : report.checks)
    json.begin_object().key("name").value(c.name).key("passed").value(c.passed).key("detail").value(c.detail).end_object();
  json.end_array();
  write_verdicts(json, report);
  write_monitor(json, report);
  write_load(json, report.load);
  json.end_object();
  return json.text() + "\n";
}

}  // namespace wsl
