// The record of a selective-copying grid (`mindt copytask`): its runs as JSON, written after every
// run so that a grid stopped part-way continues, read back for the same setting only, and the
// minRNN paper's table (accuracy against layers for each backbone) with the paper's figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/selective_copy.h"

namespace mindt {

struct CopyRun {
  std::string backbone;
  int64_t layers = 0, seed = 0;
  CopyResult result;
};

// {"length", "tokens", "dim", "steps", "batch", "lr", "runs": [{"backbone", "layers", "seed",
//  "accuracy", "final_loss", "parameters", "seconds"}]}
std::string copy_runs_json(const CopyTrainOptions& base, const std::vector<CopyRun>& runs);

// The runs in a file written by copy_runs_json for the same setting as `base` (none when the file
// is absent). A file of another setting, or not such a file, is an error naming it.
std::vector<CopyRun> read_copy_runs(const std::string& path, const CopyTrainOptions& base);

// The table: a row per backbone (and the paper's row beneath it), a column per layer count,
// accuracy (%) as mean ± std over seeds; cells with fewer seeds than asked for say so.
std::string copy_table(const CopyTrainOptions& base, const std::vector<std::string>& backbones,
                       const std::vector<int64_t>& layers, const std::vector<int64_t>& seeds,
                       const std::vector<CopyRun>& runs);

}  // namespace mindt
