#include "agents/archive_file.h"

#include <c10/util/Exception.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "common/atomic_file.h"
#include "common/zip_check.h"

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

std::string load_checked_archive(const std::string& path, torch::serialize::InputArchive& archive,
                                 const c10::Device& device) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "cannot open it";
  std::vector<char> bytes(size_t(std::max<std::streamoff>(in.tellg(), 0)));
  in.seekg(0);
  if (!in.read(bytes.data(), std::streamsize(bytes.size()))) return "cannot read it";
  std::string damage = zip_damage(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  if (damage.empty()) archive.load_from(bytes.data(), bytes.size(), device);
  return damage;
}

std::string error_text(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  const std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  return text.substr(0, text.find('\n'));
}

}  // namespace mindt
