#include "agents/decision_policy.h"

#include <ATen/ATen.h>
#include <torch/types.h>

#include <stdexcept>

namespace mindt {

InferenceMode parse_inference_mode(const std::string& name) {
  if (name == "window") return InferenceMode::kWindow;
  if (name == "recurrent") return InferenceMode::kRecurrent;
  throw std::invalid_argument("unknown inference mode '" + name + "'; valid modes: window, recurrent");
}

std::string to_string(InferenceMode mode) { return mode == InferenceMode::kWindow ? "window" : "recurrent"; }

DecisionPolicy::DecisionPolicy(DecisionModel model, InferenceMode mode) : model_(std::move(model)), mode_(mode) {
  model_->eval();
}

void DecisionPolicy::reset(int64_t batch) {
  batch_ = batch;
  const auto options = model_->parameters().front().options();
  states_ = at::empty({batch, 0, model_->state_dim()}, options);
  actions_ = at::empty({batch, 0, model_->act_dim()}, options);
  returns_ = at::empty({batch, 0}, options);
  timesteps_ = at::empty({batch, 0}, options.dtype(at::kLong));
  if (mode_ == InferenceMode::kRecurrent) backbone_state_ = model_->backbone()->initial_state(batch);
}

at::Tensor DecisionPolicy::act(const at::Tensor& state, const at::Tensor& return_to_go, const at::Tensor& timestep) {
  TORCH_CHECK(batch_ > 0, "DecisionPolicy: call reset(batch) before act()");
  TORCH_CHECK(state.dim() == 2 && state.size(0) == batch_ && state.size(1) == model_->state_dim(),
              "DecisionPolicy: state must be [", batch_, ", ", model_->state_dim(), "], got ", state.sizes());
  TORCH_CHECK(return_to_go.sizes() == at::IntArrayRef({batch_}) && timestep.sizes() == at::IntArrayRef({batch_}),
              "DecisionPolicy: return_to_go and timestep must be [", batch_, "]");
  torch::NoGradGuard no_grad;
  const auto options = model_->parameters().front().options();
  const at::Tensor s = state.to(options), r = return_to_go.to(options), t = timestep.to(options.dtype(at::kLong));
  return mode_ == InferenceMode::kWindow ? act_window(s, r, t) : act_recurrent(s, r, t);
}

at::Tensor DecisionPolicy::act_window(const at::Tensor& state, const at::Tensor& return_to_go,
                                      const at::Tensor& timestep) {
  const int64_t keep = model_->config().context_len - 1;  // past steps kept beside the current one
  auto last = [keep](const at::Tensor& x) { return x.size(1) > keep ? x.narrow(1, x.size(1) - keep, keep) : x; };
  states_ = at::cat({last(states_), state.unsqueeze(1)}, 1);
  returns_ = at::cat({last(returns_), return_to_go.unsqueeze(1)}, 1);
  timesteps_ = at::cat({last(timesteps_), timestep.unsqueeze(1)}, 1);
  // The current action is not known yet; its token comes after the state token, so causality keeps
  // the zero placeholder out of the prediction.
  actions_ = at::cat({last(actions_), at::zeros({batch_, 1, model_->act_dim()}, state.options())}, 1);
  const at::Tensor predicted = model_->forward(states_, actions_, returns_, timesteps_);
  const at::Tensor action = predicted.select(1, predicted.size(1) - 1).clone();
  actions_.select(1, actions_.size(1) - 1).copy_(action);
  return action;
}

at::Tensor DecisionPolicy::act_recurrent(const at::Tensor& state, const at::Tensor& return_to_go,
                                         const at::Tensor& timestep) {
  auto& backbone = model_->backbone();
  backbone->step(model_->return_token(return_to_go, timestep), backbone_state_);
  const at::Tensor action =
      model_->predict_action(backbone->step(model_->state_token(state, timestep), backbone_state_));
  backbone->step(model_->action_token(action, timestep), backbone_state_);
  return action;
}

}  // namespace mindt
