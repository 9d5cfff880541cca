// A decision model acting as a policy in an environment loop, the Decision Transformer's way: the
// return-to-go starts at a target return and falls by each reward received (both scaled by the
// data's reward scale), the timestep counts the episode's steps (capped at the model's max_ep_len
// − 1). The evaluator drives its rollouts through this, and so does the Python package's policy, so
// a Python evaluation loop acts exactly as `mindt eval` does.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "agents/decision_model.h"
#include "agents/decision_policy.h"

namespace mindt {

class ReturnConditionedPolicy {
 public:
  ReturnConditionedPolicy(DecisionModel model, InferenceMode mode, double reward_scale);

  // Starts `batch` episodes, each conditioned on `target_return` (unscaled).
  void reset(int64_t batch, double target_return);

  // observations [batch, state_dim] and the reward each episode received for the previous action
  // (nullptr on the first step after reset; pass 0 for an episode that has ended, to keep its
  // return-to-go) → actions [batch, act_dim], all float64 row-major.
  void act(const double* observations, const double* last_rewards, double* actions);

  int64_t batch() const { return batch_; }
  int64_t state_dim() const { return model_->state_dim(); }
  int64_t act_dim() const { return model_->act_dim(); }
  int64_t steps() const { return steps_; }                            // actions taken since reset
  const at::Tensor& returns_to_go() const { return returns_to_go_; }  // [batch] float64, scaled
  InferenceMode mode() const { return policy_.mode(); }
  double reward_scale() const { return reward_scale_; }

 private:
  DecisionModel model_;
  DecisionPolicy policy_;
  double reward_scale_;
  int64_t batch_ = 0, steps_ = 0;
  at::Tensor returns_to_go_;
};

}  // namespace mindt
