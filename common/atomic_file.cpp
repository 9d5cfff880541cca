#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  // The pid keeps two processes writing the same target from sharing a temporary file.
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
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

void write_text_atomically(const std::string& path, const std::string& text) {
  write_atomically(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  });
}

}  // namespace mindt
