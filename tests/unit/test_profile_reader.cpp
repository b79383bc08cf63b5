// Profile reading: defaults, every section of docs/profile-reference.md, ${VAR} expansion, and the render/re-load round
// trip.
#include <gtest/gtest.h>

#include <map>

#include "profile/env_expansion.hpp"
#include "profile/load_profile.hpp"

namespace wsl {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Profile load_ok(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
  auto r = load_profile_text(yaml, "t.yaml", {}, env_of(vars));
  for (const auto& e : r.errors) ADD_FAILURE() << e.to_string();
  return r.profile.value_or(Profile{});
}

const char* kFull = R"(name: churn-abrupt
target:
  url: ws://127.0.0.1:9001/echo
  headers: {Authorization: "Bearer ${TOKEN}", X-Plain: plain}
  subprotocols: [chat.v1]
  origin: https://example.test
  connect_timeout: 3s
  handshake_timeout: 4s
  source_addresses: [127.0.0.2, 127.0.0.3]
  tls: {ca_file: ca.pem, cert_file: c.pem, key_file: k.pem, server_name: example.test, insecure_skip_verify: true}
workers: 4
seed: 42
cycles: 3
max_message_size: 1MiB
timer_slack: 250us
phases:
  - {name: ramp,  duration: 30s, connections: 5000, connect_rate: 500/s}
  - {name: hold,  duration: 2m}
  - {name: churn, duration: 2m, connections: 5000, churn_rate: 12000/m, mix: [{pattern: fin}]}
  - {name: drain, close: all, close_rate: 1000/s}
session:
  lifetime: {dist: uniform, min: 1s, max: 5s}
  messages: {interval: 1s, size: 4KiB, payload: binary, expect_echo: false, first: at_open}
  ping: {interval: 10s}
close:
  timeout: 2s
  mix:
    - {pattern: clean, weight: 60, code: 4000, reason: "bye"}
    - {pattern: rst, weight: 15}
    - {pattern: close_timeout, weight: 5, hold: 30s}
    - {pattern: handshake_abort, weight: 5, at: mid_request, by: rst}
    - {pattern: mid_message, weight: 0.5}
monitor:
  pid: {pid_file: /run/server.pid}
  scrape: http://127.0.0.1:9100/metrics
  interval: 500ms
  series: [app_sessions_open]
checks:
  leak: {settle: 5s, fd_delta_max: 2, rss_delta_max: 8MiB, close_wait_max: 1, rss_slope_max: 512KiB/cycle}
  handshake_error_ratio_max: 0.01
  handshake_p99_max: 100ms
metrics:
  listen: 127.0.0.1:0
  pushgateway: {url: http://127.0.0.1:9091, job: nightly, interval: 30s}
  labels: {team: chat}
report:
  dir: out/x/
)";

TEST(ProfileReader, MinimalProfileGetsEveryDefault) {
  Profile p = load_ok("phases: [{name: hold, duration: 1s}]\n");
  EXPECT_EQ(p.name, "t");  // from the file name
  EXPECT_EQ(p.workers, 0u);
  EXPECT_EQ(p.seed, 1u);
  EXPECT_EQ(p.cycles, 1u);
  EXPECT_TRUE(p.target.url.empty());
  EXPECT_EQ(p.target.connect_timeout, Duration(5s));
  EXPECT_EQ(p.close.timeout, Duration(5s));
  ASSERT_EQ(p.close.mix.size(), 1u);
  EXPECT_EQ(p.close.mix[0].pattern, ClosePattern::clean);
  EXPECT_EQ(p.close.mix[0].code, 1000);
  EXPECT_EQ(p.close.mix[0].reason, "");
  EXPECT_EQ(p.monitor.pid_mode, MonitorSpec::PidMode::auto_detect);
  EXPECT_EQ(p.metrics.listen, "127.0.0.1:9464");
  EXPECT_EQ(p.report.dir, "out/");
  EXPECT_EQ(p.session.lifetime.dist, Lifetime::Dist::none);
  EXPECT_EQ(p.session.messages.first, MessagesSpec::First::spread);
  EXPECT_EQ(p.max_message_size, 16ull << 20);
  EXPECT_EQ(p.timer_slack, Duration(1ms));
}

TEST(ProfileReader, ReadsEverySection) {
  Profile p = load_ok(kFull, {{"TOKEN", "s3cret"}});
  EXPECT_EQ(p.name, "churn-abrupt");
  ASSERT_EQ(p.target.headers.size(), 2u);
  EXPECT_EQ(p.target.headers[0].value, "Bearer s3cret");
  EXPECT_TRUE(p.target.headers[0].secret);
  EXPECT_FALSE(p.target.headers[1].secret);
  EXPECT_EQ(p.target.handshake_timeout, Duration(4s));
  EXPECT_EQ(p.target.source_addresses.size(), 2u);
  EXPECT_TRUE(p.target.tls.insecure_skip_verify);
  EXPECT_EQ(p.workers, 4u);
  EXPECT_EQ(p.cycles, 3u);
  EXPECT_EQ(p.max_message_size, 1u << 20);
  EXPECT_EQ(p.timer_slack, Duration(250us));
  ASSERT_EQ(p.phases.size(), 4u);
  EXPECT_EQ(p.phases[0].connections, 5000u);
  EXPECT_DOUBLE_EQ(*p.phases[0].connect_rate, 500);
  EXPECT_FALSE(p.phases[1].connections);
  EXPECT_DOUBLE_EQ(*p.phases[2].churn_rate, 200);
  ASSERT_EQ(p.phases[2].mix.size(), 1u);
  EXPECT_EQ(p.phases[2].mix[0].pattern, ClosePattern::fin);
  EXPECT_TRUE(p.phases[3].close_all);
  EXPECT_DOUBLE_EQ(*p.phases[3].close_rate, 1000);
  EXPECT_EQ(p.session.lifetime.dist, Lifetime::Dist::uniform);
  EXPECT_EQ(p.session.lifetime.max, Duration(5s));
  EXPECT_EQ(p.session.messages.size, 4096u);
  EXPECT_EQ(p.session.messages.payload, MessagesSpec::Payload::binary);
  EXPECT_EQ(p.session.messages.first, MessagesSpec::First::at_open);
  EXPECT_EQ(p.session.ping_interval, Duration(10s));
  ASSERT_EQ(p.close.mix.size(), 5u);
  EXPECT_EQ(p.close.mix[0].code, 4000);
  EXPECT_EQ(p.close.mix[0].reason, "bye");
  EXPECT_EQ(p.close.mix[3].at, AbortPoint::mid_request);
  EXPECT_EQ(p.close.mix[3].by, DropBy::rst);
  EXPECT_DOUBLE_EQ(p.close.mix[4].weight, 0.5);
  EXPECT_EQ(p.monitor.pid_mode, MonitorSpec::PidMode::pid_file);
  EXPECT_EQ(p.monitor.pid_file, "/run/server.pid");
  EXPECT_EQ(p.monitor.interval, Duration(500ms));
  EXPECT_EQ(p.checks.leak.rss_slope_max, 512.0 * 1024);
  EXPECT_EQ(p.checks.leak.warmup_cycles, 1u);  // the defaults of the keys this profile leaves out
  EXPECT_EQ(p.checks.leak.attribute, LeakAttribution::none);
  EXPECT_FALSE(p.checks.reap.within);
  EXPECT_EQ(p.checks.dropped_by_server_max, 0u);
  EXPECT_EQ(p.checks.handshake_p99_max, Duration(100ms));
  EXPECT_EQ(p.metrics.pushgateway.job, "nightly");
  EXPECT_EQ(p.metrics.labels.at("team"), "chat");
  EXPECT_EQ(p.report.dir, "out/x/");
}

TEST(ProfileReader, PidAndWorkerForms) {
  const std::string phase = "phases: [{name: a, duration: 1s}]\n";
  EXPECT_EQ(load_ok(phase + "monitor: {pid: 1234}\n").monitor.pid, 1234);
  EXPECT_EQ(load_ok(phase + "monitor: {pid: none}\n").monitor.pid_mode, MonitorSpec::PidMode::none);
  EXPECT_EQ(load_ok(phase + "workers: auto\n").workers, 0u);
  EXPECT_EQ(load_ok(phase + "workers: 1024\n").workers, 1024u);
}

TEST(ProfileReader, LifetimeForms) {
  const std::string phase = "phases: [{name: a, duration: 1s}]\n";
  Lifetime fixed = load_ok(phase + "session: {lifetime: {dist: fixed, value: 10s}}\n").session.lifetime;
  EXPECT_EQ(fixed.dist, Lifetime::Dist::fixed);
  EXPECT_EQ(fixed.mean, Duration(10s));
  EXPECT_EQ(load_ok(phase + "session: {lifetime: {dist: fixed, mean: 7s}}\n").session.lifetime.mean, Duration(7s));
  Lifetime exp = load_ok(phase + "session: {lifetime: {dist: exponential, mean: 20s}}\n").session.lifetime;
  EXPECT_EQ(exp.dist, Lifetime::Dist::exponential);
  EXPECT_EQ(exp.mean, Duration(20s));
}

TEST(EnvExpansion, ExpandsEscapesAndReports) {
  auto env = env_of({{"A", "1"}, {"EMPTY", ""}});
  Expansion e = expand_environment("x${A}y${EMPTY}z", env);
  EXPECT_EQ(e.value, "x1yz");
  EXPECT_TRUE(e.used_environment);
  EXPECT_TRUE(e.errors.empty());
  Expansion escaped = expand_environment("$${A} costs $5", env);
  EXPECT_EQ(escaped.value, "${A} costs $5");
  EXPECT_FALSE(escaped.used_environment);
  EXPECT_EQ(expand_environment("${MISSING}", env).errors, std::vector<std::string>{"environment variable MISSING is not set"});
  EXPECT_EQ(expand_environment("${A", env).errors.size(), 1u);
  EXPECT_EQ(expand_environment("${1A}", env).errors.size(), 1u);
}

TEST(ProfileReader, ExpandsUrlAndOriginAndMarksThemSecret) {
  Profile p = load_ok("phases: [{name: a, duration: 1s}]\ntarget: {url: \"ws://${HOST}:9001/\", origin: o}\n",
                      {{"HOST", "127.0.0.1"}});
  EXPECT_EQ(p.target.url, "ws://127.0.0.1:9001/");
  EXPECT_TRUE(p.target.url_secret);
  EXPECT_FALSE(p.target.origin_secret);
}

TEST(ProfileReader, RenderedProfileReloadsEqual) {
  auto first = load_profile_text(kFull, "full.yaml", {}, env_of({{"TOKEN", "s3cret"}}));
  ASSERT_TRUE(first.profile);
  first.profile->target.headers[0].secret = false;  // a redacted value cannot round-trip; tested below
  const std::string text = render_resolved_profile(*first.profile);
  auto second = load_profile_text(text, "full.yaml", {}, env_of({}));
  for (const auto& e : second.errors) ADD_FAILURE() << e.to_string() << "\n" << text;
  ASSERT_TRUE(second.profile);
  EXPECT_EQ(*second.profile, *first.profile) << text;
  EXPECT_EQ(render_resolved_profile(*second.profile), text);
}

TEST(ProfileReader, DefaultsRenderAndReloadEqual) {
  auto first = load_profile_text("phases: [{name: a, duration: 1s}]\n", "d.yaml", {}, env_of({}));
  ASSERT_TRUE(first.profile);
  auto second = load_profile_text(render_resolved_profile(*first.profile), "d.yaml", {}, env_of({}));
  ASSERT_TRUE(second.profile);
  EXPECT_EQ(*second.profile, *first.profile);
}

TEST(ProfileReader, LeakAttributionWarmUpReapAndDropsRenderAndReload) {
  const std::string yaml =
      "phases: [{name: a, duration: 1s}]\n"
      "close: {mix: [{pattern: rst}, {pattern: stall, hold: 30s}]}\n"
      "checks:\n"
      "  leak: {warmup_cycles: 2, rss_per_connection_max: 2KiB, attribute: patterns}\n"
      "  reap: {within: 20s}\n"
      "  dropped_by_server_max: 3\n";
  Profile p = load_ok(yaml);
  EXPECT_EQ(p.checks.leak.warmup_cycles, 2u);
  EXPECT_DOUBLE_EQ(p.checks.leak.rss_per_connection_max, 2048);
  EXPECT_EQ(p.checks.leak.attribute, LeakAttribution::patterns);
  EXPECT_FALSE(p.checks.leak.rss_slope_max);
  EXPECT_EQ(p.checks.reap.within, Duration(20s));
  EXPECT_EQ(p.checks.dropped_by_server_max, 3u);
  const std::string text = render_resolved_profile(p);
  EXPECT_NE(text.find("attribute: patterns"), std::string::npos) << text;
  EXPECT_NE(text.find("reap: {within: 20s}"), std::string::npos) << text;
  EXPECT_EQ(load_ok(text), p);
}

TEST(ProfileReader, RenderRedactsSecrets) {
  Profile p = load_ok(kFull, {{"TOKEN", "s3cret"}});
  const std::string text = render_resolved_profile(p);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_NE(text.find("Authorization: <redacted>"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Plain: plain"), std::string::npos) << text;
}

}  // namespace
}  // namespace wsl
