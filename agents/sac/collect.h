// Datasets made by rolling policies out in our envs, the way D4RL's collect_data.py made its own:
// whole episodes appended until the requested size, the last one cut (its rows carry no flag);
// actions sampled from the stochastic policy (or uniform for `random`); infos/qpos and infos/qvel the
// simulator state before each action; infos/action_log_probs the density of the taken action.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "agents/sac/networks.h"
#include "datasets/d4rl_dataset.h"

namespace mindt::sac {

struct CollectOptions {
  std::string env;
  int64_t transitions = 1000000;
  uint64_t seed = 0;
  int num_envs = 16;  // episodes run side by side; finished ones are appended in a fixed order
  std::function<void(int64_t done, int64_t total)> progress;  // called about once per second
};

// policy = nullptr: uniformly random actions.
datasets::D4rlDataset collect(TanhGaussianPolicyImpl* policy, const CollectOptions& options);

// D4RL's stitch_dataset: `first` cut after its last finished episode, then `second`, at most
// `max_rows` rows in all. Metadata is dropped (as D4RL's medium-expert files have none).
datasets::D4rlDataset stitch(const datasets::D4rlDataset& first, const datasets::D4rlDataset& second, int64_t max_rows);

// The first `rows` rows of a dataset (medium-replay: the replay buffer up to the medium policy).
datasets::D4rlDataset first_rows(const datasets::D4rlDataset& d, int64_t rows);

}  // namespace mindt::sac
