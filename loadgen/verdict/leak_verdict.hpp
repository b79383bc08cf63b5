// The leak verdict: per resource, counts against the pre-load baseline and memory per connection after warm-up,
// optionally per close pattern (docs/verdict.md). Pure logic.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "profile/profile.hpp"
#include "verdict/resource_kind.hpp"
#include "vocabulary/enum_names.hpp"

namespace wsl {

// The rules, per resource (the resource's name picks its kind, see resource_kind.hpp).
//
// A run is a sequence of blocks of load, each followed by a settle: one block per cycle, or with
// checks.leak.attribute: patterns one block per close pattern per cycle, that pattern alone. A block's level is
// the median of every sample of the second half of its settle (the server has had half the settle to finish
// closing; a GC heap's sawtooth is noise, and more samples make each level steadier). baseline = median of the
// samples before load; after = the last block's level; delta = after - baseline.
//
// INCONCLUSIVE first, for every kind: the server process died or was replaced (target_lost; the run fails on
// that separately), or too few samples — fewer than 3 baseline or last-block samples for memory and scraped
// gauges (a median of 3 is the fewest that ignores one spike), fewer than 1 for counts. Negative samples of fds,
// sockets and memory are the monitor's "could not read" and are dropped; non-finite samples are dropped everywhere.
//
// Counts — fds, sockets, sockets.established, threads, *open_fds*, and scraped counts such as go_goroutines —
//   keep the pre-load baseline, because a healthy server gives every fd back after each block: delta >
//   fd_delta_max → LEAK. Otherwise a trend across blocks that is clearly rising (Theil–Sen lower bound > 0 at
//   95%, from 5 blocks) with delta > 0 → INCONCLUSIVE; else PASS. Attributed: a pattern's share is the sum of the
//   level changes over its blocks (warm-up included: counts have no warm-up); above fd_delta_max → LEAK.
// sockets.close_wait: delta > close_wait_max → LEAK, else PASS; the reason always states the count stuck in
//   CLOSE_WAIT after settle, because it is the classic unreleased-socket leak. Attributed like counts.
// other sockets.<state> (time_wait, fin_wait2, last_ack, …): PASS with the numbers; the kernel reaps them on
//   its own timers (TIME_WAIT lasts 60 s, longer than a usual settle), so they say nothing about the server.
// Memory — rss, *resident_memory*, and scraped *_bytes gauges such as nodejs_heap_size_used_bytes:
//   the blocks of the first warmup_cycles cycles are warm-up: their growth is reported, never judged by itself
//   (JIT, heap sizing and allocator arenas grow once and then stay flat). From the level at the end of warm-up
//   (the baseline when warmup_cycles is 0):
//   - gross: growth to the last block > rss_delta_max → LEAK (a server that explodes);
//   - per connection: each later block's growth — how far its level pushed the high-water mark of the settled
//     levels, because a leak is memory never given back, while a GC runtime may return tens of MiB to the OS and
//     grow back to where it was (blocks from such a return until the level is back give no growth: theirs is
//     mixed with the regrowth) — against the connections it closed, fitted per group (the block's pattern, or
//     "all") by least squares through the origin with a pooled Student t interval at 95%
//     (per_connection_rate.hpp); attributed runs leave out each pattern's flush block (LoadBlock::flush):
//     lower bound > rss_per_connection_max → LEAK; upper bound below it → PASS; otherwise INCONCLUSIVE, saying how
//     many cycles would decide. No block after warm-up, or too few to estimate the noise: INCONCLUSIVE, saying
//     how many cycles are needed. A held pattern's share is reported, not judged (LoadBlock::held).
//   - rss_slope_max, when set: the Theil–Sen slope of the cycle-end levels after warm-up, lower bound above it →
//     LEAK (from 5 such cycles).
//   The resource's verdict is the worst of these.
// scraped counters (*_total, *_count, *_sum, *_bucket, *_created): PASS, reported only (they only grow).
// any other scraped gauge: no limit applies, so it cannot LEAK: PASS, unless clearly rising with delta > 0 →
//   INCONCLUSIVE ("rising, no limit configured").
//
// Overall: any LEAK → LEAK (the run exits 1); every resource PASS → PASS; otherwise INCONCLUSIVE, which is
// printed but does not fail the run. No resources at all is INCONCLUSIVE (nothing was monitored).

enum class Verdict { pass, leak, inconclusive, last = inconclusive };
inline constexpr EnumNames<Verdict> kVerdictNames = {"PASS", "LEAK", "INCONCLUSIVE"};
static_assert(names_complete<Verdict>(kVerdictNames));
constexpr const char* to_string(Verdict v) { return name_in(kVerdictNames, v); }

// The worse of two verdicts: LEAK over INCONCLUSIVE over PASS.
Verdict worse(Verdict a, Verdict b);

// One stretch of load and the settle after it: a cycle, or in an attributed run one pattern's block of a cycle.
struct LoadBlock {
  uint32_t cycle = 0;             // 0-based
  std::string group = "all";      // the close pattern the block ran alone (attributed run), else "all"
  bool warmup = false;            // in the first warmup_cycles cycles
  double connections_closed = 0;  // closes started in the block, by every shard of the run
  // A held pattern's block (its connections wait `hold`): too few connections, once per run, for a memory rate.
  // Its memory growth is reported, not judged; its dead peers are what checks.reap judges.
  bool held = false;
  // Attributed runs run each pattern twice in a row, and only the second block's memory growth is its own: a GC
  // runtime grows its heap for a block's garbage during the next block's load, so the first (the flush) shows
  // what the previous pattern left pending. Counts have no such lag and count every block.
  bool flush = false;
};

// One close pattern's part in a resource's verdict (attributed runs).
struct PatternShare {
  std::string pattern;
  Verdict verdict = Verdict::inconclusive;
  double connections = 0;  // closed in the blocks that judged it
  double change = 0;       // the resource's change summed over those blocks
  std::optional<double> per_connection{};  // change per connection closed
  std::optional<double> low{};             // its 95% interval (memory), when the noise could be estimated
  std::optional<double> high{};
  bool judged = true;  // false: reported only, it does not decide the resource (a held pattern's memory)
  std::string reason{};
};

struct ResourceVerdict {
  std::string resource;  // "fds", "sockets", "sockets.close_wait", "rss", "scrape:process_open_fds", ...
  Verdict verdict = Verdict::inconclusive;
  AmountUnit unit = AmountUnit::plain;
  double baseline = 0;  // median of the baseline samples; NaN when unknown
  double after = 0;     // the last block's settled level; NaN when unknown
  double delta = 0;     // after - baseline; NaN when unknown
  double limit = 0;     // the threshold of the check that decided; NaN when none applies
  std::string limit_name;  // "fd_delta_max", "close_wait_max", "rss_delta_max", "rss_per_connection_max", ...
  std::optional<double> slope_per_cycle;  // Theil–Sen slope of the block levels, per block, with 2+ blocks
  std::optional<double> slope_low;        // its 95% interval, when bounded
  std::optional<double> slope_high;       // (5+ blocks)
  // Memory: growth over the warm-up, and after it (the gross bound's figure).
  std::optional<double> warmup_change;
  std::optional<double> judged_change;
  // Change per connection closed over the judged blocks, every pattern together, with its 95% interval (memory).
  std::optional<double> per_connection;
  std::optional<double> per_connection_low;
  std::optional<double> per_connection_high;
  std::vector<PatternShare> by_pattern;  // attributed runs, in the order the patterns ran
  std::string reason;  // one line with the numbers that decided it
};

// What the monitor saw of one resource, in its natural unit (a count, or bytes).
struct ResourceSamples {
  std::string resource;
  std::vector<double> baseline;              // before load
  std::vector<std::vector<double>> settled;  // per block, in order: the samples of its settle window
};

// Two-sided confidence of every interval, and the fewest points for which a Theil–Sen interval is bounded.
inline constexpr double kTrendConfidence = 0.95;
inline constexpr std::size_t kMinTrendCycles = 5;
// The fewest samples behind a median where noise matters (memory, scraped gauges), and for exact counts.
inline constexpr std::size_t kMinNoisySamples = 3;
inline constexpr std::size_t kMinCountSamples = 1;

// `blocks` describes samples.settled entry by entry (same length; missing entries are treated as blocks of the
// group "all" with unknown connections). target_lost: why the values cannot be compared, e.g. "server pid 4242
// was gone at 1m12s"; makes it INCONCLUSIVE.
ResourceVerdict judge_resource(const ResourceSamples& samples, std::span<const LoadBlock> blocks,
                               const LeakCheck& check, const std::optional<std::string>& target_lost = std::nullopt);

std::vector<ResourceVerdict> judge_resources(std::span<const ResourceSamples> resources,
                                             std::span<const LoadBlock> blocks, const LeakCheck& check,
                                             const std::optional<std::string>& target_lost = std::nullopt);

Verdict overall_verdict(std::span<const ResourceVerdict> verdicts);

// Only a LEAK fails the run; INCONCLUSIVE is printed but lets a run with otherwise passing checks exit 0.
inline bool fails_run(Verdict overall) { return overall == Verdict::leak; }

}  // namespace wsl
