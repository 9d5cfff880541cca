// The Slurm launcher: a sweep's unfinished cells as one sbatch job array, one array task per cell.
//
// Each submission writes OUT/slurm/sweep-<n>.sbatch (readable: it lists its cells) and records the
// job in OUT/slurm/jobs.json; array task I runs the task command with its cells appended (`mindt sweep …
// --cell I`, or `--cell I,J,K` for seeds packed in one run), which trains exactly those cells — resumable, its outputs
// atomic — and appends its output to OUT/slurm/cell-I.log. Submitting again submits only the cells neither finished nor
// still queued or running, so a task that was killed, failed or timed out is resubmitted and resumes its checkpoint.
// What is finished is read from the run directories, wherever the tasks ran.
//
// squeue (`--me`) says which tasks are queued or running; the cluster's accounting is not needed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agents/sweep/launcher.h"

namespace mindt::sweep {

// One `--slurm-opt KEY=VALUE`: the script's `#SBATCH --KEY=VALUE` line (`KEY=` for a flag).
struct SbatchOption {
  std::string key, value;
};
// Throws std::invalid_argument saying what is wrong: no '=', a malformed key, or one the launcher
// sets itself (array, output, error, open-mode, chdir, parsable, wrap).
SbatchOption parse_sbatch_option(const std::string& text);

struct SlurmSettings {
  std::vector<SbatchOption> sbatch_options;
  std::vector<std::string> task_command;  // trains the cells given last ("I" or "I,J,K")
  std::filesystem::path working_dir;      // the tasks' --chdir, so relative paths mean the same there
  bool wait = false;                      // after submitting, wait for the tasks to end
  std::chrono::milliseconds poll_interval{5000};
};

// The job-array script with one task per entry of `tasks` (cells trained together: one, or seed
// siblings packed; indices into runs.cells), each task's id its first cell.
std::string sbatch_script(const SweepRuns& runs, const std::vector<std::vector<size_t>>& tasks,
                          const SlurmSettings& settings);
std::filesystem::path slurm_dir_of(const std::filesystem::path& out_dir);  // OUT/slurm
std::filesystem::path cell_log_of(const std::filesystem::path& out_dir, size_t index);

class SlurmLauncher : public Launcher {
 public:
  // Checks that sbatch and squeue are on PATH (throws saying so, before anything is written).
  explicit SlurmLauncher(SlurmSettings settings);
  LaunchOutcome launch(const SweepRuns& runs, const std::vector<size_t>& to_train,
                       std::vector<std::optional<CellResult>>& results) override;

 private:
  SlurmSettings settings_;
};

// For a report: a line per unfinished cell a Slurm job was given — queued or running in job J, or
// ended without finishing with its log's path — and how many such cells ended; empty when the
// sweep never used Slurm. Without squeue on this machine, says it cannot tell queued from ended.
struct SlurmReport {
  std::string text;
  size_t ended = 0;  // submitted, not queued or running, not finished: failed, killed or timed out
};
SlurmReport slurm_report(const SweepRuns& runs, const std::vector<size_t>& unfinished);

}  // namespace mindt::sweep
