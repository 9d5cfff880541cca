// What a sweep prints: the scores of its finished runs as JSON, and the paper's table — one
// Markdown table per target return, a row per env-dataset, a column per backbone, normalized
// score as mean ± std over seeds, and each backbone's average over the grid.
#pragma once

#include <string>
#include <vector>

#include "agents/sweep/grid.h"
#include "agents/sweep/score_statistics.h"

namespace mindt::sweep {

// Per target: each backbone's interquartile mean over every env-dataset row × seed it has, with
// its 95 % stratified-bootstrap CI, and the probability that one backbone beats another over the
// rows both have (agents/sweep/score_statistics.h: rliable's statistics). Bootstrap replicates
// come from a fixed seed, so a report reads the same every time.
struct BackboneIqm {
  std::string backbone;
  size_t runs = 0;
  double iqm = 0;
  Interval ci;
};
struct Improvement {
  std::string x, y;
  size_t tasks = 0;
  double probability = 0;  // P(X > Y)
  Interval ci;
};
struct TargetStatistics {
  std::vector<BackboneIqm> iqm;           // backbones with at least 2 runs, in grid order
  std::vector<Improvement> improvements;  // every ordered pair sharing a row
};
inline constexpr int kBootstrapReplicates = 50000;
TargetStatistics target_statistics(const std::vector<std::string>& backbones, const std::vector<CellResult>& results,
                                   size_t target_index, int replicates = kBootstrapReplicates);
// target_statistics for every target of the results, once, for both the JSON and the tables.
std::vector<TargetStatistics> report_statistics(const Grid& grid, const std::vector<CellResult>& results);

// {"steps", "episodes", "mode",
//  "runs": [{"env", "dataset", "backbone", "seed", "scores", "targets", "score_reference"}],
//  "statistics": [per target {"target", "iqm": [{"backbone", "runs", "iqm", "ci"}],
//                 "probability_of_improvement": [{"x", "y", "tasks", "probability", "ci"}]}]}
std::string scores_json(const config::Config& first, const std::vector<CellResult>& results,
                        const std::vector<TargetStatistics>& statistics);

// The tables, headed by a line naming the score's reference and the budget; cells with fewer seeds
// than the grid say so,
// and an average is shown only where every row of the grid is complete.
// Each backbone's performance profile at the first target: the fraction of its runs (all rows ×
// seeds) scoring above τ, for τ from 0 to the best score, as an SVG plot.
std::string performance_profile_svg(const Grid& grid, const std::vector<CellResult>& results);

std::string score_tables(const Grid& grid, const config::Config& first, const std::vector<CellResult>& results,
                         const std::vector<TargetStatistics>& statistics);

}  // namespace mindt::sweep
