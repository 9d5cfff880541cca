// Minari datasets (Farama's successor to D4RL) read into the same in-memory D4rlDataset, so the
// sampler, statistics and returns-to-go downstream are the same for both formats.
//
// On disk (minari 0.5, HDF5 backend), a dataset is a folder holding
//   data/metadata.json   total_episodes, total_steps, data_format ("hdf5"), observation_space and
//                        action_space and env_spec (JSON inside strings, with Python's Infinity),
//                        dataset_id, optional ref_min_score / ref_max_score, …
//   data/main_data.hdf5  one group episode_<i> per episode (opened by name: iteration order is not
//                        numeric) with observations [N+1, d] (the reset observation first, the final
//                        one last), actions [N, a], rewards [N], terminations [N], truncations [N]
//                        (h5py's bool enum) and infos/ (may be empty).
// Episode i's N transitions become rows with observations 0…N−1, next_observations 1…N,
// terminals = terminations and timeouts = truncations.
//
// A dataset is named by its folder or by its id ("mujoco/hopper/medium-v0"), found the way Minari
// finds it: $MINARI_DATASETS_PATH (default ~/.minari/datasets)/<id>/data/metadata.json. Nothing is
// downloaded. Refused with a DataError naming the file and key: the arrow backend, spaces other
// than a 1-D Box, image observations, and data that disagrees with its metadata.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "datasets/d4rl_dataset.h"

namespace mindt::datasets {

// True when `path_or_id` names a Minari dataset rather than a D4RL file: a folder, or an id (a
// name that is not an existing file and does not end in .hdf5/.h5).
bool is_minari_source(const std::string& path_or_id);

// The dataset's folder (the one holding data/metadata.json); a DataError saying where it looked
// and how to get the dataset when there is none.
std::string minari_dataset_dir(const std::string& path_or_id);

// A Minari dataset's own reference returns (ref_min_score, ref_max_score), read from its
// metadata.json alone; nothing for a D4RL file or a dataset without them.
std::optional<std::pair<double, double>> minari_reference_scores(const std::string& path_or_id);

// metadata/… of the result: env (env_spec.id, e.g. "Hopper-v5"), minari/dataset_id,
// minari/ref_min_score and minari/ref_max_score when the dataset has them.
D4rlDataset read_minari(const std::string& path_or_id, const ReadOptions& options = {});

// What a written Minari dataset's metadata.json says beyond the data itself; the JSON texts are
// what Minari stores inside strings (gymnasium's EnvSpec and space serialisations).
struct MinariInfo {
  std::string dataset_id;         // "mindt/hopper/medium-v0"
  std::string env_spec;           // gymnasium EnvSpec JSON
  std::string observation_space;  // {"type": "Box", "dtype": "float32", "shape": [d], "low": …, "high": …}
  std::string action_space;
  std::string algorithm_name;  // what made the data
  std::optional<double> ref_min_score, ref_max_score;
};

// Writes `d` as a Minari dataset in folder `dir` (which must not exist): data/main_data.hdf5 with a
// group per episode (observations with the final one appended from next_observations, so the
// dataset must have them; an unfinished tail becomes an episode truncated at its last step, as
// Minari does) and data/metadata.json. Written beside `dir` and renamed into place, so a failed or
// killed write leaves nothing under `dir`.
void write_minari(const std::string& dir, const D4rlDataset& d, const MinariInfo& info);

}  // namespace mindt::datasets
