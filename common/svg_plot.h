// A small SVG line plot (axes with ticks, one colour per label, a legend), for the reports that
// draw curves: `mindt lm report --plot` (validation loss against step) and `mindt sweep --plot`
// (performance profiles). Standard C++ only; the output opens in any browser.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mindt {

struct PlotSeries {
  std::string label;                              // the legend entry; series sharing one share a colour
  std::vector<std::pair<double, double>> points;  // (x, y), drawn as one polyline
};

struct PlotFrame {
  std::string title, x_label, y_label;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;  // y values outside are clipped to the edges
  int x_decimals = 0, y_decimals = 2;                 // tick label precision
};

// The smallest of 1, 2, 2.5, 5 × 10^k at least `raw`: a tick spacing people read at a glance.
double nice_step(double raw);

// The frame's ranges widened outward to whole ticks of about a fifth of each range.
PlotFrame rounded_to_ticks(PlotFrame frame);

std::string svg_line_plot(const PlotFrame& frame, const std::vector<PlotSeries>& series);

}  // namespace mindt
