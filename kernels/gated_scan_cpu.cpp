// Fused CPU minGRU scan: gates, recurrence and their backward in one pass over time.
//
// Per task (one batch element, a tile of channels) and per time step, the row's gates are formed
// with ATen's vectorised exponentials (see sigmoid_pair) into small L1 buffers, then
// the recurrence runs with a float64 state as in scan_cpu.cpp. Backward walks time in reverse,
// recomputing each row's gates once and carrying a_{t+1} from the previous step:
//   g_t  = grad_h_t + a_{t+1} g_{t+1},   dA = g_t h_{t−1},   dB = g_t
//   dk   = σ(k)σ(−k) (dB·g(p) − dA),    dp = dB·σ(k)·g'(p)
//
// minLSTM is not fused here: its gates need four exponentials and two log1p per element, which
// recomputed in backward made a fused kernel slower than the composite path on AVX2, and forming
// δ = softplus(−f) − softplus(−i) in float32 lost ~1e-5 to cancellation (see gated_scan.cpp).
//
// This file includes ATen's vector headers with the host's instruction set, under a namespace of
// its own, so it is compiled without the shared precompiled header.
#if defined(__AVX512F__)
#define CPU_CAPABILITY_AVX512 1
#elif defined(__AVX2__)
#define CPU_CAPABILITY_AVX2 1
#endif
#define CPU_CAPABILITY mindt_host
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/cpu/vec/vec.h>

#include <algorithm>

#include "kernels/cpu_tiles.h"
#include "kernels/gated_scan.h"

namespace mindt::kernels::cpu {
namespace {

constexpr int64_t kTile = detail::kMaxRow;
using detail::Acc;

struct Shape {
  int64_t batch, time, channels;
  int64_t pre_row() const { return 2 * channels; }  // elements of pre per time step: k | p
};

// Gate values of one row of kTile channels.
template <typename T>
struct RowGates {
  T s[kTile];    // σ(k) = z, the update gate
  T sc[kTile];   // σ(−k) = 1 − z, the coefficient a
  T gp[kTile];   // g(p): the positive candidate
  T dgp[kTile];  // g'(p)
};

// σ(z) and σ(−z) from one exponential, exact for either sign. exp_u20 is ATen's polynomial exp
// (20 ulp, ~1e-6) for float and the 1-ulp SLEEF exp for double; either is far inside the 1e-5
// the tests ask of float32, and the polynomial is several times cheaper than a SLEEF call.
template <typename V>
inline void sigmoid_pair(const V& z, V& pos, V& neg) {
  const V e = (V(0) - z.abs()).exp_u20();  // in (0, 1]: no overflow for any z
  const V r = V(1) / (V(1) + e);
  const V er = e * r;
  const V nonneg = z >= V(0);
  pos = V::blendv(er, r, nonneg);
  neg = V::blendv(r, er, nonneg);
}

// Fills g for channels [d0, d0 + n) of one time step; `pre` points at that step's row (k | p).
template <typename T, bool kDerivatives>
void row_gates(const T* pre, const Shape& s, int64_t d0, int64_t n, RowGates<T>& g) {
  using V = at::vec::Vectorized<T>;
  for (int64_t d = 0; d < n; d += V::size()) {
    const int64_t m = std::min<int64_t>(V::size(), n - d);
    const V k = V::loadu(pre + d0 + d, m), p = V::loadu(pre + s.channels + d0 + d, m);
    V sk, skc, sp, spc;
    sigmoid_pair(k, sk, skc);
    sigmoid_pair(p, sp, spc);
    const V p_nonneg = p >= V(0);
    sk.store(g.s + d, m);
    skc.store(g.sc + d, m);
    V::blendv(sp, p + V(0.5), p_nonneg).store(g.gp + d, m);
    if (kDerivatives) V::blendv(sp * spc, V(1), p_nonneg).store(g.dgp + d, m);
  }
}

template <typename T>
void forward_loop(const T* pre, const T* h0, T* h, const Shape& s) {
  detail::for_each_channel_tile(s.batch, s.channels, [&](int64_t bi, int64_t d0, int64_t n) {
    RowGates<T> g;
    Acc state[kTile];
    for (int64_t d = 0; d < n; ++d) state[d] = h0 ? Acc(h0[bi * s.channels + d0 + d]) : 0;
    for (int64_t t = 0; t < s.time; ++t) {
      const int64_t step = bi * s.time + t;
      row_gates<T, false>(pre + step * s.pre_row(), s, d0, n, g);
      T* out = h + step * s.channels + d0;
      for (int64_t d = 0; d < n; ++d) {
        state[d] = Acc(g.sc[d]) * state[d] + Acc(g.s[d]) * Acc(g.gp[d]);
        out[d] = T(state[d]);
      }
    }
  });
}

template <typename T>
void backward_loop(const T* pre, const T* h, const T* h0, const T* grad_h, T* grad_pre,
                   T* grad_h0, const Shape& s) {
  detail::for_each_channel_tile(s.batch, s.channels, [&](int64_t bi, int64_t d0, int64_t n) {
    RowGates<T> g;
    Acc carry[kTile];   // dL/dh_t accumulated from the future
    T a_next[kTile];    // a_{t+1}; 0 past the last step
    for (int64_t d = 0; d < n; ++d) carry[d] = 0, a_next[d] = T(0);
    const int64_t D = s.channels;
    for (int64_t t = s.time - 1; t >= 0; --t) {
      const int64_t step = bi * s.time + t;
      row_gates<T, true>(pre + step * s.pre_row(), s, d0, n, g);
      const T* dh = grad_h + step * D + d0;
      const T* h_prev = t > 0 ? h + (step - 1) * D + d0 : (h0 ? h0 + bi * D + d0 : nullptr);
      T* out = grad_pre + step * s.pre_row() + d0;
      for (int64_t d = 0; d < n; ++d) {
        carry[d] = Acc(dh[d]) + Acc(a_next[d]) * carry[d];
        const Acc dB = carry[d];
        const Acc dA = h_prev ? carry[d] * Acc(h_prev[d]) : 0;
        out[d] = T(Acc(g.s[d]) * Acc(g.sc[d]) * (dB * Acc(g.gp[d]) - dA));  // dk
        out[D + d] = T(dB * Acc(g.s[d]) * Acc(g.dgp[d]));                 // dp
        a_next[d] = g.sc[d];
      }
    }
    if (grad_h0) {  // a_next now holds a_0
      for (int64_t d = 0; d < n; ++d) grad_h0[bi * D + d0 + d] = T(Acc(a_next[d]) * carry[d]);
    }
  });
}

Shape shape_of(const at::Tensor& pre) { return {pre.size(0), pre.size(1), pre.size(2) / 2}; }

}  // namespace

at::Tensor mingru_scan_forward(const at::Tensor& pre_in, const at::Tensor& h0_in) {
  const at::Tensor pre = pre_in.contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  const Shape s = shape_of(pre);
  at::Tensor h = at::empty({s.batch, s.time, s.channels}, pre.options());
  AT_DISPATCH_FLOATING_TYPES(pre.scalar_type(), "mindt_gated_scan_forward_cpu", [&] {
    forward_loop<scalar_t>(pre.data_ptr<scalar_t>(), h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
                           h.data_ptr<scalar_t>(), s);
  });
  return h;
}

GatedScanGrads mingru_scan_backward(const at::Tensor& pre_in, const at::Tensor& h_in, const at::Tensor& h0_in,
                                    const at::Tensor& grad_h_in) {
  const at::Tensor pre = pre_in.contiguous(), h = h_in.contiguous();
  const at::Tensor grad_h = grad_h_in.to(pre.scalar_type()).contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  const Shape s = shape_of(pre);
  TORCH_CHECK(grad_h.sizes() == h.sizes(), "gated_scan backward: grad_h must be ", h.sizes(), ", got ",
              grad_h.sizes());
  GatedScanGrads grads{at::empty_like(pre), h0.defined() ? at::empty_like(h0) : at::Tensor()};
  AT_DISPATCH_FLOATING_TYPES(pre.scalar_type(), "mindt_gated_scan_backward_cpu", [&] {
    backward_loop<scalar_t>(pre.data_ptr<scalar_t>(), h.data_ptr<scalar_t>(),
                            h0.defined() ? h0.data_ptr<scalar_t>() : nullptr, grad_h.data_ptr<scalar_t>(),
                            grads.pre.data_ptr<scalar_t>(), h0.defined() ? grads.h0.data_ptr<scalar_t>() : nullptr,
                            s);
  });
  return grads;
}

}  // namespace mindt::kernels::cpu
