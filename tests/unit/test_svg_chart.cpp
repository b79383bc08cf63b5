// report.html's SVG line charts: shapes for each series, inside the plot area, escaped, degrading to "no data".
#include <gtest/gtest.h>

#include <cmath>

#include <regex>

#include "report/svg_chart.hpp"

namespace wsl {
namespace {

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

LineChart two_series() {
  LineChart chart;
  chart.id = "chart-test";
  chart.title = "Connections";
  chart.y_title = "open";
  chart.t_end_s = 10;
  chart.series = {{"active", {{0, 0}, {2, 50}, {5, 100}, {10, 0}}}, {"lone", {{4, 20}}}};
  return chart;
}

TEST(SvgChart, EachSeriesIsAPathOrALoneDot) {
  const std::string svg = render_svg_chart(two_series());
  EXPECT_EQ(svg.rfind("<svg class=\"plot\"", 0), 0u) << svg;
  EXPECT_EQ(count_of(svg, "<path class=\"series series-0\""), 1u) << svg;
  EXPECT_EQ(count_of(svg, "<circle class=\"series-point series-1\""), 1u) << svg;
  EXPECT_EQ(svg.find("no data"), std::string::npos);
}

TEST(SvgChart, DataStaysInsideThePlotAreaAndSpansIt) {
  const std::string svg = render_svg_chart(two_series());
  const std::smatch d = [&] {
    std::smatch m;
    EXPECT_TRUE(std::regex_search(svg, m, std::regex("<path class=\"series series-0\" d=\"([^\"]+)\"")));
    return m;
  }();
  const std::string path = d[1];
  std::regex pair_re("([0-9.]+) ([0-9.]+)");
  double min_x = 1e9, max_x = -1, min_y = 1e9, max_y = -1;
  int points = 0;
  for (auto it = std::sregex_iterator(path.begin(), path.end(), pair_re); it != std::sregex_iterator(); ++it, ++points) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    min_x = std::min(min_x, x), max_x = std::max(max_x, x), min_y = std::min(min_y, y), max_y = std::max(max_y, y);
  }
  EXPECT_EQ(points, 4);
  // The plot area is x 72..944 and y 20..200 of the 960×240 view box; time 0 is its left edge.
  EXPECT_DOUBLE_EQ(min_x, 72);
  EXPECT_LE(max_x, 944);
  EXPECT_GT(max_x - min_x, 700);  // 10 s of a 0..10 s axis
  EXPECT_GE(min_y, 20);
  EXPECT_DOUBLE_EQ(max_y, 200);  // the value 0 sits on the x axis
  EXPECT_LT(min_y, 60);          // the peak reaches near the top
}

TEST(SvgChart, AxesHaveTickLabelsAndTitles) {
  const std::string svg = render_svg_chart(two_series());
  EXPECT_NE(svg.find(">10s</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">100</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("time since the run started"), std::string::npos);
  EXPECT_NE(svg.find(">open</text>"), std::string::npos);
}

TEST(SvgChart, ShadesAreLabelledOnlyWhereTheLabelFits) {
  LineChart chart = two_series();
  chart.shades = {{0, 5, "ramp", 0, "cycle 1 · ramp"}, {5, 5.05, "a-very-long-phase-name", 1, "narrow"},
                  {5.05, 10, "settle", -1, "idle"}};
  chart.markers = {{0, "cycle 1"}, {5, "cycle 2"}};
  const std::string svg = render_svg_chart(chart);
  EXPECT_EQ(count_of(svg, "<rect class=\"phase tone-0\""), 1u);
  EXPECT_EQ(count_of(svg, "<rect class=\"phase tone-1\""), 1u);
  EXPECT_EQ(count_of(svg, "<rect class=\"phase idle\""), 1u);
  EXPECT_NE(svg.find(">ramp</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">a-very-long-phase-name</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>narrow</title>"), std::string::npos);  // still named on hover
  EXPECT_EQ(count_of(svg, "<line class=\"marker\""), 2u);
  EXPECT_NE(svg.find(">cycle 2</text>"), std::string::npos);
}

TEST(SvgChart, WithoutPointsItSaysNoData) {
  LineChart chart = two_series();
  chart.series = {{"active", {}}};
  chart.t_end_s = 0;
  const std::string svg = render_svg_chart(chart);
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<path"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("inf"), std::string::npos) << svg;
}

TEST(SvgChart, NonFiniteValuesAreSkipped) {
  LineChart chart = two_series();
  chart.series = {{"x", {{0, 1}, {1, NAN}, {2, 3}}}};
  const std::string svg = render_svg_chart(chart);
  EXPECT_EQ(svg.find("nan"), std::string::npos) << svg;
  EXPECT_EQ(count_of(svg, " L"), 1u) << svg;
}

TEST(SvgChart, ALongSeriesIsThinnedToWhatThePixelsShowKeepingItsExtremes) {
  LineChart chart = two_series();
  chart.t_end_s = 100'000;
  chart.series = {{"soak", {}}};
  for (int i = 0; i <= 100'000; ++i) chart.series[0].points.emplace_back(i, i == 50'000 ? 1000 : i % 7);
  const std::string svg = render_svg_chart(chart);
  const size_t points = count_of(svg, " L") + 1;
  EXPECT_LT(points, 4u * 900);  // at most 4 per pixel column of an 872-pixel-wide plot
  EXPECT_GT(points, 872u);
  EXPECT_NE(svg.find(" 20.0 L"), std::string::npos) << "the lone spike to 1000 (the top of the plot) was dropped";
}

TEST(SvgChart, TextFromProfilesIsEscaped) {
  LineChart chart = two_series();
  chart.title = "<script>alert(1)</script>";
  chart.series[0].name = "a\"b<c>";
  chart.shades = {{0, 10, "<img src=x>", 0, "x&y"}};
  const std::string figure = render_chart_figure(chart);
  EXPECT_EQ(figure.find("<script"), std::string::npos);
  EXPECT_EQ(figure.find("<img"), std::string::npos);
  EXPECT_NE(figure.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(figure.find("a&quot;b&lt;c&gt;"), std::string::npos);
  EXPECT_NE(figure.find("x&amp;y"), std::string::npos);
}

TEST(SvgChart, TheFigureCarriesItsIdHeadingAndLegend) {
  const std::string figure = render_chart_figure(two_series());
  EXPECT_EQ(figure.rfind("<figure class=\"chart\" id=\"chart-test\">", 0), 0u) << figure;
  EXPECT_NE(figure.find("<h3>Connections</h3>"), std::string::npos);
  EXPECT_NE(figure.find("<span class=\"swatch series-0\"></span>active</li>"), std::string::npos);
  EXPECT_NE(figure.find("<span class=\"swatch series-1\"></span>lone</li>"), std::string::npos);
}

}  // namespace
}  // namespace wsl
