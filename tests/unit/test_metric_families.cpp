// Tests the metrics the endpoint serves: names from the catalogue, labels, histogram buckets, the verdict gauges.
#include <gtest/gtest.h>

#include <prometheus/text_serializer.h>

#include <set>
#include <string>

#include "metrics/metric_catalogue.hpp"
#include "metrics/metric_families.hpp"
#include "metrics/pushgateway_client.hpp"
#include "metrics/run_identity.hpp"

namespace wsl {
namespace {

MetricsView sample_view() {
  MetricsView v;
  v.constant_labels = {{"run_id", "nightly-7"}, {"shard", "1"}, {"team", "chat"}};
  v.version = "0.1.0";
  v.profile_name = "smoke";
  v.target = "ws://127.0.0.1:9001/";
  v.phases = {"ramp", "hold"};
  v.phase = "hold";
  v.cycle = 2;
  v.patterns = {ClosePattern::clean, ClosePattern::rst};
  v.active = 42;
  v.stats.connections_opened = 100;
  v.stats.connect_errors["handshake_bad_accept"] = 3;
  v.stats.patterns[int(ClosePattern::clean)].started = 60;
  v.stats.patterns[int(ClosePattern::clean)].outcomes[int(CloseOutcome::completed)] = 58;
  v.stats.patterns[int(ClosePattern::clean)].codes_received[1000] = 58;
  for (int us : {900, 3000, 30000, 300000}) v.stats.handshake_latency.record(std::chrono::microseconds(us));
  return v;
}

std::string render(const MetricsView& v) { return prometheus::TextSerializer().Serialize(metric_families(v)); }

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(MetricFamilies, EveryFamilyComesFromTheCatalogueWithItsKind) {
  std::set<std::string> catalogue;
  for (const MetricDefinition* def : kAllMetrics) catalogue.insert(std::string(def->name));
  for (const auto& family : metric_families(sample_view())) {
    EXPECT_TRUE(catalogue.count(family.name)) << family.name;
    EXPECT_FALSE(family.help.empty()) << family.name;
  }
}

TEST(MetricFamilies, CountersCarryTheConstantLabelsAndTheirOwn) {
  const std::string text = render(sample_view());
  EXPECT_TRUE(has_line(text, "wsloadgen_connections_opened_total{run_id=\"nightly-7\",shard=\"1\",team=\"chat\"} 100"))
      << text;
  EXPECT_TRUE(has_line(text,
                       "wsloadgen_connections_closed_total{run_id=\"nightly-7\",shard=\"1\",team=\"chat\","
                       "pattern=\"clean\",outcome=\"completed\"} 58"))
      << text;
  EXPECT_TRUE(has_line(text,
                       "wsloadgen_close_codes_received_total{run_id=\"nightly-7\",shard=\"1\",team=\"chat\","
                       "pattern=\"clean\",code=\"1000\"} 58"));
  EXPECT_TRUE(has_line(text, "wsloadgen_active_connections{run_id=\"nightly-7\",shard=\"1\",team=\"chat\"} 42"));
}

TEST(MetricFamilies, PatternsOfTheMixAndCommonErrorsExistAtZeroSoRatesSeeTheirFirstIncrease) {
  const std::string text = render(sample_view());
  EXPECT_NE(text.find("wsloadgen_closes_started_total{run_id=\"nightly-7\",shard=\"1\",team=\"chat\","
                      "pattern=\"rst\"} 0"),
            std::string::npos);
  EXPECT_EQ(text.find("pattern=\"stall\""), std::string::npos) << "a pattern outside the mix adds no series";
  EXPECT_NE(text.find("reason=\"connection_refused\"} 0"), std::string::npos);
  EXPECT_NE(text.find("reason=\"handshake_bad_accept\"} 3"), std::string::npos);
  EXPECT_NE(text.find("reason=\"masked_frame\"} 0"), std::string::npos);
  EXPECT_EQ(text.find("echoed_data_after_close"), std::string::npos) << "data_after_close is not in the mix";
}

TEST(MetricFamilies, DataAfterCloseInTheMixHasItsSeriesAndItsProtocolErrorAtZero) {
  MetricsView v = sample_view();
  v.patterns.push_back(ClosePattern::data_after_close);
  const std::string text = render(v);
  EXPECT_NE(text.find("wsloadgen_closes_started_total{run_id=\"nightly-7\",shard=\"1\",team=\"chat\","
                      "pattern=\"data_after_close\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("pattern=\"data_after_close\",outcome=\"timed_out\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("wsloadgen_close_handshake_duration_seconds_count{run_id=\"nightly-7\",shard=\"1\","
                      "team=\"chat\",pattern=\"data_after_close\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"echoed_data_after_close\"} 0"), std::string::npos) << text;
}

TEST(MetricFamilies, HistogramBucketsAreCumulativeInSeconds) {
  const std::string text = render(sample_view());
  const std::string labels = "run_id=\"nightly-7\",shard=\"1\",team=\"chat\"";
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_bucket{" + labels + ",le=\"0.001\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_bucket{" + labels + ",le=\"0.005\"} 2"));
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_bucket{" + labels + ",le=\"0.05\"} 3"));
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_bucket{" + labels + ",le=\"0.25\"} 3"));
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 4"));
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_count{" + labels + "} 4"));
  EXPECT_TRUE(has_line(text, "wsloadgen_handshake_duration_seconds_sum{" + labels + "} 0.3339"));
}

TEST(MetricFamilies, OnlyThePhaseRunningNowIsOne) {
  const std::string text = render(sample_view());
  EXPECT_NE(text.find("phase=\"hold\"} 1"), std::string::npos);
  EXPECT_NE(text.find("phase=\"ramp\"} 0"), std::string::npos);
  EXPECT_NE(text.find("phase=\"settle\"} 0"), std::string::npos);
}

TEST(MetricFamilies, TheVerdictIsOneGaugePerPossibleOutcome) {
  MetricsView v = sample_view();
  ResourceVerdict fds;
  fds.resource = "fds";
  fds.verdict = Verdict::leak;
  fds.baseline = 12;
  fds.delta = 40;
  v.verdicts.push_back(fds);
  const std::string text = render(v);
  EXPECT_NE(text.find("resource=\"fds\",verdict=\"leak\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("resource=\"fds\",verdict=\"pass\"} 0"), std::string::npos);
  EXPECT_NE(text.find("resource=\"fds\",verdict=\"inconclusive\"} 0"), std::string::npos);
  EXPECT_NE(text.find("wsloadgen_leak_delta{run_id=\"nightly-7\",shard=\"1\",team=\"chat\",resource=\"fds\"} 40"),
            std::string::npos);
}

TEST(MetricFamilies, TargetSeriesAppearOnlyWhenTheMonitorReadThem) {
  MetricsView v = sample_view();
  EXPECT_EQ(render(v).find("wsloadgen_target_open_fds"), std::string::npos);
  ResourceSample sample;
  sample.process = ProcessSample{true, 17, 5, 4 << 20, 4 << 20, 2, 0.5};
  sample.sockets = SocketStateCounts{};
  sample.sockets->close_wait = 3;
  v.target_sample = sample;
  const std::string text = render(v);
  EXPECT_NE(text.find("wsloadgen_target_open_fds{run_id=\"nightly-7\",shard=\"1\",team=\"chat\"} 17"),
            std::string::npos);
  EXPECT_NE(text.find("state=\"close_wait\"} 3"), std::string::npos);
  EXPECT_NE(text.find("state=\"established\"} 0"), std::string::npos);
}

TEST(MetricFamilies, EachStepIsASeriesWithItsPhaseAndTheLatestCycleWins) {
  MetricsView v = sample_view();
  StepResult first, again, failed;
  first.name = again.name = "ramp";
  first.level = 100, again.level = 100;
  first.connections_open = 97, again.connections_open = 99;
  first.handshake.p50 = std::chrono::milliseconds(2), first.handshake.p99 = std::chrono::milliseconds(20);
  again.cycle = 2;
  failed.name = "step-800";
  failed.level = 800;
  failed.sustained = false;
  failed.errors["connection_refused"] = 12;
  failed.server_cpu_share = 0.75;
  v.steps = {first, failed, again};
  CapacityResult capacity;
  capacity.sustained = 100;
  v.capacity = capacity;
  const std::string text = render(v);
  const std::string labels = R"(run_id="nightly-7",shard="1",team="chat",)";
  EXPECT_TRUE(has_line(text, "wsloadgen_step_connections_open{" + labels + R"(phase="ramp"} 99)")) << text;
  EXPECT_EQ(text.find("wsloadgen_step_handshake_p99_seconds{" + labels + R"(phase="ramp"})"), std::string::npos)
      << "cycle 2's ramp replaced cycle 1's, which had the quantiles";
  EXPECT_TRUE(has_line(text, "wsloadgen_step_sustained{" + labels + R"(phase="step-800"} 0)"));
  EXPECT_TRUE(has_line(
      text, "wsloadgen_step_connect_errors{" + labels + R"(phase="step-800",reason="connection_refused"} 12)"));
  EXPECT_TRUE(has_line(text, "wsloadgen_step_server_cpu_ratio{" + labels + R"(phase="step-800"} 0.75)"));
  EXPECT_TRUE(has_line(text, "wsloadgen_capacity_sustained_connections{" + labels.substr(0, labels.size() - 1) +
                                 "} 100"));
  v.capacity = CapacityResult{};
  EXPECT_TRUE(has_line(render(v), "wsloadgen_capacity_sustained_connections{" + labels.substr(0, labels.size() - 1) +
                                      "} 0")) << "0 while no step held";
  v.capacity.reset();
  EXPECT_EQ(render(v).find("wsloadgen_capacity_sustained"), std::string::npos) << "nothing before a step ended";
}

TEST(RunIdentity, DefaultRunIdIsTheProfileNameAndTheUtcStartTime) {
  EXPECT_EQ(default_run_id("churn abrupt/x", 1795600000), "churn_abrupt_x-20261125T094640Z");
  EXPECT_EQ(default_run_id("", 0), "run-19700101T000000Z");
}

TEST(RunIdentity, ConstantLabelsAddRunIdAndShardToTheProfileLabels) {
  MetricsSpec spec;
  spec.labels = {{"team", "chat"}};
  const auto labels = constant_labels(spec, "r1", 3);
  EXPECT_EQ(labels.at("team"), "chat");
  EXPECT_EQ(labels.at("run_id"), "r1");
  EXPECT_EQ(labels.at("shard"), "3");
}

TEST(PushgatewayUrl, SplitsSchemeHostAndPortTheWayTheGatewayWantsThem) {
  std::string error;
  auto a = parse_pushgateway_url("http://127.0.0.1:9091", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->scheme_and_host, "http://127.0.0.1");
  EXPECT_EQ(a->port, "9091");
  auto b = parse_pushgateway_url("https://push.example.test/", &error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->scheme_and_host, "https://push.example.test");
  EXPECT_EQ(b->port, "443");
  auto c = parse_pushgateway_url("http://[::1]:9091", &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->scheme_and_host, "http://[::1]");
  EXPECT_EQ(c->port, "9091");
}

TEST(PushgatewayUrl, RefusesWhatTheGatewayCannotPushTo) {
  std::string error;
  EXPECT_FALSE(parse_pushgateway_url("http://127.0.0.1:9091/prefix", &error));
  EXPECT_NE(error.find("has a path"), std::string::npos);
  EXPECT_FALSE(parse_pushgateway_url("ftp://127.0.0.1", &error));
  EXPECT_FALSE(parse_pushgateway_url("http://:9091", &error));
  EXPECT_FALSE(parse_pushgateway_url("http://127.0.0.1:", &error));
}

}  // namespace
}  // namespace wsl
