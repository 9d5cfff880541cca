// Fuzz target: a SAC behaviour-policy file, loaded as `mindt data make --policy FILE` loads one. It
// must load or fail with a PolicyFileError naming the file.
#include "agents/sac/policy_file.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = mindt::fuzz::scratch_path("policy.pt");
  mindt::fuzz::write_bytes(path, data, size);
  mindt::fuzz::expect_only<mindt::sac::PolicyFileError>(path, [&] { mindt::sac::load_policy_file(path); });
  return 0;
}
