// Fused CPU linear scan. The recurrence is sequential in time but independent across batch and
// channels, so each task owns one batch element and a tile of channels and streams through time:
// two reads and one write per element in forward, three reads and two writes in backward — the
// minimum, so the kernel runs at memory bandwidth. Channels are contiguous, so the inner loop over
// a tile vectorises.
#include <ATen/ATen.h>
#include <ATen/Dispatch.h>

#include <algorithm>
#include <atomic>
#include <type_traits>
#include <vector>

#include "kernels/cpu_tiles.h"
#include "kernels/linear_scan.h"
#include "kernels/scan_cpu_rows.h"

namespace mindt::kernels::cpu {
namespace {

constexpr int64_t kTile = detail::kMaxRow;

// Outputs larger than this (bytes, all arrays of a call) bypass the cache (see stream_store.h).
constexpr double kStreamingThresholdBytes = 16.0 * 1024 * 1024;

struct Shape {
  int64_t batch, time, channels;
  int64_t elements() const { return batch * time * channels; }
};

Shape shape_of(const at::Tensor& a) { return {a.size(0), a.size(1), a.size(2)}; }

// Backward walks time in reverse, which hardware prefetchers follow poorly; we ask for the rows
// kPrefetchRows steps ahead explicitly.
constexpr int64_t kPrefetchRows = 32;

template <typename T>
inline void prefetch_row(const T* p, int64_t n) {
  for (int64_t d = 0; d < n; d += 64 / int64_t(sizeof(T))) __builtin_prefetch(p + d, 0, 2);
}

template <typename T, bool kStream>
void forward_loop(const T* __restrict a, const T* __restrict b, const T* __restrict h0, T* __restrict h,
                  const Shape& s) {
  detail::for_each_channel_tile(s.batch, s.channels, [&](int64_t bi, int64_t d0, int64_t n) {
    detail::Acc state[kTile];
    for (int64_t d = 0; d < n; ++d) state[d] = h0 ? detail::Acc(h0[bi * s.channels + d0 + d]) : 0;
    const int64_t base = bi * s.time * s.channels + d0;
    for (int64_t t = 0; t < s.time; ++t) {
      const int64_t row = base + t * s.channels;
      detail::forward_row<T, kStream>(a + row, b + row, state, h + row, n);
    }
  });
}

template <typename T, bool kStream>
void backward_loop(const T* __restrict a, const T* __restrict h, const T* __restrict h0, const T* __restrict grad_h,
                   T* __restrict grad_a, T* __restrict grad_b, T* __restrict grad_h0, const Shape& s) {
  detail::for_each_channel_tile(s.batch, s.channels, [&](int64_t bi, int64_t d0, int64_t n) {
    detail::Acc g[kTile];  // dL/dh_t accumulated from the future
    T zeros[kTile];        // h_{-1} when there is no h0
    for (int64_t d = 0; d < n; ++d) g[d] = 0, zeros[d] = T(0);
    const int64_t base = bi * s.time * s.channels + d0;
    const T* h_init = h0 ? h0 + bi * s.channels + d0 : zeros;
    for (int64_t t = s.time - 1; t >= 0; --t) {
      const int64_t row = base + t * s.channels;
      // a_{t+1} carries g back one step; past the last step g is 0, so any finite row will do.
      const T* a_next = t + 1 < s.time ? a + row + s.channels : a + row;
      const T* h_prev = t > 0 ? h + row - s.channels : h_init;
      if (t >= kPrefetchRows + 1) {
        const int64_t ahead = row - kPrefetchRows * s.channels;
        prefetch_row(grad_h + ahead, n);
        prefetch_row(a + ahead, n);
        prefetch_row(h + ahead - s.channels, n);
      }
      detail::backward_row<T, kStream>(grad_h + row, a_next, h_prev, g, grad_b + row, grad_a + row, n);
    }
    if (grad_h0) {
      for (int64_t d = 0; d < n; ++d) grad_h0[bi * s.channels + d0 + d] = T(detail::Acc(a[base + d]) * g[d]);
    }
  });
}

template <typename T>
bool use_streaming(const Shape& s) {
  return 3.0 * double(s.elements()) * sizeof(T) > kStreamingThresholdBytes;
}

}  // namespace

at::Tensor scan_forward(const at::Tensor& a_in, const at::Tensor& b_in, const at::Tensor& h0_in) {
  check_scan_inputs(a_in, b_in, h0_in);
  TORCH_CHECK(a_in.device().is_cpu(), "cpu::scan_forward: tensors must be on the CPU, got ", a_in.device());
  const at::Tensor a = a_in.contiguous(), b = b_in.contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  at::Tensor h = at::empty_like(a);
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_forward_cpu", [&] {
    const Shape s = shape_of(a);
    auto run = [&](auto stream) {
      forward_loop<scalar_t, decltype(stream)::value>(a.data_ptr<scalar_t>(), b.data_ptr<scalar_t>(),
                                                      h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
                                                      h.data_ptr<scalar_t>(), s);
    };
    use_streaming<scalar_t>(s) ? run(std::true_type{}) : run(std::false_type{});
  });
  return h;
}

ScanGrads scan_backward(const at::Tensor& a_in, const at::Tensor& h_in, const at::Tensor& h0_in,
                        const at::Tensor& grad_h_in) {
  check_scan_inputs(a_in, h_in, h0_in);
  TORCH_CHECK(grad_h_in.sizes() == a_in.sizes(), "cpu::scan_backward: grad_h must have shape ", a_in.sizes(), ", got ",
              grad_h_in.sizes());
  const at::Tensor a = a_in.contiguous(), h = h_in.contiguous();
  const at::Tensor grad_h = grad_h_in.to(a.scalar_type()).contiguous();
  const at::Tensor h0 = h0_in.defined() ? h0_in.contiguous() : h0_in;
  ScanGrads grads{at::empty_like(a), at::empty_like(a), h0.defined() ? at::empty_like(h0) : at::Tensor()};
  AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "mindt_scan_backward_cpu", [&] {
    const Shape s = shape_of(a);
    auto run = [&](auto stream) {
      backward_loop<scalar_t, decltype(stream)::value>(
          a.data_ptr<scalar_t>(), h.data_ptr<scalar_t>(), h0.defined() ? h0.data_ptr<scalar_t>() : nullptr,
          grad_h.data_ptr<scalar_t>(), grads.a.data_ptr<scalar_t>(), grads.b.data_ptr<scalar_t>(),
          h0.defined() ? grads.h0.data_ptr<scalar_t>() : nullptr, s);
    };
    use_streaming<scalar_t>(s) ? run(std::true_type{}) : run(std::false_type{});
  });
  return grads;
}

int work_sharing_threads() {
  std::vector<std::atomic<int>> seen(static_cast<size_t>(std::max(1, at::get_num_threads())));
  detail::for_each_channel_tile(int64_t(seen.size()) * 4, detail::kMaxRow, [&](int64_t, int64_t, int64_t) {
    seen[static_cast<size_t>(at::get_thread_num()) % seen.size()] = 1;
  });
  int threads = 0;
  for (const auto& s : seen) threads += s.load();
  return threads;
}

}  // namespace mindt::kernels::cpu
