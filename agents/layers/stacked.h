// N copies of a layer with their weights stacked along a leading member dimension, applied to inputs
// whose leading dimension is the member: one batched kernel for all members instead of N small
// ones. The building blocks of a packed run's batched forward (several seeds as one model, for the
// GPU, where N small kernels cost N launches and leave the device idle); on the CPU the seed pack
// takes turns instead, which is bit-identical to solo runs (agents/seed_pack.h).
//
// Every function equals the loop over members of the plain layer (at::linear, at::layer_norm,
// at::embedding) to rounding, forward and backward (tests/agents/test_stacked.cpp).
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace mindt::layers::stacked {

// The members' tensors as one [N, ...] tensor; differentiable, so each member's own parameter gets
// its gradient back.
at::Tensor stack_members(const std::vector<at::Tensor>& tensors);

// x [N, ..., in], weight [N, out, in], bias [N, out] or undefined → [N, ..., out].
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// Normalises x [N, ..., D] over its last dimension with each member's weight and bias [N, D].
at::Tensor layer_norm(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, double eps);

// Rows of each member's table: indices [N, ...] int64 in [0, V), weight [N, V, D] → [N, ..., D].
// The range is the caller's to guarantee (the trainer checks its dataset's timesteps once): checking
// here would read the device back at every call, and an index past V would read the next member's
// table.
at::Tensor embedding(const at::Tensor& indices, const at::Tensor& weight);

}  // namespace mindt::layers::stacked
