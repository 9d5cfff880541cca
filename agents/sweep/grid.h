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

// The datasets with presets in configs/ (the ones the DT and minRNN papers report).
const std::vector<std::string>& dataset_names();

// The grid a sweep covers: every env × dataset × backbone × seed.
struct Grid {
  std::vector<std::string> envs, datasets, backbones;
  std::vector<int64_t> seeds;
};

struct Cell {
  std::string env, dataset, backbone;
  int64_t seed = 0;
  std::filesystem::path preset;
  std::vector<std::string> overrides;  // the sweep's --set list for this cell, its seed last
  config::Config config;               // the preset with those overrides
  std::string experiment() const { return env + "-" + dataset + "-v2"; }
};

struct CellResult {
  Cell cell;
  std::vector<double> scores;  // normalized mean over episodes, one per target
  std::vector<double> targets;
};

// Every cell with its resolved config (the preset, "data.path=…", the overrides, then "seed=S"),
// checking that every preset and dataset exists before the first hour of training is spent.
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
