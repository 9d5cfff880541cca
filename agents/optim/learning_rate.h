// Setting AdamW's learning rate for the next step, in every parameter group: what each trainer's
// schedule (warm-up, cosine) does before each step.
#pragma once

namespace torch::optim {
class AdamW;
}

namespace mindt::optim {

void set_learning_rate(torch::optim::AdamW& optimizer, double lr);

}  // namespace mindt::optim
