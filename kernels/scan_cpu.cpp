// Fused CPU linear scan. The recurrence is sequential in time but independent across batch and
// channels, so each task owns one batch element and a tile of channels and streams through time:
// two reads and one write per element in forward, three reads and two writes in backward — the
// minimum, so the kernel runs at memory bandwidth. Channels are contiguous, so the inner loop over
// a tile vectorises.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>

#include "kernels/linear_scan.h"

namespace mindt::kernels::cpu {
namespace {

// Channels per task: the running state (kTile values) stays in L1, rows are long enough to stream.
constexpr int64_t kTile = 256;

struct Shape {
  int64_t batch, time, channels;
  int64_t tiles() const { return (channels + kTile - 1) / kTile; }
  int64_t tasks() const { return batch * tiles(); }
};

Shape shape_of(const at::Tensor& a) { return {a.size(0), a.size(1), a.size(2)}; }

template <typename T>
void forward_loop(const T* __restrict a, const T* __restrict b, const T* __restrict h0,
                  T* __restrict h, Shape s) {
  at::parallel_for(0, s.tasks(), 1, [&](int64_t begin, int64_t end) {
    T state[kTile];
    for (int64_t task = begin; task < end; ++task) {
      const int64_t bi = task / s.tiles();
      const int64_t d0 = (task % s.tiles()) * kTile;
      const int64_t n = std::min(kTile, s.channels - d0);
      for (int64_t d = 0; d < n; ++d) state[d] = h0 ? h0[bi * s.channels + d0 + d] : T(0);
      const int64_t base = bi * s.time * s.channels + d0;
      for (int64_t t = 0; t < s.time; ++t) {
        const int64_t row = base + t * s.channels;
        for (int64_t d = 0; d < n; ++d) {
          state[d] = a[row + d] * state[d] + b[row + d];
          h[row + d] = state[d];
        }
      }
    }
  });
}

template <typename T>
void backward_loop(const T* __restrict a, const T* __restrict h, const T* __restrict h0,
                   const T* __restrict grad_h, T* __restrict grad_a, T* __restrict grad_b,
                   T* __restrict grad_h0, Shape s) {
  at::parallel_for(0, s.tasks(), 1, [&](int64_t begin, int64_t end) {
    T g[kTile];
    for (int64_t task = begin; task < end; ++task) {
      const int64_t bi = task / s.tiles();
      const int64_t d0 = (task % s.tiles()) * kTile;
      const int64_t n = std::min(kTile, s.channels - d0);
      const int64_t base = bi * s.time * s.channels + d0;
      const T* h0_row = h0 ? h0 + bi * s.channels + d0 : nullptr;
      for (int64_t d = 0; d < n; ++d) g[d] = T(0);
      for (int64_t t = s.time - 1; t >= 0; --t) {
        const int64_t row = base + t * s.channels;
        // a_{t+1} carries g back one step; beyond the last step there is nothing to carry (g = 0).
        const T* a_next = t + 1 < s.time ? a + row + s.channels : a + row;
        const T* h_prev = t > 0 ? h + row - s.channels : h0_row;
        for (int64_t d = 0; d < n; ++d) {
          g[d] = grad_h[row + d] + a_next[d] * g[d];
          grad_b[row + d] = g[d];
        }
        if (h_prev) {
          for (int64_t d = 0; d < n; ++d) grad_a[row + d] = g[d] * h_prev[d];
        } else {
          for (int64_t d = 0; d < n; ++d) grad_a[row + d] = T(0);
        }
      }
      if (grad_h0) {
        for (int64_t d = 0; d < n; ++d) grad_h0[bi * s.channels + d0 + d] = a[base + d] * g[d];
      }
    }
  });
}

}  // namespace

at::Tensor scan_forward(const at::Tensor& a_in, const at::Tensor& b_in, const at::Tensor& h0_in) {
  check_scan_inputs(a_in, b_in, h0_in);
  TORCH_CHECK(a_in.device().is_cpu(), "cpu::scan_forward: tensors must be on the CPU, got ", a_in.device());
  const at::Tensor a = a_in.contiguous(), b = b_in.contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  at::Tensor h = at::empty_like(a);
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_forward_cpu", [&] {
    forward_loop<scalar_t>(a.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(),
                           h0.defined() ? h0.data_ptr<scalar_t>() : nullptr, h.data_ptr<scalar_t>(),
                           shape_of(a));
  });
  return h;
}

ScanGrads scan_backward(const at::Tensor& a_in, const at::Tensor& h_in, const at::Tensor& h0_in,
                        const at::Tensor& grad_h_in) {
  check_scan_inputs(a_in, h_in, h0_in);
  TORCH_CHECK(grad_h_in.sizes() == a_in.sizes(), "cpu::scan_backward: grad_h must have shape ",
              a_in.sizes(), ", got ", grad_h_in.sizes());
  const at::Tensor a = a_in.contiguous(), h = h_in.contiguous();
  const at::Tensor grad_h = grad_h_in.to(a.scalar_type()).contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  ScanGrads grads{at::empty_like(a), at::empty_like(a), h0.defined() ? at::empty_like(h0) : at::Tensor()};
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_backward_cpu", [&] {
    backward_loop<scalar_t>(a.data_ptr<scalar_t>(), h.data_ptr<scalar_t>(),
                            h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
                            grad_h.data_ptr<scalar_t>(), grads.a.data_ptr<scalar_t>(),
                            grads.b.data_ptr<scalar_t>(),
                            h0.defined() ? grads.h0.data_ptr<scalar_t>() : nullptr, shape_of(a));
  });
  return grads;
}

}  // namespace mindt::kernels::cpu
