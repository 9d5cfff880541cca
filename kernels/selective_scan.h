// Mamba's selective scan (S6 with a diagonal A), the recurrence inside the Mamba backbone:
//
//     h_t[d, n] = exp(Δ_t[d] A[d, n]) h_{t−1}[d, n] + Δ_t[d] B_t[n] x_t[d],   h_{−1} = 0
//     y_t[d]    = Σ_n C_t[n] h_t[d, n]
//
// x, Δ (delta): [batch, L, D]; A: [D, N]; B, C: [batch, L, N]; y: [batch, L, D]; float32 or float64.
// Mamba's skip term D ⊙ x and its output gate stay outside, in the layer.
//
// Written as a plain linear scan, the state is a [batch, L, D, N] tensor (N = 16 times the layer's
// activations) that autograd keeps for backward. The fused CPU kernel never materialises it: forward
// carries one N × tile state per task and keeps it every 64 steps; backward recomputes the states
// chunk by chunk from those checkpoints while running the recurrence in reverse.
#pragma once

#include <ATen/core/Tensor.h>

namespace mindt::kernels {

// Differentiable in all five inputs. The fused kernel on the CPU; on other devices the composite
// below (materialised state, scanned by the device's linear_scan).
at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                          const at::Tensor& c);

// Throws a c10::Error naming the offending argument unless the five form a valid problem.
void check_selective_scan_inputs(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                                 const at::Tensor& c);

// The composite form from torch ops and linear_scan, differentiable by torch autograd.
at::Tensor selective_scan_composite(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                    const at::Tensor& b, const at::Tensor& c);

struct SelectiveScanGrads {
  at::Tensor x, delta, a, b, c;
};

// The composite's backward written out with torch ops (the state recomputed and materialised, the
// reverse recurrence run by the device's linear-scan kernel), no autograd: the path on devices
// without a fused kernel (CUDA), and on the CPU a second implementation to test the fused one by.
namespace composite {
SelectiveScanGrads selective_scan_backward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                           const at::Tensor& b, const at::Tensor& c, const at::Tensor& grad_y);
}  // namespace composite

namespace cpu {
// The checkpoints' layout: [batch, ceil(D / kCheckpointTile), ceil(L / kCheckpointChunk), N,
// kCheckpointTile], float64 — the state at the start of every kCheckpointChunk steps, per tile of
// channels. Public so that code allocating outputs symbolically (the Python package's fake tensors)
// can shape them.
inline constexpr int64_t kCheckpointTile = 32;
inline constexpr int64_t kCheckpointChunk = 64;

struct SelectiveScanForward {
  at::Tensor y;
  at::Tensor checkpoints;  // undefined unless kept
};
SelectiveScanForward selective_scan_forward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                            const at::Tensor& b, const at::Tensor& c, bool keep_checkpoints);
// Gradients of sum(grad_y ⊙ y) with respect to the five inputs, from forward's checkpoints.
SelectiveScanGrads selective_scan_backward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                           const at::Tensor& b, const at::Tensor& c, const at::Tensor& checkpoints,
                                           const at::Tensor& grad_y);
}  // namespace cpu

}  // namespace mindt::kernels
