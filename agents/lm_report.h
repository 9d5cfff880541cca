// `mindt lm report RUNS…`: the minRNN paper's language-model table from `mindt lm train` runs —
// per backbone the best validation loss, the step it was reached at, the steps to reach a common
// loss level, and the wall time, as mean ± std over seeds, with the paper's losses beside — and
// the validation-loss curves as an SVG plot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mindt {

struct LossPoint {
  int64_t step = 0;
  double val_loss = 0, train_loss = 0, elapsed_s = 0;
};

struct LmRunSummary {
  std::string run_dir;
  std::string backbone;
  int64_t seed = 0;
  int64_t steps = 0;    // the run's train.steps
  std::string setting;  // the resolved config without backbone, seed, device and threads: runs compare within one
  std::vector<LossPoint> curve;  // every loss estimate, in step order
  double best_val_loss = 0;
  int64_t best_step = 0;
  double wall_s = 0;  // training time to the last estimate
  bool finished() const { return !curve.empty() && curve.back().step == steps; }
};

// Reads run_dir/config.yaml and log.jsonl; an error naming the file when either is unreadable
// or the run has no loss estimate yet.
LmRunSummary read_lm_run(const std::string& run_dir);

// The table (text): a row per backbone in the order first met; unfinished runs are marked, runs of
// another setting than the first are refused (an error naming both).
std::string lm_report_table(const std::vector<LmRunSummary>& runs);

// An SVG line plot of validation loss against step, a colour per backbone, a line per run.
std::string lm_curves_svg(const std::vector<LmRunSummary>& runs, const std::string& title);

}  // namespace mindt
