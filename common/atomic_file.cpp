#include "common/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mindt {
namespace {

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Flushes a file (or directory entry) to disk; best effort for directories, which some file
// systems refuse to open for syncing.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return directory;
  const bool ok = ::fsync(fd) == 0 || directory;
  ::close(fd);
  return ok;
}

}  // namespace

void remove_stale_temporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string prefix = target.filename().string() + ".tmp.";
  std::error_code error;
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) continue;
    const pid_t pid = pid_t(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its writer may still run
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  // The pid keeps two processes writing the same target from sharing a temporary file.
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  remove_stale_temporaries(path);
  try {
    write(temporary);
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  if (!sync_path(temporary, false)) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot flush " + temporary + " to disk: " + std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " + reason);
  }
  sync_path(parent_dir(path), true);
}

void write_folder_atomically(const std::string& dir, const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  const fs::path temporary = dir + ".tmp." + std::to_string(::getpid());
  remove_stale_temporaries(dir);
  fs::remove_all(temporary);
  try {
    fs::create_directories(temporary);
    write(temporary.string());
    if (!fs::path(dir).parent_path().empty()) fs::create_directories(fs::path(dir).parent_path());
    fs::rename(temporary, dir);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temporary, ignored);
    throw;
  }
}

void write_text_atomically(const std::string& path, const std::string& text) {
  write_atomically(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  });
}

}  // namespace mindt
