// Fuzz target: a Minari dataset folder. The input is both of its files, framed as
//   [4 bytes: n, little-endian] [n bytes: data/metadata.json] [the rest: data/main_data.hdf5]
// so the fuzzer mutates the JSON and the HDF5 file together. It must load or fail with a
// DataError naming a file of the dataset.
#include <filesystem>

#include "common/errors.h"
#include "datasets/minari_io.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = mindt::fuzz::scratch_path("minari");
  static const bool made = std::filesystem::create_directories(dir + "/data") || true;
  (void)made;
  if (size < 4) return 0;
  const size_t json_size = std::min<size_t>(
      size - 4, uint32_t(data[0]) | uint32_t(data[1]) << 8 | uint32_t(data[2]) << 16 | uint32_t(data[3]) << 24);
  mindt::fuzz::write_bytes(dir + "/data/metadata.json", data + 4, json_size);
  mindt::fuzz::write_bytes(dir + "/data/main_data.hdf5", data + 4 + json_size, size - 4 - json_size);
  mindt::datasets::ReadOptions options;
  options.next_observations = true;
  mindt::fuzz::expect_only<mindt::DataError>(dir, [&] { mindt::datasets::read_minari(dir, options); });
  return 0;
}
