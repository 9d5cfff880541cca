#include "common/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace mindt {

ChildProcess ChildProcess::start(const std::string& executable, const std::vector<std::string>& arguments,
                                 const std::string& log_path, const std::vector<std::string>& environment) {
  static const char kExecFailed[] = "mindt: could not start a child process (exec failed)\n";
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& extra : environment) replaced = replaced || extra.substr(0, extra.find('=')) == name;
    if (!replaced) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), environment.begin(), environment.end());

  // Everything the child needs is built before fork(): between fork and exec only async-signal-safe
  // calls are allowed in a process that may have other threads.
  std::vector<char*> argv{const_cast<char*>(executable.c_str())};
  for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error(log_path + ": cannot open for writing (" + std::strerror(errno) + ")");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error(std::string("cannot start a child process: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGINT);
    if (::getppid() != parent) ::_exit(130);  // the parent died before prctl took effect
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(executable.c_str(), argv.data(), envp.data());
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, kExecFailed, sizeof kExecFailed - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  return ChildProcess(pid);
}

std::optional<int> ChildProcess::poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == 0) return std::nullopt;
  if (done < 0)
    throw std::runtime_error("waiting for child process " + std::to_string(pid_) + ": " + std::strerror(errno));
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

void ChildProcess::interrupt() {
  if (!exit_code_) ::kill(pid_, SIGINT);
}

std::string last_lines(const std::string& path, int lines) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::deque<std::string> kept;
  std::string line;
  for (char c : text) {
    if (c != '\n' && c != '\r') {
      line += c;
      continue;
    }
    if (!line.empty()) kept.push_back(line);
    if (static_cast<int>(kept.size()) > lines) kept.pop_front();
    line.clear();
  }
  if (!line.empty()) kept.push_back(line);
  if (static_cast<int>(kept.size()) > lines) kept.pop_front();
  std::ostringstream out;
  for (const auto& l : kept) out << "  " << l << "\n";
  return out.str();
}

}  // namespace mindt
