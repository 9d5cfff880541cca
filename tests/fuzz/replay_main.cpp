// The fuzz targets as ordinary programs (the normal build has no libFuzzer): each argument, a file
// or a folder of files, is handed to LLVMFuzzerTestOneInput once. ctest replays the inputs kept in
// tests/fuzz/regressions/ this way, so a crash the fuzzer once found stays fixed — and so does an
// out-of-memory one: the process's peak memory is checked after each input against libFuzzer's
// limit as tools/fuzz.sh sets it (MINDT_REPLAY_RSS_MB, default 3072).
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux reports kilobytes
}

int replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
    return 1;
  }
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  const char* limit_text = std::getenv("MINDT_REPLAY_RSS_MB");
  const long limit = limit_text ? std::atol(limit_text) : 3072;
  if (peak_rss_mb() > limit) {
    std::fprintf(stderr, "replay: %s took the process to %ld MB, past the %ld MB limit (out of memory in the fuzzer)\n",
                 file.c_str(), peak_rss_mb(), limit);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...   (replays each input once)\n", argv[0]);
    return 2;
  }
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    if (!std::filesystem::exists(arg)) {
      std::fprintf(stderr, "replay: %s: no such file or folder\n", argv[i]);
      return 2;
    }
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
        if (replay(entry.path()) != 0) return 1;
        ++inputs;
      }
    } else {
      if (replay(arg) != 0) return 1;
      ++inputs;
    }
  }
  std::printf("replayed %d inputs, none crashed\n", inputs);
  return 0;
}
