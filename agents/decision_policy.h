// Acting with a trained decision model, one environment step at a time, for a batch of episodes that
// advance together (an evaluator's vector of environments).
//
// Two inference modes:
//   window     the last K = model.context_len steps are re-encoded at every step, exactly the input
//              distribution seen in training (the Decision Transformer's way). Cost grows with K.
//   recurrent  the backbone's state is carried through the whole episode: three backbone steps per
//              environment step (return-to-go, state, then the chosen action), O(1) for the
//              recurrent backbones, a growing key/value cache for the transformer. It sees the whole
//              episode, which matches training only when training windows were that long.
// While an episode is shorter than K the two modes compute the same actions.
#pragma once

#include <string>

#include "agents/backbones/backbone.h"
#include "agents/decision_model.h"

namespace mindt {

enum class InferenceMode { kWindow, kRecurrent };

// "window" or "recurrent"; throws std::invalid_argument listing them otherwise.
InferenceMode parse_inference_mode(const std::string& name);
std::string to_string(InferenceMode mode);

class DecisionPolicy {
 public:
  // Puts the model in eval mode. Runs on the model's device.
  DecisionPolicy(DecisionModel model, InferenceMode mode);

  // Starts `batch` new episodes.
  void reset(int64_t batch);

  // The action [B, act_dim] for the current step: state [B, state_dim] (raw), return_to_go [B]
  // (scaled by the reward scale), timestep [B] int64. The action joins the context for later steps.
  at::Tensor act(const at::Tensor& state, const at::Tensor& return_to_go, const at::Tensor& timestep);

  InferenceMode mode() const { return mode_; }

 private:
  at::Tensor act_window(const at::Tensor& state, const at::Tensor& return_to_go, const at::Tensor& timestep);
  at::Tensor act_recurrent(const at::Tensor& state, const at::Tensor& return_to_go, const at::Tensor& timestep);

  DecisionModel model_;
  InferenceMode mode_;
  int64_t batch_ = 0;
  // window mode: the last ≤ K steps, [B, n, …]
  at::Tensor states_, actions_, returns_, timesteps_;
  // recurrent mode
  backbones::BackboneState backbone_state_;
};

}  // namespace mindt
