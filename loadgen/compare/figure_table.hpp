// The one table of `wsloadgen compare`: for each kind of figure, which direction is worse, how small a change is
// noise, and how its values are written. docs/capacity-and-compare.md lists it.
#pragma once

#include <array>
#include <string_view>

#include "vocabulary/enum_names.hpp"

namespace wsl {

enum class FigureKind {
  capacity,              // sustained capacity: connections, or opens per second
  latency,               // connect, handshake, message RTT p50, p90, p99 (seconds)
  maximum,               // the same, and reclaim times: the maximum, one connection's (seconds)
  error_ratio,           // connect and handshake errors per connect attempted
  errors_by_reason,      // the same errors, counted by reason
  dropped_ratio,         // open connections the server ended, per connection opened
  protocol_error_ratio,  // RFC 6455 violations by the server, per connection opened
  echo_mismatches,       // echoes that differed from what was sent
  close_latency,         // per pattern: intended close to the server's Close frame, p99 (seconds)
  reclaim_time,          // per pattern: intended close to the server's socket gone, p50 and p99 (seconds)
  never_given_back,      // server sockets still held at the end of the run
  leak_count_delta,      // a counted resource (fds, sockets, threads, ...) after the run minus before
  leak_bytes_delta,      // a memory resource: the same, in bytes (shown; a heap's size varies run to run)
  leak_count_per_connection,  // per connection closed (all patterns, or one pattern in an attributed run)
  leak_bytes_per_connection,  // likewise, bytes
  leak_other,            // kernel-timed socket states (time_wait, ...) and scraped series without a limit
  step_latency,          // a step both reports ran (same name): handshake and message RTT p99 (seconds)
  step_error_ratio,      // the same step: connect and handshake errors per connect attempted
  last = step_error_ratio,
};
inline constexpr int kFigureKindCount = int(kEnumCount<FigureKind>);

// Which direction of change is worse, named as the figure table of docs/capacity-and-compare.md writes it.
enum class Worse { higher, lower, last = lower };
inline constexpr EnumNames<Worse> kWorseNames = {"higher", "lower"};
static_assert(names_complete<Worse>(kWorseNames));
constexpr const char* to_string(Worse w) { return name_in(kWorseNames, w); }
enum class FigureUnit { level, seconds, ratio, count, bytes };

struct FigureRule {
  FigureKind kind;
  std::string_view name;  // as docs/capacity-and-compare.md lists it
  Worse worse;
  double noise;           // a change no larger than this (in the figure's unit) never counts as a regression
  bool judged;            // false: shown beside the others but never fails the comparison
  FigureUnit unit;
  bool absent_is_zero;    // a report without the figure had none of it (an error reason that never happened)
};

// A capacity search's whole-run latency, errors, closes and reclaim times mix every level it tried, and two searches
// try different levels: in a search report they are shown, not judged (Figure::judged); its steps are.
// Verdicts (the run's, the leak verdict overall, per resource and per pattern) are not figures: a change to FAIL,
// LEAK or INTERRUPTED from PASS or INCONCLUSIVE fails the comparison whatever --max-regression says.
inline constexpr std::array<FigureRule, kFigureKindCount> kFigureRules = {{
    {FigureKind::capacity, "sustained capacity", Worse::lower, 0, true, FigureUnit::level, false},
    {FigureKind::latency, "latency quantile", Worse::higher, 0.005, true, FigureUnit::seconds, false},
    {FigureKind::maximum, "maximum", Worse::higher, 0.005, false, FigureUnit::seconds, false},
    {FigureKind::error_ratio, "error ratio", Worse::higher, 0.0001, true, FigureUnit::ratio, false},
    {FigureKind::errors_by_reason, "errors by reason", Worse::higher, 0, false, FigureUnit::count, true},
    {FigureKind::dropped_ratio, "dropped by server ratio", Worse::higher, 0.0001, true, FigureUnit::ratio, false},
    {FigureKind::protocol_error_ratio, "protocol error ratio", Worse::higher, 0.0001, true, FigureUnit::ratio, false},
    {FigureKind::echo_mismatches, "echo mismatches", Worse::higher, 0, true, FigureUnit::count, false},
    {FigureKind::close_latency, "close latency p99", Worse::higher, 0.005, true, FigureUnit::seconds, false},
    {FigureKind::reclaim_time, "reclaim time", Worse::higher, 0.020, true, FigureUnit::seconds, false},
    {FigureKind::never_given_back, "server sockets never given back", Worse::higher, 0, true, FigureUnit::count,
     false},
    {FigureKind::leak_count_delta, "leak delta (counts)", Worse::higher, 1, true, FigureUnit::count, false},
    {FigureKind::leak_bytes_delta, "leak delta (memory)", Worse::higher, 1 << 20, false, FigureUnit::bytes, false},
    {FigureKind::leak_count_per_connection, "leak per connection (counts)", Worse::higher, 0.01, true,
     FigureUnit::count, false},
    {FigureKind::leak_bytes_per_connection, "leak per connection (memory)", Worse::higher, 64, true,
     FigureUnit::bytes, false},
    {FigureKind::leak_other, "leak delta (other)", Worse::higher, 0, false, FigureUnit::count, false},
    {FigureKind::step_latency, "step latency p99", Worse::higher, 0.005, true, FigureUnit::seconds, false},
    {FigureKind::step_error_ratio, "step error ratio", Worse::higher, 0.0001, true, FigureUnit::ratio, false},
}};

constexpr bool rules_in_kind_order() {
  for (int i = 0; i < kFigureKindCount; ++i)
    if (int(kFigureRules[i].kind) != i || kFigureRules[i].name.empty()) return false;
  return true;
}
static_assert(rules_in_kind_order(), "kFigureRules must list every FigureKind once, in enum order");

constexpr const FigureRule& rule_of(FigureKind kind) { return kFigureRules[size_t(kind)]; }

// A quantile is judged only when enough samples lie beyond it, in both reports: the p99 of 50 handshakes is the
// slowest one, as noisy as a maximum (a one-second capacity step on a busy host moves it by tens of milliseconds).
// With 10 samples beyond it, a p99 needs 1000 samples, a p90 100 and a p50 20; with fewer it is shown, not judged.
inline constexpr double kSamplesBeyondAJudgedQuantile = 10;
constexpr bool quantile_rests_on_enough_samples(double count, double quantile) {
  return count * (1 - quantile) >= kSamplesBeyondAJudgedQuantile - 1e-9;
}

}  // namespace wsl
