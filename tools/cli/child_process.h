// A `mindt` subcommand run as a child process, for commands that spread independent runs over the
// cores (sweep --jobs). Separate processes rather than threads because a training run seeds and
// draws from LibTorch's process-wide generator: two runs in one process would interleave their
// random numbers and stop being reproducible from their seeds.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mindt::cli {

class ChildProcess {
 public:
  // Starts this executable with `arguments` (without argv[0]); its stdout and stderr are appended to
  // `log_path`; `environment` entries (NAME=value) are added to, or replace, the inherited ones. The
  // child gets SIGINT if this process dies, so a run always reaches its checkpoint.
  static ChildProcess start(const std::vector<std::string>& arguments, const std::string& log_path,
                            const std::vector<std::string>& environment = {});

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

}  // namespace mindt::cli
