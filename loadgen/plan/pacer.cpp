// Instants of paced ticks, computed from the start each time.
#include "plan/pacer.hpp"

#include <cmath>

namespace wsl {

Pacer Pacer::at_rate(Duration start, uint64_t count, double per_second) {
  Pacer p = instant(start, count);
  if (per_second > 0) {
    p.mode_ = Mode::rate;
    p.per_second_ = per_second;
  }
  return p;
}

Pacer Pacer::spread(Duration start, uint64_t count, Duration span) {
  Pacer p = instant(start, count);
  if (span > Duration::zero()) {
    p.mode_ = Mode::spread;
    p.span_ = span;
  }
  return p;
}

Pacer Pacer::instant(Duration start, uint64_t count) {
  Pacer p;
  p.start_ = start;
  p.count_ = count;
  return p;
}

Duration Pacer::at(uint64_t k) const {
  switch (mode_) {
    case Mode::instant:
      break;
    case Mode::rate:
      // One multiplication and one division per tick: exact for rates that divide 1e9 (e.g. 500/s -> 2 ms).
      return start_ + Duration(std::llround(static_cast<double>(k) * 1e9 / per_second_));
    case Mode::spread: {
      // 128-bit product: k * span overflows 64 bits for millions of ticks over hours.
      const __int128 offset = static_cast<__int128>(k) * span_.count() / static_cast<__int128>(count_);
      return start_ + Duration(static_cast<int64_t>(offset));
    }
  }
  return start_;
}

}  // namespace wsl
