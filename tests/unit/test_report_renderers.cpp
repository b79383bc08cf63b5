// junit.xml and timeseries.csv rendered from a run's report.
#include <gtest/gtest.h>

#include "report/junit_xml.hpp"
#include "report/markup_escape.hpp"
#include "report/report_json.hpp"
#include "report/timeseries_csv.hpp"

namespace wsl {
namespace {

TEST(JunitXml, EscapesAndDropsForbiddenBytes) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz", 5)), "xy\tz");
}

TEST(MarkupEscape, XmlKeepsCarriageReturnAndDelThatHtmlDrops) {
  const std::string text("a\r\x7f\n'", 5);
  EXPECT_EQ(escape_markup(text, MarkupDialect::xml), "a\r\x7f\n&apos;");
  EXPECT_EQ(escape_markup(text, MarkupDialect::html), "a\n&#39;");
}

TEST(JunitXml, OneTestcasePerCheckAndResourceWithFailuresCounted) {
  Profile profile;
  profile.name = "p";
  RunSummary summary;
  summary.elapsed = 2s;
  RunReport report;
  report.profile = &profile;
  report.summary = &summary;
  report.checks = {{"handshake_error_ratio", true, "0 <= 0"}, {"handshake_p99", false, "1s > 250ms"}};
  ResourceVerdict fds;
  fds.resource = "fds";
  fds.verdict = Verdict::leak;
  fds.reason = "+40 > fd_delta_max 8";
  ResourceVerdict rss;
  rss.resource = "rss";
  rss.verdict = Verdict::inconclusive;
  rss.reason = "wide interval";
  report.verdicts = {fds, rss};
  const std::string xml = render_junit_xml(report);
  EXPECT_NE(xml.find("tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"leak.fds\"><failure message=\"+40 &gt; fd_delta_max 8\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"leak.rss\"><skipped"), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"handshake_p99\"><failure"), std::string::npos) << xml;
}

TEST(TimeseriesCsv, OneColumnPerResourceEmptyWhereMissing) {
  ResourceSample a;
  a.at_ns = 500'000'000;
  a.scraped["process_open_fds"] = 12;
  ResourceSample b;
  b.at_ns = 1'500'000'000;
  b.sockets_owned = 3;
  const std::string csv = render_timeseries_csv({a, b});
  EXPECT_EQ(csv, "t_seconds,scrape:process_open_fds,sockets\n0.5,12,\n1.5,,3\n");
}

TEST(ReportJson, CarriesTheLoadSeriesOnTheMonitorsTimeAxis) {
  Profile profile;
  profile.name = "p";
  RunSummary summary;
  RunReport report;
  report.profile = &profile;
  report.summary = &summary;
  LoadPoint point;
  point.at_ns = 1'500'000'000;
  point.cycle = 2;
  point.phase = "hold";
  point.active = 7;
  point.connects_attempted = 9;
  point.connections_opened = 8;
  point.connect_errors = 1;
  point.closes_started = 3;
  point.messages_sent = 40;
  point.messages_received = 39;
  report.load = {point};
  const std::string json = render_report_json(report);
  EXPECT_NE(json.find("\"load\":[{\"t\":1.5,\"cycle\":2,\"phase\":\"hold\",\"active\":7,\"connects_attempted\":9,"
                      "\"connections_opened\":8,\"connect_errors\":1,\"closes_started\":3,\"messages_sent\":40,"
                      "\"messages_received\":39}]"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace wsl
