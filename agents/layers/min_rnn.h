// minGRU and minLSTM ("Were RNNs All We Needed?", Feng et al. 2024) as torch::nn modules.
//
// Both are linear recurrences h_t = a_t ⊙ h_{t-1} + b_t whose coefficients depend only on x_t:
//   minGRU : a = 1 − z,  b = z ⊙ g(h̃),          z = σ(k)
//   minLSTM: a = f',     b = i' ⊙ g(h̃),         f' = f/(f+i), i' = i/(f+i)
// with g(x) = x + 0.5 (x ≥ 0), σ(x) (x < 0) keeping the candidate positive, as in the paper's
// log-space version, so that this module computes exactly the paper's function. We scan in linear
// space (no logs needed: it is stable as written) with the gates fused into the scan kernel
// (kernels/gated_scan.h); they are formed from softplus/sigmoid so they stay accurate for large
// pre-activations.
//
// Two modes give the same numbers:
//   forward(x[B, T, dim], h0)  parallel over time on the scan kernel (training),
//   step(x[B, dim], h)         one step, O(1) (inference).
// h0/h is a carried state [B, inner_dim] (zeros when undefined). The input is projected up to
// inner_dim = int(dim · expansion) channels and, when inner_dim ≠ dim, back down to dim.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <utility>

#include "kernels/gated_scan.h"

namespace mindt::layers {

enum class MinRnnKind { kMinGru, kMinLstm };

struct MinRnnOptions {
  MinRnnOptions(int64_t dim) : dim_(dim) {}  // NOLINT: implicit like torch's *Options
  TORCH_ARG(int64_t, dim);
  TORCH_ARG(double, expansion) = 1.0;
};

struct MinRnnOutput {
  at::Tensor output;  // [B, T, dim] in forward, [B, dim] in step
  at::Tensor state;   // [B, inner_dim]: the last hidden state, to carry into the next call
};

class MinRnnImpl : public torch::nn::Module {
 public:
  MinRnnImpl(MinRnnKind kind, const MinRnnOptions& options);

  MinRnnOutput forward(const at::Tensor& x, const at::Tensor& h0 = {});
  MinRnnOutput step(const at::Tensor& x, const at::Tensor& h = {});

  // The recurrence coefficients (a, b) for inputs x[..., dim], each [..., inner_dim].
  std::pair<at::Tensor, at::Tensor> coefficients(const at::Tensor& x);
  // The gate projection's output [..., G·inner_dim] (G = 2 for minGRU, 3 for minLSTM).
  at::Tensor pre_activations(const at::Tensor& x);
  kernels::GateKind gate_kind() const;

  MinRnnKind kind() const { return kind_; }
  int64_t inner_dim() const { return inner_dim_; }
  torch::nn::Linear gates() const { return gates_; }
  torch::nn::Linear out_proj() const { return out_; }  // empty when inner_dim == dim

 private:
  at::Tensor project_out(const at::Tensor& h);

  MinRnnKind kind_;
  MinRnnOptions options_;
  int64_t inner_dim_;
  torch::nn::Linear gates_{nullptr};  // dim → inner·2 (gate, candidate) or inner·3 (f, i, candidate)
  torch::nn::Linear out_{nullptr};
};

class MinGRUImpl : public MinRnnImpl {
 public:
  explicit MinGRUImpl(const MinRnnOptions& options) : MinRnnImpl(MinRnnKind::kMinGru, options) {}
};
class MinLSTMImpl : public MinRnnImpl {
 public:
  explicit MinLSTMImpl(const MinRnnOptions& options) : MinRnnImpl(MinRnnKind::kMinLstm, options) {}
};
TORCH_MODULE(MinGRU);
TORCH_MODULE(MinLSTM);

}  // namespace mindt::layers
