// Dead peers: per held pattern, the connections the server never reaped or reaped too late.
#include "verdict/reap_check.hpp"

#include <limits>
#include <string>

#include "vocabulary/close_pattern.hpp"
#include "vocabulary/human_units.hpp"

namespace wsl {

namespace {

std::string n(uint64_t v) { return std::to_string(v); }

// "p50 2.10s, max 4.00s"
std::string spread(const LatencyHistogram& h) {
  return "p50 " + human_duration(h.quantile(0.5)) + ", max " + human_duration(h.max());
}

ResourceVerdict judge_one(ClosePattern pattern, const PatternStats& p, Duration within, bool interrupted) {
  ResourceVerdict v;
  v.resource = std::string("reap.") + to_string(pattern);
  v.unit = AmountUnit::count;
  v.limit = std::chrono::duration<double>(within).count();
  v.limit_name = "reap.within";
  const uint64_t never = p.outcomes[int(CloseOutcome::server_never_closed)];
  const LatencyHistogram& ended = p.server_tcp_close_latency;
  const uint64_t reaped = ended.count();
  const uint64_t late = reaped == 0 || ended.max() <= within ? 0 : reaped - ended.count_below(within);
  const uint64_t held = p.started;
  v.baseline = 0;
  v.after = double(never + late);
  v.delta = v.after;
  const std::string within_text = "reap.within " + human_duration(within);
  std::string reclaimed;
  if (p.server_reclaim_time.count())
    reclaimed = "; the server's socket was gone " + spread(p.server_reclaim_time) + " after the close began";
  if (interrupted) {
    v.verdict = Verdict::inconclusive;
    v.reason = "the run was interrupted, so holds were cut short: " + n(reaped) + " of " + n(held) +
               " given back before that";
    return v;
  }
  if (never + late > 0) {
    v.verdict = Verdict::leak;
    v.reason = n(never + late) + " of " + n(held) + " held peers not given back within " + within_text + ": " +
               n(never) + " still held by the server when our hold ended";
    if (late) v.reason += ", " + n(late) + " given back later than that";
    if (reaped) v.reason += " (server ended TCP " + spread(ended) + " after the close began)";
    v.reason += reclaimed;
    return v;
  }
  if (reaped == 0 || reaped + never < held) {
    v.verdict = Verdict::inconclusive;
    v.reason = n(reaped) + " of " + n(held) + " held peers seen given back; the rest ended otherwise (errors)";
    return v;
  }
  v.verdict = Verdict::pass;
  v.reason = n(reaped) + " of " + n(held) + " held peers given back within " + within_text + " (server ended TCP " +
             spread(ended) + " after the close began)" + reclaimed;
  return v;
}

}  // namespace

std::vector<ResourceVerdict> judge_reaps(const RunStats& stats, const ReapCheck& reap, bool interrupted) {
  std::vector<ResourceVerdict> out;
  if (!reap.within) return out;
  for (int i = 0; i < kClosePatternCount; ++i) {
    const ClosePattern pattern = ClosePattern(i);
    if (!describe(pattern).awaits_reap || stats.patterns[i].started == 0) continue;
    out.push_back(judge_one(pattern, stats.patterns[i], *reap.within, interrupted));
  }
  return out;
}

}  // namespace wsl
