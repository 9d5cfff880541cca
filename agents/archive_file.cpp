#include "agents/archive_file.h"

#include <torch/serialize/output-archive.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "common/atomic_file.h"

namespace mindt {

void save_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = std::move(bytes).str();
  write_atomically(path, [&](const std::string& temporary) {
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    const size_t written = std::fwrite(data.data(), 1, data.size(), file);
    const int write_error = written == data.size() ? 0 : errno;
    const bool closed = std::fclose(file) == 0;
    if (write_error != 0 || !closed) {
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(write_error ? write_error : errno));
    }
  });
}

}  // namespace mindt
