// Growth per connection closed, with a confidence interval, from the settled levels around each block of load.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace wsl {

// What one block of load did to a resource: its growth over the level before it, the connections it closed, and
// what the block before it ran (a GC runtime shows part of a block's growth only during the next block's load).
// `group` is what the block ran: one close pattern (attributed runs) or "all".
struct LevelIncrement {
  std::string group;
  double change = 0;
  double connections = 0;
  std::string previous_group;       // the block before it, warm-up included; "" for none
  double previous_connections = 0;
};

// One group's rate and its interval (Student's t at the fit's confidence).
struct GroupRate {
  std::string group;
  double per_connection = 0;
  double low = 0;   // -inf / +inf when the noise cannot be estimated (no degrees of freedom)
  double high = 0;
  double connections = 0;  // summed over the group's increments
  double change = 0;       // summed likewise
  std::size_t increments = 0;

  bool bounded() const;
};

struct RateFit {
  std::vector<GroupRate> groups;  // in the order each group first appears
  double noise_sd = 0;            // estimated standard deviation of one increment's noise (NaN without df)
  std::size_t degrees_of_freedom = 0;
  double confidence = 0.95;
  double lag = 0;  // the share of a block's growth that showed during the next block's load, as fitted
};

// Fits every group's rate at once by least squares: a block's growth is its own group's rate times its
// connections, except a share `lag` of it that shows during the next block instead (a GC heap grows when the next
// load needs the room). With several groups in varying order, the lag is fitted too (a grid of shares from 0 to
// 0.95; the best fit sets the rates) and the interval of each rate covers it at every share the data cannot rule
// out (an F test at the same confidence), so the lag's uncertainty widens the interval instead of being ignored.
// The noise of an increment comes from the server, not from which pattern ran, so its variance is pooled over all
// groups. Each increment's noise is treated as independent, which is exact for a heap that steps and stays; where
// levels merely jitter around a true value the interval is wider than it need be: the error that cannot raise a
// false alarm.
RateFit fit_per_connection_rates(std::span<const LevelIncrement> increments, double confidence = 0.95);

// Student's t quantile for a two-sided interval: t with P(|T| <= t) = confidence, at `df` >= 1 degrees of freedom.
double student_t_two_sided(double confidence, std::size_t df);

// The fewest increments per group (every group alike) after which the interval's half-width would fall below
// `gap` (how far the rate is from the limit), if the noise and block sizes stay as measured; 0 when no count up
// to `max_increments` would.
std::size_t increments_to_decide(const RateFit& fit, double connections_per_increment, double gap,
                                 std::size_t max_increments = 100);

}  // namespace wsl
