// Profile errors: each kind reported with its file, line, column, key path and what was expected.
#include <gtest/gtest.h>

#include <map>

#include "profile/did_you_mean.hpp"
#include "profile/load_profile.hpp"
#include "profile/value_rules.hpp"

namespace wsl {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<ProfileError> errors_of(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
  return load_profile_text(yaml, "t.yaml", {}, env_of(vars)).errors;
}

// The one error of `yaml`, as FILE:LINE:COL: KEY_PATH: MESSAGE.
std::string only_error(const std::string& yaml) {
  auto errors = errors_of(yaml);
  if (errors.size() != 1) {
    std::string all = std::to_string(errors.size()) + " errors:";
    for (auto& e : errors) all += "\n" + e.to_string();
    return all;
  }
  return errors[0].to_string();
}

const std::string kPhase = "phases: [{name: a, duration: 1s}]\n";

TEST(ProfileErrors, FormatsWithAndWithoutPosition) {
  EXPECT_EQ((ProfileError{"f.yaml", 3, 5, "a.b", "bad"}).to_string(), "f.yaml:3:5: a.b: bad");
  EXPECT_EQ((ProfileError{"--set", 0, 0, "a", "bad"}).to_string(), "--set: a: bad");
  EXPECT_EQ((ProfileError{"f.yaml", 0, 0, "", "cannot read"}).to_string(), "f.yaml: cannot read");
}

TEST(ProfileErrors, UnknownKeySuggestsTheClosestValidKey) {
  EXPECT_EQ(only_error("phases:\n  - name: ramp\n    conect_rate: 5/s\n    connections: 3\n"),
            "t.yaml:3:5: phases[0].conect_rate: unknown key, did you mean connect_rate?");
  EXPECT_EQ(only_error(kPhase + "sesion: {}\n"), "t.yaml:2:1: sesion: unknown key, did you mean session?");
  EXPECT_EQ(only_error(kPhase + "checks:\n  leak: {setle: 1s}\n"),
            "t.yaml:3:10: checks.leak.setle: unknown key, did you mean settle?");
}

TEST(ProfileErrors, UnknownKeyWithoutCloseMatchListsTheValidKeys) {
  std::string e = only_error(kPhase + "report: {zzzzzz: 1}\n");
  EXPECT_EQ(e, "t.yaml:2:10: report.zzzzzz: unknown key (expected one of: dir)");
}

TEST(ProfileErrors, WrongTypesSayWhatWasExpected) {
  EXPECT_EQ(only_error(kPhase + "seed: abc\n"), "t.yaml:2:7: seed: expected a non-negative whole number, got \"abc\"");
  EXPECT_EQ(only_error(kPhase + "target: [a]\n"), "t.yaml:2:9: target: expected a mapping of keys, got a list");
  EXPECT_EQ(only_error(kPhase + "session:\n  messages: {expect_echo: maybe}\n"),
            "t.yaml:3:27: session.messages.expect_echo: expected true or false, got \"maybe\"");
  EXPECT_EQ(only_error(kPhase + "target: {subprotocols: {a: 1}}\n"),
            "t.yaml:2:24: target.subprotocols: expected a list of strings such as [a, b]");
}

TEST(ProfileErrors, BareNumberIsNotADuration) {
  EXPECT_EQ(only_error("phases: [{name: a, duration: 30}]\n"),
            "t.yaml:1:30: phases[0].duration: expected a duration such as 500ms or 30s, got \"30\" "
            "(a duration needs a unit: ns, us, ms, s, m or h)");
}

TEST(ProfileErrors, OutOfRangeValues) {
  EXPECT_EQ(only_error(kPhase + "workers: 0\n"), "t.yaml:2:10: workers: expected a whole number from 1 to 1024, got 0");
  EXPECT_EQ(only_error(kPhase + "workers: 2000\n"),
            "t.yaml:2:10: workers: expected a whole number from 1 to 1024, got 2000");
  EXPECT_EQ(only_error(kPhase + "cycles: 0\n"), "t.yaml:2:9: cycles: expected a whole number from 1 to 4294967295, got 0");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: rst, weight: -2}]}\n"),
            "t.yaml:2:38: close.mix[0].weight: expected a number of at least 0, got -2");
  EXPECT_EQ(only_error(kPhase + "checks: {handshake_error_ratio_max: 1.5}\n"),
            "t.yaml:2:37: checks.handshake_error_ratio_max: expected a number from 0 to 1, got 1.5");
  EXPECT_EQ(only_error(kPhase + "timer_slack: 2ms\n"), "t.yaml:2:14: timer_slack: at most 1ms (0s = exact timing)");
  EXPECT_EQ(only_error("phases: [{name: a, connections: 5, connect_rate: 0/s}]\n"),
            "t.yaml:1:50: phases[0].connect_rate: a rate must be greater than zero, got \"0/s\"");
}

TEST(ProfileErrors, EnumValuesSuggestTheIntendedOne) {
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: rts}]}\n"),
            "t.yaml:2:25: close.mix[0].pattern: expected one of clean, close_no_wait, fin, rst, close_timeout, "
            "stall, ignore_server_close, server_close, handshake_abort, mid_message, invalid_close, "
            "data_after_close, got \"rts\"; did you mean rst?");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: handshake_abort, at: mid}]}\n"),
            "t.yaml:2:46: close.mix[0].at: expected one of before_request, mid_request, before_response, got \"mid\"");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: mid_message, by: rts}]}\n"),
            "t.yaml:2:42: close.mix[0].by: expected one of fin, rst, got \"rts\"; did you mean rst?");
  EXPECT_EQ(only_error(kPhase + "session: {lifetime: {dist: normal, mean: 1s}}\n"),
            "t.yaml:2:28: session.lifetime.dist: expected one of none, fixed, uniform, exponential, got \"normal\"");
  EXPECT_EQ(only_error(kPhase + "session: {messages: {payload: json}}\n"),
            "t.yaml:2:31: session.messages.payload: expected one of text, binary, got \"json\"");
  EXPECT_EQ(only_error(kPhase + "session: {messages: {first: now}}\n"),
            "t.yaml:2:29: session.messages.first: expected one of spread, at_open, got \"now\"");
  EXPECT_EQ(only_error("phases: [{name: a, close: some}]\n"),
            "t.yaml:1:27: phases[0].close: expected one of all, got \"some\"");
}

TEST(ProfileErrors, CloseMixRules) {
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: clean, code: 1005}]}\n"),
            "t.yaml:2:38: close.mix[0].code: reserved or out-of-range close code 1005 for clean (allowed: "
            "1000-1003, 1007-1014, 3000-4999); use pattern invalid_close to send it on purpose");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: rst, hold: 5s}]}\n"),
            "t.yaml:2:30: close.mix[0].hold: hold does not apply to pattern rst (it applies to close_timeout, "
            "stall, ignore_server_close, server_close, data_after_close)");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{weight: 1}]}\n"),
            "t.yaml:2:15: close.mix[0]: missing key pattern (one of clean, rst, fin, close_timeout, ...)");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: rst, weight: 0}, {pattern: fin, weight: 0}]}\n"),
            "t.yaml:2:14: close.mix: every weight is 0: at least one close pattern needs a weight above 0");
  EXPECT_EQ(only_error(kPhase + "close: {mix: []}\n"),
            "t.yaml:2:14: close.mix: expected a non-empty list of close patterns such as [{pattern: clean, weight: 1}]");
  const std::string long_reason(124, 'x');
  EXPECT_NE(only_error(kPhase + "close: {mix: [{pattern: clean, reason: " + long_reason + "}]}\n").find("at most 123"),
            std::string::npos);
}

TEST(ProfileErrors, InvalidCloseIsDeliberatelyUnrestricted) {
  const std::string long_reason(200, 'x');
  auto r = load_profile_text(kPhase + "close: {mix: [{pattern: invalid_close, code: 5000, reason: " + long_reason +
                                 "}, {pattern: invalid_close}]}\n",
                             "t.yaml", {}, env_of({}));
  ASSERT_TRUE(r.profile);
  EXPECT_EQ(r.profile->close.mix[0].code, 5000);
  EXPECT_EQ(r.profile->close.mix[0].reason.size(), 200u);
  EXPECT_EQ(r.profile->close.mix[1].code, 1005);
}

TEST(ProfileErrors, TargetUrlMustBeWebSocketWithAHost) {
  EXPECT_EQ(only_error(kPhase + "target: {url: http://x/}\n"),
            "t.yaml:2:15: target.url: expected a URL starting with ws:// or wss:// such as ws://127.0.0.1:9001/echo, "
            "got \"http://x/\"");
  EXPECT_EQ(only_error(kPhase + "target: {url: \"ws:///echo\"}\n"),
            "t.yaml:2:15: target.url: URL \"ws:///echo\" has no host");
  EXPECT_NE(only_error(kPhase + "target: {url: \"ws://h:99999/\"}\n").find("invalid port"), std::string::npos);
}

TEST(ProfileErrors, UnsetEnvironmentVariableIsNamed) {
  auto errors = errors_of(kPhase + "target:\n  headers: {Authorization: \"Bearer ${TOKEN}\"}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), "t.yaml:3:28: target.headers.Authorization: environment variable TOKEN is not set");
}

TEST(ProfileErrors, CrossKeyRulesPointAtTheKey) {
  EXPECT_EQ(only_error("phases:\n  - {name: a, duration: 1s}\n  - {name: b, close: all, connections: 4}\n"),
            "t.yaml:3:15: phases[1].close: close: all ends every connection; it cannot be combined with connections");
  EXPECT_EQ(only_error("phases:\n  - {name: a, duration: 1s}\n  - {name: a, duration: 2s}\n"),
            "t.yaml:3:6: phases[1].name: phase name a is used twice; names must be unique");
  EXPECT_EQ(only_error("phases:\n  - {name: c, connections: 4, churn_rate: 2/s}\n"),
            "t.yaml:2:31: phases[0].churn_rate: churn_rate needs a duration (how long to keep churning)");
  EXPECT_EQ(only_error(kPhase + "session:\n  lifetime: {dist: uniform, min: 5s, max: 1s}\n"),
            "t.yaml:3:29: session.lifetime.min: min (5s) is above max (1s)");
  auto misfit = errors_of(kPhase + "session:\n  lifetime: {dist: fixed, min: 5s}\n");
  ASSERT_EQ(misfit.size(), 2u);
  EXPECT_EQ(misfit[0].to_string(), "t.yaml:3:27: session.lifetime.min: min does not apply to dist fixed");
  EXPECT_EQ(misfit[1].to_string(), "t.yaml:3:13: session.lifetime: missing key value for dist fixed (e.g. value: 10s)");
  EXPECT_NE(only_error("name: x\n").find("phases: at least one phase is required"), std::string::npos);
}

TEST(ProfileErrors, LeakAttributionAndReapRulesPointAtTheKey) {
  EXPECT_EQ(only_error(kPhase + "checks:\n  leak: {attribute: pattern}\n"),
            "t.yaml:3:21: checks.leak.attribute: expected one of none, patterns, got \"pattern\"; did you mean "
            "patterns?");
  // A reap check with nothing held to judge.
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: rst}]}\nchecks:\n  reap: {within: 20s}\n"),
            "t.yaml:4:10: checks.reap.within: checks.reap judges held peers, but no close mix has a stall, "
            "close_timeout or ignore_server_close entry with a weight above 0");
  EXPECT_EQ(only_error(kPhase + "close: {mix: [{pattern: data_after_close}, {pattern: server_close}]}\nchecks:\n"
                                "  reap: {within: 20s}\n"),
            "t.yaml:4:10: checks.reap.within: checks.reap judges held peers, but no close mix has a stall, "
            "close_timeout or ignore_server_close entry with a weight above 0");
  // A hold shorter than the time the server is given: our own reset would end the peer first.
  EXPECT_EQ(only_error(kPhase +
                       "close: {mix: [{pattern: clean}, {pattern: stall, hold: 10s}]}\nchecks:\n  reap: {within: 20s}\n"),
            "t.yaml:2:50: close.mix[1].hold: hold 10s is shorter than checks.reap.within 20s: whether the server "
            "reaps these peers in time could not be decided; make the hold at least as long as within");
  EXPECT_EQ(only_error(kPhase + "checks:\n  leak: {warmup_cycles: -1}\n"),
            "t.yaml:3:25: checks.leak.warmup_cycles: expected a whole number from 0 to 4294967295, got -1");
  EXPECT_EQ(only_error(kPhase + "checks: {dropped_by_server_max: lots}\n"),
            "t.yaml:2:33: checks.dropped_by_server_max: expected a whole number, got \"lots\"");
}

TEST(DidYouMean, SuggestsOnlyPlausibleTypos) {
  constexpr std::string_view keys[] = {"connect_rate", "connections", "churn_rate", "close", "close_rate"};
  EXPECT_EQ(edit_distance("conect_rate", "connect_rate"), 1u);
  EXPECT_EQ(edit_distance("hodl", "hold"), 1u);  // an adjacent swap counts once
  EXPECT_EQ(edit_distance("ABC", "abc"), 0u);
  EXPECT_EQ(closest_match("conect_rate", keys), "connect_rate");
  EXPECT_EQ(closest_match("clsoe", keys), "close");
  EXPECT_EQ(closest_match("zzzz", keys), std::nullopt);
}

TEST(ValueRules, AcceptAndRejectTheDocumentedForms) {
  EXPECT_FALSE(websocket_url_problem("wss://[::1]:9443/ws"));
  EXPECT_TRUE(websocket_url_problem("ws://user@h/"));
  EXPECT_FALSE(clean_close_code_problem(1000));
  EXPECT_FALSE(clean_close_code_problem(4999));
  for (int code : {999, 1004, 1005, 1006, 1015, 2999, 5000}) EXPECT_TRUE(clean_close_code_problem(code)) << code;
  EXPECT_FALSE(listen_address_problem("off"));
  EXPECT_FALSE(listen_address_problem("0.0.0.0:9464"));
  EXPECT_TRUE(listen_address_problem("9464"));
  EXPECT_TRUE(label_name_problem("run_id"));
  EXPECT_TRUE(label_name_problem("__x"));
  EXPECT_FALSE(label_name_problem("team"));
  EXPECT_TRUE(close_reason_problem("\xff"));
  EXPECT_TRUE(ip_address_problem("127.0.0.256"));
  EXPECT_FALSE(ip_address_problem("::1"));
}

TEST(ProfileErrors, DuplicateKeysAreErrors) {
  EXPECT_EQ(only_error(kPhase + "seed: 1\nseed: 2\n"), "t.yaml:3:1: seed: duplicate key (first given on line 2)");
}

TEST(ProfileErrors, CollectsAllErrorsNotJustTheFirst) {
  auto errors = errors_of("seed: x\ncycles: 0\nphases: [{name: a, duration: 3}]\nbogus: 1\n");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_EQ(errors[1].line, 2);
  EXPECT_EQ(errors[2].line, 3);
  EXPECT_EQ(errors[3].line, 4);
}

TEST(ProfileErrors, InvalidYamlReportsTheParserPosition) {
  auto errors = errors_of("phases:\n  - {name: a\nseed: 1\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "t.yaml");
  EXPECT_GT(errors[0].line, 0);
  EXPECT_GT(errors[0].column, 0);
  EXPECT_NE(errors[0].message.find("invalid YAML"), std::string::npos);
}

TEST(ProfileErrors, MissingFileSaysSo) {
  auto r = load_profile_file("/nonexistent/dir/p.yaml", {}, env_of({}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_FALSE(r.profile);
  EXPECT_EQ(r.errors[0].to_string(), "/nonexistent/dir/p.yaml: cannot read: No such file or directory");
}

}  // namespace
}  // namespace wsl

namespace wsl {
namespace {

TEST(ProfileErrors, RunIdMustBeSafeInAPushgatewayUrl) {
  EXPECT_EQ(only_error(kPhase + "metrics:\n  run_id: nightly/42\n"),
            "t.yaml:3:11: metrics.run_id: run_id \"nightly/42\" must be 1 to 64 of [A-Za-z0-9_.-]");
  EXPECT_EQ(only_error(kPhase + "metrics:\n  labels: {verdict: x}\n"),
            "t.yaml:3:21: metrics.labels.verdict: label verdict is set by wsloadgen itself; choose another name");
}

TEST(ProfileReader, MetricsRunIdAndLinger) {
  auto loaded = load_profile_text(kPhase + "metrics: {run_id: nightly-42, linger: 15s}\n", "t.yaml", {}, env_of({}));
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].to_string();
  EXPECT_EQ(loaded.profile->metrics.run_id, "nightly-42");
  EXPECT_EQ(loaded.profile->metrics.linger, std::chrono::seconds(15));
  auto automatic = load_profile_text(kPhase + "metrics: {run_id: auto}\n", "t.yaml", {}, env_of({}));
  ASSERT_TRUE(automatic.errors.empty());
  EXPECT_EQ(automatic.profile->metrics.run_id, "") << "auto: generated when the run starts";
}

}  // namespace
}  // namespace wsl
