// A D4RL gym-MuJoCo dataset in memory, and its HDF5 reader and writer.
//
// File layout (D4RL v2; v1 is the same; v0 lacks `timeouts` and `next_observations`):
//   observations      float [N, obs_dim]        actions    float [N, act_dim]
//   rewards           float [N] (or [N, 1])     terminals  bool  [N]
//   timeouts          bool  [N]                 next_observations float [N, obs_dim]
//   infos/qpos [N, nq], infos/qvel [N, nv], infos/action_log_probs [N], …  (state *before* action t)
//   metadata/…        strings and scalars (nested groups allowed; arrays such as policy weights)
// The reader accepts the dtypes D4RL files come in (float32/float64 arrays; bool, integer or float
// flags) and keeps one float32 copy of what it loads. The writer produces this layout exactly as
// h5py would (float32 arrays, h5py's bool type, variable-length UTF-8 strings), gzip-compressed, and
// writes atomically.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/errors.h"

namespace mindt::datasets {

using mindt::DataError;

// A row-major float32 array [rows, cols] (cols = 1 for per-transition scalars).
struct Array2D {
  std::vector<float> data;
  int64_t rows = 0, cols = 0;
  const float* row(int64_t i) const { return data.data() + i * cols; }
};

using MetadataValue = std::variant<std::string, double, int64_t>;

struct D4rlDataset {
  Array2D observations, actions;
  std::vector<float> rewards;
  std::vector<uint8_t> terminals, timeouts;       // timeouts empty for v0 files
  Array2D next_observations;                      // rows = 0 when absent (v0) or not loaded
  std::map<std::string, Array2D> infos;           // "qpos", "qvel", … (when loaded)
  std::map<std::string, MetadataValue> metadata;  // "algorithm", "policy/return", … (strings and scalars)

  int64_t size() const { return observations.rows; }
  int64_t obs_dim() const { return observations.cols; }
  int64_t act_dim() const { return actions.cols; }

  // Throws DataError (prefixed by `source`) on length mismatches, NaN/inf, or an empty dataset.
  void validate(const std::string& source) const;
};

struct ReadOptions {
  bool next_observations = false;  // DT does not need them; load for tools that do
  bool infos = false;
  bool metadata = true;
};

D4rlDataset read_d4rl(const std::string& path, const ReadOptions& options = {});
// Either format: a D4RL file, or a Minari dataset folder or id (datasets/minari_io.h).
D4rlDataset read_dataset(const std::string& path_or_id, const ReadOptions& options = {});
// read_dataset after a trial read in a child process (common/trial_run.h): a file libhdf5 crashes
// on — a damaged one in HDF5's original format, as h5py writes by default — is a DataError
// naming it. Costs a second read; for commands that load once (train, data info, data convert).
D4rlDataset read_dataset_guarded(const std::string& path_or_id, const ReadOptions& options = {});
// Writes atomically (a temporary file, then rename). Validates first.
void write_d4rl(const std::string& path, const D4rlDataset& dataset);

}  // namespace mindt::datasets
