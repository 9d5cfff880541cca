#include "common/trial_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "common/errors.h"

namespace mindt {
namespace {

// The child's report: a kind byte (0 ok, 1 DataError, 2 other), then the message.
void report(int fd, char kind, const std::string& message) {
  std::string bytes(1, kind);
  bytes += message;
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += size_t(n);
  }
}

}  // namespace

void trial_run(const std::string& subject, const std::string& library, const std::function<void()>& work) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("trial_run: pipe() failed: " + std::string(std::strerror(errno)));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("trial_run: fork() failed: " + std::string(std::strerror(errno)));
  }
  if (child == 0) {
    ::close(fds[0]);
    char kind = 0;
    std::string message;
    try {
      work();
    } catch (const DataError& e) {
      kind = 1, message = e.what();
    } catch (const std::exception& e) {
      kind = 2, message = e.what();
    }
    report(fds[1], kind, message);
    ::_exit(0);  // no destructors or atexit handlers: they belong to the parent
  }
  ::close(fds[1]);
  std::string bytes;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) bytes.append(buffer, size_t(n));
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    throw DataError(subject + ": damaged: reading it crashed " + library + " (signal " + std::to_string(signal) + ", " +
                    strsignal(signal) + ")");
  }
  if (bytes.empty()) {  // exited without reporting: a sanitizer's report, an exit() inside the library
    throw DataError(subject + ": damaged: reading it ended the process (exit code " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ") inside " + library);
  }
  if (bytes[0] == 1) throw DataError(bytes.substr(1));
  if (bytes[0] == 2) throw std::runtime_error(bytes.substr(1));
}

}  // namespace mindt
