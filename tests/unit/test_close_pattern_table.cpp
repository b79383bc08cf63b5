// The close-pattern table is what the profile reader, the resolved-profile writer and the port estimate obey.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "capacity/capacity_result.hpp"
#include "compare/report_diff.hpp"
#include "engine/connection.hpp"
#include "plan/socket_demand.hpp"
#include "profile/load_profile.hpp"
#include "profile/profile_names.hpp"
#include "stats/run_stats.hpp"
#include "verdict/leak_verdict.hpp"
#include "wire/frame_error.hpp"

namespace wsl {
namespace {

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ProfileLoadResult load_mix(const std::string& entry) {
  return load_profile_text("phases: [{name: a, duration: 1s}]\nclose:\n  mix:\n    - " + entry + "\n", "t.yaml", {},
                           no_env());
}

// A value every setting of this kind accepts, whichever pattern takes it.
std::string valid_value(CloseSettingKind kind) {
  switch (kind) {
    case CloseSettingKind::close_code: return "4000";
    case CloseSettingKind::close_reason: return "bye";
    case CloseSettingKind::duration: return "2s";
    case CloseSettingKind::abort_point: return "mid_request";
    case CloseSettingKind::drop_by: return "rst";
  }
  return "";
}

TEST(ClosePatternTable, EachPatternTakesExactlyItsSettings) {
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    for (const CloseSettingInfo& setting : kCloseSettings) {
      const std::string entry = "{pattern: " + std::string(pattern.name) + ", " + std::string(setting.name) + ": " +
                                valid_value(setting.kind) + "}";
      const ProfileLoadResult result = load_mix(entry);
      if (pattern.settings.has(setting.setting)) {
        EXPECT_TRUE(result.profile) << entry << ": " << (result.errors.empty() ? "" : result.errors[0].to_string());
      } else {
        ASSERT_EQ(result.errors.size(), 1u) << entry;
        EXPECT_NE(result.errors[0].message.find("does not apply to pattern " + std::string(pattern.name)),
                  std::string::npos)
            << result.errors[0].to_string();
      }
    }
  }
}

TEST(ClosePatternTable, AnEntryWithoutACodeSendsThePatternsDefault) {
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    const ProfileLoadResult result = load_mix("{pattern: " + std::string(pattern.name) + "}");
    ASSERT_TRUE(result.profile) << pattern.name;
    EXPECT_EQ(result.profile->close.mix[0].code, pattern.default_code) << pattern.name;
  }
  EXPECT_EQ(describe(ClosePattern::invalid_close).default_code, 1005);
  EXPECT_EQ(describe(ClosePattern::clean).default_code, 1000);
}

TEST(ClosePatternTable, OnlyAPatternThatBreaksTheRfcOnPurposeMaySendAReservedCode) {
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    if (!pattern.settings.has(CloseSetting::code)) continue;
    const ProfileLoadResult result = load_mix("{pattern: " + std::string(pattern.name) + ", code: 1006}");
    EXPECT_EQ(result.profile.has_value(), pattern.breaks_rfc == RfcBreach::close_frame) << pattern.name;
  }
}

TEST(ClosePatternTable, DataAfterCloseSendsEveryIntervalAboveZero) {
  const ProfileLoadResult given = load_mix("{pattern: data_after_close, hold: 3s, interval: 250ms}");
  ASSERT_TRUE(given.profile);
  EXPECT_EQ(given.profile->close.mix[0].interval, Duration(250ms));
  EXPECT_EQ(load_mix("{pattern: data_after_close}").profile->close.mix[0].interval, Duration(100ms));
  const ProfileLoadResult zero = load_mix("{pattern: data_after_close, interval: 0s}");
  ASSERT_EQ(zero.errors.size(), 1u);
  EXPECT_EQ(zero.errors[0].message, "expected a duration greater than zero");
  EXPECT_EQ(describe(ClosePattern::data_after_close).breaks_rfc, RfcBreach::data_after_close);
  EXPECT_FALSE(load_mix("{pattern: data_after_close, code: 1005}").profile) << "its Close frame itself is valid";
}

TEST(ClosePatternTable, TheResolvedProfileWritesTheSettingsAPatternTakesAndReadsBackTheSame) {
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    std::string entry = "{pattern: " + std::string(pattern.name);
    for (const CloseSettingInfo& setting : kCloseSettings)
      if (pattern.settings.has(setting.setting))
        entry += ", " + std::string(setting.name) + ": " + valid_value(setting.kind);
    const ProfileLoadResult first = load_mix(entry + "}");
    ASSERT_TRUE(first.profile) << entry;
    const std::string written = render_resolved_profile(*first.profile);
    const std::string line = written.substr(written.find("{pattern: " + std::string(pattern.name)));
    const std::string mix_entry = line.substr(0, line.find('}') + 1);
    for (const CloseSettingInfo& setting : kCloseSettings) {
      const bool written_out = mix_entry.find(std::string(setting.name) + ": ") != std::string::npos;
      EXPECT_EQ(written_out, pattern.settings.has(setting.setting)) << setting.name << " in " << mix_entry;
    }
    const ProfileLoadResult again = load_profile_text(written, "resolved.yaml", {}, no_env());
    ASSERT_TRUE(again.profile) << written;
    EXPECT_EQ(again.profile->close.mix, first.profile->close.mix) << written;
  }
}

TEST(ClosePatternTable, PortHoldFollowsTheRow) {
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    CloseChoice choice;
    choice.pattern = pattern.pattern;
    choice.hold = 7s;
    for (DropBy by : {DropBy::fin, DropBy::rst}) {
      choice.by = by;
      const PortHold hold = port_hold_after_close(choice);
      EXPECT_EQ(hold.socket, pattern.held ? Duration(7s) : Duration::zero()) << pattern.name;
      const bool our_fin_first = pattern.time_wait == TimeWaitSide::client ||
                                 (pattern.time_wait == TimeWaitSide::by_drop && by == DropBy::fin);
      EXPECT_EQ(hold.time_wait, our_fin_first) << pattern.name << " by " << to_string(by);
    }
  }
}

// The leak blocks and checks.reap read these two columns; they are what plan/leak_blocks.cpp's
// holds_connections() and profile.hpp's awaits_server_reap() listed before they became columns.
TEST(ClosePatternTable, HeldPatternsAndThoseTheServerMustReap) {
  std::set<std::string_view> held, reaped;
  for (const ClosePatternInfo& pattern : kClosePatterns) {
    if (pattern.held) held.insert(pattern.name);
    if (pattern.awaits_reap) reaped.insert(pattern.name);
  }
  EXPECT_EQ(held, (std::set<std::string_view>{"close_timeout", "stall", "ignore_server_close", "server_close"}));
  EXPECT_EQ(reaped, (std::set<std::string_view>{"close_timeout", "stall", "ignore_server_close"}));
  // data_after_close waits up to its hold only for a server that does not answer: a healthy one ends it at once,
  // and it is never a silent peer.
  EXPECT_FALSE(describe(ClosePattern::data_after_close).held);
  EXPECT_FALSE(describe(ClosePattern::data_after_close).awaits_reap);
}

// Every named enum is named the same way: a table as long as the enum, each name read back to its value.
template <typename E>
void expect_round_trip(const EnumNames<E>& names) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kEnumCount<E>; ++i) {
    const E value = static_cast<E>(i);
    const char* name = name_in(names, value);
    EXPECT_EQ(value_named<E>(names, name), value) << name;
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), kEnumCount<E>);
  EXPECT_FALSE(value_named<E>(names, "no such name").has_value());
}

TEST(EnumNames, EveryNamedEnumReadsBack) {
  expect_round_trip<ClosePattern>(kClosePatternNames);
  expect_round_trip<AbortPoint>(kAbortPointNames);
  expect_round_trip<DropBy>(kDropByNames);
  expect_round_trip<Lifetime::Dist>(kLifetimeDistNames);
  expect_round_trip<MessagesSpec::Payload>(kPayloadNames);
  expect_round_trip<CloseOutcome>(kCloseOutcomeNames);
  expect_round_trip<Connection::State>(kConnectionStateNames);
  expect_round_trip<CloseStep>(kCloseStepNames);
  expect_round_trip<CloseEvent>(kCloseEventNames);
  expect_round_trip<FrameErrorKind>(kFrameErrorKindNames);
  expect_round_trip<LeakAttribution>(kLeakAttributionNames);
  expect_round_trip<CapacityQuantity>(kCapacityQuantityNames);
  expect_round_trip<Verdict>(kVerdictNames);
  expect_round_trip<CapacityMethod>(kCapacityMethodNames);
  expect_round_trip<SearchStop>(kSearchStopNames);
  expect_round_trip<RowOutcome>(kRowOutcomeNames);
  expect_round_trip<Worse>(kWorseNames);
  EXPECT_STREQ(to_string(ClosePattern::ignore_server_close), "ignore_server_close");
  EXPECT_STREQ(to_string(CloseOutcome::server_never_closed), "server_never_closed");
  EXPECT_STREQ(to_string(Connection::State::closing), "closing");
  EXPECT_EQ(frame_error_label(FrameErrorKind::masked_frame), "masked_frame");
  EXPECT_EQ(kClosePatternCount, int(ClosePattern::last) + 1);
  EXPECT_STREQ(to_string(Verdict::inconclusive), "INCONCLUSIVE");
  EXPECT_STREQ(to_string(LeakAttribution::patterns), "patterns");
  EXPECT_STREQ(to_string(SearchStop::max_reached), "max_reached");
  EXPECT_STREQ(to_string(RowOutcome::not_compared), "not in both");
  EXPECT_EQ(kFigureKindCount, int(FigureKind::last) + 1);
}

}  // namespace
}  // namespace wsl
