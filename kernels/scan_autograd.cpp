// linear_scan(): input checks, and the one autograd Function that routes to the CPU or CUDA kernel,
// so layers never care which device they run on.
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels {

void check_scan_inputs(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0) {
  TORCH_CHECK(a.defined() && b.defined(), "linear_scan: a and b must be defined tensors");
  TORCH_CHECK(a.dim() == 3, "linear_scan: a must be [B, T, D], got ", a.dim(), " dims ", a.sizes());
  TORCH_CHECK(a.sizes() == b.sizes(), "linear_scan: a and b must have the same shape, got a ", a.sizes(), " and b ",
              b.sizes());
  TORCH_CHECK(a.size(1) >= 1, "linear_scan: need at least one time step, got T = ", a.size(1));
  TORCH_CHECK(a.scalar_type() == b.scalar_type(), "linear_scan: a and b must share a dtype, got ", a.scalar_type(),
              " and ", b.scalar_type());
  TORCH_CHECK(a.scalar_type() == at::kFloat || a.scalar_type() == at::kDouble,
              "linear_scan: dtype must be float32 or float64, got ", a.scalar_type());
  TORCH_CHECK(a.device() == b.device(), "linear_scan: a and b must be on one device, got ", a.device(), " and ",
              b.device());
  if (h0.defined()) {
    TORCH_CHECK(h0.dim() == 2 && h0.size(0) == a.size(0) && h0.size(1) == a.size(2),
                "linear_scan: h0 must be [B, D] = [", a.size(0), ", ", a.size(2), "], got ", h0.sizes());
    TORCH_CHECK(h0.scalar_type() == a.scalar_type(), "linear_scan: h0 dtype ", h0.scalar_type(), " differs from a's ",
                a.scalar_type());
    TORCH_CHECK(h0.device() == a.device(), "linear_scan: h0 is on ", h0.device(), ", a on ", a.device());
  }
}

at::Tensor linear_scan_forward(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0) {
  if (a.is_cuda()) return cuda::scan_forward(a, b, h0);
  TORCH_CHECK(a.is_cpu(), "linear_scan: unsupported device ", a.device());
  return cpu::scan_forward(a, b, h0);
}

ScanGrads linear_scan_backward(const at::Tensor& a, const at::Tensor& h, const at::Tensor& h0,
                               const at::Tensor& grad_h) {
  if (a.is_cuda()) return cuda::scan_backward(a, h, h0, grad_h);
  TORCH_CHECK(a.is_cpu(), "linear_scan: unsupported device ", a.device());
  return cpu::scan_backward(a, h, h0, grad_h);
}

namespace {

class LinearScanFunction : public torch::autograd::Function<LinearScanFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b,
                            const at::Tensor& h0) {
    at::Tensor h = linear_scan_forward(a, b, h0);
    // h is needed for grad_a (h_{t-1}); keeping it avoids recomputing the scan in backward.
    ctx->save_for_backward({a, h, h0});
    return h;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    // Autograd may hand us an undefined gradient when h feeds nothing differentiable.
    const at::Tensor grad_h = grad_outputs[0].defined() ? grad_outputs[0] : at::zeros_like(saved[1]);
    ScanGrads g = linear_scan_backward(saved[0], saved[1], saved[2], grad_h);
    return {g.a, g.b, g.h0};
  }
};

}  // namespace

at::Tensor linear_scan(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0) {
  check_scan_inputs(a, b, h0);
  // Autograd Functions cannot take undefined tensors; h0 = 0 is the same recurrence and costs one
  // [B, D] buffer next to the [B, T, D] ones.
  return LinearScanFunction::apply(a, b, h0.defined() ? h0 : at::zeros({a.size(0), a.size(2)}, a.options()));
}

}  // namespace mindt::kernels
