// Fuzz target: a D4RL HDF5 file, read as `mindt train` and `mindt data info` read one (every key,
// next_observations and infos included). It must load or fail with a DataError naming the file.
#include "common/errors.h"
#include "datasets/d4rl_dataset.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = mindt::fuzz::scratch_path("d4rl.hdf5");
  mindt::fuzz::write_bytes(path, data, size);
  mindt::datasets::ReadOptions options;
  options.next_observations = true;
  options.infos = true;
  mindt::fuzz::expect_only<mindt::DataError>(path, [&] { mindt::datasets::read_d4rl(path, options); });
  return 0;
}
