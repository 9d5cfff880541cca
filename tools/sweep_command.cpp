// `mindt sweep`: the D4RL-protocol score table. Trains the preset of every env × dataset × backbone
// × seed (configs/<env>-<dataset>-v2/<backbone>.yaml, with the budget overrides given), evaluates
// each final model and prints normalized mean ± std over seeds, one row per dataset, one column per
// backbone, as the paper's table has them. The grid, its run directories, the launchers and the
// report are agents/sweep/; this file reads the command line.
//
// A sweep is long, so it can be stopped and started again: every run lives in
// OUT/<env>-<dataset>-v2/<backbone>-seed<seed>; a run whose eval.json holds its final step is read,
// not redone; a run with a checkpoint is resumed; Ctrl-C checkpoints the run in progress.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "agents/sweep/grid.h"
#include "agents/sweep/launcher.h"
#include "agents/sweep/report.h"
#include "agents/sweep/slurm_launcher.h"
#include "common/atomic_file.h"
#include "configs/config.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

namespace fs = std::filesystem;

using sweep::Cell;
using sweep::CellResult;

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

// The options that define the grid and its runs, as given: what a Slurm task is started with, so
// that it builds the same cells (and `--cell I` names the same one).
const char* const kGridOptions[] = {"suite", "envs",     "datasets", "backbones", "seeds",   "steps", "warmup",
                                    "lr",    "episodes", "mode",     "data-dir",  "configs", "out"};

std::vector<std::string> slurm_task_command(const ParsedArgs& args) {
  std::vector<std::string> command = {fs::read_symlink("/proc/self/exe").string(), "sweep"};
  for (const char* name : kGridOptions) {
    if (auto v = args.value(name)) command.insert(command.end(), {std::string("--") + name, *v});
  }
  for (const auto& s : args.values("set")) command.insert(command.end(), {"--set", s});
  command.push_back("--cell");
  return command;
}

// The launcher the options ask for, every option checked before anything is trained or submitted.
std::unique_ptr<sweep::Launcher> make_launcher(const ParsedArgs& args) {
  const std::string launcher = args.text("launcher");
  const int64_t jobs = args.int_value("jobs");
  if (jobs < 1) throw UsageError("mindt sweep: --jobs must be at least 1, got " + std::to_string(jobs));
  if (launcher == "local") {
    if (!args.values("slurm-opt").empty()) throw UsageError("mindt sweep: --slurm-opt needs --launcher slurm");
    if (jobs > 1 && args.flag("pack-seeds")) {
      throw UsageError(
          "mindt sweep: --pack-seeds trains a unit's seeds in one process and --jobs spreads runs over "
          "processes; choose one");
    }
    if (args.flag("wait"))
      throw UsageError("mindt sweep: --wait needs --launcher slurm (the local launcher always waits)");
    if (jobs == 1) return std::make_unique<sweep::InProcessLauncher>();
    return std::make_unique<sweep::ChildProcessLauncher>(static_cast<size_t>(jobs), "/proc/self/exe");
  }
  if (launcher != "slurm")
    throw UsageError("mindt sweep: unknown --launcher '" + launcher + "' (expected local or slurm)");
  if (jobs != 1)
    throw UsageError("mindt sweep: --jobs is the local launcher's; under Slurm every cell is its own task");
  sweep::SlurmSettings settings;
  for (const auto& text : args.values("slurm-opt")) {
    try {
      settings.sbatch_options.push_back(sweep::parse_sbatch_option(text));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("mindt sweep: --slurm-opt: ") + e.what());
    }
  }
  settings.task_command = slurm_task_command(args);
  settings.working_dir = fs::current_path();
  settings.wait = args.flag("wait");
  settings.poll_interval = std::chrono::milliseconds(static_cast<int64_t>(args.number_value("poll") * 1000));
  return std::make_unique<sweep::SlurmLauncher>(std::move(settings));
}

// `--cell I[,J,...]`: train exactly those cells — several only as seeds packed in one run — as each
// Slurm array task does.
int run_cells(const sweep::SweepRuns& runs, const std::string& text) {
  const std::vector<int64_t> indices = parse_integers(text, "mindt sweep", "cell", 0);
  std::vector<size_t> unit;
  for (int64_t index : indices) {
    if (index >= static_cast<int64_t>(runs.cells.size())) {
      throw UsageError("mindt sweep: --cell expects cell indices from 0 to " + std::to_string(runs.cells.size() - 1) +
                       " (this grid has " + std::to_string(runs.cells.size()) + " cells), got " +
                       std::to_string(index));
    }
    unit.push_back(static_cast<size_t>(index));
  }
  const Cell& first = runs.cells[unit.front()];
  for (size_t i : unit) {
    const Cell& c = runs.cells[i];
    if (c.experiment() != first.experiment() || c.backbone != first.backbone) {
      throw UsageError("mindt sweep: --cell " + text +
                       ": cells trained together must be seeds of one experiment and "
                       "backbone (" +
                       first.experiment() + " " + first.backbone + " and " + c.experiment() + " " + c.backbone +
                       " are not)");
    }
  }
  CtrlC stop;  // Ctrl-C, or Slurm's SIGTERM at cancellation or the time limit: checkpoint and stop
  sweep::SweepRuns with_stop = runs;
  with_stop.should_stop = CtrlC::requested;
  with_stop.progress = true;
  std::vector<std::optional<CellResult>> results(runs.cells.size());
  return sweep::train_unit(with_stop, unit, results) ? 0 : 130;
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
  const bool report_only = args.flag("report");  // the table of the runs finished so far; trains nothing
  std::unique_ptr<sweep::Launcher> launcher = report_only || args.value("cell") ? nullptr : make_launcher(args);

  sweep::SweepRuns runs;
  runs.cells = sweep::make_cells(grid, configs_dir, args.value_or("data-dir", ""), budget_overrides(args));
  runs.out_dir = args.text("out");
  runs.progress = !args.flag("quiet");
  runs.pack_seeds = args.flag("pack-seeds");
  if (auto cell = args.value("cell")) return run_cells(runs, *cell);
  const std::vector<Cell>& cells = runs.cells;
  const config::Config& first = cells.front().config;
  if (first.eval.episodes < 1) throw UsageError("mindt sweep: eval.episodes must be at least 1 (--episodes)");
  if (runs.progress) {
    std::cerr << "[sweep] " << cells.size() << " runs (" << grid.envs.size() << " envs × " << grid.datasets.size()
              << " datasets × " << grid.backbones.size() << " backbones × " << grid.seeds.size() << " seeds), "
              << first.train.steps << " steps each, " << first.eval.episodes << " episodes per target, in "
              << runs.out_dir.string() << (args.int_value("jobs") > 1 ? ", " + args.text("jobs") + " at a time" : "")
              << "\n";
  }

  // Finished runs are read back; the others go to the launcher.
  std::vector<std::optional<CellResult>> by_cell(cells.size());
  const std::vector<size_t> unfinished = sweep::read_finished(cells, runs.out_dir, by_cell);
  for (size_t i = 0; i < cells.size(); ++i) {
    if (runs.progress && by_cell[i]) sweep::print_cell_score(sweep::cell_label(runs, i), *by_cell[i]);
  }
  if (launcher && !unfinished.empty()) {
    CtrlC ctrl_c;
    runs.should_stop = CtrlC::requested;
    const sweep::LaunchOutcome outcome = launcher->launch(runs, unfinished, by_cell);
    if (outcome == sweep::LaunchOutcome::kInterrupted) {
      std::cerr << "interrupted; run the same command again to continue the sweep where it stopped\n";
      return 130;
    }
    if (outcome == sweep::LaunchOutcome::kSubmitted) {
      std::cerr << "[sweep] submitted; the same command with --report shows the table of what has finished, with "
                   "--wait it waits for the tasks, and run again it resubmits the cells that ended unfinished\n";
      return 0;
    }
  }
  std::vector<size_t> still_unfinished;
  std::vector<CellResult> results;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (by_cell[i]) {
      results.push_back(std::move(*by_cell[i]));
    } else {
      still_unfinished.push_back(i);
    }
  }
  const sweep::SlurmReport slurm = sweep::slurm_report(runs, still_unfinished);
  if (results.empty()) {
    std::cout << "no finished runs in " << runs.out_dir.string() << " for this grid yet\n" << slurm.text;
  } else {
    const std::vector<sweep::TargetStatistics> statistics = sweep::report_statistics(grid, results);
    const std::string json = sweep::scores_json(first, results, statistics);
    if (auto out = args.value("json-out")) write_text_atomically(*out, json);
    if (auto plot = args.value("plot")) write_text_atomically(*plot, sweep::performance_profile_svg(grid, results));
    if (args.flag("json")) {
      std::cout << json;
      std::cerr << slurm.text;
    } else {
      std::cout << sweep::score_tables(grid, first, results, statistics);
      if (!slurm.text.empty()) std::cout << "\nNot finished:\n" << slurm.text;
    }
  }
  if (launcher && slurm.ended > 0) {  // waited under Slurm, and some tasks ended unfinished
    std::cerr << slurm.ended << (slurm.ended == 1 ? " cell" : " cells")
              << " did not finish (see the logs above); run the same command again to resubmit only those\n";
    return 1;
  }
  return 0;
}

}  // namespace mindt::cli
