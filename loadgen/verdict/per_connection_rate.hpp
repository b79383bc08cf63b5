// Growth per connection closed, with a confidence interval, from the settled levels around each block of load.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace wsl {

// What one block of load did to a resource: its growth over the settled level before it, and the connections it
// closed. `group` is what the block ran: one close pattern (attributed runs) or "all".
struct LevelIncrement {
  std::string group;
  double change = 0;
  double connections = 0;
};

// One group's rate: the least-squares line through the origin of change against connections, so a block with
// more connections weighs more. The interval is Student's t at the fit's confidence. It treats each block's
// change as independent noise, which is exact for a heap that grows a chunk now and then and keeps it; where
// levels merely jitter around a true value, consecutive changes share a level and the interval is wider than it
// need be (conservative): that error is the one that cannot raise a false alarm.
struct GroupRate {
  std::string group;
  double per_connection = 0;
  double low = 0;   // -inf / +inf when the noise cannot be estimated (no degrees of freedom)
  double high = 0;
  double connections = 0;  // summed over the group's increments
  double change = 0;       // summed likewise
  std::size_t increments = 0;
  double median_per_connection = 0;  // the median of its increments' own rates: what most of its blocks did

  bool bounded() const;
};

struct RateFit {
  std::vector<GroupRate> groups;  // in the order each group first appears
  double noise_sd = 0;            // estimated standard deviation of one increment's noise (NaN without df)
  std::size_t degrees_of_freedom = 0;
  double confidence = 0.95;
};

// Fits every group's rate at once. The noise of an increment comes from the server's level (a GC heap's sawtooth,
// an allocator's arenas), not from which pattern ran, so its variance is pooled over all groups: increments minus
// groups degrees of freedom. That is what lets a group seen in few blocks still get an honest interval, and it is
// conservative for healthy groups beside a leaking one, whose scatter widens everyone's interval.
RateFit fit_per_connection_rates(std::span<const LevelIncrement> increments, double confidence = 0.95);

// Student's t quantile for a two-sided interval: t with P(|T| <= t) = confidence, at `df` >= 1 degrees of freedom.
double student_t_two_sided(double confidence, std::size_t df);

// The fewest increments per group (every group alike) after which the interval's half-width would fall below
// `gap` (how far the rate is from the limit), if the noise and block sizes stay as measured; 0 when no count up
// to `max_increments` would.
std::size_t increments_to_decide(const RateFit& fit, double connections_per_increment, double gap,
                                 std::size_t max_increments = 100);

}  // namespace wsl
