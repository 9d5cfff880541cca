#include "agents/sweep/grid.h"

#include <sstream>
#include <stdexcept>

#include "agents/trainer.h"
#include "common/json_value.h"
#include "datasets/minari_io.h"

namespace mindt::sweep {

namespace fs = std::filesystem;

Suite parse_suite(const std::string& name) {
  if (name == "d4rl") return Suite::kD4rl;
  if (name == "minari") return Suite::kMinari;
  throw std::invalid_argument("unknown suite '" + name + "' (expected d4rl or minari)");
}

const char* suite_name(Suite suite) { return suite == Suite::kD4rl ? "d4rl" : "minari"; }

const std::vector<std::string>& env_names() {
  static const std::vector<std::string> names = {"halfcheetah", "hopper", "walker2d"};
  return names;
}

const std::vector<std::string>& dataset_names(Suite suite) {
  static const std::vector<std::string> d4rl = {"medium", "medium-replay", "medium-expert"};
  static const std::vector<std::string> minari = {"simple", "medium", "expert"};
  return suite == Suite::kD4rl ? d4rl : minari;
}

std::string Cell::experiment() const {
  return suite == Suite::kD4rl ? env + "-" + dataset + "-v2" : "mujoco-" + env + "-" + dataset + "-v0";
}

namespace {

// The cell's data.path: D4RL's file, or the Minari dataset's folder (data_dir given) or id.
std::string data_path(Suite suite, const std::string& env, const std::string& dataset, const fs::path& data_dir) {
  if (suite == Suite::kD4rl) {
    const fs::path file = (data_dir.empty() ? fs::path("data") : data_dir) / (env + "-" + dataset + "-v2.hdf5");
    if (!fs::exists(file)) {
      throw std::runtime_error(file.string() + " does not exist; make it with `mindt data make " + env + "-" + dataset +
                               "` (or pass --data-dir)");
    }
    return file.string();
  }
  const std::string id = "mujoco/" + env + "/" + dataset + "-v0";
  if (data_dir.empty()) {
    (void)datasets::minari_dataset_dir(id);  // throws where it looked and how to get it
    return id;
  }
  const fs::path folder = data_dir / id;
  if (!fs::exists(folder / "data" / "metadata.json")) {
    throw std::runtime_error("no Minari dataset " + id + " in " + data_dir.string() + " (looked for " +
                             (folder / "data" / "metadata.json").string() + "); get it with `minari download " + id +
                             "` (with MINARI_DATASETS_PATH=" + data_dir.string() + ")");
  }
  return folder.string();
}

}  // namespace

std::vector<Cell> make_cells(const Grid& grid, const fs::path& configs_dir, const fs::path& data_dir,
                             const std::vector<std::string>& overrides) {
  std::vector<Cell> cells;
  for (const auto& env : grid.envs) {
    for (const auto& ds : grid.datasets) {
      const std::string data = data_path(grid.suite, env, ds, data_dir);
      for (const auto& backbone : grid.backbones) {
        Cell cell;
        cell.suite = grid.suite;
        cell.env = env;
        cell.dataset = ds;
        cell.backbone = backbone;
        cell.preset = configs_dir / cell.experiment() / (backbone + ".yaml");
        if (!fs::exists(cell.preset)) throw std::runtime_error("no preset " + cell.preset.string() + " (--configs)");
        std::vector<std::string> all = {"data.path=" + data};
        all.insert(all.end(), overrides.begin(), overrides.end());
        for (int64_t seed : grid.seeds) {
          Cell seeded = cell;
          seeded.seed = seed;
          seeded.overrides = all;
          seeded.overrides.push_back("seed=" + std::to_string(seed));
          seeded.config = config::load_config(seeded.preset.string(), seeded.overrides);
          cells.push_back(std::move(seeded));
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
  CellResult r{cell, {}, {}, "d4rl"};
  try {
    const json::Value root = json::parse_file(eval_path.string());
    // Evaluations written before eval.json named its reference were all scored with D4RL's.
    if (const json::Value* reference = root.find("score_reference")) r.score_reference = reference->as_string();
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
