#include "agents/layers/min_rnn.h"

#include <ATen/ATen.h>

#include "kernels/gated_scan.h"

namespace mindt::layers {

MinRnnImpl::MinRnnImpl(MinRnnKind kind, const MinRnnOptions& options)
    : kind_(kind), options_(options), inner_dim_(static_cast<int64_t>(options.dim() * options.expansion())) {
  TORCH_CHECK(options.dim() > 0, "MinRnn: dim must be positive, got ", options.dim());
  TORCH_CHECK(inner_dim_ > 0, "MinRnn: dim × expansion must be at least 1, got ", options.dim(), " × ",
              options.expansion());
  const int64_t n_proj = kind == MinRnnKind::kMinGru ? 2 : 3;
  gates_ = register_module("gates", torch::nn::Linear(options.dim(), n_proj * inner_dim_));
  if (inner_dim_ != options.dim()) {
    out_ = register_module("out", torch::nn::Linear(inner_dim_, options.dim()));
  }
}

kernels::GateKind MinRnnImpl::gate_kind() const {
  return kind_ == MinRnnKind::kMinGru ? kernels::GateKind::kMinGru : kernels::GateKind::kMinLstm;
}

at::Tensor MinRnnImpl::pre_activations(const at::Tensor& x) {
  TORCH_CHECK(x.size(-1) == options_.dim(), "MinRnn: input's last dim must be ", options_.dim(), ", got shape ",
              x.sizes());
  return gates_->forward(x);
}

std::pair<at::Tensor, at::Tensor> MinRnnImpl::coefficients(const at::Tensor& x) {
  return kernels::gate_coefficients(gate_kind(), pre_activations(x));
}

at::Tensor MinRnnImpl::project_out(const at::Tensor& h) { return out_ ? out_->forward(h) : h; }

MinRnnOutput MinRnnImpl::forward(const at::Tensor& x, const at::Tensor& h0) {
  TORCH_CHECK(x.dim() == 3, "MinRnn::forward: x must be [B, T, dim], got ", x.sizes());
  const at::Tensor h = kernels::gated_scan(gate_kind(), pre_activations(x), h0);
  return {project_out(h), h.select(1, h.size(1) - 1)};
}

MinRnnOutput MinRnnImpl::step(const at::Tensor& x, const at::Tensor& h) {
  TORCH_CHECK(x.dim() == 2, "MinRnn::step: x must be [B, dim], got ", x.sizes());
  auto [a, b] = coefficients(x);
  const at::Tensor h_new = h.defined() ? a * h + b : b;
  return {project_out(h_new), h_new};
}

}  // namespace mindt::layers
