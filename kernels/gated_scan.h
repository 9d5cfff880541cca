// The minGRU / minLSTM recurrence fused with its gates: on the CPU the scan's coefficients are
// formed from the layer's pre-activations inside the kernel, so neither a, b nor their gradients
// are ever materialised as separate tensors.
//
//   pre [B, T, G·D], split along the last dim into G blocks of D channels:
//     minGRU  (G = 2: k | p):      a = σ(−k),  b = σ(k) · g(p)
//     minLSTM (G = 3: f | i | p):  a = σ(−δ),  b = σ(δ) · g(p),  δ = softplus(−f) − softplus(−i)
//   with g(p) = p + 0.5 (p ≥ 0), σ(p) (p < 0), and h_t = a_t ⊙ h_{t−1} + b_t.
//
// For minLSTM, σ(−δ) = f/(f+i) and σ(δ) = i/(f+i) with f = σ(f), i = σ(i): the paper's normalised
// gates; for minGRU, σ(−k) = 1 − z. Both are formed from one exponential each, exact for either sign.
#pragma once

#include <ATen/core/Tensor.h>

#include <utility>

namespace mindt::kernels {

enum class GateKind { kMinGru, kMinLstm };

inline int64_t gate_groups(GateKind kind) { return kind == GateKind::kMinGru ? 2 : 3; }

// Differentiable in pre and h0 ([B, D] or undefined = zeros). On the CPU the fused kernel below;
// on CUDA the gates are formed with torch ops and scanned by the CUDA linear_scan kernel.
at::Tensor gated_scan(GateKind kind, const at::Tensor& pre, const at::Tensor& h0 = {});

// Throws a c10::Error naming the offending argument unless pre (and h0) form a valid problem.
void check_gated_scan_inputs(GateKind kind, const at::Tensor& pre, const at::Tensor& h0);

// (a, b) from pre-activations [..., G·D] with torch ops (differentiable by torch autograd): the
// reference the fused kernel is tested against, and the path for single steps and CUDA.
std::pair<at::Tensor, at::Tensor> gate_coefficients(GateKind kind, const at::Tensor& pre);

struct GatedScanGrads {
  at::Tensor pre, h0;
};

// The gradient with respect to pre of sum(grad_a ⊙ a + grad_b ⊙ b), (a, b) = gate_coefficients(pre),
// written out with torch ops: the gates' backward on devices without a fused kernel.
at::Tensor gate_coefficients_backward(GateKind kind, const at::Tensor& pre, const at::Tensor& grad_a,
                                      const at::Tensor& grad_b);

// The gated scan from gate_coefficients and the device's linear-scan kernel, without autograd, and
// its backward (gates recomputed from pre; h0 undefined = zeros, its gradient returned all the same):
// CUDA's path, and on the CPU a second implementation the fused kernel is tested against.
namespace composite {
at::Tensor gated_scan_forward(GateKind kind, const at::Tensor& pre, const at::Tensor& h0);
GatedScanGrads gated_scan_backward(GateKind kind, const at::Tensor& pre, const at::Tensor& h, const at::Tensor& h0,
                                   const at::Tensor& grad_h);
}  // namespace composite

// The fused CPU kernel (gates, recurrence and backward in one pass over time).
namespace cpu {
at::Tensor gated_scan_forward(GateKind kind, const at::Tensor& pre, const at::Tensor& h0);
GatedScanGrads gated_scan_backward(GateKind kind, const at::Tensor& pre, const at::Tensor& h, const at::Tensor& h0,
                                   const at::Tensor& grad_h);
}  // namespace cpu

}  // namespace mindt::kernels
