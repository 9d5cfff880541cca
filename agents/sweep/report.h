// What a sweep prints: the scores of its finished runs as JSON, and the paper's table — one
// Markdown table per target return, a row per env-dataset, a column per backbone, normalized
// score as mean ± std over seeds, and each backbone's average over the grid.
#pragma once

#include <string>
#include <vector>

#include "agents/sweep/grid.h"

namespace mindt::sweep {

// {"steps", "episodes", "mode",
//  "runs": [{"env", "dataset", "backbone", "seed", "scores", "targets", "score_reference"}]}
std::string scores_json(const config::Config& first, const std::vector<CellResult>& results);

// The tables, headed by a line naming the score's reference and the budget; cells with fewer seeds
// than the grid say so,
// and an average is shown only where every row of the grid is complete.
std::string score_tables(const Grid& grid, const config::Config& first, const std::vector<CellResult>& results);

}  // namespace mindt::sweep
