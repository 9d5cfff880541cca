#include "agents/sweep/report.h"

#include <iomanip>
#include <map>
#include <sstream>

#include "common/json.h"
#include "common/mean_std.h"

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

}  // namespace

std::string scores_json(const config::Config& first, const std::vector<CellResult>& results) {
  json::Writer w;
  w.begin_object().field("steps", first.train.steps).field("episodes", first.eval.episodes);
  w.field("mode", first.eval.mode).key("runs").begin_array();
  for (const auto& r : results) {
    w.begin_object().field("env", r.cell.env).field("dataset", r.cell.dataset).field("backbone", r.cell.backbone);
    w.field("seed", r.cell.seed).field("scores", r.scores).field("targets", r.targets);
    w.field("score_reference", r.score_reference).end_object();
  }
  return w.end_array().end_object().str() + "\n";
}

std::string score_tables(const Grid& grid, const config::Config& first, const std::vector<CellResult>& results) {
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
  }
  return out.str();
}

}  // namespace mindt::sweep
