// Per-second rates of the generator's actions, from the differences between neighbouring load points.
#include "report/load_rates.hpp"

namespace wsl {
namespace {

double per_second(uint64_t before, uint64_t after, double seconds) {
  return (double(after) - double(before)) / seconds;
}

}  // namespace

std::vector<LoadRate> load_rates(const std::vector<LoadPoint>& load) {
  std::vector<LoadRate> rates;
  for (size_t i = 1; i < load.size(); ++i) {
    const LoadPoint& a = load[i - 1];
    const LoadPoint& b = load[i];
    const double seconds = double(b.at_ns - a.at_ns) / 1e9;
    if (seconds <= 0) continue;
    rates.push_back({b.at_ns, per_second(a.connections_opened, b.connections_opened, seconds),
                     per_second(a.closes_started, b.closes_started, seconds),
                     per_second(a.connect_errors, b.connect_errors, seconds),
                     per_second(a.messages_sent, b.messages_sent, seconds)});
  }
  return rates;
}

}  // namespace wsl
