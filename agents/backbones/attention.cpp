#include "agents/backbones/attention.h"

#include <ATen/ATen.h>

namespace mindt::backbones {

CausalSelfAttention::CausalSelfAttention(int64_t dim, int64_t n_heads, double dropout)
    : dim_(dim), n_heads_(n_heads), dropout_(dropout) {
  TORCH_CHECK(dim % n_heads == 0, "transformer: embed_dim (", dim, ") must be divisible by n_heads (", n_heads, ")");
  qkv_ = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  proj_ = register_module("proj", torch::nn::Linear(dim, dim));
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> CausalSelfAttention::split_heads(const at::Tensor& x) {
  const int64_t batch = x.size(0), length = x.size(1);
  // [B, L, 3, heads, head_dim] → [3, B, heads, L, head_dim]
  const at::Tensor qkv = qkv_->forward(x).view({batch, length, 3, n_heads_, dim_ / n_heads_}).permute({2, 0, 3, 1, 4});
  return {qkv[0], qkv[1], qkv[2]};
}

at::Tensor CausalSelfAttention::merge_heads(const at::Tensor& y) {
  return y.transpose(1, 2).reshape({y.size(0), y.size(2), dim_});
}

at::Tensor CausalSelfAttention::forward(const at::Tensor& x) {
  auto [q, k, v] = split_heads(x);
  const double p = is_training() ? dropout_ : 0.0;
  const at::Tensor y = at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, p, /*is_causal=*/true);
  return proj_->forward(merge_heads(y));
}

MixerState CausalSelfAttention::initial_state(int64_t batch) {
  const at::Tensor empty = at::empty({batch, n_heads_, 0, dim_ / n_heads_}, qkv_->weight.options());
  return {empty, empty};
}

at::Tensor CausalSelfAttention::step(const at::Tensor& x, MixerState& state) {
  auto [q, k, v] = split_heads(x.unsqueeze(1));
  state[0] = at::cat({state[0], k}, 2);
  state[1] = at::cat({state[1], v}, 2);
  // The newest token may attend to every cached one: no mask needed.
  const at::Tensor y = at::scaled_dot_product_attention(q, state[0], state[1]);
  return proj_->forward(merge_heads(y)).squeeze(1);
}

}  // namespace mindt::backbones
