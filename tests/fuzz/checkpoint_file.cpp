// Fuzz target: a decision-model checkpoint, loaded as `mindt eval CHECKPOINT` loads one (the model
// rebuilt from the config stored inside it). It must load or fail with a CheckpointError naming the
// file.
#include "agents/checkpoint.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = mindt::fuzz::scratch_path("checkpoint.pt");
  mindt::fuzz::write_bytes(path, data, size);
  mindt::fuzz::expect_only<mindt::CheckpointError>(path, [&] { mindt::load_model(path); });
  return 0;
}
