// Reads a close mix: weighted close patterns, each with only the settings that apply to its pattern.
#include <algorithm>
#include <array>
#include <limits>

#include "profile/did_you_mean.hpp"
#include "profile/profile_keys.hpp"
#include "profile/section_readers.hpp"
#include "profile/value_readers.hpp"
#include "profile/value_rules.hpp"

namespace wsl {
namespace {

// The keys of an entry: pattern and weight, which every pattern takes, then the settings of the table.
constexpr const auto& kMixKeys = profile_keys::kMixEntry;

const CloseSettingInfo* setting_named(std::string_view key) {
  for (const CloseSettingInfo& s : kCloseSettings)
    if (s.name == key) return &s;
  return nullptr;
}

// The patterns that take `setting`, in enum order, for the message that refuses it elsewhere.
std::string patterns_taking(CloseSetting setting) {
  std::string out;
  for (const ClosePatternInfo& p : kClosePatterns)
    if (p.settings.has(setting)) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

void read_setting(ReadContext& ctx, CloseChoice& choice, const CloseSettingInfo& setting, const YAML::Node& value,
                  const std::string& p) {
  const bool deliberate = describe(choice.pattern).breaks_rfc == RfcBreach::close_frame;
  switch (setting.kind) {
    case CloseSettingKind::close_code: {
      auto code = read_integer(ctx, value, p, 0, 65535);
      if (!code) return;
      if (auto problem = deliberate ? std::nullopt : clean_close_code_problem(int(*code), to_string(choice.pattern)))
        return ctx.error(value, p, *problem);
      choice.code = int(*code);
      return;
    }
    case CloseSettingKind::close_reason: {
      auto reason = read_string(ctx, value, p);
      if (!reason) return;
      if (auto problem = deliberate ? std::nullopt : close_reason_problem(*reason)) return ctx.error(value, p, *problem);
      choice.reason = *reason;
      return;
    }
    case CloseSettingKind::duration:
      if (auto d = read_duration(ctx, value, p, setting.zero_allowed)) choice.*setting.duration = *d;
      return;
    case CloseSettingKind::abort_point:
      if (auto i = read_choice(ctx, value, p, kAbortPointNames)) choice.at = AbortPoint(*i);
      return;
    case CloseSettingKind::drop_by:
      if (auto i = read_choice(ctx, value, p, kDropByNames)) choice.by = DropBy(*i);
      return;
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
  choice.code = describe(choice.pattern).default_code;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    const std::string p = child_path(path, key);
    if (key == "pattern") continue;
    if (std::find(std::begin(kMixKeys), std::end(kMixKeys), key) == std::end(kMixKeys)) {
      auto suggestion = closest_match(key, kMixKeys);
      ctx.error_at(it->first.Mark(), p, "unknown key" + (suggestion ? ", did you mean " + *suggestion + "?" : ""));
      continue;
    }
    if (key == "weight") {
      ctx.remember(p, it->first.Mark());
      if (auto w = read_number(ctx, it->second, p, 0, std::numeric_limits<double>::infinity())) choice.weight = *w;
      continue;
    }
    const CloseSettingInfo& setting = *setting_named(key);
    if (!describe(choice.pattern).settings.has(setting.setting)) {
      ctx.error_at(it->first.Mark(), p,
                   key + " does not apply to pattern " + to_string(choice.pattern) + " (it applies to " +
                       patterns_taking(setting.setting) + ")");
      continue;
    }
    ctx.remember(p, it->first.Mark());
    read_setting(ctx, choice, setting, it->second, p);
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
