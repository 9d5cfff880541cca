// Pieces of `mindt bench models` that other benchmarks reuse.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <string>

#include "tools/bench/measure.h"

namespace mindt::bench {

struct ModelSizes {
  int64_t state_dim = 11, act_dim = 3;  // hopper
  int64_t batch = 64, context = 20;
  int64_t long_batch = 8, long_context = 1000;
  int64_t depth_steps = 20;  // inference steps timed around depth K
};

// One optimiser step (forward, masked MSE, backward, clip, AdamW) of the DT-sized decision model
// with `backbone` on a fixed random batch, as the trainer takes it.
Timing time_train_step(const std::string& backbone, int64_t batch, int64_t context, const ModelSizes& sizes,
                       c10::Device dev, const TimingPolicy& policy, int64_t* parameter_count = nullptr);

}  // namespace mindt::bench
