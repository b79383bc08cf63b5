// Turns a parsed report.json into the figures and verdicts that compare diffs, each under a stable key.
#include "compare/report_figures.hpp"

#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "report/report_json.hpp"
#include "verdict/resource_kind.hpp"

namespace wsl {
namespace {

using Json = nlohmann::json;

// A report that is JSON but not the shape version 1 promises: the message names the key.
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json* member(const Json& object, const char* key, const std::string& where) {
  if (!object.is_object()) throw Malformed(where + ": expected an object");
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A number that may be absent or null; anything else there is an error.
std::optional<double> number_at(const Json& object, const char* key, const std::string& where) {
  const Json* value = member(object, key, where);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_number()) throw Malformed(where + "." + key + ": expected a number");
  return value->get<double>();
}

std::string string_at(const Json& object, const char* key, const std::string& where) {
  const Json* value = member(object, key, where);
  if (!value || !value->is_string()) throw Malformed(where + "." + key + ": expected a string");
  return value->get<std::string>();
}

const Json& required(const Json& object, const char* key, const std::string& where) {
  const Json* value = member(object, key, where);
  if (!value) throw Malformed(where + "." + key + ": missing");
  return *value;
}

std::optional<double> ratio(std::optional<double> part, std::optional<double> whole);

// Whether `quantile` (0.5 for "p50") of the quantiles object `q` rests on enough samples to be judged. A report
// without a count (none of version 1 lacks it) keeps the figure judged.
bool enough_samples(const Json& q, double quantile, const std::string& where) {
  const std::optional<double> count = number_at(q, "count", where);
  return !count || quantile_rests_on_enough_samples(*count, quantile);
}

double quantile_of(std::string_view name) { return name == "p50" ? 0.50 : name == "p90" ? 0.90 : 0.99; }

class Collector {
 public:
  explicit Collector(ReportFigures& out) : out_(out) {}

  void add(std::string key, std::string label, FigureKind kind, std::optional<double> value,
           bool comparable = true, double noise = 0) {
    out_.figures.push_back(
        {std::move(key), std::move(label), kind, value, comparable && !whole_run_not_comparable_, noise});
  }
  // From here on, figures of the whole run are shown but not judged (a capacity search).
  void whole_run_not_comparable(bool yes) { whole_run_not_comparable_ = yes; }
  void verdict(std::string key, std::string label, std::string verdict) {
    out_.verdicts.push_back({std::move(key), std::move(label), std::move(verdict)});
  }

 private:
  ReportFigures& out_;
  bool whole_run_not_comparable_ = false;
};

bool is_search(const Json& report) {
  const Json* capacity = member(report, "capacity", "report");
  return capacity && capacity->is_object() && string_at(*capacity, "method", "capacity") == "search";
}

// Steps both reports ran are compared as steps: a search's by name (each level runs once), others by name and cycle.
void add_steps(Collector& c, const Json& report, bool search) {
  const Json* steps = member(report, "steps", "report");
  if (!steps) return;  // reports from before steps
  if (!steps->is_array()) throw Malformed("steps: expected an array");
  for (const Json& step : *steps) {
    const std::string name = string_at(step, "name", "steps[]");
    const Json& completed = required(step, "completed", "steps[" + name + "]");
    if (!completed.is_boolean()) throw Malformed("steps[" + name + "].completed: expected true or false");
    if (!completed.get<bool>()) continue;
    const std::string where = "steps[" + name + "]";
    const std::string id = search ? name : name + " (cycle " + std::to_string(int64_t(
                                                  number_at(step, "cycle", where).value_or(0))) + ")";
    for (const char* figure : {"handshake_seconds", "message_rtt_seconds"}) {
      const Json& q = required(step, figure, where);
      const std::string at = where + "." + figure;
      c.add("step." + id + "." + figure + ".p99", id + (figure[0] == 'h' ? " handshake p99" : " message RTT p99"),
            FigureKind::step_latency, number_at(q, "p99", at), enough_samples(q, 0.99, at));
    }
    c.add("step." + id + ".error_ratio", id + " error ratio", FigureKind::step_error_ratio,
          ratio(number_at(step, "errors_total", where), number_at(step, "connects_attempted", where)));
  }
}

void add_capacity(Collector& c, const Json& report) {
  const Json* capacity = member(report, "capacity", "report");
  if (!capacity || capacity->is_null()) return;  // reports from before capacity runs
  const std::string of = string_at(*capacity, "of", "capacity");
  c.add("capacity.sustained." + of, "sustained capacity (" + of + ")", FigureKind::capacity,
        number_at(*capacity, "sustained", "capacity"));
}

void add_latency(Collector& c, const Json& report) {
  const Json& latency = required(report, "latency_seconds", "report");
  for (const char* name : {"connect", "handshake", "message_rtt"}) {
    const std::string where = std::string("latency_seconds.") + name;
    const Json& q = required(latency, name, "latency_seconds");
    for (const char* quantile : {"p50", "p90", "p99"})
      c.add("latency." + std::string(name) + "." + quantile, std::string(name) + " " + quantile,
            FigureKind::latency, number_at(q, quantile, where), enough_samples(q, quantile_of(quantile), where));
    c.add("latency." + std::string(name) + ".max", std::string(name) + " max", FigureKind::maximum,
          number_at(q, "max", where));
  }
}

std::optional<double> ratio(std::optional<double> part, std::optional<double> whole) {
  if (!part || !whole) return std::nullopt;
  return *whole > 0 ? *part / *whole : 0.0;
}

void add_errors(Collector& c, const Json& report) {
  const Json& connections = required(report, "connections", "report");
  const auto attempted = number_at(connections, "attempted", "connections");
  const auto opened = number_at(connections, "opened", "connections");
  c.add("connections.error_ratio", "connect/handshake error ratio", FigureKind::error_ratio,
        ratio(number_at(connections, "failed", "connections"), attempted));
  const Json& errors = required(connections, "errors", "connections");
  if (!errors.is_object()) throw Malformed("connections.errors: expected an object");
  for (const auto& [reason, n] : errors.items())
    c.add("connections.errors." + reason, "errors: " + reason, FigureKind::errors_by_reason,
          number_at(errors, reason.c_str(), "connections.errors"));
  c.add("connections.dropped_ratio", "dropped by server ratio", FigureKind::dropped_ratio,
        ratio(number_at(connections, "dropped_by_server", "connections"), opened));
  const Json& protocol = required(connections, "protocol_errors", "connections");
  if (!protocol.is_object()) throw Malformed("connections.protocol_errors: expected an object");
  double protocol_errors = 0;
  for (const auto& [reason, n] : protocol.items())
    protocol_errors += number_at(protocol, reason.c_str(), "connections.protocol_errors").value_or(0);
  c.add("connections.protocol_error_ratio", "protocol error ratio", FigureKind::protocol_error_ratio,
        ratio(protocol_errors, opened));
  c.add("messages.echo_mismatches", "echo mismatches", FigureKind::echo_mismatches,
        number_at(required(report, "messages", "report"), "echo_mismatches", "messages"));
}

void add_patterns(Collector& c, const Json& report) {
  const Json& patterns = required(report, "patterns", "report");
  if (!patterns.is_object()) throw Malformed("patterns: expected an object");
  for (const auto& [name, pattern] : patterns.items()) {
    const std::string where = "patterns." + name;
    const Json& close = required(pattern, "close_latency_seconds", where);
    c.add(where + ".close_latency.p99", name + " close p99", FigureKind::close_latency,
          number_at(close, "p99", where + ".close_latency_seconds"),
          enough_samples(close, 0.99, where + ".close_latency_seconds"));
    const Json& reclaim = required(pattern, "server_reclaim_seconds", where);
    const std::string at = where + ".server_reclaim_seconds";
    for (const char* quantile : {"p50", "p99"})
      c.add(where + ".reclaim." + quantile, name + " reclaim " + quantile, FigureKind::reclaim_time,
            number_at(reclaim, quantile, at), enough_samples(reclaim, quantile_of(quantile), at));
    c.add(where + ".reclaim.max", name + " reclaim max", FigureKind::maximum, number_at(reclaim, "max", at));
  }
  const Json& stuck = required(report, "reclaim_stuck", "report");
  if (!stuck.is_object()) throw Malformed("reclaim_stuck: expected an object");
  double never = 0;
  for (const auto& [state, n] : stuck.items()) never += number_at(stuck, state.c_str(), "reclaim_stuck").value_or(0);
  c.add("reclaim_stuck", "server sockets never given back", FigureKind::never_given_back, never);
}

void add_leaks(Collector& c, const Json& report) {
  const Json& leak = required(report, "leak_verdict", "report");
  c.verdict("leak", "leak verdict", string_at(leak, "overall", "leak_verdict"));
  const Json& resources = required(leak, "resources", "leak_verdict");
  if (!resources.is_array()) throw Malformed("leak_verdict.resources: expected an array");
  for (const Json& r : resources) {
    const std::string name = string_at(r, "resource", "leak_verdict.resources[]");
    const std::string where = "leak_verdict.resources[" + name + "]";
    // Counts a server must give back are judged; memory by its rate per connection; the rest is shown.
    const ResourceKind kind = classify_resource(name);
    const bool bytes = kind == ResourceKind::memory_bytes;
    const bool counted = kind == ResourceKind::fd_count || kind == ResourceKind::close_wait;
    c.verdict("leak." + name, "leak " + name, string_at(r, "verdict", where));
    const FigureKind delta =
        bytes ? FigureKind::leak_bytes_delta : counted ? FigureKind::leak_count_delta : FigureKind::leak_other;
    // A count's delta within the limit its verdict was judged by (fd_delta_max, ...) is noise: a socket still
    // closing when the run ended moves it by one or two either way.
    c.add("leak." + name + ".delta", name + " delta", delta, number_at(r, "delta", where), true,
          counted ? number_at(r, "limit", where).value_or(0) : 0);
    const FigureKind per = bytes     ? FigureKind::leak_bytes_per_connection
                           : counted ? FigureKind::leak_count_per_connection
                                     : FigureKind::leak_other;
    if (const auto v = number_at(r, "per_connection", where))
      c.add("leak." + name + ".per_connection", name + " per connection", per, v);
    const Json* by_pattern = member(r, "by_pattern", where);
    if (!by_pattern) continue;  // reports from before attribution
    if (!by_pattern->is_array()) throw Malformed(where + ".by_pattern: expected an array");
    for (const Json& share : *by_pattern) {
      const std::string pattern = string_at(share, "pattern", where + ".by_pattern[]");
      c.verdict("leak." + name + "." + pattern, "leak " + name + " " + pattern,
                string_at(share, "verdict", where + ".by_pattern[]"));
      c.add("leak." + name + "." + pattern + ".per_connection", name + " per " + pattern + " connection", per,
            number_at(share, "per_connection", where + ".by_pattern[]"));
    }
  }
}

}  // namespace

std::optional<ReportFigures> figures_of(const Json& report, std::string* error) {
  try {
    if (!report.is_object()) throw Malformed("expected a JSON object with schema_version");
    const Json& version = required(report, "schema_version", "report");
    if (!version.is_number_integer()) throw Malformed("schema_version: expected a whole number");
    if (version.get<int64_t>() != kReportSchemaVersion)
      throw Malformed("schema_version " + version.dump() + " is not one this wsloadgen reads (it reads " +
                      std::to_string(kReportSchemaVersion) + ")");
    ReportFigures out;
    out.profile = string_at(required(report, "profile", "report"), "name", "profile");
    out.target = string_at(report, "target", "report");
    Collector c(out);
    c.verdict("verdict", "run verdict", string_at(report, "verdict", "report"));
    add_capacity(c, report);
    const bool search = is_search(report);
    c.whole_run_not_comparable(search);
    add_latency(c, report);
    add_errors(c, report);
    add_patterns(c, report);
    c.whole_run_not_comparable(false);
    add_steps(c, report, search);
    add_leaks(c, report);
    return out;
  } catch (const Malformed& e) {
    *error = e.what();
  } catch (const nlohmann::json::exception& e) {
    *error = e.what();
  }
  return std::nullopt;
}

}  // namespace wsl
