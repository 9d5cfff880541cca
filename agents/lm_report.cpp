#include "agents/lm_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/json_value.h"
#include "common/mean_std.h"
#include "common/svg_plot.h"
#include "configs/lm_config.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

// The paper's test losses (Feng et al. 2024, character-level Shakespeare in nanoGPT's setting).
double paper_loss(const std::string& backbone) {
  static const std::map<std::string, double> losses = {
      {"mingru", 1.548}, {"minlstm", 1.555}, {"mamba", 1.575}, {"transformer", 1.547}};
  const auto found = losses.find(backbone);
  return found == losses.end() ? std::nan("") : found->second;
}

// The first step whose validation loss is at most `level`; -1 when the run never got there.
int64_t steps_to(const LmRunSummary& run, double level) {
  for (const LossPoint& p : run.curve)
    if (p.val_loss <= level) return p.step;
  return -1;
}

std::string cell(const std::vector<double>& xs, int precision) {
  if (xs.empty()) return "—";
  const MeanStd s = mean_std(xs);
  std::ostringstream out;
  out << std::fixed << std::setprecision(precision) << s.mean;
  if (xs.size() > 1) out << " ± " << s.std;
  return out.str();
}

// `text` padded with spaces to `width` characters as a terminal shows them (UTF-8's "±" is one).
std::string pad(const std::string& text, size_t width) {
  size_t shown = 0;
  for (const char c : text) shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return text + std::string(width > shown ? width - shown : 1, ' ');
}

}  // namespace

LmRunSummary read_lm_run(const std::string& run_dir) {
  LmRunSummary run;
  run.run_dir = run_dir;
  const std::string config_path = (fs::path(run_dir) / "config.yaml").string();
  if (!fs::exists(config_path)) throw std::runtime_error(run_dir + ": not a mindt lm run (no config.yaml)");
  config::LmConfig config = config::load_lm_config(config_path);
  run.backbone = config.model.backbone;
  run.seed = config.seed;
  run.steps = config.train.steps;
  config.model.backbone = "";
  config.seed = 0;
  config.device = "";
  config.threads = 0;
  run.setting = config::to_yaml(config);

  const std::string log_path = (fs::path(run_dir) / "log.jsonl").string();
  std::ifstream log(log_path);
  if (!log) throw std::runtime_error(log_path + ": cannot read the run's log");
  std::string line;
  for (int number = 1; std::getline(log, line); ++number) {
    if (line.empty()) continue;
    const json::Value v = json::parse(line, log_path + ":" + std::to_string(number), /*allow_non_finite=*/true);
    const json::Value* val = v.find("val_loss");
    if (!val) continue;
    try {
      run.curve.push_back(
          {v.at("step").as_integer(), val->as_number(), v.at("train_loss").as_number(), v.at("elapsed_s").as_number()});
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(log_path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  if (run.curve.empty()) throw std::runtime_error(log_path + ": no loss estimate yet (the run is just starting)");
  const auto best = std::min_element(run.curve.begin(), run.curve.end(),
                                     [](const LossPoint& a, const LossPoint& b) { return a.val_loss < b.val_loss; });
  run.best_val_loss = best->val_loss;
  run.best_step = best->step;
  run.wall_s = run.curve.back().elapsed_s;
  return run;
}

std::string lm_report_table(const std::vector<LmRunSummary>& runs) {
  if (runs.empty()) throw std::invalid_argument("no runs to report");
  std::vector<std::string> backbones;
  std::map<std::string, std::vector<const LmRunSummary*>> by_backbone;
  for (const LmRunSummary& r : runs) {
    if (r.setting != runs.front().setting) {
      throw std::runtime_error(r.run_dir + " was trained in another setting than " + runs.front().run_dir +
                               " (their config.yaml differ beyond backbone and seed); report them apart");
    }
    if (!by_backbone.count(r.backbone)) backbones.push_back(r.backbone);
    by_backbone[r.backbone].push_back(&r);
  }
  // A loss every backbone reached: the highest of their mean best losses.
  double level = -INFINITY;
  for (const auto& b : backbones) {
    std::vector<double> best;
    for (const auto* r : by_backbone[b]) best.push_back(r->best_val_loss);
    level = std::max(level, mean_std(best).mean);
  }
  std::ostringstream out;
  std::ostringstream level_text;
  level_text << std::fixed << std::setprecision(3) << level;
  out << pad("backbone", 13) << pad("runs", 6) << pad("best val loss", 20) << pad("step of best", 16)
      << pad("steps to " + level_text.str(), 20) << pad("wall time (s)", 16) << "paper's test loss\n";
  for (const auto& b : backbones) {
    std::vector<double> best, step, reach, wall;
    int unfinished = 0;
    for (const auto* r : by_backbone[b]) {
      best.push_back(r->best_val_loss);
      step.push_back(double(r->best_step));
      const int64_t s = steps_to(*r, level);
      if (s >= 0) reach.push_back(double(s));
      wall.push_back(r->wall_s);
      unfinished += !r->finished();
    }
    std::string reach_text = cell(reach, 0);
    if (reach.size() < best.size())
      reach_text += " (" + std::to_string(reach.size()) + " of " + std::to_string(best.size()) + ")";
    const double paper = paper_loss(b);
    std::ostringstream paper_text;
    if (std::isnan(paper)) {
      paper_text << "—";
    } else {
      paper_text << std::fixed << std::setprecision(3) << paper;
    }
    out << pad(b, 13) << pad(std::to_string(best.size()) + (unfinished ? "*" : ""), 6) << pad(cell(best, 4), 20)
        << pad(cell(step, 0), 16) << pad(reach_text, 20) << pad(cell(wall, 0), 16) << paper_text.str() << "\n";
  }
  const LmRunSummary& first = runs.front();
  out << "\nmean ± std over seeds; validation loss in nats per character, estimated every "
      << (first.curve.size() > 1 ? first.curve[1].step - first.curve[0].step : first.curve[0].step)
      << " steps; 'steps to' is the first estimate at or below the level every backbone reached on average (over the "
         "runs that reached it).\n";
  bool any_unfinished = false;
  for (const auto& r : runs) any_unfinished |= !r.finished();
  if (any_unfinished) out << "* some runs are unfinished: their rows report the steps done so far.\n";
  out << "The paper's losses are nanoGPT's full setting on tiny Shakespeare; compare them with runs of that setting.\n";
  return out.str();
}

std::string lm_curves_svg(const std::vector<LmRunSummary>& runs, const std::string& title) {
  PlotFrame frame{title, "step", "validation loss (nats/char)", 0, 1, INFINITY, -INFINITY, 0, 2};
  std::vector<PlotSeries> series;
  for (const auto& r : runs) {
    PlotSeries line{r.backbone, {}};
    for (const auto& p : r.curve) {
      frame.x_max = std::max(frame.x_max, double(p.step));
      frame.y_min = std::min(frame.y_min, p.val_loss);
      frame.y_max = std::max(frame.y_max, p.val_loss);
      line.points.emplace_back(double(p.step), p.val_loss);
    }
    series.push_back(std::move(line));
  }
  // The first estimates sit far above the rest: the plot shows at most 1.5 nats above the lowest
  // loss, and clips what lies higher to its top edge.
  frame.y_max = std::min(frame.y_max, frame.y_min + 1.5);
  if (frame.y_max - frame.y_min < 0.05) frame.y_max = frame.y_min + 0.05;
  return svg_line_plot(rounded_to_ticks(frame), series);
}

}  // namespace mindt
