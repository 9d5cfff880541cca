#include "common/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

namespace mindt {

double nice_step(double raw) {
  const double scale = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * scale >= raw * (1 - 1e-9)) return m * scale;
  return 10 * scale;
}

namespace {

double tick_of(double lo, double hi) { return nice_step(std::max(hi - lo, 1e-12) / 5); }

}  // namespace

PlotFrame rounded_to_ticks(PlotFrame frame) {
  const double x_tick = tick_of(frame.x_min, frame.x_max), y_tick = tick_of(frame.y_min, frame.y_max);
  frame.x_min = std::floor(frame.x_min / x_tick) * x_tick;
  frame.x_max = std::ceil(frame.x_max / x_tick) * x_tick;
  frame.y_min = std::floor(frame.y_min / y_tick) * y_tick;
  frame.y_max = std::ceil(frame.y_max / y_tick) * y_tick;
  return frame;
}

std::string svg_line_plot(const PlotFrame& f, const std::vector<PlotSeries>& series) {
  const double width = 720, height = 440, left = 70, right = 150, top = 40, bottom = 50;
  const double x_span = std::max(f.x_max - f.x_min, 1e-12), y_span = std::max(f.y_max - f.y_min, 1e-12);
  auto x = [&](double v) { return left + (width - left - right) * (v - f.x_min) / x_span; };
  auto y = [&](double v) {
    return top + (height - top - bottom) * (f.y_max - std::clamp(v, f.y_min, f.y_max)) / y_span;
  };
  static const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  std::map<std::string, const char*> colour_of;
  std::vector<std::string> order;
  for (const auto& s : series) {
    if (!colour_of.count(s.label)) {
      colour_of[s.label] = colours[order.size() % 6];
      order.push_back(s.label);
    }
  }
  const double x_tick = tick_of(f.x_min, f.x_max), y_tick = tick_of(f.y_min, f.y_max);
  std::ostringstream svg;
  svg << std::fixed << std::setprecision(1);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg << "<text x=\"" << left << "\" y=\"24\" font-size=\"14\">" << f.title << "</text>\n";
  svg << "<g stroke=\"#999\" stroke-width=\"1\">\n";
  for (double v = f.y_min; v <= f.y_max + y_tick / 2; v += y_tick) {
    svg << "<line x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y(v) << "\" y2=\"" << y(v)
        << "\" stroke=\"#eee\"/>\n";
    svg << "<text x=\"" << left - 8 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\" stroke=\"none\">"
        << std::setprecision(f.y_decimals) << v << std::setprecision(1) << "</text>\n";
  }
  for (double v = f.x_min; v <= f.x_max + x_tick / 2; v += x_tick) {
    svg << "<text x=\"" << x(v) << "\" y=\"" << height - bottom + 18 << "\" text-anchor=\"middle\" stroke=\"none\">"
        << std::setprecision(f.x_decimals) << v << std::setprecision(1) << "</text>\n";
  }
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << width - left - right << "\" height=\""
      << height - top - bottom << "\" fill=\"none\"/>\n</g>\n";
  svg << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 10 << "\" text-anchor=\"middle\">"
      << f.x_label << "</text>\n";
  svg << "<text transform=\"translate(18," << (top + height - bottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << f.y_label << "</text>\n";
  for (const auto& s : series) {
    svg << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke-opacity=\"0.8\" stroke=\"" << colour_of[s.label]
        << "\" points=\"";
    for (const auto& [px, py] : s.points) svg << x(px) << "," << y(py) << " ";
    svg << "\"/>\n";
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const double ly = top + 10 + 20 * double(i);
    svg << "<line x1=\"" << width - right + 15 << "\" x2=\"" << width - right + 40 << "\" y1=\"" << ly << "\" y2=\""
        << ly << "\" stroke-width=\"3\" stroke=\"" << colour_of[order[i]] << "\"/>\n";
    svg << "<text x=\"" << width - right + 46 << "\" y=\"" << ly + 4 << "\">" << order[i] << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace mindt
