// The stacked layers against the loop over members of the plain ones, in float64 on fresh random
// inputs: outputs and the gradients of every input and member parameter.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include "agents/layers/stacked.h"

namespace mindt::layers {
namespace {

constexpr int64_t kMembers = 3;

at::Tensor random(std::vector<int64_t> shape) {
  return at::randn(shape, at::TensorOptions().dtype(at::kDouble)).requires_grad_(true);
}

std::vector<at::Tensor> members_of(std::vector<int64_t> shape) {
  std::vector<at::Tensor> out;
  for (int64_t m = 0; m < kMembers; ++m) out.push_back(random(shape));
  return out;
}

// Backpropagates the same random cotangent through both and compares the gradients of `leaves`.
void expect_same_gradients(const at::Tensor& stacked, const at::Tensor& looped, const std::vector<at::Tensor>& leaves) {
  const at::Tensor cotangent = at::randn_like(stacked);
  const auto a = torch::autograd::grad({stacked}, leaves, {cotangent}, /*retain_graph=*/true);
  const auto b = torch::autograd::grad({looped}, leaves, {cotangent});
  for (size_t i = 0; i < leaves.size(); ++i) EXPECT_TRUE(at::allclose(a[i], b[i], 1e-12, 1e-12)) << "leaf " << i;
}

TEST(Stacked, LinearIsEachMembersLinear) {
  at::manual_seed(1);
  for (bool with_bias : {true, false}) {
    const auto weights = members_of({5, 4});
    const auto biases = members_of({5});
    const at::Tensor x = random({kMembers, 2, 6, 4});
    const at::Tensor bias = with_bias ? stacked::stack_members(biases) : at::Tensor();
    const at::Tensor y = stacked::linear(x, stacked::stack_members(weights), bias);
    std::vector<at::Tensor> looped;
    for (int64_t m = 0; m < kMembers; ++m)
      looped.push_back(at::linear(x[m], weights[m], with_bias ? biases[m] : at::Tensor()));
    const at::Tensor expected = at::stack(looped);
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_TRUE(at::allclose(y, expected, 1e-12, 1e-12));
    std::vector<at::Tensor> leaves = {x, weights[0], weights[2]};
    if (with_bias) leaves.push_back(biases[1]);
    expect_same_gradients(y, expected, leaves);
  }
}

TEST(Stacked, LayerNormIsEachMembersLayerNorm) {
  at::manual_seed(2);
  const auto weights = members_of({8}), biases = members_of({8});
  const at::Tensor x = random({kMembers, 3, 5, 8});
  const at::Tensor y = stacked::layer_norm(x, stacked::stack_members(weights), stacked::stack_members(biases), 1e-5);
  std::vector<at::Tensor> looped;
  for (int64_t m = 0; m < kMembers; ++m) looped.push_back(at::layer_norm(x[m], {8}, weights[m], biases[m], 1e-5));
  const at::Tensor expected = at::stack(looped);
  EXPECT_TRUE(at::allclose(y, expected, 1e-12, 1e-12));
  expect_same_gradients(y, expected, {x, weights[1], biases[2]});
}

TEST(Stacked, EmbeddingReadsEachMembersOwnTable) {
  at::manual_seed(3);
  const auto tables = members_of({7, 4});
  const at::Tensor indices = at::randint(0, 7, {kMembers, 2, 5}, at::TensorOptions().dtype(at::kLong));
  const at::Tensor y = stacked::embedding(indices, stacked::stack_members(tables));
  std::vector<at::Tensor> looped;
  for (int64_t m = 0; m < kMembers; ++m) looped.push_back(at::embedding(tables[m], indices[m]));
  const at::Tensor expected = at::stack(looped);
  EXPECT_TRUE(at::equal(y, expected));
  expect_same_gradients(y, expected, {tables[0], tables[1], tables[2]});
}

TEST(Stacked, MismatchedMembersAreRefused) {
  const at::Tensor x = at::randn({2, 3, 4});
  EXPECT_THROW(stacked::linear(x, at::randn({3, 5, 4}), {}), c10::Error);
  EXPECT_THROW(stacked::linear(x, at::randn({2, 5, 3}), {}), c10::Error);
  EXPECT_THROW(stacked::layer_norm(x, at::randn({2, 3}), at::randn({2, 3}), 1e-5), c10::Error);
  EXPECT_THROW(stacked::embedding(at::zeros({3, 2}, at::kLong), at::randn({2, 5, 4})), c10::Error);
}

}  // namespace
}  // namespace mindt::layers
