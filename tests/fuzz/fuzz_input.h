// What every fuzz target shares: the input written to a scratch file (mindt's readers take paths),
// and the rule that a loader may only fail with the error it documents. Any other exception — a
// std::bad_alloc from a size nobody checked, LibTorch's c10::Error without the file's name — is
// reported as a crash, like a signal or a sanitizer report.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <typeinfo>

namespace mindt::fuzz {

// A file only this process uses, on tmpfs where there is one (libFuzzer runs thousands of inputs a
// second; the disk should not see them).
inline std::string scratch_path(const std::string& name) {
  static const std::string dir = [] {
    const char* shm = "/dev/shm";
    return std::string(::access(shm, W_OK) == 0 ? shm : "/tmp");
  }();
  return dir + "/mindt-fuzz-" + std::to_string(::getpid()) + "-" + name;
}

inline void write_bytes(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  if (!out.flush()) {
    std::fprintf(stderr, "fuzz: cannot write the scratch file %s\n", path.c_str());
    std::abort();
  }
}

// Runs load(); returns normally when it succeeds or throws Expected (the documented error, whose
// message must name `source` or, when given, `other_source`), aborts on anything else.
template <class Expected, class Load>
void expect_only(const std::string& source, Load&& load, const std::string& other_source = "") {
  try {
    load();
  } catch (const Expected& e) {
    const std::string message = e.what();
    if (message.find(source) == std::string::npos &&
        (other_source.empty() || message.find(other_source) == std::string::npos)) {
      std::fprintf(stderr, "fuzz: the error does not name %s: %s\n", source.c_str(), e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: unexpected %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace mindt::fuzz
