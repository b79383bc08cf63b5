// Evenly paced instants counted from a start: at a rate, spread over a span, or all at once.
#pragma once

#include <cstdint>
#include <limits>

#include "profile/profile.hpp"

namespace wsl {

// A countdown of `count` ticks whose k-th instant is computed from the start (never by accumulating
// periods), so an hours-long ramp does not drift.
class Pacer {
 public:
  static constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

  Pacer() = default;  // nothing to pace

  // The k-th tick at start + k / per_second; a non-positive rate means all ticks at `start`.
  static Pacer at_rate(Duration start, uint64_t count, double per_second);
  // The k-th tick at start + k * span / count: `count` ticks evenly over [start, start + span).
  static Pacer spread(Duration start, uint64_t count, Duration span);
  // Every tick at `start`.
  static Pacer instant(Duration start, uint64_t count);

  bool has_next() const { return done_ < count_; }
  Duration next_at() const { return at(done_); }
  void advance() { ++done_; }

  uint64_t count() const { return count_; }
  // The instant of tick k (0-based), whether or not it has been consumed.
  Duration at(uint64_t k) const;
  // The instant of the final tick, or the start when there are none.
  Duration last_at() const { return count_ == 0 ? start_ : at(count_ - 1); }

 private:
  enum class Mode { instant, rate, spread };
  Mode mode_ = Mode::instant;
  Duration start_{};
  uint64_t count_ = 0;
  uint64_t done_ = 0;
  double per_second_ = 0;
  Duration span_{};
};

}  // namespace wsl
