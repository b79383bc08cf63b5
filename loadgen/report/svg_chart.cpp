// A line chart over the run's time axis as inline SVG, for report.html: series, phase shading, cycle markers, axes.
#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/html_text.hpp"

namespace wsl {
namespace {

// The SVG's own coordinate system; CSS scales it to the page's width.
constexpr double kWidth = 960, kHeight = 240;
constexpr double kLeft = 72, kRight = 16, kTop = 20, kBottom = 40;
constexpr double kCharWidth = 6.5;  // of the 11px labels, to decide whether a phase's name fits its shade
constexpr int kSeriesColours = 6;   // .series-0 … .series-5 in the page's style sheet
constexpr int kPhaseTones = 6;      // .tone-0 … .tone-5

std::string num(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string attr(const char* name, double value) { return std::string(" ") + name + "=\"" + num(value) + "\""; }

struct Frame {
  LinearScale x, y;
  AxisTicks x_ticks, y_ticks;
};

Frame frame_for(const LineChart& chart) {
  double lo = INFINITY, hi = -INFINITY;
  for (const ChartSeries& s : chart.series)
    for (const auto& [t, v] : s.points)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (lo > hi) lo = hi = 0;
  if (chart.y_from_zero) lo = std::min(lo, 0.0);
  Frame f;
  f.x_ticks = nice_ticks(0, std::max(chart.t_end_s, 0.0), chart.x_unit, 10);
  f.y_ticks = nice_ticks(lo, hi, chart.y_unit, 4);
  f.x = {f.x_ticks.lo, f.x_ticks.hi, kLeft, kWidth - kRight};
  f.y = {f.y_ticks.lo, f.y_ticks.hi, kHeight - kBottom, kTop};
  return f;
}

std::string shades(const LineChart& chart, const Frame& f) {
  std::string out;
  for (const ChartShade& s : chart.shades) {
    const double x0 = f.x(s.from_s), x1 = f.x(std::max(s.to_s, s.from_s));
    const std::string tone = s.tone < 0 ? "idle" : "tone-" + std::to_string(s.tone % kPhaseTones);
    out += "<rect class=\"phase " + tone + "\"" + attr("x", x0) + attr("y", kTop) + attr("width", x1 - x0) +
           attr("height", kHeight - kBottom - kTop) + "><title>" + html_escape(s.tooltip) + "</title></rect>\n";
    if (!s.label.empty() && double(s.label.size()) * kCharWidth + 4 < x1 - x0)
      out += "<text class=\"phase-label\"" + attr("x", (x0 + x1) / 2) + attr("y", kTop + 12) + ">" +
             html_escape(s.label) + "</text>\n";
  }
  return out;
}

std::string axes(const LineChart& chart, const Frame& f) {
  std::string out;
  const auto y_labels = tick_labels(f.y_ticks, chart.y_unit);
  for (size_t i = 0; i < f.y_ticks.values.size(); ++i) {
    const double y = f.y(f.y_ticks.values[i]);
    out += "<line class=\"grid\"" + attr("x1", kLeft) + attr("x2", kWidth - kRight) + attr("y1", y) + attr("y2", y) + "/>";
    out += "<text class=\"tick y\"" + attr("x", kLeft - 6) + attr("y", y + 4) + ">" + html_escape(y_labels[i]) + "</text>\n";
  }
  const auto x_labels = tick_labels(f.x_ticks, chart.x_unit);
  for (size_t i = 0; i < f.x_ticks.values.size(); ++i) {
    const double x = f.x(f.x_ticks.values[i]);
    out += "<line class=\"tick-mark\"" + attr("x1", x) + attr("x2", x) + attr("y1", kHeight - kBottom) +
           attr("y2", kHeight - kBottom + 4) + "/>";
    out += "<text class=\"tick x\"" + attr("x", x) + attr("y", kHeight - kBottom + 16) + ">" +
           html_escape(x_labels[i]) + "</text>\n";
  }
  out += "<line class=\"axis\"" + attr("x1", kLeft) + attr("x2", kWidth - kRight) + attr("y1", kHeight - kBottom) +
         attr("y2", kHeight - kBottom) + "/>";
  out += "<line class=\"axis\"" + attr("x1", kLeft) + attr("x2", kLeft) + attr("y1", kTop) +
         attr("y2", kHeight - kBottom) + "/>\n";
  out += "<text class=\"axis-title x\"" + attr("x", (kLeft + kWidth - kRight) / 2) + attr("y", kHeight - 4) +
         ">" + html_escape(chart.x_title) + "</text>\n";
  out += "<text class=\"axis-title y\" transform=\"translate(14 " + num((kTop + kHeight - kBottom) / 2) +
         ") rotate(-90)\">" + html_escape(chart.y_title) + "</text>\n";
  return out;
}

std::string markers(const LineChart& chart, const Frame& f) {
  std::string out;
  for (const ChartMarker& m : chart.markers) {
    const double x = f.x(m.at_s);
    out += "<line class=\"marker\"" + attr("x1", x) + attr("x2", x) + attr("y1", kTop) + attr("y2", kHeight - kBottom) + "/>";
    out += std::string("<text class=\"marker-label\"") + (m.label_before ? " text-anchor=\"end\"" : "") +
           attr("x", m.label_before ? x - 3 : x + 3) + attr("y", kTop - 6) + ">" + html_escape(m.label) + "</text>\n";
  }
  return out;
}

using Pixel = std::pair<double, double>;

// Keeps the first, lowest, highest and last point of a run of points in one pixel column, in time order:
// the line looks the same, and a day-long soak's samples do not make a page of tens of megabytes.
void add_column(std::vector<Pixel>& out, const std::vector<Pixel>& column) {
  if (column.size() <= 4) {
    out.insert(out.end(), column.begin(), column.end());
    return;
  }
  const auto by_y = [](const Pixel& a, const Pixel& b) { return a.second < b.second; };
  std::vector<size_t> keep{0, size_t(std::min_element(column.begin(), column.end(), by_y) - column.begin()),
                           size_t(std::max_element(column.begin(), column.end(), by_y) - column.begin()),
                           column.size() - 1};
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  for (size_t i : keep) out.push_back(column[i]);
}

// The series' finite points in the SVG's coordinates, thinned to what a pixel column can show.
std::vector<Pixel> to_pixels(const ChartSeries& s, const Frame& f) {
  std::vector<Pixel> out, column;
  double column_x = NAN;
  for (const auto& [t, v] : s.points) {
    if (!std::isfinite(v)) continue;
    const Pixel p{f.x(t), f.y(v)};
    if (std::floor(p.first) != column_x) {
      add_column(out, column);
      column.clear();
      column_x = std::floor(p.first);
    }
    column.push_back(p);
  }
  add_column(out, column);
  return out;
}

std::string series_shapes(const LineChart& chart, const Frame& f) {
  std::string out;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const std::vector<Pixel> pixels = to_pixels(chart.series[i], f);
    const std::string colour = "series-" + std::to_string(i % kSeriesColours);
    const std::string title = "<title>" + html_escape(chart.series[i].name) + "</title>";
    if (pixels.size() == 1) {
      // A path of one point draws nothing; a dot keeps a very short run's only sample visible.
      out += "<circle class=\"series-point " + colour + "\"" + attr("cx", pixels[0].first) +
             attr("cy", pixels[0].second) + " r=\"3\">" + title + "</circle>\n";
    } else if (pixels.size() > 1) {
      std::string d;
      for (const auto& [x, y] : pixels) d += (d.empty() ? "M" : " L") + num(x) + " " + num(y);
      out += "<path class=\"series " + colour + "\" d=\"" + d + "\">" + title + "</path>\n";
    }
  }
  return out;
}

bool has_points(const LineChart& chart) {
  return std::any_of(chart.series.begin(), chart.series.end(), [](const ChartSeries& s) { return !s.points.empty(); });
}

}  // namespace

std::string render_svg_chart(const LineChart& chart) {
  const Frame f = frame_for(chart);
  std::string out = "<svg class=\"plot\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + html_escape(chart.title) + "\">\n";
  out += shades(chart, f);
  out += axes(chart, f);
  out += markers(chart, f);
  out += series_shapes(chart, f);
  if (!has_points(chart))
    out += "<text class=\"no-data\"" + attr("x", (kLeft + kWidth - kRight) / 2) + attr("y", (kTop + kHeight - kBottom) / 2) +
           ">no data</text>\n";
  return out + "</svg>";
}

std::string render_chart_figure(const LineChart& chart) {
  std::string out = "<figure class=\"chart\" id=\"" + html_escape(chart.id) + "\">\n<h3>" + html_escape(chart.title) + "</h3>\n";
  out += render_svg_chart(chart) + "\n<ul class=\"legend\">";
  for (size_t i = 0; i < chart.series.size(); ++i)
    out += "<li><span class=\"swatch series-" + std::to_string(i % kSeriesColours) + "\"></span>" +
           html_escape(chart.series[i].name) + "</li>";
  return out + "</ul>\n</figure>\n";
}

}  // namespace wsl
