// Tests the Prometheus text-format parser on captured exposer output and on broken or hostile input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "monitor/prometheus_text.hpp"

namespace wsl {
namespace {

// Captured from a prometheus-cpp 1.0.1 Exposer (Debian 12): note "Nan", escapes, a histogram with le="+Inf".
constexpr std::string_view kPrometheusCpp = R"(# HELP exposer_transferred_bytes_total Transferred bytes to metrics services
# TYPE exposer_transferred_bytes_total counter
exposer_transferred_bytes_total 0
# HELP exposer_request_latencies Latencies of serving scrape requests, in microseconds
# TYPE exposer_request_latencies summary
exposer_request_latencies_count 0
exposer_request_latencies_sum 0
exposer_request_latencies{quantile="0.5"} Nan
exposer_request_latencies{quantile="0.9"} Nan
# HELP x_total h \ with "q"
# TYPE x_total counter
x_total{a="q\"u\\o\nte"} 3
# HELP lat_seconds lat
# TYPE lat_seconds histogram
lat_seconds_count 1
lat_seconds_sum 0.5
lat_seconds_bucket{le="0.1"} 0
lat_seconds_bucket{le="1"} 1
lat_seconds_bucket{le="+Inf"} 1
)";

// What a Go server (client_golang process and go collectors) exposes, with CRLF line ends and a timestamp.
constexpr std::string_view kGoClient =
    "# HELP process_open_fds Number of open file descriptors.\r\n"
    "# TYPE process_open_fds gauge\r\n"
    "process_open_fds 1234\r\n"
    "# HELP process_resident_memory_bytes Resident memory size in bytes.\r\n"
    "# TYPE process_resident_memory_bytes gauge\r\n"
    "process_resident_memory_bytes 2.4510464e+07\r\n"
    "process_start_time_seconds 1.71234567891e+09\r\n"
    "go_gc_duration_seconds{quantile=\"0\"} 2.3e-05\r\n"
    "go_memstats_alloc_bytes 1.2345e6 1712345678901\r\n"
    "ws_sessions{shard=\"a\",kind=\"chat\"} 10\r\n"
    "ws_sessions{shard=\"b\",kind=\"chat\",} 5\r\n"
    "ws_sessions{shard=\"c\",kind=\"feed\"} 7\r\n"
    "  \r\n"
    "negative_gauge -3.5E-2\r\n"
    "big_one +Inf\r\n"
    "small_one -Inf\r\n";

TEST(PrometheusText, ParsesPrometheusCppExposerOutput) {
  MetricsParse parsed = parse_prometheus_text(kPrometheusCpp);
  EXPECT_EQ(parsed.malformed_lines, 0);
  ASSERT_EQ(parsed.samples.size(), 11u);
  EXPECT_TRUE(std::isnan(*find_value(parsed.samples, "exposer_request_latencies", {{"quantile", "0.5"}})));
  const MetricSample& escaped = parsed.samples[5];
  EXPECT_EQ(escaped.name, "x_total");
  ASSERT_EQ(escaped.labels.size(), 1u);
  EXPECT_EQ(escaped.labels[0].first, "a");
  EXPECT_EQ(escaped.labels[0].second, "q\"u\\o\nte");
  EXPECT_EQ(escaped.value, 3);
  EXPECT_EQ(find_value(parsed.samples, "lat_seconds_bucket", {{"le", "+Inf"}}), 1);
  EXPECT_EQ(find_value(parsed.samples, "lat_seconds_sum"), 0.5);
}

TEST(PrometheusText, ParsesGoClientOutputWithCrlfTimestampsAndExponents) {
  MetricsParse parsed = parse_prometheus_text(kGoClient);
  EXPECT_EQ(parsed.malformed_lines, 0);
  EXPECT_EQ(find_value(parsed.samples, "process_open_fds"), 1234);
  EXPECT_EQ(find_value(parsed.samples, "process_resident_memory_bytes"), 24510464);
  EXPECT_DOUBLE_EQ(*find_value(parsed.samples, "go_gc_duration_seconds"), 2.3e-05);
  EXPECT_DOUBLE_EQ(*find_value(parsed.samples, "negative_gauge"), -0.035);
  EXPECT_EQ(find_value(parsed.samples, "big_one"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(find_value(parsed.samples, "small_one"), -std::numeric_limits<double>::infinity());
  auto alloc = std::find_if(parsed.samples.begin(), parsed.samples.end(),
                            [](const MetricSample& s) { return s.name == "go_memstats_alloc_bytes"; });
  ASSERT_NE(alloc, parsed.samples.end());
  EXPECT_EQ(alloc->value, 1234500);
  EXPECT_EQ(alloc->timestamp_ms, 1712345678901);
}

TEST(PrometheusText, FindValueSumsSeriesAcrossLabelSetsUnlessMatchersNarrowIt) {
  MetricsParse parsed = parse_prometheus_text(kGoClient);
  EXPECT_EQ(find_value(parsed.samples, "ws_sessions"), 22);
  EXPECT_EQ(find_value(parsed.samples, "ws_sessions", {{"kind", "chat"}}), 15);
  EXPECT_EQ(find_value(parsed.samples, "ws_sessions", {{"kind", "chat"}, {"shard", "b"}}), 5);
  EXPECT_EQ(find_value(parsed.samples, "ws_sessions", {{"kind", "none"}}), std::nullopt);
  EXPECT_EQ(find_value(parsed.samples, "absent_metric"), std::nullopt);
  EXPECT_EQ(find_value(parsed.samples, "ws_session"), std::nullopt);  // no prefix matching
}

TEST(PrometheusText, SkipsAndCountsMalformedLinesButKeepsTheRest) {
  constexpr std::string_view text =
      "good 1\n"
      "no_value\n"
      "bad value\n"
      "1starts_with_digit 2\n"
      "unterminated{a=\"x} 3\n"
      "bad_escape{a=\"\\q\"} 4\n"
      "no_quotes{a=x} 5\n"
      "missing_close{a=\"x\" 6\n"
      "colon_in_label{a:b=\"x\"} 7\n"
      "trailing 1 2 3\n"
      "bad_timestamp 1 12.5\n"
      "double_sign --1\n"
      "signed_nan +nan_no\n"
      "hex 0x10\n"
      "huge 1e999\n"
      "{a=\"b\"} 1\n"
      "ok:with:colons{le=\"0.5\"} .5\n"
      "last 2";
  MetricsParse parsed = parse_prometheus_text(text);
  EXPECT_EQ(parsed.malformed_lines, 15);
  ASSERT_EQ(parsed.samples.size(), 3u);
  EXPECT_EQ(parsed.samples[0].name, "good");
  EXPECT_EQ(parsed.samples[1].name, "ok:with:colons");
  EXPECT_EQ(parsed.samples[1].value, 0.5);
  EXPECT_EQ(parsed.samples[2].name, "last");  // the last line needs no newline
}

TEST(PrometheusText, EmptyAndCommentOnlyBodiesHaveNoSamples) {
  EXPECT_TRUE(parse_prometheus_text("").samples.empty());
  MetricsParse comments = parse_prometheus_text("# just a comment\n#\n\n");
  EXPECT_TRUE(comments.samples.empty());
  EXPECT_EQ(comments.malformed_lines, 0);
}

// Lines the format says carry a sample: not blank (spaces and tabs only) and not a comment; a trailing \r is
// part of the line end. Written from the format's rules, not from the parser's code.
int64_t content_lines(const std::string& text) {
  int64_t count = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#') ++count;
    start = end + 1;
  }
  return count;
}

TEST(PrometheusText, SurvivesRandomBytesAndMutationsOfRealOutput) {
  std::mt19937 random(7);
  std::string base(kPrometheusCpp);
  base += kGoClient;
  for (int round = 0; round < 2000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(random() % 20);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text[at] = static_cast<char>(random()); break;
        case 1: text.erase(at, random() % 8); break;
        default: text.insert(at, 1, "{}\"\\=,# \n"[random() % 9]); break;
      }
      if (text.empty()) text = "x";
    }
    MetricsParse parsed = parse_prometheus_text(text);
    // Every line that could carry a sample is either a sample or counted malformed: none is lost or doubled.
    EXPECT_EQ(static_cast<int64_t>(parsed.samples.size()) + parsed.malformed_lines, content_lines(text))
        << "round " << round;
  }
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  const int64_t lines = content_lines(noise);
  ASSERT_GT(lines, 0);
  MetricsParse parsed = parse_prometheus_text(noise);
  // Random bytes are no sample: every line of them is counted malformed.
  EXPECT_TRUE(parsed.samples.empty());
  EXPECT_EQ(parsed.malformed_lines, lines);
}

}  // namespace
}  // namespace wsl
