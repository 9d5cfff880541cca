#include "agents/optim/learning_rate.h"

#include <torch/optim/adamw.h>

namespace mindt::optim {

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

}  // namespace mindt::optim
