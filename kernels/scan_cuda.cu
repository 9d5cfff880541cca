// Fused CUDA linear scan.
//
// One block owns one batch element and 32 channels (threadIdx.x, so every load of a time step is
// one coalesced row) and walks through time in tiles of kSegments × kSteps steps. Within a tile each
// threadIdx.y holds a segment of kSteps steps in registers:
//   1. reduce its segment to a composite (A = ∏a, B = scan from a zero state),
//   2. one thread per channel chains the kSegments composites from the state carried in,
//   3. every segment replays its steps from its own carry-in and writes h.
// a and b are read once and h written once, so the kernel is memory-bound like the CPU one, with
// enough threads in flight to cover latency. Backward is the same machinery run in reverse time on
//   g_t = grad_h_t + a_{t+1} g_{t+1},  grad_a_t = g_t h_{t-1},  grad_b_t = g_t,  grad_h0 = a_0 g_0.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels::cuda {
namespace {

constexpr int kChannels = 32;
constexpr int kSegments = 8;
constexpr int kSteps = 16;
constexpr int64_t kTileSteps = int64_t(kSegments) * kSteps;

// States, segment composites and carries are kept in double whatever the storage type, as on the
// CPU: rounding only what is stored keeps long float32 scans within half an ulp of the exact
// recurrence. The kernel is memory-bound, so the wider arithmetic costs little.
using Acc = double;

struct Problem {
  int64_t batch, time, channels;
  __host__ __device__ int64_t channel_tiles() const { return (channels + kChannels - 1) / kChannels; }
};

// Step 2 of both directions: chain the segment composites (in `order`) starting from *running,
// leaving each segment's carry-in in carry[] and the state after the tile in *running.
template <bool kReverse>
__device__ void chain_segments(const Acc (&seg_a)[kSegments][kChannels], const Acc (&seg_b)[kSegments][kChannels],
                               Acc (&carry)[kSegments][kChannels], Acc* running) {
  const int x = threadIdx.x;
  Acc state = running[x];
  for (int i = 0; i < kSegments; ++i) {
    const int s = kReverse ? kSegments - 1 - i : i;
    carry[s][x] = state;
    state = seg_a[s][x] * state + seg_b[s][x];
  }
  running[x] = state;
}

template <typename T>
__global__ void __launch_bounds__(kChannels* kSegments)
    scan_forward_kernel(const T* __restrict__ a, const T* __restrict__ b, const T* __restrict__ h0, T* __restrict__ h,
                        Problem p) {
  __shared__ Acc seg_a[kSegments][kChannels], seg_b[kSegments][kChannels];
  __shared__ Acc carry[kSegments][kChannels], running[kChannels];
  const int x = threadIdx.x, y = threadIdx.y;
  const int64_t bi = blockIdx.x / p.channel_tiles();
  const int64_t d = (blockIdx.x % p.channel_tiles()) * kChannels + x;
  const bool active = d < p.channels;
  if (y == 0) running[x] = (active && h0) ? Acc(h0[bi * p.channels + d]) : Acc(0);

  // This thread's kSteps steps of the tile at t0, identity steps past the end.
  const auto load_segment = [&](int64_t t0, T(&ra)[kSteps], T(&rb)[kSteps]) {
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      const int64_t t = t0 + int64_t(y) * kSteps + k;
      const bool in = active && t < p.time;
      const int64_t i = (bi * p.time + t) * p.channels + d;
      ra[k] = in ? a[i] : T(1);
      rb[k] = in ? b[i] : T(0);
    }
  };
  // The next tile's loads are issued before this tile's chain and replay, so they are in flight
  // while the block computes (one tile at a time left the memory system idle half the time).
  T ra[kSteps], rb[kSteps], next_a[kSteps], next_b[kSteps];
  load_segment(0, ra, rb);
  for (int64_t t0 = 0; t0 < p.time; t0 += kTileSteps) {
    Acc seg_coeff = 1, seg_value = 0;
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      seg_value = Acc(ra[k]) * seg_value + Acc(rb[k]);
      seg_coeff *= Acc(ra[k]);
    }
    seg_a[y][x] = seg_coeff;
    seg_b[y][x] = seg_value;
    if (t0 + kTileSteps < p.time) load_segment(t0 + kTileSteps, next_a, next_b);
    __syncthreads();
    if (y == 0) chain_segments<false>(seg_a, seg_b, carry, running);
    __syncthreads();
    Acc state = carry[y][x];
    const int64_t s0 = t0 + int64_t(y) * kSteps;
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      const int64_t t = s0 + k;
      state = Acc(ra[k]) * state + Acc(rb[k]);
      if (active && t < p.time) h[(bi * p.time + t) * p.channels + d] = T(state);
    }
    if (t0 + kTileSteps < p.time) {
#pragma unroll
      for (int k = 0; k < kSteps; ++k) {
        ra[k] = next_a[k];
        rb[k] = next_b[k];
      }
    }
    __syncthreads();  // shared arrays are rewritten by the next tile
  }
}

template <typename T>
__global__ void __launch_bounds__(kChannels* kSegments)
    scan_backward_kernel(const T* __restrict__ a, const T* __restrict__ h, const T* __restrict__ h0,
                         const T* __restrict__ grad_h, T* __restrict__ grad_a, T* __restrict__ grad_b,
                         T* __restrict__ grad_h0, Problem p) {
  __shared__ Acc seg_a[kSegments][kChannels], seg_b[kSegments][kChannels];
  __shared__ Acc carry[kSegments][kChannels], running[kChannels];
  const int x = threadIdx.x, y = threadIdx.y;
  const int64_t bi = blockIdx.x / p.channel_tiles();
  const int64_t d = (blockIdx.x % p.channel_tiles()) * kChannels + x;
  const bool active = d < p.channels;
  if (y == 0) running[x] = Acc(0);  // nothing flows back from beyond the last step

  // This thread's kSteps steps of a tile: coefficient a_{t+1} and input grad_h_t of the reversed
  // scan, identity steps past the end. Prefetched one tile ahead, as in the forward kernel.
  const auto load_segment = [&](int64_t tile, T(&rc)[kSteps], T(&ru)[kSteps]) {
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      const int64_t t = tile * kTileSteps + int64_t(y) * kSteps + k;
      const bool in = active && t < p.time;
      const int64_t i = (bi * p.time + t) * p.channels + d;
      rc[k] = in ? (t + 1 < p.time ? a[i + p.channels] : T(0)) : T(1);
      ru[k] = in ? grad_h[i] : T(0);
    }
  };
  const int64_t tiles = (p.time + kTileSteps - 1) / kTileSteps;
  T rc[kSteps], ru[kSteps], next_c[kSteps], next_u[kSteps];
  load_segment(tiles - 1, rc, ru);
  for (int64_t tile = tiles - 1; tile >= 0; --tile) {
    const int64_t s0 = tile * kTileSteps + int64_t(y) * kSteps;
    Acc seg_coeff = 1, seg_value = 0;
#pragma unroll
    for (int k = kSteps - 1; k >= 0; --k) {
      seg_value = Acc(rc[k]) * seg_value + Acc(ru[k]);
      seg_coeff *= Acc(rc[k]);
    }
    if (tile > 0) load_segment(tile - 1, next_c, next_u);
    seg_a[y][x] = seg_coeff;
    seg_b[y][x] = seg_value;
    __syncthreads();
    if (y == 0) chain_segments<true>(seg_a, seg_b, carry, running);
    __syncthreads();
    Acc g = carry[y][x];
#pragma unroll
    for (int k = kSteps - 1; k >= 0; --k) {
      const int64_t t = s0 + k;
      g = Acc(rc[k]) * g + Acc(ru[k]);
      if (active && t < p.time) {
        const int64_t i = (bi * p.time + t) * p.channels + d;
        const Acc h_prev = t > 0 ? Acc(h[i - p.channels]) : (h0 ? Acc(h0[bi * p.channels + d]) : Acc(0));
        grad_b[i] = T(g);
        grad_a[i] = T(g * h_prev);
        if (t == 0 && grad_h0) grad_h0[bi * p.channels + d] = T(Acc(a[i]) * g);
      }
    }
    if (tile > 0) {
#pragma unroll
      for (int k = 0; k < kSteps; ++k) {
        rc[k] = next_c[k];
        ru[k] = next_u[k];
      }
    }
    __syncthreads();
  }
}

Problem problem_of(const at::Tensor& a) {
  const Problem p{a.size(0), a.size(1), a.size(2)};
  TORCH_CHECK(p.batch * p.channel_tiles() <= int64_t(INT32_MAX),
              "cuda linear_scan: B × ceil(D/32) = ", p.batch * p.channel_tiles(), " blocks is too many");
  return p;
}

}  // namespace

bool compiled() { return true; }

at::Tensor scan_forward(const at::Tensor& a_in, const at::Tensor& b_in, const at::Tensor& h0_in) {
  check_scan_inputs(a_in, b_in, h0_in);
  TORCH_CHECK(a_in.is_cuda(), "cuda::scan_forward: tensors must be on a CUDA device, got ", a_in.device());
  const c10::cuda::CUDAGuard guard(a_in.device());
  const at::Tensor a = a_in.contiguous(), b = b_in.contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  at::Tensor h = at::empty_like(a);
  const Problem p = problem_of(a);
  const dim3 grid(unsigned(p.batch * p.channel_tiles())), block(kChannels, kSegments);
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_forward_cuda", [&] {
    scan_forward_kernel<scalar_t><<<grid, block, 0, at::cuda::getCurrentCUDAStream()>>>(
        a.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(), h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
        h.data_ptr<scalar_t>(), p);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return h;
}

ScanGrads scan_backward(const at::Tensor& a_in, const at::Tensor& h_in, const at::Tensor& h0_in,
                        const at::Tensor& grad_h_in) {
  check_scan_inputs(a_in, h_in, h0_in);
  TORCH_CHECK(grad_h_in.sizes() == a_in.sizes(), "cuda::scan_backward: grad_h must have shape ", a_in.sizes(), ", got ",
              grad_h_in.sizes());
  const c10::cuda::CUDAGuard guard(a_in.device());
  const at::Tensor a = a_in.contiguous(), h = h_in.contiguous();
  const at::Tensor grad_h = grad_h_in.to(a.scalar_type()).contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  ScanGrads grads{at::empty_like(a), at::empty_like(a), h0.defined() ? at::empty_like(h0) : at::Tensor()};
  const Problem p = problem_of(a);
  const dim3 grid(unsigned(p.batch * p.channel_tiles())), block(kChannels, kSegments);
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_backward_cuda", [&] {
    scan_backward_kernel<scalar_t><<<grid, block, 0, at::cuda::getCurrentCUDAStream()>>>(
        a.data_ptr<scalar_t>(), h.data_ptr<scalar_t>(), h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
        grad_h.data_ptr<scalar_t>(), grads.a.data_ptr<scalar_t>(), grads.b.data_ptr<scalar_t>(),
        h0.defined() ? grads.h0.data_ptr<scalar_t>() : nullptr, p);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return grads;
}

}  // namespace mindt::kernels::cuda
