// Fuzz target: a checkpoint, loaded as `mindt eval CHECKPOINT` loads a decision model and as `mindt
// lm sample CHECKPOINT` loads a language model (each rebuilt from the config stored inside it). Each
// loader must load the bytes or fail with a CheckpointError naming the file.
#include "agents/checkpoint.h"
#include "agents/lm_checkpoint.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = mindt::fuzz::scratch_path("checkpoint.pt");
  mindt::fuzz::write_bytes(path, data, size);
  mindt::fuzz::expect_only<mindt::CheckpointError>(path, [&] { mindt::load_model(path); });
  mindt::fuzz::expect_only<mindt::CheckpointError>(path, [&] { mindt::load_lm(path); });
  return 0;
}
