// Pieces every training loop with a run directory shares (the decision-model trainer and SAC):
// picking the device, the CPU generator's state in checkpoints, and cutting the log back on resume.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <string>

namespace mindt {

// "cpu", "cuda" (fails clearly without a visible GPU) or "auto" (CUDA when available).
c10::Device resolve_device(const std::string& device);

// The default CPU generator's state, and setting it back: resumed runs draw the same numbers.
at::Tensor cpu_rng_state();
void restore_cpu_rng(const at::Tensor& state);
// The same for the default generator of a CUDA device (dropout on the GPU draws from it).
at::Tensor cuda_rng_state(const c10::Device& device);
void restore_cuda_rng(const c10::Device& device, const at::Tensor& state);

// Keeps the JSONL log lines whose "step" is ≤ step (the lines past a checkpoint describe steps that
// a resumed run will redo); rewritten atomically.
void truncate_log(const std::string& path, int64_t step);

}  // namespace mindt
