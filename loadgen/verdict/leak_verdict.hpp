// The leak verdict: baseline vs after-settle values and the trend across cycles, per resource (SPEC §4). Pure logic.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "profile/profile.hpp"
#include "verdict/resource_kind.hpp"

namespace wsl {

// The rules, per resource (the resource's name picks its kind, see resource_kind.hpp):
//
// Values. baseline = median of the samples before load; after = median of the samples at the end of the LAST
// cycle's settle window; delta = after - baseline. Medians, so one spike (a GC, a burst of allocation) moves
// nothing. With two or more cycles, the trend is the Theil–Sen slope of the per-cycle medians against the cycle
// number, with Sen's rank interval at 95% two-sided confidence (each one-sided claim, "above the limit" or "below
// the limit", at 97.5%). The interval is exact and distribution-free; it is bounded only from 5 cycles on, because
// with 4 points even a perfectly ordered series happens by chance 1 time in 24. With 2 to 4 cycles the slope is
// shown but the verdict rests on the delta alone, and the reason says so. 95% rather than 90%, because 90% would
// accept 4 cycles, where a clean series that merely came out in increasing order (1 in 24) reads as a leak. The
// false-LEAK rate grows with plateau noise relative to rss_slope_max: simulated with plateaus wandering ±3 MiB
// per cycle against 1 MiB/cycle, 0.02% of 5-cycle runs, 0.002% of 6-cycle runs, none from 8 cycles on.
//
// INCONCLUSIVE first, for every kind: the server process died or was replaced (target_lost), or there are too
// few samples — fewer than 3 baseline or last-settle samples for memory and scraped gauges (a median of 3 is the
// fewest that ignores one spike), fewer than 1 for counts. Negative samples of fds, sockets and memory are the
// monitor's "could not read" and are dropped; non-finite samples are dropped everywhere.
//
// fds, sockets, sockets.established, *open_fds*: delta > fd_delta_max → LEAK. Otherwise, if the trend is
//   bounded, its lower bound is above 0 and delta > 0 (rising cycle after cycle, not yet past the limit) →
//   INCONCLUSIVE; else PASS.
// sockets.close_wait: delta > close_wait_max → LEAK, else PASS; the reason always states the count stuck in
//   CLOSE_WAIT after settle, because it is the classic unreleased-socket leak.
// other sockets.<state> (time_wait, fin_wait2, last_ack, …): PASS with the numbers; the kernel reaps them on
//   its own timers (TIME_WAIT lasts 60 s, longer than a usual settle), so they say nothing about the server.
// rss, *resident_memory*: delta > rss_delta_max → LEAK. Then, with a bounded trend: lower bound >
//   rss_slope_max → LEAK; upper bound < rss_slope_max → PASS; otherwise INCONCLUSIVE with the interval (more
//   cycles would decide). Without a bounded trend (1–4 cycles): PASS on the delta.
// scraped counters (*_total, *_count, *_sum, *_bucket, *_created): PASS, reported only (they only grow).
// any other scraped series: no limit is configured, so it cannot LEAK: PASS, unless the trend is bounded with
//   its lower bound above 0 and delta > 0 → INCONCLUSIVE ("rising, no limit configured"). A LEAK here would
//   fail about one clean run in forty on noise alone, since a rise > 0 has no margin.
//
// Overall: any LEAK → LEAK (the run exits 1); every resource PASS → PASS; otherwise INCONCLUSIVE, which is
// printed but does not fail the run. No resources at all is INCONCLUSIVE (nothing was monitored).

enum class Verdict { pass, leak, inconclusive };

const char* to_string(Verdict v);  // "PASS", "LEAK", "INCONCLUSIVE"

struct ResourceVerdict {
  std::string resource;  // "fds", "sockets", "sockets.close_wait", "rss", "scrape:process_open_fds", ...
  Verdict verdict = Verdict::inconclusive;
  AmountUnit unit = AmountUnit::plain;
  double baseline = 0;  // median of the baseline samples; NaN when unknown
  double after = 0;     // median of the last cycle's post-settle samples; NaN when unknown
  double delta = 0;     // after - baseline; NaN when unknown
  double limit = 0;     // the threshold of the check that decided; NaN when none applies
  std::string limit_name;                  // "fd_delta_max", "close_wait_max", "rss_delta_max", "rss_slope_max", ""
  std::optional<double> slope_per_cycle;   // Theil–Sen slope, with 2+ cycles that have samples
  std::optional<double> slope_low;         // its 95% interval, when bounded
  std::optional<double> slope_high;      // (5+ cycles)
  std::string reason;  // one line with the numbers that decided it
};

// What the monitor saw of one resource, in its natural unit (a count, or bytes).
struct ResourceSamples {
  std::string resource;
  std::vector<double> baseline;              // before load
  std::vector<std::vector<double>> settled;  // per cycle, in order: the samples at the end of its settle window
};

// Two-sided confidence of the slope interval, and the fewest cycles for which that interval is bounded.
inline constexpr double kTrendConfidence = 0.95;
inline constexpr std::size_t kMinTrendCycles = 5;
// The fewest samples behind a median where noise matters (memory, scraped gauges), and for exact counts.
inline constexpr std::size_t kMinNoisySamples = 3;
inline constexpr std::size_t kMinCountSamples = 1;

// target_lost: why the values cannot be compared, e.g. "server pid 4242 exited at 1m12s"; makes it INCONCLUSIVE.
ResourceVerdict judge_resource(const ResourceSamples& samples, const LeakCheck& check,
                               const std::optional<std::string>& target_lost = std::nullopt);

std::vector<ResourceVerdict> judge_resources(std::span<const ResourceSamples> resources, const LeakCheck& check,
                                             const std::optional<std::string>& target_lost = std::nullopt);

Verdict overall_verdict(std::span<const ResourceVerdict> verdicts);

// Only a LEAK fails the run; INCONCLUSIVE is printed but lets a run with otherwise passing checks exit 0.
inline bool fails_run(Verdict overall) { return overall == Verdict::leak; }

}  // namespace wsl
