// Causal multi-head self-attention as in GPT-2 (the Decision Transformer's backbone). No positional
// encoding: the decision model adds a timestep embedding to every token instead.
// step() keeps a key/value cache, so recurrent inference costs O(t) per token, not O(t²).
// `dropout` applies to the attention weights; the block applies residual dropout (backbone.h).
#pragma once

#include <torch/nn/modules/linear.h>

#include "agents/backbones/token_mixer.h"

namespace mindt::backbones {

class CausalSelfAttention : public TokenMixer {
 public:
  CausalSelfAttention(int64_t dim, int64_t n_heads, double dropout);

  at::Tensor forward(const at::Tensor& x) override;
  MixerState initial_state(int64_t batch) override;  // {keys, values}, each [B, heads, 0, head_dim]
  at::Tensor step(const at::Tensor& x, MixerState& state) override;

  torch::nn::Linear output_projection() const { return proj_; }

 private:
  // [..., D] → queries, keys, values, each [B, heads, L, head_dim].
  std::tuple<at::Tensor, at::Tensor, at::Tensor> split_heads(const at::Tensor& x);
  at::Tensor merge_heads(const at::Tensor& y);  // [B, heads, L, head_dim] → [B, L, D]

  int64_t dim_, n_heads_;
  double dropout_;
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr};
};

}  // namespace mindt::backbones
