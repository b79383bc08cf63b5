// How much memory each block of load grew a server by, after warm-up: the high-water mark of its settled levels,
// with the blocks around a return of heap to the OS left out (rules in leak_verdict.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "verdict/leak_rules.hpp"

namespace wsl {

// The blocks after warm-up and the level they start from.
struct JudgedSpan {
  std::size_t first = 0;          // index of the first judged block
  std::optional<double> anchor;   // the level at the end of warm-up (the baseline without warm-up)
  std::size_t warmup_cycles = 0;  // cycles that were warm-up
};

JudgedSpan judged_span(const ResourceFacts& f);

// One judged block's growth.
struct BlockGrowth {
  std::size_t block = 0;  // index into ResourceFacts::blocks
  double growth = 0;
};

// Each judged block's growth: how far its level pushed the high-water mark of the settled levels, from the level
// at the end of warm-up. A leak is memory never given back, so it can only push that mark up; a level a little
// below the mark is jitter and grew nothing. A runtime that returns heap pages to the OS (V8 does it tens of MiB
// at a time) grows back over the next blocks, and what those blocks show is its regrowth mixed with their own
// growth: from such a return until a level is back near the mark, blocks give no growth; nor does the one that
// gets back, which mixes them all, nor, when that one is still below the mark, the first later one past it
// (growth hidden under the mark during the return shows there). A level that stays far below the mark for more
// than three blocks is the new normal: the mark was a peak, and it becomes the mark. A block without a level
// gives none either.
// The span's anchor must be known.
std::vector<BlockGrowth> block_growths(const ResourceFacts& f, const JudgedSpan& span);

}  // namespace wsl
