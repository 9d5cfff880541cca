// selective_scan(): input checks, the composite form and the autograd Function.
#include "kernels/selective_scan.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels {

namespace {

class SelectiveScanFunction : public torch::autograd::Function<SelectiveScanFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& delta,
                            const at::Tensor& a, const at::Tensor& b, const at::Tensor& c, bool backward_follows) {
    cpu::SelectiveScanForward result = cpu::selective_scan_forward(x, delta, a, b, c, backward_follows);
    ctx->save_for_backward({x, delta, a, b, c, result.checkpoints});
    return result.y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto s = ctx->get_saved_variables();
    if (!grad_outputs[0].defined()) return torch::autograd::variable_list(6);
    SelectiveScanGrads g = cpu::selective_scan_backward(s[0], s[1], s[2], s[3], s[4], s[5], grad_outputs[0]);
    return {g.x, g.delta, g.a, g.b, g.c, at::Tensor()};
  }
};

}  // namespace

void check_selective_scan_inputs(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                                 const at::Tensor& c) {
  TORCH_CHECK(x.dim() == 3 && x.size(0) >= 1 && x.size(1) >= 1 && x.size(2) >= 1,
              "selective_scan: x must be a non-empty [batch, L, D], got ", x.sizes());
  TORCH_CHECK(x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble,
              "selective_scan: dtype must be float32 or float64, got ", x.scalar_type());
  const int64_t batch = x.size(0), length = x.size(1), channels = x.size(2);
  TORCH_CHECK(delta.sizes() == x.sizes(), "selective_scan: delta must be shaped like x ", x.sizes(), ", got ",
              delta.sizes());
  TORCH_CHECK(a.dim() == 2 && a.size(0) == channels && a.size(1) >= 1,
              "selective_scan: A must be [D, N] with D = ", channels, ", got ", a.sizes());
  const int64_t states = a.size(1);
  for (const auto& [name, t] : {std::pair<const char*, const at::Tensor&>{"B", b}, {"C", c}}) {
    TORCH_CHECK(t.dim() == 3 && t.size(0) == batch && t.size(1) == length && t.size(2) == states,
                "selective_scan: ", name, " must be [batch, L, N] = [", batch, ", ", length, ", ", states, "], got ",
                t.sizes());
  }
  for (const at::Tensor* t : {&delta, &a, &b, &c}) {
    TORCH_CHECK(t->scalar_type() == x.scalar_type() && t->device() == x.device(),
                "selective_scan: every input must match x's dtype and device (", x.scalar_type(), ", ", x.device(),
                ")");
  }
}

at::Tensor selective_scan_composite(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                    const at::Tensor& b, const at::Tensor& c) {
  check_selective_scan_inputs(x, delta, a, b, c);
  const int64_t batch = x.size(0), length = x.size(1), channels = x.size(2), states = a.size(1);
  const at::Tensor decay = at::exp(delta.unsqueeze(-1) * a);            // [batch, L, D, N]
  const at::Tensor input = (delta * x).unsqueeze(-1) * b.unsqueeze(2);  // [batch, L, D, N]
  const at::Tensor h =
      linear_scan(decay.reshape({batch, length, channels * states}), input.reshape({batch, length, channels * states}))
          .view({batch, length, channels, states});
  return at::matmul(h, c.unsqueeze(-1)).squeeze(-1);
}

namespace composite {

SelectiveScanGrads selective_scan_backward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                           const at::Tensor& b, const at::Tensor& c, const at::Tensor& grad_y) {
  check_selective_scan_inputs(x, delta, a, b, c);
  const int64_t batch = x.size(0), length = x.size(1), channels = x.size(2), states = a.size(1);
  const at::Tensor dx = delta * x;
  const at::Tensor decay = at::exp(delta.unsqueeze(-1) * a).contiguous();  // [batch, L, D, N]
  const at::Tensor input = (dx.unsqueeze(-1) * b.unsqueeze(2)).reshape({batch, length, channels * states});
  const at::Tensor flat_decay = decay.view({batch, length, channels * states});
  const at::Tensor h = linear_scan_forward(flat_decay, input.contiguous(), at::Tensor());
  const at::Tensor grad_y_ = grad_y.to(x.scalar_type());
  // y = Σ_n C h, so dL/dh (before the recurrence) is grad_y ⊗ C; the reverse scan gives dL/d(decay)
  // and dL/d(input) per state, from which the five inputs' gradients are sums over d, n or time.
  const at::Tensor grad_h = (grad_y_.unsqueeze(-1) * c.unsqueeze(2)).reshape({batch, length, channels * states});
  ScanGrads g = linear_scan_backward(flat_decay, h, at::Tensor(), grad_h.contiguous());
  const at::Tensor h4 = h.view({batch, length, channels, states});
  const at::Tensor grad_input = g.b.view({batch, length, channels, states});
  const at::Tensor grad_exponent = g.a.view({batch, length, channels, states}) * decay;  // d/d(Δ A)
  const at::Tensor grad_input_b = (grad_input * b.unsqueeze(2)).sum(-1);                 // [batch, L, D]
  SelectiveScanGrads grads;
  grads.x = grad_input_b * delta;
  grads.delta = (grad_exponent * a).sum(-1) + grad_input_b * x;
  grads.a = (grad_exponent * delta.unsqueeze(-1)).sum(at::IntArrayRef{0, 1});
  grads.b = (grad_input * dx.unsqueeze(-1)).sum(2);
  grads.c = (h4 * grad_y_.unsqueeze(-1)).sum(2);
  return grads;
}

}  // namespace composite

at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                          const at::Tensor& c) {
  check_selective_scan_inputs(x, delta, a, b, c);
  if (!x.is_cpu()) return selective_scan_composite(x, delta, a, b, c);
  // Checkpoints only when a backward can follow: inference keeps nothing.
  const bool backward_follows =
      at::GradMode::is_enabled() &&
      (x.requires_grad() || delta.requires_grad() || a.requires_grad() || b.requires_grad() || c.requires_grad());
  return SelectiveScanFunction::apply(x, delta, a, b, c, backward_follows);
}

}  // namespace mindt::kernels
