// Non-temporal ("streaming") stores for kernel outputs that will not be read again soon.
//
// A normal store to memory that is not cached first reads the line in (read-for-ownership), so an
// output array costs two transfers; a streaming store writes the line directly. For scans over
// arrays larger than the last-level cache this is the difference between 4 and 3 transfers per
// element in forward, and between 7 and 5 in backward. Small problems use normal stores, because
// the next kernel will find their outputs in cache.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace mindt::kernels::detail {

// Copies n values from src (any alignment) to dst; the aligned middle part is streamed.
template <typename T>
inline void stream_store(T* dst, const T* src, int64_t n) {
#if defined(__AVX__)
  constexpr int64_t kVec = 32 / sizeof(T);  // one 256-bit register
  int64_t i = 0;
  while (i < n && reinterpret_cast<uintptr_t>(dst + i) % 32 != 0) {
    dst[i] = src[i];
    ++i;
  }
  for (; i + kVec <= n; i += kVec) {
    if constexpr (sizeof(T) == 4) {
      _mm256_stream_ps(reinterpret_cast<float*>(dst + i), _mm256_loadu_ps(reinterpret_cast<const float*>(src + i)));
    } else {
      _mm256_stream_pd(reinterpret_cast<double*>(dst + i), _mm256_loadu_pd(reinterpret_cast<const double*>(src + i)));
    }
  }
  for (; i < n; ++i) dst[i] = src[i];
#else
  std::memcpy(dst, src, n * sizeof(T));
#endif
}

// Orders streamed stores before the results are published to other threads.
inline void stream_fence() {
#if defined(__AVX__)
  _mm_sfence();
#endif
}

}  // namespace mindt::kernels::detail
