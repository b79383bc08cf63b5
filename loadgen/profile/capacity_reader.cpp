// Reads `capacity`: the search mode that raises a level step by step until the server fails
// (docs/capacity-and-compare.md).
#include "profile/profile_keys.hpp"
#include "profile/profile_names.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"

namespace wsl {
namespace {

constexpr const auto& kCapacityKeys = profile_keys::kCapacity;
constexpr uint64_t kMaxRefine = 20;  // each bisection halves the interval: 20 is a millionth of it

// A key's value and path, remembered until the keys it depends on are known; `given` once the key was seen.
struct Located {
  YAML::Node node;
  std::string path;
  bool given = false;
  explicit operator bool() const { return given; }
};

// A level in the searched quantity: a whole number of connections, or a rate such as 500/s (a bare number is per
// second) for connect_rate.
std::optional<double> read_level(ReadContext& ctx, const Located& at, CapacityQuantity of) {
  switch (of) {
    case CapacityQuantity::connections:
      if (auto n = read_unsigned(ctx, at.node, at.path, 1, UINT32_MAX)) return double(*n);
      return std::nullopt;
    case CapacityQuantity::connect_rate:
      return read_rate(ctx, at.node, at.path);
  }
  return std::nullopt;
}

}  // namespace

void read_capacity(ReadContext& ctx, const YAML::Node& node, const std::string& path,
                   std::optional<CapacitySearch>& capacity) {
  if (node.IsNull()) return;  // `capacity:` with nothing under it is no search
  CapacitySearch search;
  Located start, max, ramp_rate, connections;
  const size_t errors_before = ctx.errors().size();
  for_each_entry(ctx, node, path, kCapacityKeys, [&](const std::string& key, const YAML::Node& value,
                                                     const std::string& p) {
    if (key == "of") {
      if (auto i = read_choice(ctx, value, p, kCapacityQuantityNames)) search.of = CapacityQuantity(*i);
    } else if (key == "start") {
      start = {value, p, true};
    } else if (key == "max") {
      max = {value, p, true};
    } else if (key == "factor") {
      if (auto f = read_number(ctx, value, p, 1, 1000)) {
        if (*f <= 1) ctx.error(value, p, "expected a factor above 1 (each level is the last one times it), got " +
                                             value.Scalar());
        else search.factor = *f;
      }
    } else if (key == "step_duration") {
      if (auto d = read_duration(ctx, value, p, false)) search.step_duration = *d;
    } else if (key == "refine") {
      if (auto n = read_unsigned(ctx, value, p, 0, kMaxRefine)) search.refine = uint32_t(*n);
    } else if (key == "ramp_rate") {
      ramp_rate = {value, p, true};
      if (auto r = read_rate(ctx, value, p)) search.ramp_rate = *r;
    } else if (key == "connections") {
      connections = {value, p, true};
      if (auto n = read_unsigned(ctx, value, p, 1, UINT32_MAX)) search.connections = uint32_t(*n);
    }
  });
  if (!node.IsMap()) return;  // for_each_entry said so
  if (!start) ctx.error(node, path, "missing key start (the first level, e.g. start: 500)");
  if (start) {
    if (auto level = read_level(ctx, start, search.of)) search.start = *level;
  }
  if (max) {
    if (auto level = read_level(ctx, max, search.of)) search.max = *level;
  }
  // A key that does nothing for this quantity is a mistake worth saying, not a silent no-op.
  if (ramp_rate && search.of == CapacityQuantity::connect_rate)
    ctx.error(ramp_rate.node, ramp_rate.path,
              "ramp_rate paces the ramp of of: connections; with of: connect_rate each step opens at its own rate");
  if (connections && search.of == CapacityQuantity::connections)
    ctx.error(connections.node, connections.path,
              "connections is the level churned by of: connect_rate; with of: connections the steps set the level");
  if (ctx.errors().size() == errors_before) capacity = search;
}

}  // namespace wsl
