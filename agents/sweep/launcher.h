// Who trains a sweep's unfinished cells: this process, child processes on this machine, or a Slurm
// cluster. Every launcher trains a cell the same way — its preset and overrides, in its own run
// directory, resumed from its checkpoint when it has one, evaluated at the end into eval.json — so a
// cell's scores do not depend on which launcher ran it, and a sweep may be continued by another.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agents/sweep/grid.h"

namespace mindt::sweep {

// The cells and where their runs live; `results` has a slot per cell, filled for the finished ones.
struct SweepRuns {
  std::vector<Cell> cells;
  std::filesystem::path out_dir;
  bool progress = true;                                      // progress lines on stderr
  std::function<bool()> should_stop = [] { return false; };  // Ctrl-C: checkpoint and stop
  // Train the seeds of each env × dataset × backbone together, as one packed run (train_seeds in
  // agents/trainer.h): one process, one member per seed, each the run it would be alone.
  bool pack_seeds = false;
};

enum class LaunchOutcome {
  kDone,         // every cell given was trained (or, under Slurm with waiting, has ended)
  kInterrupted,  // should_stop: the runs in progress checkpointed (Slurm: waiting stopped)
  kSubmitted,    // handed to a cluster; `--report` later reads what has finished
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Trains (or submits) the cells at `to_train`, recording each one that finishes in `results`.
  virtual LaunchOutcome launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                               std::vector<std::optional<CellResult>>& results) = 0;
};

// "[sweep 3/12] hopper-medium-v2 mingru seed 1": how progress lines name a cell.
std::string cell_label(const SweepRuns& runs, size_t index);
// "...: normalized 71.3 at target 3600" on stderr.
void print_cell_score(const std::string& label, const CellResult& result);

// Trains cell `index` in this process (resuming its checkpoint; a run directory left without one
// starts afresh) and returns its scores; nothing when should_stop interrupted it. Refuses a run
// directory of another config. This is what each Slurm array task runs (`mindt sweep … --cell I`).
std::optional<CellResult> train_cell(const SweepRuns& runs, size_t index);

// What is trained together: each of `cells` alone, or with pack_seeds, grouped with the cells of
// the same env, dataset and backbone (their seeds), in the order of `cells`.
std::vector<std::vector<size_t>> training_units(const SweepRuns& runs, const std::vector<size_t>& cells);
// Every cell of the grid in cell `index`'s unit (with pack_seeds, its seed siblings; else itself).
std::vector<size_t> unit_of(const SweepRuns& runs, size_t index);

// Trains the cells of one unit in this process — train_cell for one, a packed run of their seeds
// for several (finished members are read, not retrained; each resumes its own checkpoint) — and
// records each one's scores in `results`. False when should_stop interrupted it.
bool train_unit(const SweepRuns& runs, const std::vector<size_t>& unit,
                std::vector<std::optional<CellResult>>& results);

// One unit after another in this process.
class InProcessLauncher : public Launcher {
 public:
  LaunchOutcome launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                       std::vector<std::optional<CellResult>>& results) override;
};

// Up to `jobs` cells at once, each a `mindt train` child process (common/child_process.h says why
// processes) of `executable`, writing to RUN_DIR.log. The cores are shared among the children unless
// OMP_NUM_THREADS is set. A failed child is an error naming its log, once the others have ended.
class ChildProcessLauncher : public Launcher {
 public:
  ChildProcessLauncher(size_t jobs, std::string executable) : jobs_(jobs), executable_(std::move(executable)) {}
  LaunchOutcome launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                       std::vector<std::optional<CellResult>>& results) override;

 private:
  size_t jobs_;
  std::string executable_;
};

}  // namespace mindt::sweep
