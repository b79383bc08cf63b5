// Cuts the monitor's time series into what the leak verdict compares: baseline and per-cycle settled samples.
#include "verdict/leak_evidence.hpp"

#include <map>

namespace wsl {

std::vector<ResourceSamples> collect_leak_evidence(const std::vector<ResourceSample>& series, SampleWindow baseline,
                                                   const std::vector<SampleWindow>& settled) {
  std::map<std::string, ResourceSamples> by_name;
  for (const ResourceSample& sample : series) {
    if (!baseline.contains(sample.at_ns)) continue;
    for (const auto& [name, value] : resource_values(sample)) {
      if (is_observed_only(name)) continue;
      ResourceSamples& r = by_name[name];
      r.resource = name;
      r.baseline.push_back(value);
    }
  }
  for (auto& [name, r] : by_name) r.settled.resize(settled.size());
  for (const ResourceSample& sample : series) {
    for (size_t cycle = 0; cycle < settled.size(); ++cycle) {
      if (!settled[cycle].contains(sample.at_ns)) continue;
      for (const auto& [name, value] : resource_values(sample)) {
        auto it = by_name.find(name);
        if (it != by_name.end()) it->second.settled[cycle].push_back(value);
      }
    }
  }
  std::vector<ResourceSamples> out;
  for (auto& [name, r] : by_name) out.push_back(std::move(r));
  return out;
}

}  // namespace wsl
