// What the training commands (`mindt train`, `mindt lm train`, …) say and name alike: a preset's
// name for its default run directory, and the message of a run stopped by Ctrl-C.
#pragma once

#include <cstdint>
#include <string>

namespace mindt::cli {

// A config file's preset name: "<folder>-<file stem>" (configs/hopper-medium-v2/mingru.yaml →
// "hopper-medium-v2-mingru"), the stem alone for a file directly in configs/ or the current folder.
std::string preset_name(const std::string& config_path);

// Prints "interrupted at step N; checkpoint C / resume with: COMMAND --resume RUN_DIR" on stderr and
// returns 130, the exit status of a process stopped by SIGINT.
int report_interrupted(int64_t step, const std::string& checkpoint, const std::string& command,
                       const std::string& run_dir);

}  // namespace mindt::cli
