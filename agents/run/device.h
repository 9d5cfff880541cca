// The device a run trains on, and the state of the generators it draws from, which checkpoints
// keep so that a resumed run draws the same numbers (the decision-model trainer and SAC).
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

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

}  // namespace mindt
