// The part of a backbone block that moves information along the sequence. Every backbone is the same
// stack of residual blocks around a different mixer (see backbone.h), so a mixer is all that a new
// sequence model has to provide.
//
// A mixer is causal: output t depends on inputs 0…t only. It has two modes that compute the same
// function:
//   forward(x[B, L, D]) → [B, L, D]     the whole window at once (training, window inference);
//   step(x[B, D], state) → [B, D]       one token, updating `state` in place (recurrent inference).
// initial_state(B) is the state before the first token; what it holds is the mixer's business.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <vector>

namespace mindt::backbones {

using MixerState = std::vector<at::Tensor>;

class TokenMixer : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& x) = 0;
  virtual MixerState initial_state(int64_t batch) = 0;
  virtual at::Tensor step(const at::Tensor& x, MixerState& state) = 0;
};

}  // namespace mindt::backbones
