// How the fused CPU kernels share out work: the recurrences are sequential in time but independent
// across batch and channels, so one task owns one batch element and a tile of up to kMaxRow
// contiguous channels, and streams through time. Running values are kept in Acc (float64) whatever
// the storage type.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>

#include "kernels/stream_store.h"

namespace mindt::kernels::detail {

// Channels per task: a tile's running values stay in L1, and a task streams whole rows of up to
// 1 KiB (float) so the hardware prefetcher sees one sequential stream per array.
constexpr int64_t kMaxRow = 256;

using Acc = double;

inline int64_t channel_tiles(int64_t channels) { return (channels + kMaxRow - 1) / kMaxRow; }

// Calls task(bi, d0, n) for every batch element bi and channel tile [d0, d0 + n), in parallel;
// each thread fences its streamed stores before the results are used.
template <typename Task>
void for_each_channel_tile(int64_t batch, int64_t channels, const Task& task) {
  const int64_t tiles = channel_tiles(channels);
  at::parallel_for(0, batch * tiles, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t d0 = (i % tiles) * kMaxRow;
      task(i / tiles, d0, std::min(kMaxRow, channels - d0));
    }
    stream_fence();
  });
}

}  // namespace mindt::kernels::detail
