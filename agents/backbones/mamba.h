// The selective state-space mixer of Mamba (Gu & Dao 2023), as a comparison backbone:
//
//   x, z  = in_proj(u)                     (two branches, each inner = expand · dim wide)
//   x     = SiLU(causal depthwise conv(x))  (width d_conv)
//   Δ, B, C = projections of x              (input-dependent: the "selective" part)
//   h_t   = exp(Δ_t A) ⊙ h_{t−1} + (Δ_t x_t) B_t     per channel, state size N (A diagonal, < 0)
//   y_t   = C_t · h_t + D ⊙ x_t,  out = out_proj(y ⊙ SiLU(z))
//
// forward() runs the recurrence on kernels::selective_scan, which on the CPU never materialises the
// [B, L, inner, N] state (a plain linear scan over inner·N channels would, 16× the activations);
// step() carries the last d_conv−1 conv inputs and the SSM state.
#pragma once

#include <torch/nn/modules/linear.h>

#include "agents/backbones/token_mixer.h"

namespace mindt::backbones {

struct MambaOptions {
  int64_t dim;
  int64_t d_state = 16;
  int64_t d_conv = 4;
  int64_t expand = 2;
  int64_t dt_rank = 0;  // 0 = ceil(dim / 16)
};

class MambaMixer : public TokenMixer {
 public:
  explicit MambaMixer(const MambaOptions& options);

  at::Tensor forward(const at::Tensor& x) override;
  // {conv inputs [B, inner, d_conv − 1], SSM state [B, inner, d_state]}, zeros.
  MixerState initial_state(int64_t batch) override;
  at::Tensor step(const at::Tensor& x, MixerState& state) override;

 private:
  struct Selection {
    at::Tensor dt, b, c;  // Δ [..., inner], B and C [..., d_state]
  };
  Selection select(const at::Tensor& x);
  at::Tensor a_matrix();  // A = −exp(A_log), [inner, d_state]

  int64_t dim_, inner_, d_state_, d_conv_, dt_rank_;
  torch::nn::Linear in_proj_{nullptr}, x_proj_{nullptr}, dt_proj_{nullptr}, out_proj_{nullptr};
  at::Tensor conv_weight_, conv_bias_, a_log_, d_skip_;
};

}  // namespace mindt::backbones
