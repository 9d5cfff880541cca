// The decision model (Chen et al. 2021, "Decision Transformer"), with a swappable backbone.
//
// Each step t of a trajectory becomes three tokens, (R̂_t, s_t, a_t): return-to-go, state, action,
// each embedded by its own Linear, plus a learned embedding of the timestep t added to all three
// (the only positional signal). The 3K tokens go through LayerNorm and dropout, then the backbone;
// the action a_t is predicted (Linear + tanh) from the backbone's output at the state token s_t,
// which by causality has seen R̂_≤t, s_≤t and a_<t.
//
// States are given raw: the model normalises them with the dataset's mean and std, which it keeps
// as buffers so that a checkpoint is a complete policy.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "agents/backbones/backbone.h"
#include "configs/config.h"

namespace mindt {

class DecisionModelImpl : public torch::nn::Module {
 public:
  DecisionModelImpl(const config::ModelConfig& model, int64_t state_dim, int64_t act_dim);

  // Predicted actions [B, K, act_dim] for windows of K steps:
  //   states [B, K, state_dim], actions [B, K, act_dim], returns_to_go [B, K] (already divided by the
  //   reward scale), timesteps [B, K] int64 in [0, max_ep_len), mask [B, K] bool (true = a real step;
  //   undefined = all real). Padded steps may sit anywhere (left or right); they are moved behind the
  //   real ones before the backbone, so they never influence a real step, and their predictions are 0.
  at::Tensor forward(const at::Tensor& states, const at::Tensor& actions, const at::Tensor& returns_to_go,
                     const at::Tensor& timesteps, const at::Tensor& mask = {});

  // Single tokens for step-by-step (recurrent) inference, each [B, D]: the same embeddings forward() uses.
  at::Tensor return_token(const at::Tensor& return_to_go, const at::Tensor& timestep);  // [B], [B]
  at::Tensor state_token(const at::Tensor& state, const at::Tensor& timestep);          // [B, S], [B]
  at::Tensor action_token(const at::Tensor& action, const at::Tensor& timestep);        // [B, A], [B]
  // The action read from the backbone's output at a state token: [..., D] → [..., act_dim].
  at::Tensor predict_action(const at::Tensor& state_output);

  // The dataset statistics states are normalised with (defaults: mean 0, std 1).
  void set_state_normalization(const at::Tensor& mean, const at::Tensor& std);

  // Whether each call checks its timesteps against [0, max_ep_len) (the default): the check reads
  // two numbers back from the device, a synchronisation per call that a CUDA graph cannot contain.
  // The trainer checks its dataset's longest episode once instead and turns it off.
  void set_timestep_checks(bool on) { check_timesteps_ = on; }

  backbones::Backbone& backbone() { return backbone_; }
  const config::ModelConfig& config() const { return config_; }
  int64_t state_dim() const { return state_dim_; }
  int64_t act_dim() const { return act_dim_; }

 private:
  at::Tensor finish_token(const at::Tensor& embedded, const at::Tensor& timestep);
  void check_timesteps(const at::Tensor& timesteps) const;

  config::ModelConfig config_;
  int64_t state_dim_, act_dim_;
  torch::nn::Embedding timestep_embedding_{nullptr};
  torch::nn::Linear return_embedding_{nullptr}, state_embedding_{nullptr}, action_embedding_{nullptr};
  torch::nn::LayerNorm token_norm_{nullptr};
  torch::nn::Dropout token_dropout_{nullptr};
  backbones::Backbone backbone_{nullptr};
  torch::nn::Linear action_head_{nullptr};
  at::Tensor state_mean_, state_std_;
  bool check_timesteps_ = true;
};
TORCH_MODULE(DecisionModel);

}  // namespace mindt
