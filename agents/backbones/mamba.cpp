#include "agents/backbones/mamba.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>

#include <cmath>

#include "kernels/selective_scan.h"

namespace mindt::backbones {

MambaMixer::MambaMixer(const MambaOptions& o)
    : dim_(o.dim),
      inner_(o.expand * o.dim),
      d_state_(o.d_state),
      d_conv_(o.d_conv),
      dt_rank_(o.dt_rank > 0 ? o.dt_rank : (o.dim + 15) / 16) {
  using torch::nn::LinearOptions;
  in_proj_ = register_module("in_proj", torch::nn::Linear(LinearOptions(dim_, 2 * inner_).bias(false)));
  x_proj_ = register_module("x_proj", torch::nn::Linear(LinearOptions(inner_, dt_rank_ + 2 * d_state_).bias(false)));
  dt_proj_ = register_module("dt_proj", torch::nn::Linear(dt_rank_, inner_));
  out_proj_ = register_module("out_proj", torch::nn::Linear(LinearOptions(inner_, dim_).bias(false)));

  const double conv_bound = 1.0 / std::sqrt(static_cast<double>(d_conv_));
  conv_weight_ = register_parameter("conv_weight", at::empty({inner_, d_conv_}).uniform_(-conv_bound, conv_bound));
  conv_bias_ = register_parameter("conv_bias", at::empty({inner_}).uniform_(-conv_bound, conv_bound));

  // Mamba's initialisation: A = −[1, 2, …, N] per channel (S4D-real), skip D = 1, and Δ's bias set
  // so that softplus(bias) is log-uniform in [1e-3, 1e-1]: every channel starts with its own time scale.
  a_log_ = register_parameter("A_log", at::arange(1, d_state_ + 1, at::kFloat).log().repeat({inner_, 1}));
  d_skip_ = register_parameter("D", at::ones({inner_}));
  {
    torch::NoGradGuard no_grad;
    const double bound = 1.0 / std::sqrt(static_cast<double>(dt_rank_));
    dt_proj_->weight.uniform_(-bound, bound);
    const at::Tensor dt =
        (at::rand({inner_}) * (std::log(0.1) - std::log(1e-3)) + std::log(1e-3)).exp().clamp_min(1e-4);
    dt_proj_->bias.copy_(dt + at::log(-at::expm1(-dt)));  // the inverse of softplus
  }
}

at::Tensor MambaMixer::a_matrix() { return -a_log_.exp(); }

MambaMixer::Selection MambaMixer::select(const at::Tensor& x) {
  const std::vector<at::Tensor> parts = x_proj_->forward(x).split({dt_rank_, d_state_, d_state_}, -1);
  return {at::softplus(dt_proj_->forward(parts[0])), parts[1], parts[2]};
}

at::Tensor MambaMixer::forward(const at::Tensor& u) {
  TORCH_CHECK(u.dim() == 3 && u.size(2) == dim_, "mamba: input must be [B, L, ", dim_, "], got ", u.sizes());
  const int64_t length = u.size(1);
  const std::vector<at::Tensor> xz = in_proj_->forward(u).chunk(2, -1);
  // Causal depthwise convolution: pad d_conv − 1 on the left (conv1d pads both sides; keep the first L).
  const at::Tensor conv =
      at::conv1d(xz[0].transpose(1, 2), conv_weight_.unsqueeze(1), conv_bias_, 1, d_conv_ - 1, 1, inner_);
  const at::Tensor x = at::silu(conv.narrow(2, 0, length).transpose(1, 2));  // [B, L, inner]

  const Selection s = select(x);
  const at::Tensor y = kernels::selective_scan(x, s.dt, a_matrix(), s.b, s.c) + x * d_skip_;
  return out_proj_->forward(y * at::silu(xz[1]));
}

MixerState MambaMixer::initial_state(int64_t batch) {
  const auto options = a_log_.options();
  return {at::zeros({batch, inner_, d_conv_ - 1}, options), at::zeros({batch, inner_, d_state_}, options)};
}

at::Tensor MambaMixer::step(const at::Tensor& u, MixerState& state) {
  TORCH_CHECK(u.dim() == 2 && u.size(1) == dim_, "mamba: step input must be [B, ", dim_, "], got ", u.sizes());
  const std::vector<at::Tensor> xz = in_proj_->forward(u).chunk(2, -1);
  const at::Tensor window = at::cat({state[0], xz[0].unsqueeze(-1)}, -1);  // [B, inner, d_conv], oldest first
  state[0] = window.narrow(2, 1, d_conv_ - 1);
  const at::Tensor x = at::silu((window * conv_weight_).sum(-1) + conv_bias_);  // [B, inner]

  const Selection s = select(x);
  const at::Tensor a = at::exp(s.dt.unsqueeze(-1) * a_matrix());     // [B, inner, N]
  const at::Tensor b = (s.dt * x).unsqueeze(-1) * s.b.unsqueeze(1);  // [B, inner, N]
  state[1] = a * state[1] + b;
  const at::Tensor y = at::matmul(state[1], s.c.unsqueeze(-1)).squeeze(-1) + x * d_skip_;
  return out_proj_->forward(y * at::silu(xz[1]));
}

}  // namespace mindt::backbones
