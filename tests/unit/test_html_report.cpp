// report.html: the verdict on top, the charts the run's data allows, escaped text, nothing fetched from anywhere.
#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "report/html_text.hpp"
#include "report/report_charts.hpp"

namespace wsl {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

struct Fixture {
  Profile profile;
  RunSummary summary;
  RunReport report;

  Fixture() {
    profile.name = "churn<1>";
    profile.cycles = 2;
    Phase ramp, hold;
    ramp.name = "ramp";
    hold.name = "hold & <wait>";
    profile.phases = {ramp, hold};
    summary.profile_name = profile.name;
    summary.target = "ws://127.0.0.1:9/";
    summary.verdict = "PASS";
    summary.cycles_completed = 2;
    report.profile = &profile;
    report.summary = &summary;
    report.checks = {{"handshake_error_ratio", true, "0 <= 0.001"}};
    report.overall_leak_verdict = "not monitored";
    const char* phases[] = {"settle", "ramp", "hold & <wait>", "settle", "ramp", "hold & <wait>", "settle"};
    for (int i = 0; i < 7; ++i) {
      LoadPoint p;
      p.at_ns = (i + 1) * kSecond;
      p.cycle = i < 3 ? 1 : 2;
      p.phase = phases[i];
      p.active = (i % 3 == 0) ? 0 : 10;
      p.connections_opened = uint64_t(10 * ((i + 2) / 3));
      report.load.push_back(p);
    }
  }

  void monitor() {
    report.monitored = true;
    report.overall_leak_verdict = "PASS";
    for (int i = 0; i < 7; ++i) {
      ResourceSample s;
      s.at_ns = i * kSecond + kSecond / 2;
      ProcessSample process;
      process.alive = true;
      process.open_fds = 8 + report.load[size_t(i)].active;
      process.socket_fds = 1 + report.load[size_t(i)].active;
      process.rss_bytes = (11 << 20) + i * 4096;
      s.process = process;
      SocketStateCounts sockets;
      sockets.established = report.load[size_t(i)].active;
      sockets.time_wait = i;
      s.sockets = sockets;
      report.series.push_back(s);
    }
  }
};

std::vector<std::string> chart_ids(const ReportCharts& built) {
  std::vector<std::string> ids;
  for (const LineChart& c : built.charts) ids.push_back(c.id);
  return ids;
}

TEST(HtmlText, EscapesMarkupAndQuotesAndDropsControlBytes) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape(std::string("a\x01\x7f\tb\nc", 7)), "a\tb\nc");
  EXPECT_EQ(html_escape("grüße"), "grüße");  // UTF-8 passes through
}

TEST(ReportCharts, WithoutAMonitorOnlyTheLoadIsChartedAndANoteSaysWhy) {
  Fixture f;
  f.report.monitor_note = "monitor.pid: none";
  const ReportCharts built = report_charts(f.report);
  EXPECT_EQ(chart_ids(built), (std::vector<std::string>{"chart-connections", "chart-rates"}));
  ASSERT_EQ(built.notes.size(), 1u);
  EXPECT_TRUE(contains(built.notes[0], "not monitored (monitor.pid: none)")) << built.notes[0];
}

TEST(ReportCharts, AMonitoredRunChartsFdsSocketsAndRssOnOneTimeAxis) {
  Fixture f;
  f.monitor();
  const ReportCharts built = report_charts(f.report);
  EXPECT_EQ(chart_ids(built),
            (std::vector<std::string>{"chart-connections", "chart-rates", "chart-fds", "chart-sockets", "chart-rss"}));
  EXPECT_TRUE(built.notes.empty());
  for (const LineChart& c : built.charts) {
    EXPECT_DOUBLE_EQ(c.t_end_s, 7.0) << c.id;  // the last load point; the last sample is at 6.5 s
    EXPECT_FALSE(c.shades.empty()) << c.id;
    EXPECT_EQ(c.markers.size(), 2u) << c.id;  // two cycles
  }
  const LineChart& sockets = built.charts[3];
  std::vector<std::string> states;
  for (const auto& s : sockets.series) states.push_back(s.name);
  // established and close_wait always; time_wait because it occurred; the states that stayed 0 are left out.
  EXPECT_EQ(states, (std::vector<std::string>{"established", "close_wait", "time_wait"}));
  EXPECT_FALSE(built.charts[4].y_from_zero);
  EXPECT_EQ(built.charts[4].y_unit, AxisUnit::bytes);
  // Rates come from differences: 10 opened between the points at 1 s and 2 s.
  EXPECT_DOUBLE_EQ(built.charts[1].series[0].points[0].second, 10.0);
}

TEST(ReportCharts, PhasesKeepTheirToneInEveryCycleAndIdleTimeIsNeutral) {
  Fixture f;
  f.monitor();
  const LineChart chart = report_charts(f.report).charts[0];
  std::vector<std::pair<std::string, int>> shades;
  for (const ChartShade& s : chart.shades) shades.emplace_back(s.label, s.tone);
  EXPECT_EQ(shades, (std::vector<std::pair<std::string, int>>{{"baseline", -1},
                                                               {"ramp", 0},
                                                               {"hold & <wait>", 1},
                                                               {"settle", -1},
                                                               {"ramp", 0},
                                                               {"hold & <wait>", 1},
                                                               {"settle", -1}}));
}

TEST(ReportCharts, RemoteMonitoringFallsBackToScrapedSeries) {
  Fixture f;
  f.report.monitored = true;
  ResourceSample s;
  s.at_ns = kSecond;
  s.scraped = {{"process_open_fds", 30}, {"process_resident_memory_bytes", 5e6}};
  f.report.series = {s};
  const ReportCharts built = report_charts(f.report);
  EXPECT_EQ(chart_ids(built), (std::vector<std::string>{"chart-connections", "chart-rates", "chart-fds", "chart-rss"}));
  ASSERT_EQ(built.notes.size(), 1u);
  EXPECT_TRUE(contains(built.notes[0], "sockets by state: not measured")) << built.notes[0];
}

TEST(HtmlReport, TheVerdictComesFirstWithWhatFailed) {
  Fixture f;
  f.monitor();
  f.summary.verdict = "FAIL";
  f.report.exit_code = 1;
  f.report.checks.push_back({"handshake_p99", false, "1.2s > max 250ms <slow>"});
  ResourceVerdict fds;
  fds.resource = "fds";
  fds.verdict = Verdict::leak;
  fds.reason = "+40 > fd_delta_max 8";
  ResourceVerdict rss;
  rss.resource = "rss";
  rss.verdict = Verdict::inconclusive;
  rss.reason = "interval spans the limit";
  f.report.verdicts = {fds, rss};
  f.report.overall_leak_verdict = "LEAK";
  const std::string html = render_html_report(f.report);
  const size_t banner = html.find("<header id=\"verdict\" class=\"banner fail\" data-verdict=\"FAIL\">");
  ASSERT_NE(banner, std::string::npos) << html;
  EXPECT_LT(banner, html.find("id=\"numbers\""));
  EXPECT_LT(banner, html.find("id=\"charts\""));
  const std::string top = html.substr(banner, html.find("</header>") - banner);
  EXPECT_TRUE(contains(top, "<div class=\"verdict-word\">FAIL</div>"));
  EXPECT_TRUE(contains(top, "handshake_p99: 1.2s &gt; max 250ms &lt;slow&gt;")) << top;
  EXPECT_TRUE(contains(top, "leak.fds: +40 &gt; fd_delta_max 8"));
  EXPECT_TRUE(contains(top, "leak verdict: <span class=\"leak-verdict\">LEAK</span>"));
  EXPECT_TRUE(contains(top, "<ul class=\"undecided\"><li>leak.rss: interval spans the limit</li>"));
  EXPECT_FALSE(contains(top, "handshake_error_ratio"));  // it passed
}

TEST(HtmlReport, AnInterruptedRunSaysSo) {
  Fixture f;
  f.summary.verdict = "INTERRUPTED";
  f.summary.interrupted = true;
  const std::string html = render_html_report(f.report);
  EXPECT_TRUE(contains(html, "class=\"banner interrupted\" data-verdict=\"INTERRUPTED\""));
  EXPECT_TRUE(contains(html, "the run was interrupted before it finished"));
}

TEST(HtmlReport, EveryChartTheDataAllowsWithItsTables) {
  Fixture f;
  f.monitor();
  ResourceVerdict fds;
  fds.resource = "fds";
  fds.verdict = Verdict::pass;
  fds.baseline = 8;
  fds.after = 8;
  fds.limit = 8;
  fds.limit_name = "fd_delta_max";
  fds.unit = AmountUnit::count;
  fds.reason = "ok";
  f.report.verdicts = {fds};
  f.summary.stats.patterns[int(ClosePattern::rst)].started = 3;
  f.summary.stats.patterns[int(ClosePattern::rst)].outcomes[0] = 3;
  const std::string html = render_html_report(f.report);
  for (const char* id : {"chart-connections", "chart-rates", "chart-fds", "chart-sockets", "chart-rss"})
    EXPECT_TRUE(contains(html, std::string("<figure class=\"chart\" id=\"") + id + "\">")) << id;
  EXPECT_TRUE(contains(html, "<table class=\"leak-verdicts\">"));
  EXPECT_TRUE(contains(html, "<td>fds</td><td class=\"pass\">PASS</td><td class=\"num\">8</td>"));
  EXPECT_TRUE(contains(html, "<table class=\"close-patterns\">"));
  EXPECT_TRUE(contains(html, "<td>rst</td><td class=\"num\">3</td><td class=\"num\">3</td>"));
  EXPECT_TRUE(contains(html, "<table class=\"latencies\">"));
  EXPECT_TRUE(contains(html, "phase hold &amp; &lt;wait&gt;"));  // the phase legend
}

TEST(HtmlReport, NamesFromTheProfileAreEscapedEverywhere) {
  Fixture f;
  f.monitor();
  const std::string html = render_html_report(f.report);
  EXPECT_FALSE(contains(html, "<wait>"));
  EXPECT_FALSE(contains(html, "churn<1>"));
  EXPECT_TRUE(contains(html, "churn&lt;1&gt;"));
}

TEST(HtmlReport, NothingOnThePageIsFetched) {
  Fixture f;
  f.monitor();
  const std::string html = render_html_report(f.report);
  for (const char* fetch : {"<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://", "https://"})
    EXPECT_FALSE(contains(html, fetch)) << fetch;
  EXPECT_TRUE(contains(html, "Content-Security-Policy\" content=\"default-src 'none'"));
}

TEST(HtmlReport, ARunTooShortForAnyPointStillRenders) {
  Fixture f;
  f.report.load.clear();
  f.report.monitored = true;
  const std::string html = render_html_report(f.report);
  EXPECT_TRUE(contains(html, "id=\"chart-connections\""));
  EXPECT_TRUE(contains(html, ">no data</text>"));
  EXPECT_TRUE(contains(html, "target open fds: not measured"));
  EXPECT_TRUE(contains(html, "</html>"));
}

}  // namespace
}  // namespace wsl
