#include "agents/sweep/report.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "common/json.h"
#include "common/mean_std.h"
#include "common/svg_plot.h"

namespace mindt::sweep {
namespace {

// "mean ± std" of a cell, saying how many seeds it has when some are missing.
std::string cell_text(const std::vector<double>& xs, size_t seeds_wanted) {
  const MeanStd s = mean_std(xs);
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << s.mean << " ± " << s.std;
  if (xs.size() < seeds_wanted) text << " (" << xs.size() << (xs.size() == 1 ? " seed)" : " seeds)");
  return text.str();
}

// What the scores are normalized against: the tables' first words, and whether rows scored with
// D4RL's table are marked (only when some rows are not).
struct ReferenceText {
  std::string title;
  bool mark_d4rl_rows = false;
};

ReferenceText reference_text(const std::vector<CellResult>& results) {
  bool any_d4rl = false, any_own = false;
  for (const auto& r : results) (r.score_reference == "d4rl" ? any_d4rl : any_own) = true;
  if (!any_own) return {"D4RL-normalized score", false};
  const std::string own =
      "normalized score against each dataset's own reference returns (its ref_min_score and "
      "ref_max_score)";
  if (!any_d4rl) return {own, false};
  return {own + ", or D4RL's where marked †", true};
}

std::string row_label(const Grid& grid, const std::string& env, const std::string& dataset) {
  return grid.suite == Suite::kD4rl ? env + "-" + dataset : "mujoco/" + env + "/" + dataset + "-v0";
}

// One backbone's scores at target k, [row][seed], rows keyed by env-dataset.
std::map<std::string, std::vector<double>> rows_of(const std::vector<CellResult>& results, const std::string& backbone,
                                                   size_t k) {
  std::map<std::string, std::vector<double>> rows;
  for (const auto& r : results) {
    if (r.cell.backbone == backbone && k < r.scores.size())
      rows[r.cell.env + "/" + r.cell.dataset].push_back(r.scores[k]);
  }
  return rows;
}

}  // namespace

TargetStatistics target_statistics(const std::vector<std::string>& backbones, const std::vector<CellResult>& results,
                                   size_t k, int replicates) {
  TargetStatistics stats;
  std::map<std::string, std::map<std::string, std::vector<double>>> by_backbone;
  for (const auto& b : backbones) by_backbone[b] = rows_of(results, b, k);
  for (const auto& b : backbones) {
    TaskScores scores;
    size_t runs = 0;
    for (const auto& [row, xs] : by_backbone[b]) {
      scores.push_back(xs);
      runs += xs.size();
    }
    if (runs < 2) continue;
    const Interval ci = stratified_bootstrap_interval(
        {scores}, [](const std::vector<TaskScores>& s) { return interquartile_mean(s[0]); }, replicates, 0);
    stats.iqm.push_back({b, runs, interquartile_mean(scores), ci});
  }
  for (const auto& x : backbones) {
    for (const auto& y : backbones) {
      if (x == y) continue;
      TaskScores xs, ys;
      for (const auto& [row, scores] : by_backbone[x]) {
        const auto other = by_backbone[y].find(row);
        if (other == by_backbone[y].end()) continue;
        xs.push_back(scores);
        ys.push_back(other->second);
      }
      if (xs.empty()) continue;
      const Interval ci = stratified_bootstrap_interval(
          {xs, ys}, [](const std::vector<TaskScores>& s) { return probability_of_improvement(s[0], s[1]); }, replicates,
          0);
      stats.improvements.push_back({x, y, xs.size(), probability_of_improvement(xs, ys), ci});
    }
  }
  return stats;
}

std::vector<TargetStatistics> report_statistics(const Grid& grid, const std::vector<CellResult>& results) {
  std::vector<TargetStatistics> statistics;
  for (size_t k = 0; k < results.front().targets.size(); ++k)
    statistics.push_back(target_statistics(grid.backbones, results, k));
  return statistics;
}

std::string scores_json(const config::Config& first, const std::vector<CellResult>& results,
                        const std::vector<TargetStatistics>& statistics) {
  json::Writer w;
  w.begin_object().field("steps", first.train.steps).field("episodes", first.eval.episodes);
  w.field("mode", first.eval.mode).key("runs").begin_array();
  for (const auto& r : results) {
    w.begin_object().field("env", r.cell.env).field("dataset", r.cell.dataset).field("backbone", r.cell.backbone);
    w.field("seed", r.cell.seed).field("scores", r.scores).field("targets", r.targets);
    w.field("score_reference", r.score_reference).end_object();
  }
  w.end_array().key("statistics").begin_array();
  for (size_t k = 0; k < statistics.size(); ++k) {
    const TargetStatistics& stats = statistics[k];
    w.begin_object().field("target_index", int64_t(k)).key("iqm").begin_array();
    for (const auto& s : stats.iqm) {
      w.begin_object().field("backbone", s.backbone).field("runs", int64_t(s.runs)).field("iqm", s.iqm);
      w.field("ci", std::vector<double>{s.ci.lower, s.ci.upper}).end_object();
    }
    w.end_array().key("probability_of_improvement").begin_array();
    for (const auto& s : stats.improvements) {
      w.begin_object()
          .field("x", s.x)
          .field("y", s.y)
          .field("tasks", int64_t(s.tasks))
          .field("probability", s.probability);
      w.field("ci", std::vector<double>{s.ci.lower, s.ci.upper}).end_object();
    }
    w.end_array().end_object();
  }
  return w.end_array().end_object().str() + "\n";
}

namespace {

std::string ci_text(double value, const Interval& ci, int precision) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(precision) << value << " [" << ci.lower << ", " << ci.upper << "]";
  return text.str();
}

// The statistics under target k's table: IQM per backbone, then P(row beats column).
void write_statistics(std::ostream& out, const Grid& grid, const TargetStatistics& stats) {
  if (stats.iqm.empty()) return;
  out << "\nIQM of the normalized scores over every row × seed, 95 % stratified-bootstrap CI (" << kBootstrapReplicates
      << " replicates):\n\n| backbone | runs | IQM [95 % CI] |\n|---|---|---|\n";
  for (const auto& s : stats.iqm)
    out << "| " << s.backbone << " | " << s.runs << " | " << ci_text(s.iqm, s.ci, 1) << " |\n";
  if (stats.improvements.empty()) return;
  out << "\nP(row beats column) over the rows both have, 95 % CI:\n\n|  |";
  for (const auto& b : grid.backbones) out << " " << b << " |";
  out << "\n|---|";
  for (size_t i = 0; i < grid.backbones.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& x : grid.backbones) {
    out << "| " << x << " |";
    for (const auto& y : grid.backbones) {
      const auto found = std::find_if(stats.improvements.begin(), stats.improvements.end(),
                                      [&](const Improvement& i) { return i.x == x && i.y == y; });
      out << " " << (found == stats.improvements.end() ? "–" : ci_text(found->probability, found->ci, 2)) << " |";
    }
    out << "\n";
  }
}

}  // namespace

std::string performance_profile_svg(const Grid& grid, const std::vector<CellResult>& results) {
  double best = 0;
  for (const auto& r : results) {
    if (!r.scores.empty()) best = std::max(best, r.scores[0]);
  }
  std::vector<double> thresholds;
  for (int i = 0; i <= 200; ++i) thresholds.push_back(best * i / 200.0);
  std::vector<PlotSeries> series;
  for (const auto& b : grid.backbones) {
    TaskScores scores;
    for (const auto& [row, xs] : rows_of(results, b, 0)) scores.push_back(xs);
    if (scores.empty()) continue;
    const std::vector<double> fractions = performance_profile(scores, thresholds);
    PlotSeries line{b, {}};
    for (size_t i = 0; i < thresholds.size(); ++i) line.points.emplace_back(thresholds[i], fractions[i]);
    series.push_back(std::move(line));
  }
  std::ostringstream title;
  title << std::fixed << std::setprecision(0) << "performance profile at target " << results.front().targets.front();
  PlotFrame frame{title.str(), "normalized score τ", "fraction of runs above τ", 0, std::max(best, 1.0), 0, 1, 0, 1};
  return svg_line_plot(rounded_to_ticks(frame), series);
}

std::string score_tables(const Grid& grid, const config::Config& first, const std::vector<CellResult>& results,
                         const std::vector<TargetStatistics>& statistics) {
  std::ostringstream out;
  const ReferenceText reference = reference_text(results);
  out << reference.title << ", " << (grid.seeds.size() == 1 ? "one seed" : "mean ± std over seeds") << "; "
      << first.train.steps << " training steps, " << first.eval.episodes << " episodes per target and seed, "
      << first.eval.mode << " mode\n";
  const size_t n_targets = results.front().targets.size();
  const size_t rows = grid.envs.size() * grid.datasets.size();
  for (size_t k = 0; k < n_targets; ++k) {
    out << "\n| dataset | target |";
    for (const auto& b : grid.backbones) out << " " << b << " |";
    out << "\n|---|---|";
    for (size_t b = 0; b < grid.backbones.size(); ++b) out << "---|";
    out << "\n";
    std::map<std::string, std::vector<double>> per_backbone_average;
    for (const auto& env : grid.envs) {
      for (const auto& ds : grid.datasets) {
        double target = 0;
        bool scored_with_d4rl = false;
        std::ostringstream cells_text;
        for (const auto& b : grid.backbones) {
          std::vector<double> xs;
          for (const auto& r : results) {
            if (r.cell.env == env && r.cell.dataset == ds && r.cell.backbone == b && k < r.scores.size()) {
              xs.push_back(r.scores[k]);
              target = r.targets[k];
              scored_with_d4rl = scored_with_d4rl || r.score_reference == "d4rl";
            }
          }
          if (xs.empty()) {
            cells_text << " – |";
            continue;
          }
          if (xs.size() == grid.seeds.size()) per_backbone_average[b].push_back(mean_std(xs).mean);  // complete only
          cells_text << " " << cell_text(xs, grid.seeds.size()) << " |";
        }
        std::ostringstream target_text;
        target_text << std::fixed << std::setprecision(0) << target;
        out << "| " << row_label(grid, env, ds) << (reference.mark_d4rl_rows && scored_with_d4rl ? " †" : "") << " | "
            << (target_text.str() == "0" ? "–" : target_text.str()) << " |" << cells_text.str() << "\n";
      }
    }
    if (rows > 1) {
      out << "| average | |";
      for (const auto& b : grid.backbones) {
        const auto& means = per_backbone_average[b];
        if (means.size() < rows) {  // an average over part of the grid would mislead
          out << " – |";
          continue;
        }
        out << " " << std::fixed << std::setprecision(1) << mean_std(means).mean << " |";
      }
      out << "\n";
    }
    if (k < statistics.size()) write_statistics(out, grid, statistics[k]);
  }
  return out.str();
}

}  // namespace mindt::sweep
