// Reads a close mix: weighted close patterns, each with only the settings that apply to its pattern.
#include <algorithm>
#include <limits>

#include "profile/did_you_mean.hpp"
#include "profile/profile_names.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"
#include "profile/value_rules.hpp"

namespace wsl {
namespace {

constexpr std::string_view kMixKeys[] = {"pattern", "weight", "code", "reason", "hold", "at", "by"};

using P = ClosePattern;

// The patterns a pattern-specific key applies to; empty for keys every pattern takes.
std::vector<ClosePattern> patterns_taking(std::string_view key) {
  // server_close uses them when the hold ends and it closes cleanly itself.
  if (key == "code" || key == "reason")
    return {P::clean, P::close_no_wait, P::close_timeout, P::server_close, P::invalid_close};
  if (key == "hold") return {P::close_timeout, P::stall, P::ignore_server_close, P::server_close};
  if (key == "at") return {P::handshake_abort};
  if (key == "by") return {P::handshake_abort, P::mid_message};
  return {};
}

std::string names_of(const std::vector<ClosePattern>& patterns) {
  std::string out;
  for (ClosePattern p : patterns) out += (out.empty() ? "" : ", ") + std::string(to_string(p));
  return out;
}

void read_setting(ReadContext& ctx, CloseChoice& choice, const std::string& key, const YAML::Node& value,
                  const std::string& p) {
  const bool deliberate = choice.pattern == P::invalid_close;  // breaks the rules on purpose
  if (key == "weight") {
    if (auto w = read_number(ctx, value, p, 0, std::numeric_limits<double>::infinity())) choice.weight = *w;
  } else if (key == "code") {
    auto code = read_integer(ctx, value, p, 0, 65535);
    if (!code) return;
    if (auto problem = deliberate ? std::nullopt : clean_close_code_problem(int(*code), to_string(choice.pattern)))
      return ctx.error(value, p, *problem);
    choice.code = int(*code);
  } else if (key == "reason") {
    auto reason = read_string(ctx, value, p);
    if (!reason) return;
    if (auto problem = deliberate ? std::nullopt : close_reason_problem(*reason)) return ctx.error(value, p, *problem);
    choice.reason = *reason;
  } else if (key == "hold") {
    if (auto d = read_duration(ctx, value, p)) choice.hold = *d;
  } else if (key == "at") {
    if (auto i = read_choice(ctx, value, p, kAbortPointNames)) choice.at = AbortPoint(*i);
  } else if (key == "by") {
    if (auto i = read_choice(ctx, value, p, kDropByNames)) choice.by = DropBy(*i);
  }
}

std::optional<CloseChoice> read_choice_entry(ReadContext& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    ctx.error(node, path, "expected a mapping such as {pattern: clean, weight: 1}");
    return std::nullopt;
  }
  const size_t errors_before = ctx.errors().size();
  CloseChoice choice;
  const YAML::Node pattern = node["pattern"];
  if (!pattern) {
    ctx.error(node, path, "missing key pattern (one of clean, rst, fin, close_timeout, ...)");
    return std::nullopt;
  }
  auto index = read_choice(ctx, pattern, child_path(path, "pattern"), kClosePatternNames);
  if (!index) return std::nullopt;
  choice.pattern = ClosePattern(*index);
  // RFC 6455 forbids sending 1005 on the wire, so it is the natural default for a deliberately invalid close.
  if (choice.pattern == P::invalid_close) choice.code = 1005;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const std::string p = child_path(path, key);
    if (key == "pattern") continue;
    if (std::find(std::begin(kMixKeys), std::end(kMixKeys), key) == std::end(kMixKeys)) {
      auto suggestion = closest_match(key, kMixKeys);
      ctx.error_at(it->first.Mark(), p, "unknown key" + (suggestion ? ", did you mean " + *suggestion + "?" : ""));
      continue;
    }
    const auto takers = patterns_taking(key);
    if (!takers.empty() && std::find(takers.begin(), takers.end(), choice.pattern) == takers.end()) {
      ctx.error_at(it->first.Mark(), p,
                   key + " does not apply to pattern " + to_string(choice.pattern) + " (it applies to " +
                       names_of(takers) + ")");
      continue;
    }
    ctx.remember(p, it->first.Mark());
    read_setting(ctx, choice, key, it->second, p);
  }
  if (ctx.errors().size() != errors_before) return std::nullopt;
  return choice;
}

}  // namespace

std::optional<std::vector<CloseChoice>> read_close_mix(ReadContext& ctx, const YAML::Node& node,
                                                       const std::string& path) {
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(node, path, "expected a non-empty list of close patterns such as [{pattern: clean, weight: 1}]");
    return std::nullopt;
  }
  std::vector<CloseChoice> mix;
  bool ok = true;
  for_each_item(ctx, node, path, "close patterns", [&](const YAML::Node& item, const std::string& p, size_t) {
    auto choice = read_choice_entry(ctx, item, p);
    if (choice) mix.push_back(*choice);
    ok = ok && choice.has_value();
  });
  if (!ok) return std::nullopt;
  if (std::all_of(mix.begin(), mix.end(), [](const CloseChoice& c) { return c.weight == 0; })) {
    ctx.error(node, path, "every weight is 0: at least one close pattern needs a weight above 0");
    return std::nullopt;
  }
  return mix;
}

}  // namespace wsl
