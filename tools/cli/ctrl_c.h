// Ctrl-C as a request to stop, for commands that checkpoint before they exit (train, sac train):
// while a CtrlC object lives, SIGINT — and SIGTERM, which `kill` and Slurm (at scancel or a job's
// time limit) send — only set a flag that `requested()` reads; the previous handlers come back when
// it goes out of scope, on every path.
#pragma once

#include <csignal>

namespace mindt::cli {

class CtrlC {
 public:
  CtrlC();
  ~CtrlC();
  CtrlC(const CtrlC&) = delete;
  CtrlC& operator=(const CtrlC&) = delete;
  static bool requested();

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

}  // namespace mindt::cli
