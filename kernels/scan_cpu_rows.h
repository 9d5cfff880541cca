// One time step of the fused CPU scan over a row of n channels: the inner loops of scan_cpu.cpp.
//
// The running values (state in forward, g in backward) are double whatever the storage type T:
// over tens of thousands of steps with gates near 1, float32 accumulation drifts by ~T·ε, while
// rounding only what is stored keeps each output within half an ulp of the exact recurrence.
// The generic versions let the compiler vectorise; for float32 on AVX2 hand-written versions
// convert, fuse multiply-adds and stream the outputs in one pass with no staging buffer.
#pragma once

#include <cstdint>

#include "kernels/cpu_tiles.h"
#include "kernels/stream_store.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define MINDT_SCAN_AVX2 1
#endif

namespace mindt::kernels::detail {

// state ← a ⊙ state + b; h ← state (rounded to T).
template <typename T, bool kStream>
inline void forward_row(const T* __restrict a, const T* __restrict b, Acc* __restrict state, T* __restrict h,
                        int64_t n) {
  T out[kMaxRow];
  for (int64_t d = 0; d < n; ++d) {
    state[d] = Acc(a[d]) * state[d] + Acc(b[d]);
    out[d] = T(state[d]);
  }
  if constexpr (kStream) {
    stream_store(h, out, n);
  } else {
    for (int64_t d = 0; d < n; ++d) h[d] = out[d];
  }
}

// g ← grad_h + a_next ⊙ g; grad_b ← g; grad_a ← g ⊙ h_prev.
template <typename T, bool kStream>
inline void backward_row(const T* __restrict grad_h, const T* __restrict a_next, const T* __restrict h_prev,
                         Acc* __restrict g, T* __restrict grad_b, T* __restrict grad_a, int64_t n) {
  T gb[kMaxRow], ga[kMaxRow];
  for (int64_t d = 0; d < n; ++d) {
    g[d] = Acc(grad_h[d]) + Acc(a_next[d]) * g[d];
    gb[d] = T(g[d]);
    ga[d] = T(g[d] * Acc(h_prev[d]));
  }
  if constexpr (kStream) {
    stream_store(grad_b, gb, n);
    stream_store(grad_a, ga, n);
  } else {
    for (int64_t d = 0; d < n; ++d) grad_b[d] = gb[d], grad_a[d] = ga[d];
  }
}

#ifdef MINDT_SCAN_AVX2
namespace avx2 {

inline __m256d low_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline __m256d high_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
inline __m256 to_ps(__m256d lo, __m256d hi) { return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)); }

template <bool kStream>
inline void store(float* p, __m256 v, bool aligned) {
  if (kStream && aligned) {
    _mm256_stream_ps(p, v);
  } else {
    _mm256_storeu_ps(p, v);
  }
}

inline bool aligned32(const void* p) { return reinterpret_cast<uintptr_t>(p) % 32 == 0; }

}  // namespace avx2

template <bool kStream>
inline void forward_row_avx2(const float* __restrict a, const float* __restrict b, Acc* __restrict state,
                             float* __restrict h, int64_t n) {
  const bool aligned = avx2::aligned32(h);
  int64_t d = 0;
  for (; d + 8 <= n; d += 8) {
    const __m256 av = _mm256_loadu_ps(a + d), bv = _mm256_loadu_ps(b + d);
    const __m256d lo = _mm256_fmadd_pd(avx2::low_pd(av), _mm256_loadu_pd(state + d), avx2::low_pd(bv));
    const __m256d hi = _mm256_fmadd_pd(avx2::high_pd(av), _mm256_loadu_pd(state + d + 4), avx2::high_pd(bv));
    _mm256_storeu_pd(state + d, lo);
    _mm256_storeu_pd(state + d + 4, hi);
    avx2::store<kStream>(h + d, avx2::to_ps(lo, hi), aligned);
  }
  for (; d < n; ++d) {
    state[d] = Acc(a[d]) * state[d] + Acc(b[d]);
    h[d] = float(state[d]);
  }
}

template <bool kStream>
inline void backward_row_avx2(const float* __restrict grad_h, const float* __restrict a_next,
                              const float* __restrict h_prev, Acc* __restrict g, float* __restrict grad_b,
                              float* __restrict grad_a, int64_t n) {
  const bool aligned = avx2::aligned32(grad_b) && avx2::aligned32(grad_a);
  int64_t d = 0;
  for (; d + 8 <= n; d += 8) {
    const __m256 gh = _mm256_loadu_ps(grad_h + d), an = _mm256_loadu_ps(a_next + d), hp = _mm256_loadu_ps(h_prev + d);
    const __m256d lo = _mm256_fmadd_pd(avx2::low_pd(an), _mm256_loadu_pd(g + d), avx2::low_pd(gh));
    const __m256d hi = _mm256_fmadd_pd(avx2::high_pd(an), _mm256_loadu_pd(g + d + 4), avx2::high_pd(gh));
    _mm256_storeu_pd(g + d, lo);
    _mm256_storeu_pd(g + d + 4, hi);
    avx2::store<kStream>(grad_b + d, avx2::to_ps(lo, hi), aligned);
    avx2::store<kStream>(
        grad_a + d, avx2::to_ps(_mm256_mul_pd(lo, avx2::low_pd(hp)), _mm256_mul_pd(hi, avx2::high_pd(hp))), aligned);
  }
  for (; d < n; ++d) {
    g[d] = Acc(grad_h[d]) + Acc(a_next[d]) * g[d];
    grad_b[d] = float(g[d]);
    grad_a[d] = float(g[d] * Acc(h_prev[d]));
  }
}

template <>
inline void forward_row<float, true>(const float* __restrict a, const float* __restrict b, Acc* __restrict state,
                                     float* __restrict h, int64_t n) {
  forward_row_avx2<true>(a, b, state, h, n);
}
template <>
inline void forward_row<float, false>(const float* __restrict a, const float* __restrict b, Acc* __restrict state,
                                      float* __restrict h, int64_t n) {
  forward_row_avx2<false>(a, b, state, h, n);
}
template <>
inline void backward_row<float, true>(const float* __restrict grad_h, const float* __restrict a_next,
                                      const float* __restrict h_prev, Acc* __restrict g, float* __restrict grad_b,
                                      float* __restrict grad_a, int64_t n) {
  backward_row_avx2<true>(grad_h, a_next, h_prev, g, grad_b, grad_a, n);
}
template <>
inline void backward_row<float, false>(const float* __restrict grad_h, const float* __restrict a_next,
                                       const float* __restrict h_prev, Acc* __restrict g, float* __restrict grad_b,
                                       float* __restrict grad_a, int64_t n) {
  backward_row_avx2<false>(grad_h, a_next, h_prev, g, grad_b, grad_a, n);
}
#endif  // MINDT_SCAN_AVX2

}  // namespace mindt::kernels::detail
