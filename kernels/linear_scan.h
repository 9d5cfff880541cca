// The linear recurrence behind minGRU, minLSTM and Mamba:
//
//     h_t = a_t ⊙ h_{t-1} + b_t,   t = 0 … T-1,   h_{-1} = h0 (zeros when absent)
//
// over tensors shaped [B, T, D] (batch, time, channels), float32 or float64.
//
// `linear_scan` is the one entry point layers use: it is differentiable in a, b and h0 and picks the
// fused CPU or CUDA kernel from the inputs' device. The other functions are the individual
// implementations, exposed for tests and benchmarks.
#pragma once

#include <ATen/core/Tensor.h>

namespace mindt::kernels {

// Differentiable scan; dispatches on device. h0 may be an undefined tensor (= zeros), else [B, D].
// Non-contiguous inputs are made contiguous (one copy).
at::Tensor linear_scan(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0 = {});

// Gradients of sum(grad_h ⊙ h) with respect to the scan's inputs. h0 is undefined when there was none.
struct ScanGrads {
  at::Tensor a, b, h0;
};

// The kernel for the inputs' device (CPU or CUDA) without autograd: what linear_scan's autograd
// Function calls, and what code that registers its own autograd (the Python package's torch ops) uses.
at::Tensor linear_scan_forward(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0);
ScanGrads linear_scan_backward(const at::Tensor& a, const at::Tensor& h, const at::Tensor& h0,
                               const at::Tensor& grad_h);

// Throws a c10::Error naming the offending argument unless a, b (and h0) form a valid scan problem.
void check_scan_inputs(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0);

// Fused CPU kernel: one pass over memory, parallel over batch × channel tiles, vectorised over
// channels. Backward runs the same recurrence in reverse:
//     g_t = grad_h_t + a_{t+1} g_{t+1},  grad_a_t = g_t h_{t-1},  grad_b_t = g_t,  grad_h0 = a_0 g_0.
namespace cpu {
// How many threads the fused CPU kernels' work sharing runs on (distinct at::get_thread_num values
// over a batch of tiles): at::get_num_threads() when they are built with OpenMP, 1 when not.
int work_sharing_threads();
at::Tensor scan_forward(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0);
ScanGrads scan_backward(const at::Tensor& a, const at::Tensor& h, const at::Tensor& h0, const at::Tensor& grad_h);
}  // namespace cpu

// Fused CUDA kernel with the same contract (any B, D; T from 1 to at least 65536).
namespace cuda {
bool compiled();  // false when mindt was built without nvcc
at::Tensor scan_forward(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0);
ScanGrads scan_backward(const at::Tensor& a, const at::Tensor& h, const at::Tensor& h0, const at::Tensor& grad_h);
}  // namespace cuda

// Slow, obviously-correct implementations that the fused kernels are tested against.
namespace reference {
// The paper's log-space scan from composite torch ops (Heinsen 2023): with a* = cumsum(log a),
// log h = a* + logcumsumexp(log b − a*). Takes logs: log_a, log_b [B, T, D], log_h0 [B, D] or
// undefined. Differentiable through torch autograd. Returns h (not its log).
at::Tensor log_space_scan(const at::Tensor& log_a, const at::Tensor& log_b, const at::Tensor& log_h0 = {});

// The recurrence as a plain float64 loop over b, t, d. Returns float64.
at::Tensor naive_scan(const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0 = {});
// Its backward, also a plain float64 loop (h is the forward output). Returns float64 gradients.
ScanGrads naive_scan_backward(const at::Tensor& a, const at::Tensor& h, const at::Tensor& h0, const at::Tensor& grad_h);
}  // namespace reference

}  // namespace mindt::kernels
