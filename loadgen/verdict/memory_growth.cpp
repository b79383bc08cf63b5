// Memory growth per judged block: the high-water mark of the settled levels, returns to the OS left out.
#include "verdict/memory_growth.hpp"

#include <algorithm>
#include <cmath>

namespace wsl {

namespace {

// A level this far below the high-water mark is memory returned to the OS, not the jitter of a sawtoothing heap:
// 5% of the mark, at least 1 MiB, and at least four times the median change between consecutive judged levels.
double return_threshold(const ResourceFacts& f, const JudgedSpan& span, double high_water) {
  std::vector<double> changes;
  std::optional<double> previous = span.anchor;
  for (std::size_t i = span.first; i < f.levels.size(); ++i) {
    if (!f.levels[i]) continue;
    if (previous) changes.push_back(std::abs(*f.levels[i] - *previous));
    previous = f.levels[i];
  }
  const double typical = median(changes).value_or(0);
  return std::max({1048576.0, 0.05 * high_water, 4 * typical});
}

// How many blocks a level may stay far below the mark before that level is taken as the new mark (V8 grew back
// within three blocks of returning 30 MiB).
constexpr std::size_t kMaxRecoveryBlocks = 3;

}  // namespace

JudgedSpan judged_span(const ResourceFacts& f) {
  JudgedSpan span;
  span.anchor = f.baseline;
  for (std::size_t i = 0; i < f.blocks.size(); ++i) {
    if (!f.blocks[i].warmup) continue;
    span.first = i + 1;
    span.anchor = f.levels[i];
    span.warmup_cycles = std::max<std::size_t>(span.warmup_cycles, f.blocks[i].cycle + 1);
  }
  return span;
}

std::vector<BlockGrowth> block_growths(const ResourceFacts& f, const JudgedSpan& span) {
  std::vector<BlockGrowth> out;
  double high_water = *span.anchor;
  std::size_t recovering = 0;  // blocks since a return, while the level is still far below the mark
  bool hidden_growth = false;  // back near the mark after a return, not yet past it
  for (std::size_t i = span.first; i < f.levels.size(); ++i) {
    if (!f.levels[i]) continue;
    const double level = *f.levels[i];
    if (level < high_water - return_threshold(f, span, high_water)) {
      // A level that stays down for good was the new normal: the mark was a peak the server gave back.
      if (++recovering > kMaxRecoveryBlocks) high_water = level, recovering = 0;
      continue;
    }
    const double growth = std::max(0.0, level - high_water);
    high_water += growth;
    if (recovering > 0 || (hidden_growth && growth > 0)) {
      hidden_growth = recovering > 0 && growth == 0;
      recovering = 0;
      continue;
    }
    out.push_back({i, growth});
  }
  return out;
}

}  // namespace wsl
