#include "agents/return_conditioned_policy.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mindt {

ReturnConditionedPolicy::ReturnConditionedPolicy(DecisionModel model, InferenceMode mode, double reward_scale)
    : model_(model), policy_(model, mode), reward_scale_(reward_scale) {
  if (!(reward_scale > 0)) {
    throw std::invalid_argument("ReturnConditionedPolicy: reward_scale must be positive, got " +
                                std::to_string(reward_scale));
  }
}

void ReturnConditionedPolicy::reset(int64_t batch, double target_return) {
  if (batch < 1) throw std::invalid_argument("policy reset: batch must be at least 1, got " + std::to_string(batch));
  batch_ = batch;
  steps_ = 0;
  policy_.reset(batch);
  returns_to_go_ = at::full({batch}, target_return / reward_scale_, at::kDouble);
}

void ReturnConditionedPolicy::act(const double* observations, const double* last_rewards, double* actions) {
  if (batch_ == 0) throw std::logic_error("policy act: call reset(batch, target_return) first");
  if (steps_ > 0 && last_rewards) {
    double* rtg = returns_to_go_.data_ptr<double>();
    for (int64_t i = 0; i < batch_; ++i) rtg[i] -= last_rewards[i] / reward_scale_;
  }
  const int64_t S = model_->state_dim(), A = model_->act_dim();
  // from_blob does not copy; .to(kFloat) does, before `observations` can change.
  const at::Tensor state = at::from_blob(const_cast<double*>(observations), {batch_, S}, at::kDouble).to(at::kFloat);
  const at::Tensor timestep = at::full({batch_}, std::min(steps_, model_->config().max_ep_len - 1), at::kLong);
  const at::Tensor action =
      policy_.act(state, returns_to_go_.to(at::kFloat), timestep).to(at::kCPU, at::kDouble).contiguous();
  std::copy(action.data_ptr<double>(), action.data_ptr<double>() + batch_ * A, actions);
  ++steps_;
}

}  // namespace mindt
