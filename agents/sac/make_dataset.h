// D4RL's dataset qualities made in our envs (`mindt data make ENV-QUALITY`), the way D4RL made its
// own: random = uniform actions; medium, expert = rollouts of a behaviour policy; medium-expert =
// medium cut after its last finished episode, then expert (2N rows); medium-replay = the replay
// buffer of a SAC run up to its medium policy.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/d4rl_dataset.h"

namespace mindt::sac {

// "random", "medium", "medium-replay", "expert", "medium-expert".
const std::vector<std::string>& dataset_qualities();

struct DatasetName {
  std::string env, quality;
};

// "hopper-medium" or "hopper-medium-v2"; throws std::invalid_argument listing what is valid.
DatasetName parse_dataset_name(const std::string& name);

struct MakeOptions {
  DatasetName name;
  int64_t transitions = 1000000;  // rows (per part for medium-expert)
  uint64_t seed = 0;
  std::string policies_dir;   // the shipped behaviour policies (agents/behaviour_policies)
  std::string policy;         // the (medium) policy file instead of the shipped one
  std::string expert_policy;  // medium-expert: the expert policy file instead of the shipped one
  std::string sac_run;        // medium-replay: the SAC run whose replay buffer to use
  int64_t until = -1;         // medium-replay: keep the buffer's first rows (-1: all)
  // Progress of each rollout: what is being rolled out ("medium policy"), rows done and wanted.
  std::function<void(const std::string& what, int64_t done, int64_t total)> progress;
};

// The dataset with its metadata (env, quality, seed, the policy's step and return). Throws
// std::runtime_error naming the file for a missing or mismatched policy or replay buffer.
datasets::D4rlDataset make_dataset(const MakeOptions& options);

struct FinishedEpisodes {
  int64_t count = 0;
  double mean_return = 0;
};
// The episodes of a dataset that ended (terminated or timed out) and their mean return.
FinishedEpisodes finished_episodes(const datasets::D4rlDataset& d);

}  // namespace mindt::sac
