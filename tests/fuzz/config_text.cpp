// Fuzz target: a YAML config with `--set` overrides, as `mindt train CONFIG --set k=v …` reads them.
// The input is the YAML text, then optionally a line "#--set" and one override per line after it.
// It must parse or fail with a ConfigError naming the file or the override ("--set …"), and what
// it parses must be written back (to_yaml, as a run saves its config) and read back unchanged.
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "configs/config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string marker = "\n#--set\n";
  const size_t split = input.find(marker);
  std::vector<std::string> overrides;
  if (split != std::string::npos) {
    size_t line = split + marker.size();
    while (line < input.size()) {
      const size_t end = std::min(input.find('\n', line), input.size());
      overrides.push_back(input.substr(line, end - line));
      line = end + 1;
    }
  }
  const std::string yaml = input.substr(0, split);
  std::optional<mindt::config::Config> config;
  mindt::fuzz::expect_only<mindt::ConfigError>(
      "fuzz.yaml", [&] { config = mindt::config::parse_config(yaml, "fuzz.yaml", overrides); }, "--set ");
  if (!config) return 0;
  // What a run saves to its folder must read back as the same config; any error here is a bug.
  const std::string written = mindt::config::to_yaml(*config);
  try {
    mindt::config::Config again = mindt::config::parse_config(written, "written back");
    if (mindt::config::to_yaml(again) == written) return 0;
    std::fprintf(stderr, "fuzz: the config does not read back as written:\n%s\n", written.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: the written config does not read back (%s):\n%s\n", e.what(), written.c_str());
  }
  std::abort();
}
