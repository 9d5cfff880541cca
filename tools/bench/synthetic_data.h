// A hopper-shaped dataset for the benchmarks: D4RL's v2 arrays with random values, episodes of
// 200–1000 steps (the 1000-step ones timed out, the others terminated), infos/qpos and qvel.
#pragma once

#include <cstdint>

#include "datasets/d4rl_dataset.h"

namespace mindt::bench {

datasets::D4rlDataset synthetic_hopper(int64_t transitions);

}  // namespace mindt::bench
