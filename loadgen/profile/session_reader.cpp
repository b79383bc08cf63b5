// Reads `session`: how long each connection lives and what it sends (messages, pings) while open.
#include "profile/did_you_mean.hpp"
#include "profile/profile_keys.hpp"
#include "profile/profile_names.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"

namespace wsl {
namespace {

constexpr const auto& kSessionKeys = profile_keys::kSession;
constexpr const auto& kLifetimeKeys = profile_keys::kLifetime;
constexpr const auto& kMessagesKeys = profile_keys::kMessages;
constexpr const auto& kPingKeys = profile_keys::kPing;

// The lifetime keys each distribution takes, by Lifetime::Dist order.
std::vector<std::string_view> lifetime_keys_for(Lifetime::Dist dist) {
  switch (dist) {
    case Lifetime::Dist::fixed: return {"value", "mean"};
    case Lifetime::Dist::uniform: return {"min", "max"};
    case Lifetime::Dist::exponential: return {"mean"};
    case Lifetime::Dist::none: return {};
  }
  return {};
}

void read_lifetime(ReadContext& ctx, const YAML::Node& node, const std::string& path, Lifetime& lifetime) {
  if (node.IsNull()) return;
  if (!node.IsMap()) return ctx.error(node, path, "expected a mapping such as {dist: exponential, mean: 20s}");
  const YAML::Node dist = node["dist"];
  if (!dist) return ctx.error(node, path, "missing key dist (one of none, fixed, uniform, exponential)");
  auto index = read_choice(ctx, dist, child_path(path, "dist"), kLifetimeDistNames);
  if (!index) return;
  lifetime.dist = Lifetime::Dist(*index);
  const auto allowed = lifetime_keys_for(lifetime.dist);
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const std::string p = child_path(path, key);
    if (key == "dist") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const bool known = std::find(std::begin(kLifetimeKeys), std::end(kLifetimeKeys), key) != std::end(kLifetimeKeys);
      auto suggestion = closest_match(key, allowed);
      std::string message = known ? key + " does not apply to dist " + to_string(lifetime.dist) : "unknown key";
      if (suggestion) message += ", did you mean " + *suggestion + "?";
      ctx.error_at(it->first.Mark(), p, message);
      continue;
    }
    ctx.remember(p, it->first.Mark());
    seen.push_back(key);
    auto d = read_duration(ctx, it->second, p, key == "min");
    if (!d) continue;
    if (key == "value" || key == "mean") lifetime.mean = *d;
    if (key == "min") lifetime.min = *d;
    if (key == "max") lifetime.max = *d;
  }
  auto has = [&](std::string_view k) { return std::find(seen.begin(), seen.end(), k) != seen.end(); };
  switch (lifetime.dist) {
    case Lifetime::Dist::fixed:
      if (has("value") && has("mean")) ctx.error(node, path, "give either value or mean for dist fixed, not both");
      else if (!has("value") && !has("mean")) ctx.error(node, path, "missing key value for dist fixed (e.g. value: 10s)");
      break;
    case Lifetime::Dist::uniform:
      if (!has("min") || !has("max")) ctx.error(node, path, "dist uniform needs both min and max");
      break;
    case Lifetime::Dist::exponential:
      if (!has("mean")) ctx.error(node, path, "missing key mean for dist exponential (e.g. mean: 20s)");
      break;
    case Lifetime::Dist::none:
      break;
  }
}

void read_messages(ReadContext& ctx, const YAML::Node& node, const std::string& path, MessagesSpec& messages) {
  for_each_entry(ctx, node, path, kMessagesKeys, [&](const std::string& key, const YAML::Node& value,
                                                     const std::string& p) {
    if (key == "interval") {
      if (auto d = read_duration(ctx, value, p)) messages.interval = *d;
    } else if (key == "size") {
      if (auto s = read_size(ctx, value, p)) messages.size = *s;
    } else if (key == "payload") {
      if (auto i = read_choice(ctx, value, p, kPayloadNames)) messages.payload = MessagesSpec::Payload(*i);
    } else if (key == "expect_echo") {
      if (auto b = read_bool(ctx, value, p)) messages.expect_echo = *b;
    } else if (key == "first") {
      if (auto i = read_choice(ctx, value, p, kFirstMessageNames)) messages.first = MessagesSpec::First(*i);
    }
  });
}

}  // namespace

void read_session(ReadContext& ctx, const YAML::Node& node, const std::string& path, SessionSpec& session) {
  for_each_entry(ctx, node, path, kSessionKeys, [&](const std::string& key, const YAML::Node& value,
                                                    const std::string& p) {
    if (key == "lifetime") read_lifetime(ctx, value, p, session.lifetime);
    if (key == "messages") read_messages(ctx, value, p, session.messages);
    if (key == "ping") {
      for_each_entry(ctx, value, p, kPingKeys, [&](const std::string&, const YAML::Node& v, const std::string& pp) {
        if (auto d = read_duration(ctx, v, pp)) session.ping_interval = *d;
      });
    }
  });
}

}  // namespace wsl
