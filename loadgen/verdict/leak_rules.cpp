// The per-kind leak rules: counts against fd_delta_max, CLOSE_WAIT, memory delta and slope, scraped series.
#include "verdict/leak_rules.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace wsl {

namespace {

constexpr double kNoLimit = std::numeric_limits<double>::quiet_NaN();

std::string amount(const ResourceFacts& f, double v) { return format_amount(f.unit, v); }
std::string change(const ResourceFacts& f, double v) { return format_change(f.unit, v); }

// "412 after settle vs 12 baseline: +400"
std::string comparison(const ResourceFacts& f) {
  return amount(f, f.after) + " after settle vs " + amount(f, f.baseline) + " baseline: " + change(f, f.delta);
}

bool trend_bounded(const ResourceFacts& f) { return f.trend && f.trend->bounded(); }

// Rising with 97.5% one-sided confidence, and above the baseline: the trend is clearly positive.
bool clearly_rising(const ResourceFacts& f) { return trend_bounded(f) && f.trend->low > 0 && f.delta > 0; }

// "+1.00MiB/cycle over 5 cycles (95% CI +512KiB..+1.50MiB)", or why there is no interval; "" with one cycle.
std::string trend_text(const ResourceFacts& f) {
  if (!f.trend) return "";
  std::string text = change(f, f.trend->slope) + "/cycle over " + std::to_string(f.cycles) + " cycles";
  if (f.trend->bounded()) {
    const int percent = int(std::lround(f.trend->confidence * 100));
    return text + " (" + std::to_string(percent) + "% CI " + change(f, f.trend->low) + ".." +
           change(f, f.trend->high) + ")";
  }
  return text + " (too few for an interval, needs " + std::to_string(kMinTrendCycles) + ")";
}

std::string with_trend(std::string text, const ResourceFacts& f) {
  const std::string trend = trend_text(f);
  return trend.empty() ? text : text + "; trend " + trend;
}

void decide(ResourceVerdict& out, Verdict verdict, double limit, const char* limit_name, std::string reason) {
  out.verdict = verdict;
  out.limit = limit;
  out.limit_name = limit_name;
  out.reason = std::move(reason);
}

void fd_count_rule(const ResourceFacts& f, const LeakCheck& check, ResourceVerdict& out) {
  const double limit = double(check.fd_delta_max);
  const std::string limit_text = " fd_delta_max " + amount(f, limit);
  if (f.delta > limit) {
    return decide(out, Verdict::leak, limit, "fd_delta_max", with_trend(comparison(f) + " >" + limit_text, f));
  }
  if (clearly_rising(f)) {
    return decide(out, Verdict::inconclusive, limit, "fd_delta_max",
                  comparison(f) + " <=" + limit_text + ", but rising " + trend_text(f));
  }
  decide(out, Verdict::pass, limit, "fd_delta_max", with_trend(comparison(f) + " <=" + limit_text, f));
}

void close_wait_rule(const ResourceFacts& f, const LeakCheck& check, ResourceVerdict& out) {
  const double limit = double(check.close_wait_max);
  const bool leaked = f.delta > limit;
  decide(out, leaked ? Verdict::leak : Verdict::pass, limit, "close_wait_max",
         amount(f, f.after) + " stuck in CLOSE_WAIT after settle (baseline " + amount(f, f.baseline) + "): " +
             change(f, f.delta) + (leaked ? " > " : " <= ") + "close_wait_max " + amount(f, limit));
}

void memory_rule(const ResourceFacts& f, const LeakCheck& check, ResourceVerdict& out) {
  const double delta_limit = double(check.rss_delta_max);
  const double slope_limit = check.rss_slope_max;
  const std::string delta_check = std::string(f.delta > delta_limit ? " > " : " <= ") + "rss_delta_max " +
                                  amount(f, delta_limit);
  const std::string delta_text = comparison(f) + delta_check;
  const std::string delta_aside = change(f, f.delta) + " since baseline" + delta_check;
  if (f.delta > delta_limit) {
    return decide(out, Verdict::leak, delta_limit, "rss_delta_max", with_trend(delta_text, f));
  }
  if (!trend_bounded(f)) {
    const std::string text = with_trend(delta_text, f);
    return decide(out, Verdict::pass, delta_limit, "rss_delta_max", f.trend ? text + ", decided on delta only" : text);
  }

  const std::string slope_limit_text = "rss_slope_max " + amount(f, slope_limit) + "/cycle";
  if (f.trend->low > slope_limit) {
    return decide(out, Verdict::leak, slope_limit, "rss_slope_max",
                  "rising " + trend_text(f) + " > " + slope_limit_text + "; " + delta_aside);
  }
  if (f.trend->high < slope_limit) {
    return decide(out, Verdict::pass, slope_limit, "rss_slope_max",
                  delta_text + "; trend " + trend_text(f) + " < " + slope_limit_text);
  }
  decide(out, Verdict::inconclusive, slope_limit, "rss_slope_max",
         "trend " + trend_text(f) + " includes " + slope_limit_text + ", more cycles would decide; " + delta_aside);
}

void kernel_timed_rule(const ResourceFacts& f, ResourceVerdict& out) {
  decide(out, Verdict::pass, kNoLimit, "",
         comparison(f) + "; not judged, the kernel reaps this state on its own timer");
}

void counter_rule(const ResourceFacts& f, ResourceVerdict& out) {
  decide(out, Verdict::pass, kNoLimit, "", comparison(f) + "; a counter only grows, not judged");
}

void gauge_rule(const ResourceFacts& f, ResourceVerdict& out) {
  if (clearly_rising(f)) {
    return decide(out, Verdict::inconclusive, kNoLimit, "",
                  comparison(f) + ", rising " + trend_text(f) + "; no limit is configured for this series");
  }
  decide(out, Verdict::pass, kNoLimit, "", with_trend(comparison(f) + "; no limit configured, not rising", f));
}

}  // namespace

void apply_leak_rule(const ResourceFacts& facts, const LeakCheck& check, ResourceVerdict& out) {
  switch (facts.kind) {
    case ResourceKind::fd_count:
      return fd_count_rule(facts, check, out);
    case ResourceKind::close_wait:
      return close_wait_rule(facts, check, out);
    case ResourceKind::memory_bytes:
      return memory_rule(facts, check, out);
    case ResourceKind::kernel_timed:
      return kernel_timed_rule(facts, out);
    case ResourceKind::counter:
      return counter_rule(facts, out);
    case ResourceKind::gauge:
      return gauge_rule(facts, out);
  }
}

}  // namespace wsl
