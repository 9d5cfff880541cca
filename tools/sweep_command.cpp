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
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <thread>

#include "agents/sweep/grid.h"
#include "agents/sweep/report.h"
#include "agents/trainer.h"
#include "common/atomic_file.h"
#include "configs/config.h"
#include "tools/cli/child_process.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

namespace fs = std::filesystem;

using sweep::Cell;
using sweep::CellResult;

std::string label_of(const Cell& cell, size_t index, size_t count) {
  return "[sweep " + std::to_string(index + 1) + "/" + std::to_string(count) + "] " + cell.experiment() + " " +
         cell.backbone + " seed " + std::to_string(cell.seed);
}

void print_score(const std::string& label, const CellResult& r) {
  std::cerr << label << ": normalized " << std::fixed << std::setprecision(1) << r.scores[0] << " at target "
            << std::setprecision(0) << r.targets[0] << "\n";
}

// One run after another in this process. Returns 130 when Ctrl-C stopped a run, else 0.
int train_in_process(const std::vector<Cell>& cells, const std::vector<size_t>& to_train, const fs::path& out_dir,
                     bool progress, std::vector<std::optional<CellResult>>& results) {
  for (size_t i : to_train) {
    const Cell& cell = cells[i];
    const fs::path run_dir = sweep::run_dir_of(out_dir, cell);
    const std::string label = label_of(cell, i, cells.size());
    TrainOptions options;
    options.run_dir = run_dir.string();
    options.progress = progress;
    options.should_stop = CtrlC::requested;
    options.resume = sweep::prepare_run_dir(run_dir);
    if (progress) std::cerr << label << (options.resume ? ": resuming\n" : ": training\n");
    // Trains what is left and evaluates at the end into eval.json (a run stopped during that
    // evaluation resumes into it). check_same_config made the run's own config equal to this one.
    if (train(cell.config, options).interrupted) return 130;
    results[i] = sweep::read_eval(cell, run_dir / "eval.json");
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
      const int64_t step = logged_step(sweep::run_dir_of(out_dir, cell));
      std::cerr << (&r == &running.front() ? " " : "; ") << cell.experiment() << " " << cell.backbone << " seed "
                << cell.seed << " "
                << (step >= cell.config.train.steps
                        ? "evaluating"
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
      const fs::path run_dir = sweep::run_dir_of(out_dir, cell);
      const bool resume = sweep::prepare_run_dir(run_dir);
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
      if (progress)
        std::cerr << label_of(cell, i, cells.size()) << (resume ? ": resuming" : ": training") << " (" << log << ")\n";
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
        results[it->cell] = sweep::read_eval(cell, sweep::run_dir_of(out_dir, cell) / "eval.json");
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
    throw std::runtime_error(std::to_string(failed.size()) + (failed.size() == 1 ? " run" : " runs") + " failed (see " +
                             failed.front() + (failed.size() > 1 ? " and the others above" : "") + ")");
  }
  return stopping ? 130 : 0;
}

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

}  // namespace

int run_sweep(const ParsedArgs& args) {
  sweep::Grid grid;
  try {
    grid.suite = sweep::parse_suite(args.text("suite"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("mindt sweep: --suite: ") + e.what());
  }
  grid.envs = parse_names(args.text("envs"), "mindt sweep", "envs", "env", sweep::env_names());
  const std::vector<std::string>& suite_datasets = sweep::dataset_names(grid.suite);
  std::string default_datasets;
  for (const auto& d : suite_datasets) default_datasets += (default_datasets.empty() ? "" : ",") + d;
  grid.datasets = parse_names(args.value_or("datasets", default_datasets), "mindt sweep", "datasets",
                              std::string(sweep::suite_name(grid.suite)) + " dataset", suite_datasets);
  grid.backbones = parse_names(args.text("backbones"), "mindt sweep", "backbones", "backbone", config::kBackbones);
  grid.seeds = parse_integers(args.text("seeds"), "mindt sweep", "seeds", 0);
  const fs::path configs_dir = args.value_or("configs", std::string(MINDT_SOURCE_DIR) + "/configs");
  const fs::path out_dir = args.text("out");
  const int64_t jobs = args.int_value("jobs");
  if (jobs < 1) throw UsageError("mindt sweep: --jobs must be at least 1, got " + std::to_string(jobs));

  const std::vector<Cell> cells =
      sweep::make_cells(grid, configs_dir, args.value_or("data-dir", ""), budget_overrides(args));
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
  std::vector<size_t> to_train = sweep::read_finished(cells, out_dir, by_cell);
  for (size_t i = 0; i < cells.size(); ++i) {
    if (progress && by_cell[i]) print_score(label_of(cells[i], i, cells.size()), *by_cell[i]);
  }
  if (report_only) to_train.clear();
  {
    CtrlC ctrl_c;
    const int status = jobs > 1
                           ? train_in_children(cells, to_train, out_dir, static_cast<size_t>(jobs), progress, by_cell)
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
  const std::vector<sweep::TargetStatistics> statistics = sweep::report_statistics(grid, results);
  const std::string json = sweep::scores_json(first, results, statistics);
  if (auto out = args.value("json-out")) write_text_atomically(*out, json);
  if (auto plot = args.value("plot")) write_text_atomically(*plot, sweep::performance_profile_svg(grid, results));
  if (args.flag("json")) {
    std::cout << json;
    return 0;
  }
  std::cout << sweep::score_tables(grid, first, results, statistics);
  return 0;
}

}  // namespace mindt::cli
