// Training windows gathered on the training device: the dataset's rows are copied there once, and
// each batch is a handful of device operations — draw B end rows, gather their K-step windows —
// instead of a host loop and a host-to-device copy per step. The sampling law is the window
// sampler's (datasets/window_sampler.h): end rows uniform over all rows, so episodes are drawn in
// proportion to their length; the K steps up to the end row, left-padded (mask 0, zeros) at the
// episode's start; returns-to-go divided by the reward scale; timesteps counted from the episode's
// start. The same code runs on the CPU.
//
// Batch i is a pure function of (seed, i) — its generator is seeded from both — so seek(i)
// resumes exactly. The draws differ from WindowSampler's (another generator), not their law.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/window_sampler.h"

namespace mindt {

struct DeviceWindows {
  at::Tensor states, actions, returns_to_go;  // [B, K, S], [B, K, A], [B, K] float32
  at::Tensor timesteps;                       // [B, K] int64
  at::Tensor mask;                            // [B, K] bool, true = a real step
  at::Tensor end_rows;                        // [B] int64, the dataset row each window ends at
};

class DeviceWindowSampler {
 public:
  // Copies the rows to `device` (observations, actions, scaled returns-to-go, and per row its
  // episode's first row). options.prefetch is unused. Throws std::invalid_argument as
  // WindowSampler does for empty data or bad options.
  DeviceWindowSampler(const datasets::D4rlDataset& data, const std::vector<datasets::Episode>& episodes,
                      const datasets::SamplerOptions& options, const c10::Device& device);

  // Batch number `index`.
  DeviceWindows sample(int64_t index) const;
  // The next batch in order 0, 1, 2, …, and where that order continues from (resume).
  DeviceWindows next() { return sample(next_index_++); }
  void seek(int64_t index) { next_index_ = index; }

  const c10::Device& device() const { return device_; }

 private:
  datasets::SamplerOptions options_;
  c10::Device device_;
  int64_t rows_;
  at::Tensor states_, actions_, scaled_rtg_;  // [N, S], [N, A], [N] on the device
  at::Tensor episode_start_;                  // [N] int64: the first row of each row's episode
  at::Tensor offsets_;                        // [K] int64: −(K − 1) … 0
  mutable at::Generator generator_;           // reseeded for every batch
  int64_t next_index_ = 0;
};

}  // namespace mindt
