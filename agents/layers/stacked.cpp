#include "agents/layers/stacked.h"

#include <ATen/ATen.h>

namespace mindt::layers::stacked {
namespace {

void check_members(const at::Tensor& x, const at::Tensor& weight, const char* what) {
  TORCH_CHECK(x.dim() >= 2, "stacked ", what, ": input must be [N, ..., features], got ", x.sizes());
  TORCH_CHECK(weight.size(0) == x.size(0), "stacked ", what, ": ", weight.size(0), " members' weights for ", x.size(0),
              " members' inputs");
}

}  // namespace

at::Tensor stack_members(const std::vector<at::Tensor>& tensors) {
  TORCH_CHECK(!tensors.empty(), "stack_members: no members");
  return at::stack(tensors);
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  check_members(x, weight, "linear");
  TORCH_CHECK(weight.dim() == 3 && weight.size(2) == x.size(-1), "stacked linear: weight must be [N, out, ", x.size(-1),
              "], got ", weight.sizes());
  const int64_t members = x.size(0), in = x.size(-1), out = weight.size(1);
  const at::Tensor rows = x.reshape({members, -1, in});  // every member's rows, one matrix each
  at::Tensor y = bias.defined() ? at::baddbmm(bias.unsqueeze(1), rows, weight.transpose(1, 2))
                                : at::bmm(rows, weight.transpose(1, 2));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = out;
  return y.view(shape);
}

at::Tensor layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  check_members(x, weight, "layer_norm");
  const int64_t dim = x.size(-1);
  TORCH_CHECK(weight.dim() == 2 && weight.size(1) == dim && bias.sizes() == weight.sizes(),
              "stacked layer_norm: weight and bias must be [N, ", dim, "]");
  // The members' affine parameters broadcast over everything between the member and the feature.
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape.front() = x.size(0);
  shape.back() = dim;
  const at::Tensor normalized = at::layer_norm(x, {dim}, {}, {}, eps);
  return at::addcmul(bias.view(shape), normalized, weight.view(shape));
}

at::Tensor embedding(const at::Tensor& indices, const at::Tensor& weight) {
  TORCH_CHECK(indices.dim() >= 1 && weight.dim() == 3 && indices.size(0) == weight.size(0),
              "stacked embedding: indices [N, ...] and weight [N, rows, dim] expected, got ", indices.sizes(), " and ",
              weight.sizes());
  const int64_t members = weight.size(0), rows = weight.size(1);
  // Member m's row r is row m·rows + r of the tables laid end to end.
  std::vector<int64_t> shape(static_cast<size_t>(indices.dim()), 1);
  shape.front() = members;
  const at::Tensor offsets = (at::arange(members, indices.options()) * rows).view(shape);
  return at::embedding(weight.reshape({members * rows, weight.size(2)}), indices + offsets);
}

}  // namespace mindt::layers::stacked
