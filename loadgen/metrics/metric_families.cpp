// Turns a MetricsView into Prometheus metric families: pure, so every series is unit-tested without a socket.
#include "metrics/metric_families.hpp"

#include <cmath>
#include <map>
#include <string_view>
#include <utility>

#include "metrics/metric_catalogue.hpp"
#include "monitor/resource_sample.hpp"
#include "vocabulary/close_pattern.hpp"
#include "wire/frame_error.hpp"

namespace wsl {

const std::vector<double> kLatencyBucketBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                  0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5,
                                                  5,      10,      30,     60,    120,    300};

namespace {

using LabelList = std::vector<std::pair<std::string_view, std::string>>;

// Reasons that dashboards plot even in a run where none happened yet.
constexpr std::string_view kCommonConnectErrors[] = {"connection_refused", "connect_timeout", "handshake_timeout",
                                                     "handshake_status"};
constexpr CloseOutcome kOutcomes[] = {CloseOutcome::completed, CloseOutcome::server_closed_first,
                                      CloseOutcome::timed_out, CloseOutcome::server_never_closed,
                                      CloseOutcome::error};

prometheus::MetricType type_of(MetricKind kind) {
  switch (kind) {
    case MetricKind::counter: return prometheus::MetricType::Counter;
    case MetricKind::gauge: return prometheus::MetricType::Gauge;
    case MetricKind::histogram: return prometheus::MetricType::Histogram;
  }
  return prometheus::MetricType::Untyped;
}

std::string lower(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Collects series into families in catalogue order of first use, adding the constant labels to each.
class FamilyList {
 public:
  explicit FamilyList(const std::map<std::string, std::string>& constant) : constant_(constant) {}

  void add(const MetricDefinition& def, double value, const LabelList& labels = {}) {
    prometheus::ClientMetric& m = series(def, labels);
    if (def.kind == MetricKind::counter) m.counter.value = value;
    else m.gauge.value = value;
  }

  void add_histogram(const MetricDefinition& def, const LatencyHistogram& h, const LabelList& labels = {}) {
    prometheus::ClientMetric& m = series(def, labels);
    m.histogram.sample_count = h.count();
    m.histogram.sample_sum = std::chrono::duration<double>(h.sum()).count();
    for (double bound : kLatencyBucketBounds) {
      const auto bound_d = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(bound));
      m.histogram.bucket.push_back({h.count_below(bound_d), bound});
    }
    m.histogram.bucket.push_back({h.count(), std::numeric_limits<double>::infinity()});
  }

  std::vector<prometheus::MetricFamily> take() { return std::move(families_); }

 private:
  prometheus::ClientMetric& series(const MetricDefinition& def, const LabelList& labels) {
    auto [it, inserted] = index_.try_emplace(def.name, families_.size());
    if (inserted) families_.push_back({std::string(def.name), std::string(def.help), type_of(def.kind), {}});
    prometheus::ClientMetric& m = families_[it->second].metric.emplace_back();
    for (const auto& [name, value] : constant_) m.label.push_back({name, value});
    for (const auto& [name, value] : labels) m.label.push_back({std::string(name), value});
    return m;
  }

  const std::map<std::string, std::string>& constant_;
  std::vector<prometheus::MetricFamily> families_;
  std::map<std::string_view, size_t> index_;
};

void add_run(FamilyList& out, const MetricsView& v) {
  out.add(metric::build_info, 1, {{"version", v.version}});
  out.add(metric::run_info, 1, {{"profile", v.profile_name}, {"target", v.target}});
  for (const auto& name : v.phases) out.add(metric::phase, name == v.phase ? 1 : 0, {{"phase", name}});
  out.add(metric::phase, v.phase == "settle" ? 1 : 0, {{"phase", "settle"}});
  out.add(metric::cycle, v.cycle);
  out.add(metric::elapsed, v.elapsed_seconds);
  out.add(metric::finished, v.finished ? 1 : 0);
}

bool pattern_shown(const MetricsView& v, ClosePattern p) {
  const PatternStats& s = v.stats.patterns[int(p)];
  if (s.started || s.close_latency.count() || s.server_reclaim_time.count()) return true;
  for (ClosePattern declared : v.patterns)
    if (declared == p) return true;
  return false;
}

void add_load(FamilyList& out, const MetricsView& v) {
  const RunStats& s = v.stats;
  out.add(metric::active, double(v.active));
  out.add(metric::connects_attempted, double(s.connects_attempted));
  out.add(metric::opened, double(s.connections_opened));
  for (int i = 0; i < kClosePatternCount; ++i) {
    const auto p = ClosePattern(i);
    if (!pattern_shown(v, p)) continue;
    const PatternStats& ps = s.patterns[i];
    const std::string name = to_string(p);
    out.add(metric::closes_started, double(ps.started), {{"pattern", name}});
    for (CloseOutcome o : kOutcomes)
      out.add(metric::closed, double(ps.outcomes[int(o)]), {{"pattern", name}, {"outcome", to_string(o)}});
    for (const auto& [code, n] : ps.codes_received)
      out.add(metric::close_codes, double(n), {{"pattern", name}, {"code", code ? std::to_string(code) : "none"}});
  }
  std::map<std::string, uint64_t> connect_errors = s.connect_errors;
  for (std::string_view reason : kCommonConnectErrors) connect_errors.try_emplace(std::string(reason), 0);
  for (const auto& [reason, n] : connect_errors) out.add(metric::connect_errors, double(n), {{"reason", reason}});
  std::map<std::string, uint64_t> protocol_errors = s.protocol_errors;
  for (int kind = 0; kind < kFrameErrorKindCount; ++kind)
    protocol_errors.try_emplace(std::string(frame_error_label(FrameErrorKind(kind))), 0);
  // A pattern that sends data after its Close has its own reason, for a server that echoes that data.
  for (const ClosePatternInfo& row : kClosePatterns)
    if (row.breaks_rfc == RfcBreach::data_after_close && pattern_shown(v, row.pattern))
      protocol_errors.try_emplace(std::string(kEchoedDataAfterClose), 0);
  for (const auto& [reason, n] : protocol_errors) out.add(metric::protocol_errors, double(n), {{"reason", reason}});
  std::map<int, uint64_t> drops = s.server_close_codes;
  drops.try_emplace(0, 0);
  for (const auto& [code, n] : drops)
    out.add(metric::server_drops, double(n), {{"code", code ? std::to_string(code) : "none"}});
  out.add(metric::tcp_closed_by_server, double(s.tcp_closed_by_server));
  out.add(metric::tcp_closed_by_client, double(s.tcp_closed_by_client));
  out.add(metric::messages_sent, double(s.messages_sent));
  out.add(metric::messages_received, double(s.messages_received));
  out.add(metric::bytes_sent, double(s.bytes_sent));
  out.add(metric::bytes_received, double(s.bytes_received));
  out.add(metric::echo_mismatches, double(s.echo_mismatches));
  out.add(metric::pings_sent, double(s.pings_sent));
  out.add(metric::pongs_received, double(s.pongs_received));
}

void add_latency(FamilyList& out, const MetricsView& v) {
  const RunStats& s = v.stats;
  out.add_histogram(metric::connect_duration, s.connect_latency);
  out.add_histogram(metric::handshake_duration, s.handshake_latency);
  out.add_histogram(metric::message_rtt, s.message_rtt);
  out.add_histogram(metric::timer_lateness, s.timer_lateness);
  for (int i = 0; i < kClosePatternCount; ++i) {
    if (!pattern_shown(v, ClosePattern(i))) continue;
    const LabelList pattern = {{"pattern", to_string(ClosePattern(i))}};
    out.add_histogram(metric::close_handshake_duration, s.patterns[i].close_latency, pattern);
    out.add_histogram(metric::server_tcp_close, s.patterns[i].server_tcp_close_latency, pattern);
    out.add_histogram(metric::server_reclaim, s.patterns[i].server_reclaim_time, pattern);
  }
}

void add_state_count(FamilyList& out, std::string_view state, int64_t n) {
  out.add(metric::target_sockets, double(n), {{"state", std::string(state)}});
}

void add_target(FamilyList& out, const MetricsView& v) {
  if (!v.target_sample) return;
  const ResourceSample& sample = *v.target_sample;
  if (const auto& p = sample.process; p && p->alive) {
    if (p->open_fds >= 0) out.add(metric::target_fds, double(p->open_fds));
    if (p->socket_fds >= 0) out.add(metric::target_socket_fds, double(p->socket_fds));
    if (p->rss_bytes >= 0) out.add(metric::target_rss, double(p->rss_bytes));
    if (p->threads >= 0) out.add(metric::target_threads, double(p->threads));
    if (p->cpu_seconds >= 0) out.add(metric::target_cpu, p->cpu_seconds);
  }
  if (const auto& c = sample.sockets) {
    add_state_count(out, "established", c->established);
    add_state_count(out, "syn_recv", c->syn_recv);
    add_state_count(out, "fin_wait1", c->fin_wait1);
    add_state_count(out, "fin_wait2", c->fin_wait2);
    add_state_count(out, "time_wait", c->time_wait);
    add_state_count(out, "close_wait", c->close_wait);
    add_state_count(out, "last_ack", c->last_ack);
    add_state_count(out, "closing", c->closing);
    add_state_count(out, "listen", c->listen);
    add_state_count(out, "other", c->other);
  }
  if (sample.sockets_owned) out.add(metric::target_owned_sockets, double(*sample.sockets_owned));
  for (const auto& [name, value] : sample.scraped)
    out.add(metric::target_scraped, value, {{"resource", "scrape:" + name}});
}

void add_verdicts(FamilyList& out, const MetricsView& v) {
  static constexpr Verdict kVerdicts[] = {Verdict::pass, Verdict::leak, Verdict::inconclusive};
  for (const ResourceVerdict& r : v.verdicts) {
    const LabelList resource = {{"resource", r.resource}};
    if (std::isfinite(r.baseline)) out.add(metric::leak_baseline, r.baseline, resource);
    if (std::isfinite(r.delta)) out.add(metric::leak_delta, r.delta, resource);
    for (Verdict verdict : kVerdicts)
      out.add(metric::leak_verdict, r.verdict == verdict ? 1 : 0,
              {{"resource", r.resource}, {"verdict", lower(to_string(verdict))}});
    if (r.per_connection)
      out.add(metric::leak_per_connection, *r.per_connection, {{"resource", r.resource}, {"pattern", "all"}});
    for (const PatternShare& share : r.by_pattern) {
      const LabelList labels = {{"resource", r.resource}, {"pattern", share.pattern}};
      if (share.per_connection) out.add(metric::leak_per_connection, *share.per_connection, labels);
      for (Verdict verdict : kVerdicts)
        out.add(metric::leak_pattern_verdict, share.verdict == verdict ? 1 : 0,
                {{"resource", r.resource}, {"pattern", share.pattern}, {"verdict", lower(to_string(verdict))}});
    }
  }
  for (const CheckResult& check : v.checks) out.add(metric::check_passed, check.passed ? 1 : 0, {{"check", check.name}});
  if (v.finished)
    for (const auto& [state, n] : v.stats.reclaim_stuck) out.add(metric::unreclaimed, double(n), {{"state", state}});
}

void add_quantiles(FamilyList& out, const MetricDefinition& p50, const MetricDefinition& p99, const std::string& phase,
                   const LatencyFigures& f) {
  if (!f.p50) return;
  out.add(p50, std::chrono::duration<double>(*f.p50).count(), {{"phase", phase}});
  out.add(p99, std::chrono::duration<double>(*f.p99).count(), {{"phase", phase}});
}

void add_steps(FamilyList& out, const MetricsView& v) {
  // One series per step name: a later cycle's step replaces the earlier one of the same name.
  std::map<std::string, const StepResult*> latest;
  std::vector<std::string> order;
  for (const StepResult& s : v.steps) {
    if (!s.completed) continue;
    if (!latest.count(s.name)) order.push_back(s.name);
    latest[s.name] = &s;
  }
  for (const std::string& name : order) {
    const StepResult& s = *latest[name];
    const LabelList phase = {{"phase", name}};
    out.add(metric::step_level, s.level, phase);
    out.add(metric::step_open, double(s.connections_open), phase);
    out.add(metric::step_opens_rate, s.opens_per_second, phase);
    out.add(metric::step_closes_rate, s.closes_per_second, phase);
    for (const auto& [reason, n] : s.errors)
      out.add(metric::step_errors, double(n), {{"phase", name}, {"reason", reason}});
    add_quantiles(out, metric::step_handshake_p50, metric::step_handshake_p99, name, s.handshake);
    add_quantiles(out, metric::step_rtt_p50, metric::step_rtt_p99, name, s.message_rtt);
    if (s.server_cpu_share) out.add(metric::step_server_cpu, *s.server_cpu_share, phase);
    if (s.server_rss_bytes) out.add(metric::step_server_rss, *s.server_rss_bytes, phase);
    if (s.server_fds) out.add(metric::step_server_fds, *s.server_fds, phase);
    out.add(metric::step_sustained, s.sustained ? 1 : 0, phase);
  }
  // 0 once a step finished and none held, so a dashboard shows the failure rather than no data.
  if (v.capacity) {
    const double sustained = v.capacity->sustained_or_zero();
    switch (v.capacity->of) {
      case CapacityQuantity::connections: out.add(metric::capacity_connections, sustained); break;
      case CapacityQuantity::connect_rate: out.add(metric::capacity_connect_rate, sustained); break;
    }
  }
}

void add_generator(FamilyList& out, const MetricsView& v) {
  if (v.generator_fds >= 0) out.add(metric::generator_fds, v.generator_fds);
  if (v.generator_rss_bytes >= 0) out.add(metric::generator_rss, double(v.generator_rss_bytes));
}

}  // namespace

std::vector<prometheus::MetricFamily> metric_families(const MetricsView& view) {
  FamilyList out(view.constant_labels);
  add_run(out, view);
  add_load(out, view);
  add_latency(out, view);
  add_target(out, view);
  add_verdicts(out, view);
  add_steps(out, view);
  add_generator(out, view);
  return out.take();
}

}  // namespace wsl
