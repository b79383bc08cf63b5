// `wsloadgen compare`: the direction table, the diff of two reports, reading reports, and the table in
// docs/capacity-and-compare.md.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "compare/compare_render.hpp"
#include "compare/report_diff.hpp"
#include "compare/report_figures.hpp"

namespace wsl {
namespace {

using Json = nlohmann::json;

// The smallest report of schema version 1 that compare reads, with the figures the tests change.
Json report(double sustained, double handshake_p99, double failed, const std::string& fds_verdict = "PASS",
            const std::string& method = "steps") {
  Json quantiles = {{"count", 2000}, {"p50", 0.001}, {"p90", 0.002}, {"p99", 0.003}, {"max", 0.004}};
  Json handshake = quantiles;
  handshake["p99"] = handshake_p99;
  return {{"schema_version", 1},
          {"profile", {{"name", "nightly"}}},
          {"target", "ws://127.0.0.1:9001/"},
          {"verdict", fds_verdict == "LEAK" ? "FAIL" : "PASS"},
          {"connections", {{"attempted", 1000}, {"opened", 1000 - failed}, {"failed", failed},
                           {"errors", failed > 0 ? Json{{"handshake_status", failed}} : Json::object()},
                           {"dropped_by_server", 0}, {"protocol_errors", Json::object()}}},
          {"messages", {{"echo_mismatches", 0}}},
          {"latency_seconds", {{"connect", quantiles}, {"handshake", handshake}, {"message_rtt", quantiles}}},
          {"patterns", {{"clean", {{"close_latency_seconds", quantiles}, {"server_reclaim_seconds", quantiles}}}}},
          {"reclaim_stuck", Json::object()},
          {"leak_verdict", {{"overall", fds_verdict},
                            {"resources", {{{"resource", "fds"}, {"verdict", fds_verdict}, {"delta", 0},
                                            {"per_connection", nullptr}, {"by_pattern", Json::array()}}}}}},
          {"capacity", {{"method", method}, {"of", "connections"}, {"sustained", sustained}}},
          {"steps", {{{"name", "step-100"}, {"cycle", 1}, {"completed", true}, {"connects_attempted", 1000},
                      {"errors_total", failed}, {"handshake_seconds", {{"count", 2000}, {"p99", handshake_p99}}},
                      {"message_rtt_seconds", {{"count", 0}, {"p99", nullptr}}}}}}};
}

ReportFigures figures(const Json& j) {
  std::string error;
  auto f = figures_of(j, &error);
  EXPECT_TRUE(f) << error;
  return f.value_or(ReportFigures{});
}

const ComparisonRow& row(const Comparison& c, const std::string& label) {
  for (const ComparisonRow& r : c.rows)
    if (r.label == label) return r;
  static ComparisonRow none;
  ADD_FAILURE() << "no row " << label;
  return none;
}

TEST(Compare, AnImprovementAndNoiseExitZero) {
  const Comparison c = compare_reports(figures(report(5000, 0.050, 2)), figures(report(5600, 0.0505, 0)), 0.10);
  EXPECT_EQ(c.exit_code(), 0) << render_comparison_text(c, {});
  EXPECT_EQ(row(c, "sustained capacity (connections)").outcome, RowOutcome::better);
  EXPECT_NEAR(*row(c, "sustained capacity (connections)").change, 0.12, 1e-9);
  EXPECT_EQ(row(c, "handshake p99").outcome, RowOutcome::same) << "0.5 ms is within a latency's noise";
  EXPECT_EQ(row(c, "handshake max").kind, FigureKind::maximum);
  EXPECT_EQ(row(c, "connect/handshake error ratio").outcome, RowOutcome::better);
  EXPECT_EQ(row(c, "errors: handshake_status").next, 0) << "an error reason a report lacks had none";
}

TEST(Compare, EachDirectionRegressesPastTheBoundOnly) {
  const ReportFigures base = figures(report(5000, 0.050, 0));
  const Comparison lower = compare_reports(base, figures(report(4400, 0.050, 0)), 0.10);
  EXPECT_EQ(row(lower, "sustained capacity (connections)").outcome, RowOutcome::regressed);
  EXPECT_EQ(lower.exit_code(), 1);
  EXPECT_EQ(compare_reports(base, figures(report(4600, 0.050, 0)), 0.10).exit_code(), 0) << "-8% is within 10%";
  EXPECT_EQ(row(compare_reports(base, figures(report(4600, 0.050, 0)), 0.10), "sustained capacity (connections)")
                .outcome, RowOutcome::worse);
  const Comparison slower = compare_reports(base, figures(report(5000, 0.080, 0)), 0.10);
  EXPECT_EQ(row(slower, "handshake p99").outcome, RowOutcome::regressed);
  EXPECT_EQ(row(compare_reports(base, figures(report(5000, 0.054, 0)), 0.01), "handshake p99").outcome,
            RowOutcome::same) << "+4 ms is within a latency's noise, whatever the bound";
  EXPECT_EQ(compare_reports(base, figures(report(5000, 0.080, 0)), 0.70).exit_code(), 0) << "+60% within 70%";
  const Comparison errors = compare_reports(base, figures(report(5000, 0.050, 5)), 0.10);
  EXPECT_EQ(row(errors, "connect/handshake error ratio").outcome, RowOutcome::regressed) << "from 0: any increase";
  EXPECT_EQ(row(errors, "errors: handshake_status").outcome, RowOutcome::worse) << "shown, not judged";
}

TEST(Compare, AVerdictThatBecomesLeakFailsWhateverTheBound) {
  const Comparison c = compare_reports(figures(report(5000, 0.05, 0)), figures(report(5000, 0.05, 0, "LEAK")), 10.0);
  EXPECT_EQ(c.exit_code(), 1);
  EXPECT_EQ(row(c, "leak fds").outcome, RowOutcome::regressed);
  EXPECT_EQ(row(c, "run verdict").outcome, RowOutcome::regressed);
  const Comparison fixed = compare_reports(figures(report(5000, 0.05, 0, "LEAK")), figures(report(5000, 0.05, 0)), 0.1);
  EXPECT_EQ(fixed.exit_code(), 0);
  EXPECT_EQ(row(fixed, "leak fds").outcome, RowOutcome::better);
  const Comparison undecided =
      compare_reports(figures(report(5000, 0.05, 0)), figures(report(5000, 0.05, 0, "INCONCLUSIVE")), 0.1);
  EXPECT_EQ(undecided.exit_code(), 0);
  EXPECT_EQ(row(undecided, "leak fds").outcome, RowOutcome::worse);
}

TEST(Compare, AFigureOnlyOneReportHasIsShownNotJudged) {
  Json older = report(5000, 0.05, 0);
  older.erase("capacity");
  const Comparison c = compare_reports(figures(older), figures(report(100, 0.05, 0)), 0.10);
  EXPECT_EQ(row(c, "sustained capacity (connections)").outcome, RowOutcome::not_compared);
  EXPECT_EQ(c.exit_code(), 0);
}

TEST(Compare, ASearchIsJudgedOnItsCapacityAndTheStepsBothRanNotOnWholeRunFigures) {
  // Two searches try different levels, so their whole-run latencies and errors are not comparable.
  const Comparison c = compare_reports(figures(report(5000, 0.050, 0, "PASS", "search")),
                                       figures(report(5000, 0.500, 0, "PASS", "search")), 0.10);
  EXPECT_EQ(row(c, "handshake p99").outcome, RowOutcome::worse) << "shown, not judged";
  EXPECT_EQ(row(c, "step-100 handshake p99").outcome, RowOutcome::regressed) << "the same level, ten times slower";
  EXPECT_EQ(row(c, "step-100 message RTT p99").outcome, RowOutcome::not_compared);
  const Comparison errors = compare_reports(figures(report(5000, 0.05, 0, "PASS", "search")),
                                            figures(report(5000, 0.05, 40, "PASS", "search")), 0.10);
  EXPECT_EQ(row(errors, "connect/handshake error ratio").outcome, RowOutcome::worse);
  EXPECT_EQ(row(errors, "step-100 error ratio").outcome, RowOutcome::regressed);
  // Stepped runs name their steps by cycle too: a phase runs once per cycle.
  EXPECT_EQ(row(compare_reports(figures(report(1, 0.05, 0)), figures(report(1, 0.05, 0)), 0.1),
                "step-100 (cycle 1) error ratio").outcome, RowOutcome::same);
}

TEST(Compare, AQuantileOfTooFewSamplesIsShownNotJudged) {
  // The p99 of 999 handshakes has 9.99 beyond it: as noisy as a maximum. Of 1000 it has 10, and is judged.
  const auto with_handshakes = [](double count, double p99) {
    Json r = report(5000, p99, 0);
    r["latency_seconds"]["handshake"]["count"] = count;
    r["steps"][0]["handshake_seconds"]["count"] = count;
    r["patterns"]["clean"]["server_reclaim_seconds"]["count"] = 20;  // enough for a p50, not for a p99
    r["patterns"]["clean"]["server_reclaim_seconds"]["p50"] = p99;
    r["patterns"]["clean"]["server_reclaim_seconds"]["p99"] = p99;
    return figures(r);
  };
  const Comparison few = compare_reports(with_handshakes(999, 0.05), with_handshakes(2000, 0.5), 0.10);
  EXPECT_EQ(row(few, "handshake p99").outcome, RowOutcome::worse) << "shown, not judged";
  EXPECT_EQ(row(few, "step-100 (cycle 1) handshake p99").outcome, RowOutcome::worse);
  EXPECT_EQ(row(few, "clean reclaim p99").outcome, RowOutcome::worse) << "20 reclaims: a p99 of one";
  EXPECT_EQ(row(few, "clean reclaim p50").outcome, RowOutcome::regressed) << "20 reclaims: 10 beyond a p50";
  const Comparison enough = compare_reports(with_handshakes(1000, 0.05), with_handshakes(1000, 0.5), 0.10);
  EXPECT_EQ(row(enough, "handshake p99").outcome, RowOutcome::regressed);
  EXPECT_EQ(row(enough, "step-100 (cycle 1) handshake p99").outcome, RowOutcome::regressed);
  EXPECT_FALSE(quantile_rests_on_enough_samples(199, 0.95));
  EXPECT_TRUE(quantile_rests_on_enough_samples(20, 0.50));
}

TEST(Compare, ACountsDeltaWithinTheRunsOwnLimitIsNoise) {
  // What a capacity search's sockets did in CI: -1 after one run, +1 after the next (a socket still closing), both
  // PASS against fd_delta_max 8. Past the limit it is judged as before.
  const auto with_fds = [](double delta) {
    Json r = report(5000, 0.05, 0);
    r["leak_verdict"]["resources"][0]["delta"] = delta;
    r["leak_verdict"]["resources"][0]["limit"] = 8;
    return figures(r);
  };
  EXPECT_EQ(row(compare_reports(with_fds(-1), with_fds(1), 0.10), "fds delta").outcome, RowOutcome::same);
  EXPECT_EQ(row(compare_reports(with_fds(0), with_fds(8), 0.10), "fds delta").outcome, RowOutcome::same);
  EXPECT_EQ(row(compare_reports(with_fds(0), with_fds(9), 0.10), "fds delta").outcome, RowOutcome::regressed);
  EXPECT_EQ(row(compare_reports(figures(report(5000, 0.05, 0)), with_fds(2), 0.10), "fds delta").outcome,
            RowOutcome::same) << "the larger of the two reports' limits";
}

TEST(CompareReading, OnlyVersionOneReportsAreRead) {
  std::string error;
  Json v2 = report(1, 1, 0);
  v2["schema_version"] = 2;
  EXPECT_FALSE(figures_of(v2, &error));
  EXPECT_EQ(error, "schema_version 2 is not one this wsloadgen reads (it reads 1)");
  Json broken = report(1, 1, 0);
  broken["latency_seconds"]["handshake"]["p99"] = "fast";
  EXPECT_FALSE(figures_of(broken, &error));
  EXPECT_EQ(error, "latency_seconds.handshake.p99: expected a number");
  Json missing = report(1, 1, 0);
  missing.erase("leak_verdict");
  EXPECT_FALSE(figures_of(missing, &error));
  EXPECT_EQ(error, "report.leak_verdict: missing");
  EXPECT_FALSE(figures_of(Json::array(), &error));
}

TEST(CompareRendering, TextAndHtmlCarryEveryRowAndTheOutcome) {
  const Comparison c = compare_reports(figures(report(5000, 0.05, 0)), figures(report(4000, 0.05, 0)), 0.10);
  const std::string text = render_comparison_text(c, {"a/report.json", "b/report.json", "nightly", "nightly"});
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line) && line.rfind("sustained capacity", 0) != 0) {
  }
  std::istringstream cells(line.substr(std::string("sustained capacity (connections)").size()));
  std::vector<std::string> words{std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>()};
  EXPECT_EQ(words, (std::vector<std::string>{"5000", "4000", "-20.0%", "REGRESSED"})) << text;
  EXPECT_NE(text.find("compare: 1 regression (exit 1):"), std::string::npos) << text;
  const std::string html = render_comparison_html(c, {"a/<x>.json", "b", "nightly", "nightly"});
  EXPECT_NE(html.find("data-exit-code=\"1\""), std::string::npos);
  EXPECT_NE(html.find("a/&lt;x&gt;.json"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(CompareTable, TheDocsListEveryFiguresDirection) {
  std::ifstream in(std::string(WSLOADGEN_SOURCE_DIR) + "/docs/capacity-and-compare.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (const FigureRule& rule : kFigureRules) {
    const std::string row = "| " + std::string(rule.name) + " | " + (rule.worse == Worse::higher ? "higher" : "lower");
    EXPECT_NE(readme.str().find(row), std::string::npos) << "docs/capacity-and-compare.md lacks the row " << row;
  }
}

}  // namespace
}  // namespace wsl
