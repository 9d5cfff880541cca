// Small decision models and random inputs shared by the backbone, model and checkpoint tests.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "configs/config.h"

namespace mindt::testing {

// A model config small enough for fast tests but with every structural feature on: several layers,
// several heads, expansion ≠ 1 (so minRNNs project back down), a real Mamba convolution.
inline config::ModelConfig tiny_model_config(const std::string& backbone) {
  config::ModelConfig m;
  m.backbone = backbone;
  m.embed_dim = 32;
  m.n_layers = 2;
  m.dropout = 0.0;
  m.context_len = 8;
  m.max_ep_len = 100;
  m.mlp_ratio = 2;
  m.transformer.n_heads = 4;
  m.mingru.expansion = 1.5;
  m.minlstm.expansion = 1.5;
  m.mamba.d_state = 4;
  m.mamba.d_conv = 3;
  return m;
}

// A batch of K-step windows as the sampler would give them (states raw, returns scaled).
struct Windows {
  at::Tensor states, actions, returns, timesteps;
};

inline Windows random_windows(int64_t batch, int64_t steps, int64_t state_dim, int64_t act_dim, int64_t max_t = 90) {
  Windows w;
  w.states = at::randn({batch, steps, state_dim}) * 3 + 1;
  w.actions = at::rand({batch, steps, act_dim}) * 2 - 1;
  w.returns = at::rand({batch, steps}) * 3;
  const at::Tensor start = at::randint(0, max_t - steps, {batch, 1}, at::kLong);
  w.timesteps = start + at::arange(steps, at::kLong);
  return w;
}

}  // namespace mindt::testing
