// --set overrides: key paths, order of application, creation of keys and the errors they report.
#include <gtest/gtest.h>

#include "profile/load_profile.hpp"
#include "profile/overrides.hpp"

namespace wsl {
namespace {

const char* kBase = R"(name: base
phases:
  - {name: ramp, connections: 10, connect_rate: 5/s}
  - {name: drain, close: all}
close:
  mix:
    - {pattern: clean, weight: 3}
    - {pattern: rst, weight: 1}
)";

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

ProfileLoadResult load(const std::vector<std::string>& sets) { return load_profile_text(kBase, "base.yaml", sets, no_env()); }

TEST(ProfileOverrides, ParsesKeyPaths) {
  auto steps = parse_key_path("close.mix[1].weight");
  ASSERT_TRUE(steps);
  ASSERT_EQ(steps->size(), 4u);
  EXPECT_EQ((*steps)[0].key, "close");
  EXPECT_EQ((*steps)[2].index, 1u);
  EXPECT_EQ(key_path_string(*steps), "close.mix[1].weight");
  EXPECT_FALSE(parse_key_path(""));
  EXPECT_FALSE(parse_key_path("a..b"));
  EXPECT_FALSE(parse_key_path("[0]"));
  EXPECT_FALSE(parse_key_path("a[x]"));
  EXPECT_FALSE(parse_key_path("a."));
}

TEST(ProfileOverrides, SetsScalarsListsAndMappings) {
  auto r = load({"phases[0].connect_rate=500/s", "target.url=ws://127.0.0.1:9001/echo", "close.mix[1].weight=0",
                 "metrics.labels.team=chat", "target.subprotocols=[a, b]", "session.ping={interval: 2s}"});
  ASSERT_TRUE(r.profile) << r.errors.front().to_string();
  EXPECT_DOUBLE_EQ(*r.profile->phases[0].connect_rate, 500);
  EXPECT_EQ(r.profile->target.url, "ws://127.0.0.1:9001/echo");
  EXPECT_EQ(r.profile->close.mix[1].weight, 0);
  EXPECT_EQ(r.profile->metrics.labels.at("team"), "chat");
  EXPECT_EQ(r.profile->target.subprotocols, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.profile->session.ping_interval, Duration(2s));
}

TEST(ProfileOverrides, LaterOverridesWin) {
  auto r = load({"seed=1", "seed=7", "phases[0].connections=20", "phases[0].connections=30"});
  ASSERT_TRUE(r.profile);
  EXPECT_EQ(r.profile->seed, 7u);
  EXPECT_EQ(r.profile->phases[0].connections, 30u);
}

TEST(ProfileOverrides, MissingListIndexIsAnError) {
  auto r = load({"phases[5].connections=1"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "--set");
  EXPECT_EQ(r.errors[0].key_path, "phases[5].connections");
  EXPECT_NE(r.errors[0].message.find("index 5 does not exist"), std::string::npos);
  EXPECT_NE(r.errors[0].message.find("phases[5].connections=1"), std::string::npos);
}

TEST(ProfileOverrides, MisspeltKeyGetsDidYouMeanAgainstTheOverride) {
  auto r = load({"phases[0].conect_rate=5/s"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "--set: phases[0].conect_rate: unknown key, did you mean connect_rate? (in --set phases[0].conect_rate=5/s)");
}

TEST(ProfileOverrides, MisspeltParentIsBlamedOnTheOverride) {
  auto r = load({"targte.url=ws://h/"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "--set");
  EXPECT_EQ(r.errors[0].key_path, "targte");
  EXPECT_NE(r.errors[0].message.find("did you mean target?"), std::string::npos);
}

TEST(ProfileOverrides, BadValuesAreReportedWithTheOverride) {
  auto r = load({"phases[0].connect_rate=-1/s", "nokey", "a[=1", "seed=[1,"});
  ASSERT_EQ(r.errors.size(), 4u);
  for (const ProfileError& e : r.errors) {
    EXPECT_EQ(e.file, "--set");
    EXPECT_EQ(e.line, 0);
  }
  EXPECT_NE(r.errors[0].message.find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(r.errors[1].message.find("malformed key path"), std::string::npos);
  EXPECT_NE(r.errors[2].message.find("not valid YAML"), std::string::npos);
  EXPECT_EQ(r.errors[3].key_path, "phases[0].connect_rate");
  EXPECT_NE(r.errors[3].message.find("(in --set phases[0].connect_rate=-1/s)"), std::string::npos);
}

TEST(ProfileOverrides, ErrorsOutsideOverridesKeepTheirFilePosition) {
  auto r = load_profile_text("phases: [{name: a, duration: 1s}]\nseed: x\n", "p.yaml", {"cycles=2"}, no_env());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "p.yaml:2:7: seed: expected a non-negative whole number, got \"x\"");
}

TEST(ProfileOverrides, WorkOnAnEmptyProfile) {
  auto r = load_profile_text("", "empty.yaml", {"phases=[{name: hold, duration: 1s}]"}, no_env());
  ASSERT_TRUE(r.profile);
  EXPECT_EQ(r.profile->phases.at(0).name, "hold");
}

}  // namespace
}  // namespace wsl
