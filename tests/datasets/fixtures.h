// Small D4RL-format datasets built by the tests themselves.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"

namespace mindt::testing {

// A dataset whose episodes have the given lengths, each ended by a terminal (1) or timeout (2) flag,
// or 0 for none (an unfinished tail). Observation row r is (r, r + 0.25, …) so tests can tell which
// rows a window holds; actions and rewards are random.
inline datasets::D4rlDataset make_dataset(const std::vector<int64_t>& lengths, const std::vector<int>& ends,
                                          int64_t obs_dim = 3, int64_t act_dim = 2, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  datasets::D4rlDataset d;
  int64_t n = 0;
  for (int64_t len : lengths) n += len;
  d.observations = {std::vector<float>(n * obs_dim), n, obs_dim};
  d.actions = {std::vector<float>(n * act_dim), n, act_dim};
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t j = 0; j < obs_dim; ++j) d.observations.data[r * obs_dim + j] = float(r) + 0.25f * float(j);
    for (int64_t j = 0; j < act_dim; ++j) d.actions.data[r * act_dim + j] = uniform(rng);
    d.rewards.push_back(uniform(rng) + 1.f);
  }
  d.terminals.assign(n, 0);
  d.timeouts.assign(n, 0);
  int64_t row = 0;
  for (size_t e = 0; e < lengths.size(); ++e) {
    row += lengths[e];
    if (ends[e] == 1) d.terminals[row - 1] = 1;
    if (ends[e] == 2) d.timeouts[row - 1] = 1;
  }
  return d;
}

// make_dataset's data with its episodes split, as the samplers' tests take them.
struct SplitDataset {
  datasets::D4rlDataset data;
  std::vector<datasets::Episode> episodes;
  SplitDataset(const std::vector<int64_t>& lengths, const std::vector<int>& ends)
      : data(make_dataset(lengths, ends)),
        episodes(datasets::split_episodes(data.terminals, data.timeouts, data.rewards)) {}
};

}  // namespace mindt::testing
