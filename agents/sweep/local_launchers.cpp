// The launchers that train on this machine: in this process, and as `mindt train` children.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "agents/sweep/launcher.h"
#include "agents/trainer.h"
#include "common/child_process.h"

namespace mindt::sweep {

namespace fs = std::filesystem;

std::string cell_label(const SweepRuns& runs, size_t index) {
  const Cell& cell = runs.cells[index];
  return "[sweep " + std::to_string(index + 1) + "/" + std::to_string(runs.cells.size()) + "] " + cell.experiment() +
         " " + cell.backbone + " seed " + std::to_string(cell.seed);
}

void print_cell_score(const std::string& label, const CellResult& r) {
  std::cerr << label << ": normalized " << std::fixed << std::setprecision(1) << r.scores[0] << " at target "
            << std::setprecision(0) << r.targets[0] << "\n";
}

namespace {

// A cell a task is given may have finished already (a resubmitted task): its scores then, read
// back, after refusing a run directory of another config.
std::optional<CellResult> finished_before(const SweepRuns& runs, size_t index) {
  const Cell& cell = runs.cells.at(index);
  const fs::path run_dir = run_dir_of(runs.out_dir, cell);
  if (fs::exists(run_dir / "config.yaml")) check_same_config(run_dir, cell.config);
  if (evaluated_step(run_dir.string()) != cell.config.train.steps) return std::nullopt;
  CellResult done = read_eval(cell, run_dir / "eval.json");
  if (runs.progress) print_cell_score(cell_label(runs, index) + " (finished before)", done);
  return done;
}

}  // namespace

std::optional<CellResult> train_cell(const SweepRuns& runs, size_t index) {
  if (auto done = finished_before(runs, index)) return done;
  const Cell& cell = runs.cells.at(index);
  const fs::path run_dir = run_dir_of(runs.out_dir, cell);
  const std::string label = cell_label(runs, index);
  TrainOptions options;
  options.run_dir = run_dir.string();
  options.progress = runs.progress;
  options.should_stop = runs.should_stop;
  options.resume = prepare_run_dir(run_dir);
  if (runs.progress) std::cerr << label << (options.resume ? ": resuming\n" : ": training\n");
  // Trains what is left and evaluates at the end into eval.json (a run stopped during that
  // evaluation resumes into it).
  if (train(cell.config, options).interrupted) return std::nullopt;
  CellResult result = read_eval(cell, run_dir / "eval.json");
  if (runs.progress) print_cell_score(label, result);
  return result;
}

namespace {

bool same_but_seed(const Cell& a, const Cell& b) {
  return a.suite == b.suite && a.env == b.env && a.dataset == b.dataset && a.backbone == b.backbone;
}

}  // namespace

std::vector<std::vector<size_t>> training_units(const SweepRuns& runs, const std::vector<size_t>& cells) {
  std::vector<std::vector<size_t>> units;
  for (size_t i : cells) {
    auto unit = std::find_if(units.begin(), units.end(), [&](const std::vector<size_t>& u) {
      return runs.pack_seeds && same_but_seed(runs.cells[u.front()], runs.cells[i]);
    });
    if (unit == units.end()) {
      units.push_back({i});
    } else {
      unit->push_back(i);
    }
  }
  return units;
}

std::vector<size_t> unit_of(const SweepRuns& runs, size_t index) {
  if (!runs.pack_seeds) return {index};
  std::vector<size_t> unit;
  for (size_t i = 0; i < runs.cells.size(); ++i) {
    if (same_but_seed(runs.cells[i], runs.cells.at(index))) unit.push_back(i);
  }
  return unit;
}

bool train_unit(const SweepRuns& runs, const std::vector<size_t>& unit,
                std::vector<std::optional<CellResult>>& results) {
  if (unit.size() == 1) {
    results[unit.front()] = train_cell(runs, unit.front());
    return results[unit.front()].has_value();
  }
  // The members still to train; finished ones (a resubmitted unit) are read back.
  std::vector<size_t> members;
  std::vector<int64_t> seeds;
  PackedTrainOptions options;
  for (size_t i : unit) {
    if ((results[i] = finished_before(runs, i))) continue;
    const Cell& cell = runs.cells[i];
    const fs::path run_dir = run_dir_of(runs.out_dir, cell);
    members.push_back(i);
    seeds.push_back(cell.seed);
    options.run_dirs.push_back(run_dir.string());
    options.resume.push_back(prepare_run_dir(run_dir));
    if (runs.progress)
      std::cerr << cell_label(runs, i) << (options.resume.back() ? ": resuming" : ": training") << "\n";
  }
  if (members.empty()) return true;
  if (runs.progress && members.size() > 1) std::cerr << "[sweep] " << members.size() << " seeds packed in one run\n";
  options.progress = runs.progress;
  options.should_stop = runs.should_stop;
  const config::Config& config = runs.cells[members.front()].config;
  if (train_seeds(config, seeds, options).front().interrupted) return false;
  for (size_t i : members) {
    results[i] = read_eval(runs.cells[i], run_dir_of(runs.out_dir, runs.cells[i]) / "eval.json");
    if (runs.progress) print_cell_score(cell_label(runs, i), *results[i]);
  }
  return true;
}

LaunchOutcome InProcessLauncher::launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                                        std::vector<std::optional<CellResult>>& results) {
  for (const auto& unit : training_units(runs, to_train)) {
    if (!train_unit(runs, unit, results)) return LaunchOutcome::kInterrupted;
  }
  return LaunchOutcome::kDone;
}

namespace {

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

// The arguments of the `mindt train` that trains (or resumes) a cell into run_dir.
std::vector<std::string> train_arguments(const Cell& cell, const fs::path& run_dir, bool resume) {
  std::vector<std::string> arguments = {"train"};
  if (resume) {
    arguments.insert(arguments.end(), {"--resume", run_dir.string()});
    return arguments;
  }
  arguments.push_back(cell.preset.string());
  for (const auto& o : cell.overrides) arguments.insert(arguments.end(), {"--set", o});
  arguments.insert(arguments.end(), {"--out", run_dir.string()});
  return arguments;
}

}  // namespace

LaunchOutcome ChildProcessLauncher::launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                                           std::vector<std::optional<CellResult>>& results) {
  const std::vector<Cell>& cells = runs.cells;
  std::vector<std::string> environment;
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {  // share the cores instead of each child taking all of them
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    environment.push_back("OMP_NUM_THREADS=" + std::to_string(std::max<size_t>(1, cores / jobs_)));
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
  auto stop_all = [&] {
    stopping = true;
    for (auto& r : running) r.child.interrupt();
  };
  // The children's own progress lines go to their logs; this says where each stands now and then.
  auto last_status = std::chrono::steady_clock::now();
  auto print_status = [&] {
    std::cerr << "[sweep] in progress:";
    for (const auto& r : running) {
      const Cell& cell = cells[r.cell];
      const int64_t step = logged_step(run_dir_of(runs.out_dir, cell));
      std::cerr << (&r == &running.front() ? " " : "; ") << cell.experiment() << " " << cell.backbone << " seed "
                << cell.seed << " "
                << (step >= cell.config.train.steps
                        ? "evaluating"
                        : "step " + std::to_string(step) + "/" + std::to_string(cell.config.train.steps));
    }
    std::cerr << "\n";
  };
  while (may_start() || !running.empty()) {
    if (runs.progress && !running.empty() && std::chrono::steady_clock::now() - last_status > std::chrono::minutes(1)) {
      print_status();
      last_status = std::chrono::steady_clock::now();
    }
    // A terminal's Ctrl-C reaches the children too; a kill -INT of this process alone may not.
    if (runs.should_stop() && !stopping) stop_all();
    while (may_start() && running.size() < jobs_) {
      const size_t i = to_train[next++];
      const fs::path run_dir = run_dir_of(runs.out_dir, cells[i]);
      const bool resume = prepare_run_dir(run_dir);
      fs::create_directories(run_dir.parent_path());
      const std::string log = run_dir.string() + ".log";
      running.push_back(
          {i, ChildProcess::start(executable_, train_arguments(cells[i], run_dir, resume), log, environment), log});
      if (runs.progress)
        std::cerr << cell_label(runs, i) << (resume ? ": resuming" : ": training") << " (" << log << ")\n";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (auto it = running.begin(); it != running.end();) {
      const std::optional<int> code = it->child.poll();
      if (!code) {
        ++it;
        continue;
      }
      const std::string label = cell_label(runs, it->cell);
      if (*code == 0) {
        results[it->cell] = read_eval(cells[it->cell], run_dir_of(runs.out_dir, cells[it->cell]) / "eval.json");
        if (runs.progress) print_cell_score(label, *results[it->cell]);
      } else if (*code == 130) {  // stopped with a checkpoint: stop the others the same way
        if (!stopping) stop_all();
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
  return stopping ? LaunchOutcome::kInterrupted : LaunchOutcome::kDone;
}

}  // namespace mindt::sweep
