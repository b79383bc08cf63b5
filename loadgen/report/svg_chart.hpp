// A line chart over the run's time axis as inline SVG, for report.html: series, phase shading, cycle markers, axes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/chart_axis.hpp"

namespace wsl {

struct ChartSeries {
  std::string name;                               // legend text
  std::vector<std::pair<double, double>> points;  // (seconds from the run's start, value), in time order
};

// A stretch of the time axis drawn behind the data, e.g. one phase of one cycle.
struct ChartShade {
  double from_s = 0;
  double to_s = 0;
  std::string label;    // drawn at the top when the stretch is wide enough for it
  int tone = -1;        // which fill (the phase's index in the profile); -1: idle, a neutral fill
  std::string tooltip;  // shown on hover
};

// A vertical line across the chart, e.g. where a cycle begins.
struct ChartMarker {
  double at_s = 0;
  std::string label;
  bool label_before = false;  // the label ends at the line instead of starting there (two markers close together)
};

struct LineChart {
  std::string id;       // the figure's element id, e.g. "chart-connections"
  std::string title;    // heading above the chart
  std::string y_title;  // what the values are, e.g. "connections open" or "per second"
  AxisUnit y_unit = AxisUnit::count;
  bool y_from_zero = true;  // false for memory, where the change matters more than the distance from 0
  double t_end_s = 0;       // every chart of a report shares the axis 0..t_end_s, so they line up
  // The x axis is time unless said otherwise (the capacity charts put the step's level there).
  AxisUnit x_unit = AxisUnit::seconds;
  std::string x_title = "time since the run started";
  std::vector<ChartSeries> series;
  std::vector<ChartShade> shades;
  std::vector<ChartMarker> markers;
};

// Only the <svg> element. Series become <path class="series series-K"> (a lone point a <circle>, a series
// without points nothing); with no points at all the chart says "no data". Every text is HTML-escaped.
std::string render_svg_chart(const LineChart& chart);

// The chart as a <figure id=…> with its heading, the SVG and a legend naming each series in its colour.
std::string render_chart_figure(const LineChart& chart);

}  // namespace wsl
