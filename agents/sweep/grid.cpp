#include "agents/sweep/grid.h"

#include <sstream>
#include <stdexcept>

#include "agents/trainer.h"
#include "common/json_value.h"

namespace mindt::sweep {

namespace fs = std::filesystem;

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"medium", "medium-replay", "medium-expert"};
  return names;
}

std::vector<Cell> make_cells(const Grid& grid, const fs::path& configs_dir, const fs::path& data_dir,
                             const std::vector<std::string>& overrides) {
  std::vector<Cell> cells;
  for (const auto& env : grid.envs) {
    for (const auto& ds : grid.datasets) {
      const fs::path data = data_dir / (env + "-" + ds + "-v2.hdf5");
      if (!fs::exists(data)) {
        throw std::runtime_error(data.string() + " does not exist; make it with `mindt data make " + env + "-" + ds +
                                 "` (or pass --data-dir)");
      }
      for (const auto& backbone : grid.backbones) {
        const fs::path preset = configs_dir / (env + "-" + ds + "-v2") / (backbone + ".yaml");
        if (!fs::exists(preset)) throw std::runtime_error("no preset " + preset.string() + " (--configs)");
        std::vector<std::string> all = {"data.path=" + data.string()};
        all.insert(all.end(), overrides.begin(), overrides.end());
        for (int64_t seed : grid.seeds) {
          std::vector<std::string> with_seed = all;
          with_seed.push_back("seed=" + std::to_string(seed));
          config::Config config = config::load_config(preset.string(), with_seed);
          cells.push_back({env, ds, backbone, seed, preset, with_seed, std::move(config)});
        }
      }
    }
  }
  return cells;
}

fs::path run_dir_of(const fs::path& out_dir, const Cell& cell) {
  return out_dir / cell.experiment() / (cell.backbone + "-seed" + std::to_string(cell.seed));
}

bool prepare_run_dir(const fs::path& run_dir) {
  const bool resume = fs::exists(run_dir / "checkpoint.pt");
  if (!resume && fs::exists(run_dir)) fs::remove_all(run_dir);
  return resume;
}

// eval.json is written by results_json (agents/evaluator.h).
CellResult read_eval(const Cell& cell, const fs::path& eval_path) {
  CellResult r{cell, {}, {}};
  try {
    const json::Value root = json::parse_file(eval_path.string());
    for (const json::Value& t : root.at("targets").as_array()) {
      r.targets.push_back(t.at("target").as_number());
      r.scores.push_back(t.at("score_mean").as_number());
    }
  } catch (const std::exception& e) {  // json::ParseError, or std::invalid_argument for a missing key
    throw std::runtime_error(eval_path.string() + ": not a readable evaluation (" + e.what() +
                             "); delete the file to evaluate that run again");
  }
  if (r.scores.empty()) throw std::runtime_error(eval_path.string() + ": holds no targets");
  return r;
}

void check_same_config(const fs::path& run_dir, config::Config wanted) {
  config::Config stored = load_run_config(run_dir.string());
  const std::string a = config::to_yaml(stored), b = config::to_yaml(wanted);
  if (a == b) return;
  std::stringstream sa(a), sb(b);
  std::string la, lb;
  while (std::getline(sa, la) && std::getline(sb, lb) && la == lb) {}
  auto trim = [](const std::string& line) { return line.substr(std::min(line.find_first_not_of(' '), line.size())); };
  throw std::runtime_error(run_dir.string() + " holds a run with another config (it has '" + trim(la) +
                           "', this sweep asks for '" + trim(lb) + "'); use another --out, or delete that run");
}

std::vector<size_t> read_finished(const std::vector<Cell>& cells, const fs::path& out_dir,
                                  std::vector<std::optional<CellResult>>& by_cell) {
  std::vector<size_t> unfinished;
  for (size_t i = 0; i < cells.size(); ++i) {
    const fs::path run_dir = run_dir_of(out_dir, cells[i]);
    if (fs::exists(run_dir / "config.yaml")) check_same_config(run_dir, cells[i].config);
    // eval.every > 0 (from --set) also writes eval.json mid-run: only the final step's counts.
    if (evaluated_step(run_dir.string()) == cells[i].config.train.steps) {
      by_cell[i] = read_eval(cells[i], run_dir / "eval.json");
    } else {
      unfinished.push_back(i);
    }
  }
  return unfinished;
}

}  // namespace mindt::sweep
