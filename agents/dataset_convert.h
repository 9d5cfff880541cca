// Datasets from one format to the other (`mindt data convert`, `mindt data make --format minari`):
// a D4RL file ↔ a Minari dataset, the same episodes in both. Writing Minari needs what the data
// alone does not say — the env's gymnasium spec and spaces — which come from the env registry.
#pragma once

#include <cstdint>
#include <string>

#include "datasets/d4rl_dataset.h"

namespace mindt {

struct ConvertOptions {
  std::string env;         // the env the data belongs to; empty: from its metadata or sizes
  std::string dataset_id;  // a Minari output's id; empty: mindt/<env>/<name of OUT>-v0
  std::string algorithm;   // what made the data; empty: metadata/algorithm, else "unknown"
};

struct ConvertResult {
  std::string env, from_format, to_format;
  int64_t transitions = 0;
};

// "minari" when `path` names a Minari dataset (a folder or an id), "d4rl" for a .hdf5/.h5 file.
std::string dataset_format(const std::string& path);

// Writes `d` to `out`: a D4RL file when out ends in .hdf5/.h5, else a Minari dataset folder (which
// must not exist). Both are written atomically.
ConvertResult write_dataset(const std::string& out, const datasets::D4rlDataset& d, const ConvertOptions& options);

// Reads `in` (either format) and writes it to `out` (write_dataset).
ConvertResult convert_dataset(const std::string& in, const std::string& out, const ConvertOptions& options);

}  // namespace mindt
