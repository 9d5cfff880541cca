// The directory a long run lives in, shared by every trainer (decision model, SAC):
//
//   config.yaml    the resolved config the run was started with (written once, atomically)
//   log.jsonl      one JSON object per line, each with its "step"; appended as the run goes
//   checkpoint.pt  what the trainer needs to continue; the trainer writes it (atomically)
//
// A new run needs an absent or empty directory; a resumed one needs its checkpoint.pt, or — a run
// killed before its first checkpoint — its config.yaml alone, and then starts over from step 0.
// On resume, log lines past the checkpoint's step are dropped first: the resumed run redoes them.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace mindt {

class RunDirectory {
 public:
  // Checks that `path` can hold a new run (or, with resume, holds one to continue) and creates
  // nothing: the caller checks its inputs before anything is written. Throws std::runtime_error.
  RunDirectory(std::string path, bool resume);

  // A new run: creates the directory and `subfolders`, and writes config.yaml. Nothing on resume.
  void create(const std::string& config_yaml, const std::vector<std::string>& subfolders = {});
  // Opens log.jsonl for appending; on resume, first keeps only its lines up to `checkpoint_step`.
  void open_log(int64_t checkpoint_step);
  // Appends one JSON object as a line and flushes it (a killed run keeps every line it logged).
  void log(const std::string& json_object);

  // Resuming a run killed before its first checkpoint: it starts over from step 0 with its config.
  bool starts_over() const { return starts_over_; }
  // Resuming from checkpoint.pt (not a new run, not one starting over).
  bool has_checkpoint_to_resume() const { return resume_ && !starts_over_; }

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;  // path/name
  std::string checkpoint_path() const { return file("checkpoint.pt"); }

 private:
  std::string path_;
  bool resume_;
  bool starts_over_ = false;
  std::ofstream log_;
};

// Keeps the JSONL log lines whose "step" is ≤ step; rewritten atomically.
void truncate_log(const std::string& path, int64_t step);

}  // namespace mindt
