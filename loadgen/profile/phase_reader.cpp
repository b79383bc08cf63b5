// Reads `phases`: the list of steps that set the number of open connections, churn them or close them.
#include "profile/profile_keys.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"

namespace wsl {
namespace {

constexpr const auto& kPhaseKeys = profile_keys::kPhase;
constexpr std::string_view kCloseValues[] = {"all"};

Phase read_phase(ReadContext& ctx, const YAML::Node& node, const std::string& path, size_t index) {
  Phase phase;
  phase.name = "phase" + std::to_string(index);
  if (!node.IsMap()) {
    ctx.error(node, path, "expected a mapping such as {name: ramp, duration: 30s, connections: 100}");
    return phase;
  }
  for_each_entry(ctx, node, path, kPhaseKeys, [&](const std::string& key, const YAML::Node& value,
                                                  const std::string& p) {
    if (key == "name") {
      auto name = read_string(ctx, value, p);
      if (name && name->empty()) ctx.error(value, p, "expected a non-empty phase name");
      else if (name) phase.name = *name;
    } else if (key == "duration") {
      if (auto d = read_duration(ctx, value, p)) phase.duration = *d;
    } else if (key == "connections") {
      if (auto n = read_unsigned(ctx, value, p, 0, UINT32_MAX)) phase.connections = uint32_t(*n);
    } else if (key == "connect_rate") {
      if (auto r = read_rate(ctx, value, p)) phase.connect_rate = *r;
    } else if (key == "churn_rate") {
      if (auto r = read_rate(ctx, value, p)) phase.churn_rate = *r;
    } else if (key == "close") {
      if (read_choice(ctx, value, p, kCloseValues)) phase.close_all = true;
    } else if (key == "close_rate") {
      if (auto r = read_rate(ctx, value, p)) phase.close_rate = *r;
    } else if (key == "mix") {
      if (auto mix = read_close_mix(ctx, value, p)) phase.mix = *mix;
    }
  });
  return phase;
}

}  // namespace

void read_phases(ReadContext& ctx, const YAML::Node& node, const std::string& path, std::vector<Phase>& phases) {
  phases.clear();
  for_each_item(ctx, node, path, "phases", [&](const YAML::Node& item, const std::string& p, size_t index) {
    phases.push_back(read_phase(ctx, item, p, index));
  });
}

}  // namespace wsl
