#include "agents/sweep/slurm_launcher.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "agents/trainer.h"
#include "common/atomic_file.h"
#include "common/json.h"
#include "common/json_value.h"

namespace mindt::sweep {

namespace fs = std::filesystem;

SbatchOption parse_sbatch_option(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) {
    throw std::invalid_argument("'" + text + "' is not KEY=VALUE (an sbatch long option without its dashes, e.g. " +
                                "time=02:00:00, or KEY= for a flag)");
  }
  SbatchOption option{text.substr(0, eq), text.substr(eq + 1)};
  bool well_formed = !option.key.empty() && std::isalpha(static_cast<unsigned char>(option.key[0]));
  for (char c : option.key) well_formed = well_formed && (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
  if (!well_formed) {
    throw std::invalid_argument("'" + option.key + "' in '" + text +
                                "' is not an sbatch option name (letters, digits and '-', no leading dashes)");
  }
  if (option.value.find('\n') != std::string::npos) throw std::invalid_argument("'" + text + "' spans lines");
  static const std::set<std::string> ours = {"array", "output", "error", "open-mode", "chdir", "parsable", "wrap"};
  if (ours.count(option.key)) {
    throw std::invalid_argument("--" + option.key + " is set by the launcher itself (one array task per cell, " +
                                "its log in OUT/slurm/cell-<index>.log)");
  }
  return option;
}

fs::path slurm_dir_of(const fs::path& out_dir) { return out_dir / "slurm"; }
fs::path cell_log_of(const fs::path& out_dir, size_t index) {
  return slurm_dir_of(out_dir) / ("cell-" + std::to_string(index) + ".log");
}

namespace {

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string joined(const std::vector<size_t>& xs, const char* separator) {
  std::string out;
  for (size_t x : xs) out += (out.empty() ? "" : separator) + std::to_string(x);
  return out;
}

std::optional<fs::path> find_on_path(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    const fs::path candidate = fs::path(folder.empty() ? "." : folder) / tool;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

fs::path require_tool(const std::string& tool) {
  if (auto found = find_on_path(tool)) return *found;
  throw std::runtime_error("--launcher slurm: Slurm's " + tool +
                           " is not on PATH, so this machine cannot submit to a Slurm cluster (install Slurm's "
                           "client tools, run on the cluster's login node, or use the local launcher); nothing was "
                           "submitted");
}

struct CommandOutput {
  int exit_code = 0;
  std::string text;  // stdout and stderr together
};

CommandOutput run_command(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + shell_quoted(a);
  line += " 2>&1";
  FILE* pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + argv.front());
  CommandOutput out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.text.append(buffer, n);
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// OUT/slurm/jobs.json: every submission of this sweep, oldest first.
struct Submission {
  std::string job;
  std::vector<std::vector<size_t>> tasks;  // each array task's cells (task id: its first cell)
  std::string script;
};

fs::path record_path(const fs::path& out_dir) { return slurm_dir_of(out_dir) / "jobs.json"; }

std::vector<Submission> read_submissions(const fs::path& out_dir) {
  const fs::path path = record_path(out_dir);
  std::vector<Submission> submissions;
  if (!fs::exists(path)) return submissions;
  try {
    const json::Value root = json::parse_file(path.string());
    for (const json::Value& s : root.at("submissions").as_array()) {
      Submission submission{s.at("job").as_string(), {}, s.at("script").as_string()};
      if (const json::Value* cells = s.find("cells");
          cells && !s.find("tasks")) {  // one cell per task, as first written
        for (const json::Value& c : cells->as_array())
          submission.tasks.push_back({static_cast<size_t>(c.as_integer())});
      } else {
        for (const json::Value& task : s.at("tasks").as_array()) {
          std::vector<size_t> task_cells;
          for (const json::Value& c : task.as_array()) task_cells.push_back(static_cast<size_t>(c.as_integer()));
          if (task_cells.empty()) throw std::invalid_argument("a task with no cells");
          submission.tasks.push_back(std::move(task_cells));
        }
      }
      submissions.push_back(std::move(submission));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": not a readable record of Slurm submissions (" + e.what() + ")");
  }
  return submissions;
}

void write_submissions(const fs::path& out_dir, const std::vector<Submission>& submissions) {
  json::Writer w;
  w.begin_object().key("submissions").begin_array(true);
  for (const auto& s : submissions) {
    w.begin_object().field("job", s.job).key("tasks").begin_array();
    for (const auto& task : s.tasks) {
      w.begin_array();
      for (size_t c : task) w.value(static_cast<int64_t>(c));
      w.end_array();
    }
    w.end_array().field("script", s.script).end_object();
  }
  w.end_array().end_object();
  write_text_atomically(record_path(out_dir).string(), w.str() + "\n");
}

// squeue's view of this user's array tasks: (job, task) → state (PENDING, RUNNING, COMPLETING, …).
using Queue = std::map<std::pair<std::string, size_t>, std::string>;

Queue query_queue(const fs::path& squeue) {
  const CommandOutput out = run_command({squeue.string(), "--me", "--noheader", "--array", "--format=%F %K %T"});
  if (out.exit_code != 0) {
    throw std::runtime_error("squeue failed (exit code " + std::to_string(out.exit_code) + "): " + trimmed(out.text));
  }
  Queue queue;
  std::stringstream lines(out.text);
  std::string job, task, state;
  while (lines >> job >> task >> state) {
    char* end = nullptr;
    const unsigned long index = std::strtoul(task.c_str(), &end, 10);
    if (end != task.c_str() && *end == '\0') queue[{job, index}] = state;  // not an array task: "N/A"
  }
  return queue;
}

struct CellSlurmState {
  enum Kind { kNotSubmitted, kInQueue, kEnded } kind = kNotSubmitted;
  std::string job, queue_state;
};

// The latest submission of each cell and whether squeue still lists it.
CellSlurmState state_of(size_t cell, const std::vector<Submission>& submissions, const Queue* queue) {
  CellSlurmState state;
  for (auto s = submissions.rbegin(); s != submissions.rend(); ++s) {
    for (const auto& task : s->tasks) {
      if (std::find(task.begin(), task.end(), cell) == task.end()) continue;
      if (state.kind == CellSlurmState::kNotSubmitted) {
        state.kind = CellSlurmState::kEnded;
        state.job = s->job;
      }
      if (queue) {
        if (auto q = queue->find({s->job, task.front()}); q != queue->end())
          return {CellSlurmState::kInQueue, s->job, q->second};
      }
    }
  }
  return state;
}

bool finished(const SweepRuns& runs, size_t index) {
  return evaluated_step(run_dir_of(runs.out_dir, runs.cells[index]).string()) == runs.cells[index].config.train.steps;
}

std::string queue_word(const std::string& state) { return state == "PENDING" ? "queued" : "running"; }

}  // namespace

std::string sbatch_script(const SweepRuns& runs, const std::vector<std::vector<size_t>>& tasks,
                          const SlurmSettings& settings) {
  const fs::path out_dir = fs::absolute(runs.out_dir);
  std::vector<size_t> ids;
  bool packed = false;
  for (const auto& task : tasks) {
    ids.push_back(task.front());
    packed = packed || task.size() > 1;
  }
  std::ostringstream s;
  s << "#!/bin/bash\n";
  bool named = false;
  for (const auto& o : settings.sbatch_options) named = named || o.key == "job-name";
  if (!named) s << "#SBATCH --job-name=mindt-sweep\n";
  s << "#SBATCH --array=" << joined(ids, ",") << "\n"
    << "#SBATCH --output=" << (slurm_dir_of(out_dir) / "cell-%a.log").string() << "\n"
    << "#SBATCH --open-mode=append\n"
    << "#SBATCH --chdir=" << fs::absolute(settings.working_dir).string() << "\n";
  for (const auto& o : settings.sbatch_options)
    s << "#SBATCH --" << o.key << (o.value.empty() ? "" : "=" + o.value) << "\n";
  s << "#\n# Written by `mindt sweep --launcher slurm`. Array task I trains "
    << (packed ? "cell I and its seed siblings packed in one run" : "cell I") << " of the sweep into its run\n"
    << "# directory (resuming a checkpoint where there is one) and appends its output to cell-I.log here:\n";
  for (const auto& task : tasks) {
    for (size_t i : task) {
      const Cell& c = runs.cells[i];
      s << "#   " << (i == task.front() ? "task " + std::to_string(i) : std::string("     ")) << ": cell " << i << " "
        << c.experiment() << " " << c.backbone << " seed " << c.seed << " -> " << run_dir_of(runs.out_dir, c).string()
        << "\n";
    }
  }
  s << "set -eu\n"
    << "# The CPUs Slurm gave the task, unless OMP_NUM_THREADS was set when the job was submitted.\n"
    << "export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}\n"
    << "echo \"[slurm] job ${SLURM_ARRAY_JOB_ID} task ${SLURM_ARRAY_TASK_ID} on $(hostname), $(date -u)\"\n";
  std::string cells = "\"$SLURM_ARRAY_TASK_ID\"";
  if (packed) {
    s << "case $SLURM_ARRAY_TASK_ID in\n";
    for (const auto& task : tasks) s << "  " << task.front() << ") cells=" << joined(task, ",") << " ;;\n";
    s << "  *) echo \"task $SLURM_ARRAY_TASK_ID is not in this script\" >&2; exit 2 ;;\nesac\n";
    cells = "\"$cells\"";
  }
  s << "exec";
  for (const auto& a : settings.task_command) s << " " << shell_quoted(a);
  s << " " << cells << "\n";
  return s.str();
}

SlurmLauncher::SlurmLauncher(SlurmSettings settings) : settings_(std::move(settings)) {
  require_tool("sbatch");
  require_tool("squeue");
}

LaunchOutcome SlurmLauncher::launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                                    std::vector<std::optional<CellResult>>& results) {
  const fs::path sbatch = require_tool("sbatch"), squeue = require_tool("squeue");
  const fs::path slurm_dir = slurm_dir_of(runs.out_dir);
  std::error_code error;
  fs::create_directories(slurm_dir, error);
  if (error) {
    throw std::runtime_error("cannot write the sweep's folder " + slurm_dir.string() + " (" + error.message() +
                             "); nothing was submitted");
  }
  std::vector<Submission> submissions = read_submissions(runs.out_dir);
  Queue queue = query_queue(squeue);

  // Cells still queued or running from an earlier submission are left to it.
  std::vector<size_t> to_submit;
  for (size_t i : to_train) {
    const CellSlurmState state = state_of(i, submissions, &queue);
    if (state.kind == CellSlurmState::kInQueue) {
      if (runs.progress)
        std::cerr << cell_label(runs, i) << ": " << queue_word(state.queue_state) << " in Slurm job " << state.job
                  << "\n";
    } else {
      to_submit.push_back(i);
    }
  }
  if (!to_submit.empty()) {
    const std::vector<std::vector<size_t>> tasks = training_units(runs, to_submit);
    const fs::path script = slurm_dir / ("sweep-" + std::to_string(submissions.size() + 1) + ".sbatch");
    write_text_atomically(script.string(), sbatch_script(runs, tasks, settings_));
    const CommandOutput out = run_command({sbatch.string(), "--parsable", script.string()});
    const std::string job = trimmed(out.text.substr(0, out.text.find(';')));
    const bool numeric = !job.empty() && job.find_first_not_of("0123456789") == std::string::npos;
    if (out.exit_code != 0 || !numeric) {
      throw std::runtime_error("sbatch did not accept " + script.string() + " (exit code " +
                               std::to_string(out.exit_code) + "): " + trimmed(out.text) + "; nothing was submitted");
    }
    submissions.push_back({job, tasks, script.filename().string()});
    write_submissions(runs.out_dir, submissions);
    if (runs.progress) {
      std::cerr << "[sweep] submitted Slurm job " << job << ": " << tasks.size() << " array "
                << (tasks.size() == 1 ? "task" : "tasks") << " (cells " << joined(to_submit, ", ")
                << (tasks.size() < to_submit.size() ? ", seeds packed" : "") << ") from " << script.string()
                << "; their logs are " << (slurm_dir / "cell-<cell>.log").string() << "\n";
    }
  }
  if (!settings_.wait) return LaunchOutcome::kSubmitted;

  // Waiting: a cell's scores are read once its run has its final evaluation; the wait ends when no
  // task of this sweep is queued or running.
  auto last_status = std::chrono::steady_clock::now();
  while (true) {
    const auto wake = std::chrono::steady_clock::now() + settings_.poll_interval;
    while (std::chrono::steady_clock::now() < wake) {
      if (runs.should_stop()) {
        std::cerr << "[sweep] stopped waiting; the Slurm tasks go on (`mindt sweep … --report` shows what finished)\n";
        return LaunchOutcome::kInterrupted;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    queue = query_queue(squeue);
    size_t queued = 0, running = 0;
    for (size_t i : to_train) {
      const CellSlurmState state = state_of(i, submissions, &queue);
      if (state.kind == CellSlurmState::kInQueue) {
        ++(state.queue_state == "PENDING" ? queued : running);
      } else if (!results[i] && finished(runs, i)) {
        results[i] = read_eval(runs.cells[i], run_dir_of(runs.out_dir, runs.cells[i]) / "eval.json");
        if (runs.progress) print_cell_score(cell_label(runs, i), *results[i]);
      }
    }
    if (queued + running == 0) return LaunchOutcome::kDone;
    if (runs.progress && std::chrono::steady_clock::now() - last_status > std::chrono::minutes(1)) {
      std::cerr << "[sweep] Slurm: " << queued << " queued, " << running << " running\n";
      last_status = std::chrono::steady_clock::now();
    }
  }
}

SlurmReport slurm_report(const SweepRuns& runs, const std::vector<size_t>& unfinished) {
  SlurmReport report;
  const std::vector<Submission> submissions = read_submissions(runs.out_dir);
  if (submissions.empty()) return report;
  // A report may be read where Slurm is not (or its controller is down): it then says so.
  const std::optional<fs::path> squeue = find_on_path("squeue");
  std::optional<Queue> queue;
  std::string unknown_why = "squeue is not on this machine's PATH";
  if (squeue) {
    try {
      queue = query_queue(*squeue);
    } catch (const std::runtime_error& e) {
      unknown_why = e.what();
    }
  }
  std::ostringstream text;
  for (size_t i : unfinished) {
    const CellSlurmState state = state_of(i, submissions, queue ? &*queue : nullptr);
    if (state.kind == CellSlurmState::kNotSubmitted) continue;
    text << cell_label(runs, i) << ": ";
    if (state.kind == CellSlurmState::kInQueue) {
      text << queue_word(state.queue_state) << " in Slurm job " << state.job << "\n";
    } else if (!queue) {
      text << "submitted in Slurm job " << state.job
           << ", not finished (whether it is still queued is unknown: " << unknown_why << "); its log is "
           << cell_log_of(runs.out_dir, i).string() << "\n";
    } else {
      ++report.ended;
      text << "its task in Slurm job " << state.job << " ended without finishing (failed, killed or out of time); its "
           << "log is " << cell_log_of(runs.out_dir, i).string() << "\n";
    }
  }
  report.text = text.str();
  return report;
}

}  // namespace mindt::sweep
