// gated_scan(): the composite reference, input checks and the autograd Function.
#include "kernels/gated_scan.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels {

namespace {

at::Tensor positive_candidate(const at::Tensor& p) { return at::where(p >= 0, p + 0.5, at::sigmoid(p)); }

// d g(p) / dp: 1 above zero, σ'(p) below.
at::Tensor positive_candidate_slope(const at::Tensor& p) {
  const at::Tensor s = at::sigmoid(p);
  return at::where(p >= 0, at::ones_like(p), s * (1 - s));
}

// minLSTM's δ = softplus(−f) − softplus(−i) = log σ(i) − log σ(f), so that a = σ(−δ), b = σ(δ)·g(p).
// Formed as in the fused kernel: the textbook form loses ε·|f| to cancellation (1e-5 in float32 for
// |f| ≈ 100), and at::softplus switches to the identity above 20, which is off by up to 2e-9 in
// float64.
//
// Each term has a kink at 0 that the sum does not; −|x| is written so that autograd's choice at
// x = 0 (the x ≤ 0 branch, as clamp_max's) makes the sum's gradient the true σ(−x) there. With
// −x.abs() (whose gradient at 0 is 0), a pre-activation of exactly 0 got twice its gradient.
at::Tensor lstm_log_gate_ratio(const at::Tensor& f, const at::Tensor& i) {
  auto minus_abs = [](const at::Tensor& x) { return at::where(x > 0, -x, x); };
  return (at::clamp_max(i, 0) - at::clamp_max(f, 0)) +
         (at::log1p(at::exp(minus_abs(f))) - at::log1p(at::exp(minus_abs(i))));
}

class GatedScanFunction : public torch::autograd::Function<GatedScanFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& pre, const at::Tensor& h0,
                            int64_t kind) {
    at::Tensor h = cpu::gated_scan_forward(static_cast<GateKind>(kind), pre, h0);
    ctx->save_for_backward({pre, h, h0});
    ctx->saved_data["kind"] = kind;
    return h;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor grad_h = grad_outputs[0].defined() ? grad_outputs[0] : at::zeros_like(saved[1]);
    const auto kind = static_cast<GateKind>(ctx->saved_data["kind"].toInt());
    GatedScanGrads g = cpu::gated_scan_backward(kind, saved[0], saved[1], saved[2], grad_h);
    return {g.pre, g.h0, at::Tensor()};
  }
};

}  // namespace

void check_gated_scan_inputs(GateKind kind, const at::Tensor& pre, const at::Tensor& h0) {
  TORCH_CHECK(pre.dim() == 3, "gated_scan: pre must be [B, T, G*D], got ", pre.sizes());
  TORCH_CHECK(pre.size(2) % gate_groups(kind) == 0, "gated_scan: pre's last dim ", pre.size(2),
              " is not a multiple of ", gate_groups(kind), " gate blocks");
  const int64_t D = pre.size(2) / gate_groups(kind);
  TORCH_CHECK(pre.size(1) >= 1 && D >= 1, "gated_scan: empty input ", pre.sizes());
  TORCH_CHECK(pre.scalar_type() == at::kFloat || pre.scalar_type() == at::kDouble,
              "gated_scan: dtype must be float32 or float64, got ", pre.scalar_type());
  if (h0.defined()) {
    TORCH_CHECK(h0.dim() == 2 && h0.size(0) == pre.size(0) && h0.size(1) == D, "gated_scan: h0 must be [B, D] = [",
                pre.size(0), ", ", D, "], got ", h0.sizes());
    TORCH_CHECK(h0.scalar_type() == pre.scalar_type() && h0.device() == pre.device(),
                "gated_scan: h0 must match pre's dtype and device");
  }
}

std::pair<at::Tensor, at::Tensor> gate_coefficients(GateKind kind, const at::Tensor& pre) {
  const auto parts = pre.chunk(gate_groups(kind), -1);
  if (kind == GateKind::kMinGru) {
    const at::Tensor& k = parts[0];
    return {at::sigmoid(-k), at::sigmoid(k) * positive_candidate(parts[1])};
  }
  const at::Tensor diff = lstm_log_gate_ratio(parts[0], parts[1]);
  return {at::sigmoid(-diff), at::sigmoid(diff) * positive_candidate(parts[2])};
}

at::Tensor gate_coefficients_backward(GateKind kind, const at::Tensor& pre, const at::Tensor& grad_a,
                                      const at::Tensor& grad_b) {
  const auto parts = pre.chunk(gate_groups(kind), -1);
  const at::Tensor& p = parts.back();
  // Both kinds are a = 1 − r, b = r·g(p) for a gate r = σ(z): dL/dz = r(1 − r)(grad_b·g(p) − grad_a).
  const at::Tensor z = kind == GateKind::kMinGru ? parts[0] : lstm_log_gate_ratio(parts[0], parts[1]);
  const at::Tensor r = at::sigmoid(z);
  const at::Tensor grad_z = r * (1 - r) * (grad_b * positive_candidate(p) - grad_a);
  const at::Tensor grad_p = grad_b * r * positive_candidate_slope(p);
  if (kind == GateKind::kMinGru) return at::cat({grad_z, grad_p}, -1);
  // z = log σ(i) − log σ(f): dz/df = −σ(−f), dz/di = σ(−i).
  return at::cat({-grad_z * at::sigmoid(-parts[0]), grad_z * at::sigmoid(-parts[1]), grad_p}, -1);
}

namespace composite {

at::Tensor gated_scan_forward(GateKind kind, const at::Tensor& pre, const at::Tensor& h0) {
  check_gated_scan_inputs(kind, pre, h0);
  auto [a, b] = gate_coefficients(kind, pre);
  return linear_scan_forward(a.contiguous(), b.contiguous(), h0);
}

GatedScanGrads gated_scan_backward(GateKind kind, const at::Tensor& pre, const at::Tensor& h, const at::Tensor& h0,
                                   const at::Tensor& grad_h) {
  check_gated_scan_inputs(kind, pre, h0);
  auto [a, b] = gate_coefficients(kind, pre);
  const at::Tensor start = h0.defined() ? h0 : at::zeros({pre.size(0), a.size(2)}, pre.options());
  ScanGrads g = linear_scan_backward(a.contiguous(), h.contiguous(), start, grad_h.to(pre.scalar_type()).contiguous());
  return {gate_coefficients_backward(kind, pre, g.a, g.b), g.h0};
}

}  // namespace composite

at::Tensor gated_scan(GateKind kind, const at::Tensor& pre, const at::Tensor& h0) {
  check_gated_scan_inputs(kind, pre, h0);
  if (!pre.is_cpu()) {
    auto [a, b] = gate_coefficients(kind, pre);
    return linear_scan(a, b, h0);
  }
  const int64_t D = pre.size(2) / gate_groups(kind);
  // As in linear_scan: autograd Functions cannot take undefined tensors, and h0 = 0 is the same.
  return GatedScanFunction::apply(pre, h0.defined() ? h0 : at::zeros({pre.size(0), D}, pre.options()),
                                  static_cast<int64_t>(kind));
}

}  // namespace mindt::kernels
