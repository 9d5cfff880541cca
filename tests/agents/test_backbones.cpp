// Every backbone, through the one interface: causal, and its step-by-step mode computes what its
// whole-window mode computes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "agents/backbones/backbone.h"
#include "tests/agents/model_fixtures.h"
#include "tests/expect_text.h"
#include "tests/test_util.h"

namespace mindt::backbones {
namespace {

using mindt::testing::relative_error;
using mindt::testing::tiny_model_config;

class EveryBackbone : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
  Backbone make(at::ScalarType dtype = at::kFloat) {
    Backbone backbone(tiny_model_config(GetParam()));
    backbone->to(dtype);
    backbone->eval();
    return backbone;
  }
};

TEST_P(EveryBackbone, OutputAtTIgnoresLaterInputs) {
  Backbone backbone = make();
  torch::NoGradGuard no_grad;
  const int64_t L = 30;
  const at::Tensor x = torch::randn({2, L, 32});
  const at::Tensor y = backbone->forward(x);
  for (int64_t t : {int64_t(0), int64_t(7), int64_t(18), L - 2}) {
    at::Tensor perturbed = x.clone();
    perturbed.narrow(1, t + 1, L - t - 1).add_(torch::randn({2, L - t - 1, 32}) * 5);
    const at::Tensor y2 = backbone->forward(perturbed);
    EXPECT_LT((y2.narrow(1, 0, t + 1) - y.narrow(1, 0, t + 1)).abs().max().item<double>(), 1e-6)
        << GetParam() << ": output up to " << t << " moved when later inputs changed";
    // …while the later outputs do move: the comparison above can fail.
    EXPECT_GT((y2.narrow(1, t + 1, L - t - 1) - y.narrow(1, t + 1, L - t - 1)).abs().max().item<double>(), 1e-3);
  }
}

TEST_P(EveryBackbone, StepEqualsForwardOverAWindow) {
  for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
    Backbone backbone = make(dtype);
    torch::NoGradGuard no_grad;
    const int64_t L = 60;  // a full DT window: 20 steps × 3 tokens
    const at::Tensor x = torch::randn({3, L, 32}, dtype);
    const at::Tensor whole = backbone->forward(x);
    BackboneState state = backbone->initial_state(3);
    std::vector<at::Tensor> steps;
    for (int64_t t = 0; t < L; ++t) steps.push_back(backbone->step(x.select(1, t), state));
    const double error = relative_error(at::stack(steps, 1), whole);
    EXPECT_LT(error, dtype == at::kFloat ? 1e-5 : 1e-12) << GetParam() << " in " << dtype;
  }
}

TEST_P(EveryBackbone, GradientsReachEveryParameter) {
  Backbone backbone = make();
  backbone->train();
  backbone->forward(torch::randn({2, 12, 32})).pow(2).sum().backward();
  for (const auto& p : backbone->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().max().item<double>(), 0.0) << p.key() << " gets no gradient";
  }
}

INSTANTIATE_TEST_SUITE_P(Backbones, EveryBackbone, ::testing::ValuesIn(config::kBackbones),
                         [](const auto& info) { return info.param; });

TEST(BackboneFactory, UnknownNameListsTheValidOnes) {
  config::ModelConfig m = tiny_model_config("rwkv");
  try {
    Backbone backbone(m);
    FAIL() << "an unknown backbone was accepted";
  } catch (const c10::Error& e) {
    EXPECT_HAS(std::string(e.what_without_backtrace()),
               "unknown backbone 'rwkv'; valid backbones: transformer, mingru, minlstm, gru, lstm, mamba");
  }
}

TEST(BackboneFactory, HeadsMustDivideTheWidth) {
  config::ModelConfig m = tiny_model_config("transformer");
  m.transformer.n_heads = 5;
  EXPECT_THROW(Backbone{m}, c10::Error);
}

}  // namespace
}  // namespace mindt::backbones
