// `mindt sweep`: the D4RL-protocol score table. Trains the preset of every env × dataset × backbone
// × seed (configs/<env>-<dataset>-v2/<backbone>.yaml, with the budget overrides given), evaluates
// each final model and prints normalized mean ± std over seeds, one row per dataset, one column per
// backbone, as the paper's table has them.
//
// A sweep is long, so it can be stopped and started again: every run lives in
// OUT/<env>-<dataset>-v2/<backbone>-seed<seed>; a run whose eval.json holds its final step is read,
// not redone; a run with a checkpoint is resumed; Ctrl-C checkpoints the run in progress.
//
// `--jobs N` trains N runs at once, each as a `mindt train` child process (see child_process.h for
// why processes): a decision model at batch 64 keeps one core busier than it keeps many, so runs
// side by side use a machine's cores better than one run with all of them.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "agents/trainer.h"
#include "common/atomic_file.h"
#include "common/json.h"
#include "common/mean_std.h"
#include "configs/config.h"
#include "tools/cli/child_process.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

namespace fs = std::filesystem;

// The datasets with presets in configs/ (the ones the DT and minRNN papers report).
const std::vector<std::string> kDatasets = {"medium", "medium-replay", "medium-expert"};

struct Cell {
  std::string env, dataset, backbone;
  int64_t seed = 0;
  fs::path preset;
  std::vector<std::string> overrides;  // the sweep's --set list for this cell, its seed last
  config::Config config;               // the preset with those overrides
  std::string experiment() const { return env + "-" + dataset + "-v2"; }
};

struct CellResult {
  Cell cell;
  std::vector<double> scores;  // normalized mean over episodes, one per target
  std::vector<double> targets;
};

// Reads what the sweep needs back from a run's eval.json (written by results_json).
CellResult read_eval(const Cell& cell, const fs::path& eval_path) {
  CellResult r{cell, {}, {}};
  try {
    const YAML::Node root = YAML::LoadFile(eval_path.string());
    for (const auto& t : root["targets"]) {
      r.targets.push_back(t["target"].as<double>());
      r.scores.push_back(t["score_mean"].as<double>());
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(eval_path.string() + ": not a readable evaluation (" + e.what() +
                             "); delete the file to evaluate that run again");
  }
  if (r.scores.empty()) throw std::runtime_error(eval_path.string() + ": holds no targets");
  return r;
}

// "mean ± std" of a cell, saying how many seeds it has when some are missing.
std::string cell_text(const std::vector<double>& xs, size_t seeds_wanted) {
  const MeanStd s = mean_std(xs);
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << s.mean << " ± " << s.std;
  if (xs.size() < seeds_wanted) text << " (" << xs.size() << (xs.size() == 1 ? " seed)" : " seeds)");
  return text.str();
}

// A run directory is reused only for the very config the sweep asks for; otherwise the first line
// where the two differ is reported.
void check_same_config(const fs::path& run_dir, config::Config wanted) {
  config::Config stored = load_run_config(run_dir.string());
  const std::string a = config::to_yaml(stored), b = config::to_yaml(wanted);
  if (a == b) return;
  std::stringstream sa(a), sb(b);
  std::string la, lb;
  while (std::getline(sa, la) && std::getline(sb, lb) && la == lb) {
  }
  auto trim = [](const std::string& line) { return line.substr(std::min(line.find_first_not_of(' '), line.size())); };
  throw std::runtime_error(run_dir.string() + " holds a run with another config (it has '" + trim(la) +
                           "', this sweep asks for '" + trim(lb) + "'); use another --out, or delete that run");
}

fs::path run_dir_of(const fs::path& out_dir, const Cell& cell) {
  return out_dir / cell.experiment() / (cell.backbone + "-seed" + std::to_string(cell.seed));
}

std::string label_of(const Cell& cell, size_t index, size_t count) {
  return "[sweep " + std::to_string(index + 1) + "/" + std::to_string(count) + "] " + cell.experiment() + " " +
         cell.backbone + " seed " + std::to_string(cell.seed);
}

void print_score(const std::string& label, const CellResult& r) {
  std::cerr << label << ": normalized " << std::fixed << std::setprecision(1) << r.scores[0] << " at target "
            << std::setprecision(0) << r.targets[0] << "\n";
}

// A run directory left without a checkpoint (stopped before its first one) starts afresh.
bool prepare_run_dir(const fs::path& run_dir) {
  const bool resume = fs::exists(run_dir / "checkpoint.pt");
  if (!resume && fs::exists(run_dir)) fs::remove_all(run_dir);
  return resume;
}

// One run after another in this process. Returns 130 when Ctrl-C stopped a run, else 0.
int train_in_process(const std::vector<Cell>& cells, const std::vector<size_t>& to_train, const fs::path& out_dir,
                     bool progress, std::vector<std::optional<CellResult>>& results) {
  for (size_t i : to_train) {
    const Cell& cell = cells[i];
    const fs::path run_dir = run_dir_of(out_dir, cell);
    const std::string label = label_of(cell, i, cells.size());
    TrainOptions options;
    options.run_dir = run_dir.string();
    options.progress = progress;
    options.should_stop = CtrlC::requested;
    options.resume = prepare_run_dir(run_dir);
    if (progress) std::cerr << label << (options.resume ? ": resuming\n" : ": training\n");
    // Trains what is left and evaluates at the end into eval.json (a run stopped during that
    // evaluation resumes into it). check_same_config made the run's own config equal to this one.
    if (train(cell.config, options).interrupted) return 130;
    results[i] = read_eval(cell, run_dir / "eval.json");
    if (progress) print_score(label, *results[i]);
  }
  return 0;
}

// The last step a run's log.jsonl records (0 before its first line): how far a child has come.
int64_t logged_step(const fs::path& run_dir) {
  std::ifstream in(run_dir / "log.jsonl");
  std::string line;
  int64_t step = 0;
  while (std::getline(in, line)) {
    const auto at = line.find("\"step\": ");
    if (at != std::string::npos) step = std::atoll(line.c_str() + at + 8);
  }
  return step;
}

// Up to `jobs` runs at once, each a `mindt train` child writing to RUN_DIR.log. Returns 130 when
// Ctrl-C stopped the runs (each child checkpoints on its own), else 0; a failed run is an error
// once the others have ended.
int train_in_children(const std::vector<Cell>& cells, const std::vector<size_t>& to_train, const fs::path& out_dir,
                      size_t jobs, bool progress, std::vector<std::optional<CellResult>>& results) {
  std::vector<std::string> environment;
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {  // share the cores instead of each child taking all of them
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    environment.push_back("OMP_NUM_THREADS=" + std::to_string(std::max<size_t>(1, cores / jobs)));
  }
  struct Running {
    size_t cell;
    ChildProcess child;
    std::string log;
  };
  std::vector<Running> running;
  size_t next = 0;
  bool stopping = false;
  std::vector<std::string> failed;
  auto may_start = [&] { return !stopping && failed.empty() && next < to_train.size(); };
  // The children's own progress lines go to their logs; this says where each stands now and then.
  auto last_status = std::chrono::steady_clock::now();
  auto print_status = [&] {
    std::cerr << "[sweep] in progress:";
    for (const auto& r : running) {
      const Cell& cell = cells[r.cell];
      const int64_t step = logged_step(run_dir_of(out_dir, cell));
      std::cerr << (&r == &running.front() ? " " : "; ") << cell.experiment() << " " << cell.backbone << " seed "
                << cell.seed << " "
                << (step >= cell.config.train.steps ? "evaluating"
                                                    : "step " + std::to_string(step) + "/" + std::to_string(cell.config.train.steps));
    }
    std::cerr << "\n";
  };
  while (may_start() || !running.empty()) {
    if (progress && !running.empty() && std::chrono::steady_clock::now() - last_status > std::chrono::minutes(1)) {
      print_status();
      last_status = std::chrono::steady_clock::now();
    }
    if (CtrlC::requested() && !stopping) {  // a terminal's Ctrl-C reaches the children too; a kill -INT may not
      stopping = true;
      for (auto& r : running) r.child.interrupt();
    }
    while (may_start() && running.size() < jobs) {
      const size_t i = to_train[next++];
      const Cell& cell = cells[i];
      const fs::path run_dir = run_dir_of(out_dir, cell);
      const bool resume = prepare_run_dir(run_dir);
      fs::create_directories(run_dir.parent_path());
      std::vector<std::string> arguments = {"train"};
      if (resume) {
        arguments.insert(arguments.end(), {"--resume", run_dir.string()});
      } else {
        arguments.push_back(cell.preset.string());
        for (const auto& o : cell.overrides) arguments.insert(arguments.end(), {"--set", o});
        arguments.insert(arguments.end(), {"--out", run_dir.string()});
      }
      const std::string log = run_dir.string() + ".log";
      running.push_back({i, ChildProcess::start(arguments, log, environment), log});
      if (progress) std::cerr << label_of(cell, i, cells.size()) << (resume ? ": resuming" : ": training") << " (" << log << ")\n";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (auto it = running.begin(); it != running.end();) {
      const std::optional<int> code = it->child.poll();
      if (!code) {
        ++it;
        continue;
      }
      const Cell& cell = cells[it->cell];
      const std::string label = label_of(cell, it->cell, cells.size());
      if (*code == 0) {
        results[it->cell] = read_eval(cell, run_dir_of(out_dir, cell) / "eval.json");
        if (progress) print_score(label, *results[it->cell]);
      } else if (*code == 130) {  // stopped with a checkpoint: stop the others the same way
        if (!stopping) {
          stopping = true;
          for (auto& r : running) r.child.interrupt();
        }
      } else {
        std::cerr << label << ": failed with exit code " << *code << "; the end of " << it->log << ":\n"
                  << last_lines(it->log, 5);
        failed.push_back(it->log);
      }
      it = running.erase(it);
    }
  }
  if (!failed.empty()) {
    throw std::runtime_error(std::to_string(failed.size()) + (failed.size() == 1 ? " run" : " runs") +
                             " failed (see " + failed.front() + (failed.size() > 1 ? " and the others above" : "") + ")");
  }
  return stopping ? 130 : 0;
}

// The grid a sweep covers: every env × dataset × backbone × seed.
struct Grid {
  std::vector<std::string> envs, datasets, backbones;
  std::vector<int64_t> seeds;
};

// Budget overrides, applied after the preset's own keys; --set comes last and wins.
std::vector<std::string> budget_overrides(const ParsedArgs& args) {
  std::vector<std::string> overrides;
  if (auto v = args.value("steps")) overrides.push_back("train.steps=" + *v);
  if (auto v = args.value("warmup")) overrides.push_back("train.warmup_steps=" + *v);
  if (auto v = args.value("lr")) overrides.push_back("train.lr=" + *v);
  if (auto v = args.value("episodes")) overrides.push_back("eval.episodes=" + *v);
  if (auto v = args.value("mode")) overrides.push_back("eval.mode=" + *v);
  for (const auto& s : args.values("set")) overrides.push_back(s);
  return overrides;
}

// Every cell with its resolved config, checking every preset and dataset before the first hour of
// training is spent.
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

// Reads back the runs that finished (an eval.json of their final step) and lists the others.
std::vector<size_t> read_finished(const std::vector<Cell>& cells, const fs::path& out_dir, bool progress,
                                  std::vector<std::optional<CellResult>>& by_cell) {
  std::vector<size_t> unfinished;
  for (size_t i = 0; i < cells.size(); ++i) {
    const fs::path run_dir = run_dir_of(out_dir, cells[i]);
    if (fs::exists(run_dir / "config.yaml")) check_same_config(run_dir, cells[i].config);
    // eval.every > 0 (from --set) also writes eval.json mid-run: only the final step's counts.
    if (evaluated_step(run_dir.string()) == cells[i].config.train.steps) {
      by_cell[i] = read_eval(cells[i], run_dir / "eval.json");
      if (progress) print_score(label_of(cells[i], i, cells.size()), *by_cell[i]);
    } else {
      unfinished.push_back(i);
    }
  }
  return unfinished;
}

// {"steps", "episodes", "mode", "runs": [{"env", "dataset", "backbone", "seed", "scores", "targets"}]}
std::string scores_json(const config::Config& first, const std::vector<CellResult>& results) {
  json::Writer w;
  w.begin_object().field("steps", first.train.steps).field("episodes", first.eval.episodes);
  w.field("mode", first.eval.mode).key("runs").begin_array();
  for (const auto& r : results) {
    w.begin_object().field("env", r.cell.env).field("dataset", r.cell.dataset).field("backbone", r.cell.backbone);
    w.field("seed", r.cell.seed).field("scores", r.scores).field("targets", r.targets).end_object();
  }
  return w.end_array().end_object().str() + "\n";
}

// One Markdown table per target: a row per env-dataset, a column per backbone, mean ± std over
// seeds, and the average over the grid's rows where every cell is complete.
void print_score_tables(const Grid& grid, const config::Config& first, const std::vector<CellResult>& results) {
  std::cout << "D4RL-normalized score, " << (grid.seeds.size() == 1 ? "one seed" : "mean ± std over seeds") << "; "
            << first.train.steps << " training steps, " << first.eval.episodes << " episodes per target and seed, "
            << first.eval.mode << " mode\n";
  const size_t n_targets = results.front().targets.size();
  const size_t rows = grid.envs.size() * grid.datasets.size();
  for (size_t k = 0; k < n_targets; ++k) {
    std::cout << "\n| dataset | target |";
    for (const auto& b : grid.backbones) std::cout << " " << b << " |";
    std::cout << "\n|---|---|";
    for (size_t b = 0; b < grid.backbones.size(); ++b) std::cout << "---|";
    std::cout << "\n";
    std::map<std::string, std::vector<double>> per_backbone_average;
    for (const auto& env : grid.envs) {
      for (const auto& ds : grid.datasets) {
        double target = 0;
        std::cout << "| " << env << "-" << ds << " |";
        std::ostringstream cells_text;
        for (const auto& b : grid.backbones) {
          std::vector<double> xs;
          for (const auto& r : results) {
            if (r.cell.env == env && r.cell.dataset == ds && r.cell.backbone == b && k < r.scores.size()) {
              xs.push_back(r.scores[k]);
              target = r.targets[k];
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
        std::cout << " " << (target_text.str() == "0" ? "–" : target_text.str()) << " |" << cells_text.str() << "\n";
      }
    }
    if (rows > 1) {
      std::cout << "| average | |";
      for (const auto& b : grid.backbones) {
        const auto& means = per_backbone_average[b];
        if (means.size() < rows) {  // an average over part of the grid would mislead
          std::cout << " – |";
          continue;
        }
        std::cout << " " << std::fixed << std::setprecision(1) << mean_std(means).mean << " |";
      }
      std::cout << "\n";
    }
  }
}

}  // namespace

int run_sweep(const ParsedArgs& args) {
  Grid grid;
  grid.envs = parse_names(args.text("envs"), "mindt sweep", "envs", "env", config::kEnvs);
  grid.datasets = parse_names(args.text("datasets"), "mindt sweep", "datasets", "dataset", kDatasets);
  grid.backbones = parse_names(args.text("backbones"), "mindt sweep", "backbones", "backbone", config::kBackbones);
  grid.seeds = parse_integers(args.text("seeds"), "mindt sweep", "seeds", 0);
  const fs::path configs_dir = args.value_or("configs", std::string(MINDT_SOURCE_DIR) + "/configs");
  const fs::path out_dir = args.text("out");
  const int64_t jobs = args.int_value("jobs");
  if (jobs < 1) throw UsageError("mindt sweep: --jobs must be at least 1, got " + std::to_string(jobs));

  const std::vector<Cell> cells = make_cells(grid, configs_dir, args.text("data-dir"), budget_overrides(args));
  const config::Config& first = cells.front().config;
  if (first.eval.episodes < 1) throw UsageError("mindt sweep: eval.episodes must be at least 1 (--episodes)");
  const bool progress = !args.flag("quiet");
  const bool report_only = args.flag("report");  // the table of the runs finished so far; trains nothing
  if (progress) {
    std::cerr << "[sweep] " << cells.size() << " runs (" << grid.envs.size() << " envs × " << grid.datasets.size()
              << " datasets × " << grid.backbones.size() << " backbones × " << grid.seeds.size() << " seeds), "
              << first.train.steps << " steps each, " << first.eval.episodes << " episodes per target, in "
              << out_dir.string() << (jobs > 1 ? ", " + std::to_string(jobs) + " at a time" : "") << "\n";
  }

  // Finished runs are read back; the others are trained, one at a time or --jobs at once.
  std::vector<std::optional<CellResult>> by_cell(cells.size());
  std::vector<size_t> to_train = read_finished(cells, out_dir, progress, by_cell);
  if (report_only) to_train.clear();
  {
    CtrlC ctrl_c;
    const int status = jobs > 1 ? train_in_children(cells, to_train, out_dir, static_cast<size_t>(jobs), progress, by_cell)
                                : train_in_process(cells, to_train, out_dir, progress, by_cell);
    if (status == 130) {
      std::cerr << "interrupted; run the same command again to continue the sweep where it stopped\n";
      return 130;
    }
  }
  std::vector<CellResult> results;
  for (auto& r : by_cell) {
    if (r) results.push_back(std::move(*r));
  }
  if (results.empty()) {
    std::cout << "no finished runs in " << out_dir.string() << " for this grid yet\n";
    return 0;
  }
  const std::string json = scores_json(first, results);
  if (auto out = args.value("json-out")) write_text_atomically(*out, json);
  if (args.flag("json")) {
    std::cout << json;
    return 0;
  }
  print_score_tables(grid, first, results);
  return 0;
}

}  // namespace mindt::cli
