// Gradient clipping by total norm that never waits for the device: the norm stays a tensor.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace mindt::optim {

// Scales every defined gradient by min(1, max_norm / (‖g‖₂ + 1e-6)), ‖g‖₂ over all of them, as
// torch::nn::utils::clip_grad_norm_ does (the same operations, so the same bits), and returns the
// norm as a 0-dim tensor on the gradients' device instead of reading it back to the host: that
// read is a synchronisation every step, and a captured CUDA graph cannot contain one.
// An undefined tensor when no parameter has a gradient.
at::Tensor clip_grad_norm(const std::vector<at::Tensor>& parameters, double max_norm);

}  // namespace mindt::optim
