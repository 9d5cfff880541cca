// Fused CPU selective scan (see selective_scan.h).
//
// Forward, per time step and channel tile:  a = exp(Δ A),  h = a h + (Δ x) B_t,  y = Σ_n C_t[n] h[n],
// with an N × kTile state that stays in L1, vectorised over channels.
//
// Backward runs time in reverse with g = ∂L/∂h_t (g arrives holding a_{t+1} g_{t+1}):
//   g[n] += dy C_t[n]                        dC_t[n] += Σ_d dy h_t[n]
//   dB_t[n] += Σ_d g[n] Δ x                  dx  = Σ_n g[n] B_t[n] Δ
//   dΔ = Σ_n g[n] B_t[n] x + Σ_n g[n] h_{t−1}[n] a[n] A[n]
//   dA[n] += g[n] h_{t−1}[n] a[n] Δ          g[n] ← a[n] g[n]
// It needs h_{t−1} newest first: forward keeps the state at the start of every kChunk steps (1/kChunk
// of the full state), and backward recomputes each chunk's states from its checkpoint into a small
// buffer. No [batch, L, D, N] tensor is ever made.
//
// dB and dC sum over channels, so backward gives each task a whole batch element (all its channel
// tiles in turn) and no two threads ever add into the same row. dA sums over batch and time: each
// batch element keeps its own float64 partial sums, added up at the end.
//
// ATen's vector types come for the host's instruction set (host_vectorized.h), so this file is
// compiled without the shared precompiled header.
#include "kernels/host_vectorized.h"  // first: it sets the vector ISA for ATen's headers

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "kernels/selective_scan.h"

namespace mindt::kernels::cpu {
namespace {

constexpr int64_t kTile =
    kCheckpointTile;  // channels per task: a chunk's states and decays (2 · kChunk · N · kTile) stay in L2
constexpr int64_t kChunk = kCheckpointChunk;  // time steps whose states backward recomputes at once

// Every running value (state, its gradient, the decays) is float64 whatever the storage type, as
// in the linear scan: with decays near 1 the state and its gradient are sums over thousands of
// steps, and float32 sums lose digits in proportion to their length.
using Acc = double;
using V = at::vec::Vectorized<Acc>;

struct Dims {
  int64_t batch, length, channels, states;
  int64_t plane() const { return states * kTile; }  // one tile's state, [N][kTile]
};

// Raw views of the (contiguous) inputs. A is held transposed, [N, D], so that a state's row of
// channels is contiguous like x and Δ.
template <typename T>
struct Inputs {
  const T *x, *delta, *a_t, *b, *c;
};

// One time step's inputs for one channel tile, in float64. Rows past nd are never read: partial
// vectors load zeros there, so the unused lanes of every buffer stay zero.
struct StepRows {
  std::vector<Acc> delta, x, delta_x, dy, b, c;
  explicit StepRows(const Dims& s) : delta(kTile), x(kTile), delta_x(kTile), dy(kTile), b(s.states), c(s.states) {}

  template <typename T>
  void load(const Inputs<T>& in, const Dims& s, int64_t step, int64_t d0, int64_t nd, const T* grad_y = nullptr) {
    const T* xr = in.x + step * s.channels + d0;
    const T* dr = in.delta + step * s.channels + d0;
    for (int64_t d = 0; d < nd; ++d) {
      delta[d] = dr[d];
      x[d] = xr[d];
      delta_x[d] = delta[d] * x[d];
    }
    if (grad_y) {
      const T* gr = grad_y + step * s.channels + d0;
      for (int64_t d = 0; d < nd; ++d) dy[d] = gr[d];
    }
    for (int64_t n = 0; n < s.states; ++n) {
      b[n] = in.b[step * s.states + n];
      c[n] = in.c[step * s.states + n];
    }
  }
};

// Aᵀ's rows for the channel tile, in float64: [N][kTile].
template <typename T>
void load_a_tile(const Inputs<T>& in, const Dims& s, int64_t d0, int64_t nd, std::vector<Acc>& a_tile) {
  for (int64_t n = 0; n < s.states; ++n) {
    for (int64_t d = 0; d < nd; ++d) a_tile[n * kTile + d] = in.a_t[n * s.channels + d0 + d];
  }
}

Acc horizontal_sum(const V& v) {
  __at_align__ Acc lanes[V::size()];
  v.store(lanes);
  Acc sum = 0;
  for (int64_t i = 0; i < V::size(); ++i) sum += lanes[i];
  return sum;
}

// The step's decays exp(Δ A), [N][kTile], in float64 from inputs of either type. In float, exp
// keeps (1 − a) of a decay a = 1 − 1e-6 to 6 % only, an error that compounds over the thousands of
// steps such a channel remembers; 1 + expm1 fixes that but rounds decays below 6e-8 to zero, and
// their share of A's gradient with them (3–7 % off in the long-sequence test).
template <typename T>
void step_decays(const Inputs<T>& in, const Dims& s, int64_t step, int64_t d0, int64_t nd, Acc* decay) {
  const T* delta = in.delta + step * s.channels + d0;
  for (int64_t n = 0; n < s.states; ++n) {
    const T* a_row = in.a_t + n * s.channels + d0;
    Acc* out = decay + n * kTile;
    for (int64_t d = 0; d < nd; ++d) out[d] = Acc(delta[d]) * Acc(a_row[d]);
    for (int64_t d = 0; d < nd; d += V::size()) {
      const int64_t m = std::min<int64_t>(V::size(), nd - d);
      V::loadu(out + d, m).exp_u20().store(out + d, m);
    }
  }
}

// Advances `state` ([N][kTile]) by the step in `r` with its decays; writes the output to `y` when
// given.
void forward_step(const StepRows& r, const Dims& s, int64_t nd, const Acc* decay, Acc* state, Acc* y) {
  for (int64_t d = 0; d < nd; d += V::size()) {
    const int64_t m = std::min<int64_t>(V::size(), nd - d);
    const V dtx = V::loadu(r.delta_x.data() + d, m);
    V out(0);
    for (int64_t n = 0; n < s.states; ++n) {
      const int64_t o = n * kTile + d;
      const V next = V::loadu(decay + o, m) * V::loadu(state + o, m) + dtx * V(r.b[n]);
      next.store(state + o, m);
      out = out + V(r.c[n]) * next;
    }
    if (y) out.store(y + d, m);
  }
}

// Checkpoints: the state at the start of every kChunk steps, [batch, tiles, chunks, N, kTile] in
// float64 (1/kChunk of the full state), which backward recomputes the chunks' states from.
int64_t chunks_of(const Dims& s) { return (s.length + kChunk - 1) / kChunk; }
int64_t tiles_of(const Dims& s) { return (s.channels + kTile - 1) / kTile; }
Acc* checkpoints_of(Acc* all, const Dims& s, int64_t bi, int64_t tile) {
  return all + (bi * tiles_of(s) + tile) * chunks_of(s) * s.plane();
}

template <typename T>
void forward_loop(const Inputs<T>& in, const Dims& s, T* y, Acc* checkpoints) {
  const int64_t tiles = tiles_of(s);
  at::parallel_for(0, s.batch * tiles, 1, [&](int64_t begin, int64_t end) {
    std::vector<Acc> state(s.plane()), decay(s.plane()), out(kTile);
    StepRows rows(s);
    for (int64_t i = begin; i < end; ++i) {
      const int64_t bi = i / tiles, tile = i % tiles, d0 = tile * kTile, nd = std::min(kTile, s.channels - d0);
      Acc* kept = checkpoints ? checkpoints_of(checkpoints, s, bi, tile) : nullptr;
      std::fill(state.begin(), state.end(), Acc(0));
      for (int64_t t = 0; t < s.length; ++t) {
        if (kept && t % kChunk == 0) std::copy(state.begin(), state.end(), kept + (t / kChunk) * s.plane());
        const int64_t step = bi * s.length + t;
        rows.load(in, s, step, d0, nd);
        step_decays(in, s, step, d0, nd, decay.data());
        forward_step(rows, s, nd, decay.data(), state.data(), out.data());
        T* y_row = y + step * s.channels + d0;
        for (int64_t d = 0; d < nd; ++d) y_row[d] = static_cast<T>(out[d]);
      }
    }
  });
}

template <typename T>
struct Gradients {
  T *x, *delta, *b, *c;  // b and c start at zero and are added into, tile by tile
  Acc* a_t;              // [batch, N, D]: per batch element, zeroed
};

// Per-thread scratch for backward.
struct Scratch {
  std::vector<Acc> a_tile, states, decays, g, row_dx, row_ddelta;
  StepRows rows;
  explicit Scratch(const Dims& s)
      : a_tile(s.plane()),
        states((kChunk + 1) * s.plane()),
        decays(kChunk * s.plane()),
        g(s.plane()),
        row_dx(kTile),
        row_ddelta(kTile),
        rows(s) {}
};

// One step of the reverse recurrence (the equations at the top), for one tile; adds the step's dA
// into grad_a_t ([N][D], this batch element's).
template <typename T>
void reverse_step(const Dims& s, int64_t step, int64_t d0, int64_t nd, const Acc* h_prev, const Acc* h,
                  const Acc* decay, Scratch& w, const Gradients<T>& out, Acc* grad_a_t) {
  const StepRows& r = w.rows;
  std::fill(w.row_dx.begin(), w.row_dx.end(), Acc(0));
  std::fill(w.row_ddelta.begin(), w.row_ddelta.end(), Acc(0));
  for (int64_t n = 0; n < s.states; ++n) {
    const int64_t o = n * kTile;
    const V bn(r.b[n]), cn(r.c[n]);
    V sum_c(0), sum_b(0);
    for (int64_t d = 0; d < nd; d += V::size()) {
      const int64_t m = std::min<int64_t>(V::size(), nd - d);
      const V dt = V::loadu(r.delta.data() + d, m), x = V::loadu(r.x.data() + d, m);
      const V dyv = V::loadu(r.dy.data() + d, m), a = V::loadu(decay + o + d, m);
      const V g = V::loadu(w.g.data() + o + d, m) + dyv * cn;
      sum_c = sum_c + dyv * V::loadu(h + o + d, m);
      sum_b = sum_b + g * V::loadu(r.delta_x.data() + d, m);
      const V gb = g * bn;
      const V da = g * V::loadu(h_prev + o + d, m) * a;  // ∂L/∂(Δ A)
      (V::loadu(w.row_dx.data() + d, m) + gb * dt).store(w.row_dx.data() + d, m);
      (V::loadu(w.row_ddelta.data() + d, m) + gb * x + da * V::loadu(w.a_tile.data() + o + d, m))
          .store(w.row_ddelta.data() + d, m);
      (V::loadu(grad_a_t + n * s.channels + d0 + d, m) + da * dt).store(grad_a_t + n * s.channels + d0 + d, m);
      (g * a).store(w.g.data() + o + d, m);
    }
    out.c[step * s.states + n] += static_cast<T>(horizontal_sum(sum_c));
    out.b[step * s.states + n] += static_cast<T>(horizontal_sum(sum_b));
  }
  T* dx = out.x + step * s.channels + d0;
  T* ddelta = out.delta + step * s.channels + d0;
  for (int64_t d = 0; d < nd; ++d) {
    dx[d] = static_cast<T>(w.row_dx[d]);
    ddelta[d] = static_cast<T>(w.row_ddelta[d]);
  }
}

template <typename T>
void backward_tile(const Inputs<T>& in, const T* grad_y, const Dims& s, int64_t bi, int64_t tile,
                   const Acc* checkpoints, Scratch& w, const Gradients<T>& out) {
  const int64_t d0 = tile * kTile, nd = std::min(kTile, s.channels - d0), plane = s.plane();
  load_a_tile(in, s, d0, nd, w.a_tile);
  Acc* states = w.states.data();
  // Chunks newest first; states[j] holds h before the chunk's step j, states[j + 1] after.
  std::fill(w.g.begin(), w.g.end(), Acc(0));
  Acc* grad_a_t = out.a_t + bi * s.states * s.channels;
  for (int64_t k = chunks_of(s) - 1; k >= 0; --k) {
    const int64_t t0 = k * kChunk, len = std::min(kChunk, s.length - t0);
    std::copy_n(checkpoints + k * plane, plane, states);
    for (int64_t j = 0; j < len; ++j) {
      std::copy_n(states + j * plane, plane, states + (j + 1) * plane);
      w.rows.load(in, s, bi * s.length + t0 + j, d0, nd);
      step_decays(in, s, bi * s.length + t0 + j, d0, nd, w.decays.data() + j * plane);
      forward_step(w.rows, s, nd, w.decays.data() + j * plane, states + (j + 1) * plane, nullptr);
    }
    for (int64_t j = len - 1; j >= 0; --j) {
      const int64_t step = bi * s.length + t0 + j;
      w.rows.load(in, s, step, d0, nd, grad_y);
      reverse_step(s, step, d0, nd, states + j * plane, states + (j + 1) * plane, w.decays.data() + j * plane, w, out,
                   grad_a_t);
    }
  }
}

template <typename T>
void backward_loop(const Inputs<T>& in, const T* grad_y, const Dims& s, Acc* checkpoints, const Gradients<T>& out) {
  at::parallel_for(0, s.batch, 1, [&](int64_t begin, int64_t end) {
    Scratch scratch(s);
    for (int64_t bi = begin; bi < end; ++bi) {
      for (int64_t tile = 0; tile < tiles_of(s); ++tile) {
        backward_tile(in, grad_y, s, bi, tile, checkpoints_of(checkpoints, s, bi, tile), scratch, out);
      }
    }
  });
}

Dims dims_of(const at::Tensor& x, const at::Tensor& a) { return {x.size(0), x.size(1), x.size(2), a.size(1)}; }

struct Contiguous {
  at::Tensor x, delta, a_t, b, c;
  Contiguous(const at::Tensor& x_in, const at::Tensor& delta_in, const at::Tensor& a_in, const at::Tensor& b_in,
             const at::Tensor& c_in)
      : x(x_in.contiguous()),
        delta(delta_in.contiguous()),
        a_t(a_in.t().contiguous()),
        b(b_in.contiguous()),
        c(c_in.contiguous()) {}
  template <typename T>
  Inputs<T> view() const {
    return {x.data_ptr<T>(), delta.data_ptr<T>(), a_t.data_ptr<T>(), b.data_ptr<T>(), c.data_ptr<T>()};
  }
};

}  // namespace

SelectiveScanForward selective_scan_forward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                            const at::Tensor& b, const at::Tensor& c, bool keep_checkpoints) {
  check_selective_scan_inputs(x, delta, a, b, c);
  TORCH_CHECK(x.is_cpu(), "cpu::selective_scan_forward: tensors must be on the CPU, got ", x.device());
  const Contiguous in(x, delta, a, b, c);
  const Dims s = dims_of(x, a);
  SelectiveScanForward result{at::empty(x.sizes(), x.options()), at::Tensor()};
  if (keep_checkpoints) {
    result.checkpoints =
        at::empty({s.batch, tiles_of(s), chunks_of(s), s.states, kTile}, x.options().dtype(at::kDouble));
  }
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "mindt_selective_scan_forward_cpu", [&] {
    forward_loop<scalar_t>(in.view<scalar_t>(), s, result.y.data_ptr<scalar_t>(),
                           keep_checkpoints ? result.checkpoints.data_ptr<Acc>() : nullptr);
  });
  return result;
}

SelectiveScanGrads selective_scan_backward(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                           const at::Tensor& b, const at::Tensor& c, const at::Tensor& checkpoints,
                                           const at::Tensor& grad_y) {
  check_selective_scan_inputs(x, delta, a, b, c);
  TORCH_CHECK(x.is_cpu(), "cpu::selective_scan_backward: tensors must be on the CPU, got ", x.device());
  TORCH_CHECK(grad_y.sizes() == x.sizes(), "cpu::selective_scan_backward: grad_y must have shape ", x.sizes(), ", got ",
              grad_y.sizes());
  const Contiguous in(x, delta, a, b, c);
  const at::Tensor dy = grad_y.to(x.scalar_type()).contiguous();
  const Dims s = dims_of(x, a);
  TORCH_CHECK(
      checkpoints.defined() && checkpoints.scalar_type() == at::kDouble && checkpoints.is_contiguous() &&
          checkpoints.sizes() == at::IntArrayRef({s.batch, tiles_of(s), chunks_of(s), s.states, kTile}),
      "cpu::selective_scan_backward: checkpoints must be the ones selective_scan_forward kept for these inputs");
  SelectiveScanGrads grads{at::empty(x.sizes(), x.options()), at::empty(x.sizes(), x.options()), at::Tensor(),
                           at::zeros(b.sizes(), b.options()), at::zeros(c.sizes(), c.options())};
  at::Tensor grad_a_t = at::zeros({s.batch, s.states, s.channels}, x.options().dtype(at::kDouble));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "mindt_selective_scan_backward_cpu", [&] {
    const Gradients<scalar_t> out{grads.x.data_ptr<scalar_t>(), grads.delta.data_ptr<scalar_t>(),
                                  grads.b.data_ptr<scalar_t>(), grads.c.data_ptr<scalar_t>(), grad_a_t.data_ptr<Acc>()};
    backward_loop<scalar_t>(in.view<scalar_t>(), dy.data_ptr<scalar_t>(), s, checkpoints.data_ptr<Acc>(), out);
  });
  grads.a = grad_a_t.sum(0).t().to(x.scalar_type()).contiguous();
  return grads;
}

}  // namespace mindt::kernels::cpu
