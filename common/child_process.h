// A `mindt` subcommand run as a child process, for work that spreads independent runs over the
// cores (a sweep's local launcher with --jobs). Separate processes rather than threads because a training run seeds and
// draws from LibTorch's process-wide generator: two runs in one process would interleave their
// random numbers and stop being reproducible from their seeds.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mindt {

class ChildProcess {
 public:
  // Starts `executable` with `arguments` (without argv[0]); its stdout and stderr are appended to
  // `log_path`; `environment` entries (NAME=value) are added to, or replace, the inherited ones. The
  // child gets SIGINT if this process dies, so a run always reaches its checkpoint. Pass
  // "/proc/self/exe" for the very binary this process runs, even if a rebuild has replaced the file
  // at its path since it started.
  static ChildProcess start(const std::string& executable, const std::vector<std::string>& arguments,
                            const std::string& log_path, const std::vector<std::string>& environment = {});

  // The exit code once the child has ended (128 + N if signal N ended it); nothing while it runs.
  std::optional<int> poll();
  // Asks the child to checkpoint and stop, as Ctrl-C would.
  void interrupt();
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> exit_code_;
};

// The last `lines` lines of a text file (progress lines written with '\r' count as lines), for
// showing why a child failed.
std::string last_lines(const std::string& path, int lines);

}  // namespace mindt
