// The stacked forward of several decision models against each member's own forward, on fresh
// weights and windows (padded ones included): outputs and the gradients that reach each member's
// parameters, for every backbone with a batched form; the others are refused by name.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include "agents/stacked_decision_model.h"
#include "tests/agents/model_fixtures.h"

namespace mindt {
namespace {

constexpr int64_t kMembers = 3, kBatch = 4, kSteps = 6, kStateDim = 5, kActDim = 2;

std::vector<DecisionModel> members_of(const config::ModelConfig& config) {
  std::vector<DecisionModel> members;
  for (int64_t seed = 0; seed < kMembers; ++seed) {
    at::manual_seed(seed);
    DecisionModel m(config, kStateDim, kActDim);
    m->set_state_normalization(at::rand({kStateDim}), at::rand({kStateDim}) + 0.5);  // each its own statistics
    m->eval();
    members.push_back(m);
  }
  return members;
}

TEST(StackedDecisionModel, EachMemberComputesItsOwnForward) {
  for (const std::string backbone : {"transformer", "mingru", "minlstm"}) {
    SCOPED_TRACE(backbone);
    at::manual_seed(10);
    std::vector<DecisionModel> members = members_of(testing::tiny_model_config(backbone));
    std::vector<testing::Windows> windows;
    std::vector<at::Tensor> masks;
    for (int64_t m = 0; m < kMembers; ++m) {
      windows.push_back(testing::random_windows(kBatch, kSteps, kStateDim, kActDim));
      at::Tensor mask = at::ones({kBatch, kSteps}, at::kBool);
      mask.index_put_({0, at::indexing::Slice(0, 2)}, false);  // left padding, as at an episode's start
      mask.index_put_({m % kBatch, at::indexing::Slice(0, 1 + m)}, false);
      masks.push_back(mask);
    }
    auto stack = [&](at::Tensor testing::Windows::*field) {
      std::vector<at::Tensor> xs;
      for (const auto& w : windows) xs.push_back(w.*field);
      return at::stack(xs);
    };
    StackedDecisionForward stacked(members);
    const at::Tensor together =
        stacked.forward(stack(&testing::Windows::states), stack(&testing::Windows::actions),
                        stack(&testing::Windows::returns), stack(&testing::Windows::timesteps), at::stack(masks));
    std::vector<at::Tensor> alone;
    for (int64_t m = 0; m < kMembers; ++m) {
      const auto& w = windows[m];
      alone.push_back(members[m]->forward(w.states, w.actions, w.returns, w.timesteps, masks[m]));
    }
    const at::Tensor expected = at::stack(alone);
    ASSERT_EQ(together.sizes(), expected.sizes());
    EXPECT_TRUE(at::allclose(together, expected, 1e-5, 1e-6)) << (together - expected).abs().max();

    // The same cotangent through both: every member parameter's gradient agrees.
    std::vector<at::Tensor> leaves;
    for (const auto& m : members) {
      for (const auto& p : m->parameters()) leaves.push_back(p);
    }
    const at::Tensor cotangent = at::randn_like(expected);
    const auto a = torch::autograd::grad({together}, leaves, {cotangent}, true, false, /*allow_unused=*/true);
    const auto b = torch::autograd::grad({expected}, leaves, {cotangent}, true, false, /*allow_unused=*/true);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].defined(), b[i].defined()) << "parameter " << i;
      if (a[i].defined()) EXPECT_TRUE(at::allclose(a[i], b[i], 1e-4, 1e-6)) << "parameter " << i;
    }
  }
}

TEST(StackedDecisionModel, BackbonesWithoutABatchedFormAreRefused) {
  for (const std::string backbone : {"gru", "lstm", "mamba"}) {
    EXPECT_FALSE(StackedDecisionForward::supports(backbone));
    try {
      StackedDecisionForward stacked(members_of(testing::tiny_model_config(backbone)));
      ADD_FAILURE() << backbone << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("backbone " + backbone + " has no batched form"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace mindt
