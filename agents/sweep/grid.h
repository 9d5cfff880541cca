// The grid of a D4RL-protocol sweep (`mindt sweep`) as data: every env × dataset × backbone × seed
// is a cell, trained from its preset (configs/<env>-<dataset>-v2/<backbone>.yaml) with the sweep's
// overrides, in its own run directory OUT/<env>-<dataset>-v2/<backbone>-seed<seed>. What is
// finished is read back from each run's eval.json, so a sweep stopped part-way continues where it
// stopped, whoever trained its runs (this process, child processes, …).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "configs/config.h"

namespace mindt::sweep {

// Which datasets a sweep trains on: D4RL's files (configs/<env>-<dataset>-v2/, data made by
// `mindt data make`, scored in the v4-faithful envs) or Minari's MuJoCo datasets
// (configs/mujoco-<env>-<dataset>-v0/, data from `minari download`, scored in the v5 envs).
enum class Suite { kD4rl, kMinari };
Suite parse_suite(const std::string& name);  // "d4rl" | "minari"; std::invalid_argument otherwise
const char* suite_name(Suite suite);

// The envs and, per suite, the datasets with presets in configs/: D4RL's the DT and minRNN papers
// report, Minari's the levels it publishes.
const std::vector<std::string>& env_names();
const std::vector<std::string>& dataset_names(Suite suite);

// The grid a sweep covers: every env × dataset × backbone × seed.
struct Grid {
  Suite suite = Suite::kD4rl;
  std::vector<std::string> envs, datasets, backbones;
  std::vector<int64_t> seeds;
};

struct Cell {
  Suite suite = Suite::kD4rl;
  std::string env, dataset, backbone;
  int64_t seed = 0;
  std::filesystem::path preset;
  std::vector<std::string> overrides;  // the sweep's --set list for this cell, its seed last
  config::Config config;               // the preset with those overrides
  // The preset folder's name, also the runs' folder: hopper-medium-v2, mujoco-hopper-medium-v0.
  std::string experiment() const;
};

struct CellResult {
  Cell cell;
  std::vector<double> scores;  // normalized mean over episodes, one per target
  std::vector<double> targets;
  std::string score_reference;  // eval.json's: "d4rl" (D4RL's table) or "dataset" (its own returns)
};

// Every cell with its resolved config (the preset, "data.path=…", the overrides, then "seed=S"),
// checking that every preset and dataset exists before the first hour of training is spent.
// data_dir: D4RL's files' folder (empty: "data"); for Minari the datasets' root (empty: Minari's
// own, $MINARI_DATASETS_PATH or ~/.minari/datasets).
std::vector<Cell> make_cells(const Grid& grid, const std::filesystem::path& configs_dir,
                             const std::filesystem::path& data_dir, const std::vector<std::string>& overrides);

std::filesystem::path run_dir_of(const std::filesystem::path& out_dir, const Cell& cell);

// Prepares a cell's run directory: true when it holds a checkpoint to resume; a directory left
// without one (stopped before its first checkpoint) is removed, so the run starts afresh.
bool prepare_run_dir(const std::filesystem::path& run_dir);

// The scores in a run's eval.json; throws naming the file when it cannot be read.
CellResult read_eval(const Cell& cell, const std::filesystem::path& eval_path);

// Throws when run_dir holds a run of another config, naming the first line where the two differ.
void check_same_config(const std::filesystem::path& run_dir, config::Config wanted);

// Fills by_cell with the runs that finished (an eval.json of their final step) and returns the
// indices of the others. Refuses run directories of another config.
std::vector<size_t> read_finished(const std::vector<Cell>& cells, const std::filesystem::path& out_dir,
                                  std::vector<std::optional<CellResult>>& by_cell);

}  // namespace mindt::sweep
