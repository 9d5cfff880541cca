// minGRU / minLSTM layers: parallel (scan) mode equals sequential (step) mode, and both compute the
// paper's log-space formulation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "agents/layers/min_rnn.h"
#include "kernels/linear_scan.h"
#include "tests/test_util.h"

namespace mindt::layers {
namespace {

using mindt::testing::relative_error;

std::shared_ptr<MinRnnImpl> make_layer(MinRnnKind kind, int64_t dim, double expansion) {
  return std::make_shared<MinRnnImpl>(kind, MinRnnOptions(dim).expansion(expansion));
}

class MinRnnLayer : public ::testing::TestWithParam<MinRnnKind> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

TEST_P(MinRnnLayer, ParallelModeEqualsSequentialMode) {
  for (double expansion : {1.0, 1.5}) {
    auto layer = make_layer(GetParam(), 24, expansion);
    const int64_t B = 3, T = 50;
    const at::Tensor x = torch::randn({B, T, 24}) * 2;
    for (bool carried : {false, true}) {
      // A carried state as step() leaves it: positive, from an earlier chunk.
      const at::Tensor h0 = carried ? layer->forward(torch::randn({B, 7, 24})).state.detach() : at::Tensor();
      torch::NoGradGuard no_grad;
      const MinRnnOutput parallel = layer->forward(x, h0);
      at::Tensor h = h0;
      std::vector<at::Tensor> outs;
      for (int64_t t = 0; t < T; ++t) {
        MinRnnOutput o = layer->step(x.select(1, t), h);
        outs.push_back(o.output);
        h = o.state;
      }
      EXPECT_LT(relative_error(torch::stack(outs, 1), parallel.output), 1e-5)
          << "expansion " << expansion << (carried ? ", carried state" : "");
      EXPECT_LT(relative_error(h, parallel.state), 1e-5);
    }
  }
}

// The paper computes the same layer in log space: log a, log b from softplus of the pre-activations
// and log g(h̃), then the composite log-space scan. Our linear-space gates must give the same states.
TEST_P(MinRnnLayer, MatchesPaperLogSpaceFormulation) {
  auto layer = make_layer(GetParam(), 16, 2.0);
  layer->to(torch::kDouble);
  const at::Tensor x = torch::randn({2, 40, 16}, torch::kDouble) * 3;
  namespace F = torch::nn::functional;
  const at::Tensor pre = layer->gates()->forward(x);
  auto log_g = [](const at::Tensor& v) {
    return torch::where(v >= 0, torch::log(torch::relu(v) + 0.5), -F::softplus(-v));
  };
  at::Tensor log_a, log_b;
  if (GetParam() == MinRnnKind::kMinGru) {
    const auto p = pre.chunk(2, -1);
    log_a = -F::softplus(p[0]);
    log_b = -F::softplus(-p[0]) + log_g(p[1]);
  } else {
    const auto p = pre.chunk(3, -1);
    const at::Tensor diff = F::softplus(-p[0]) - F::softplus(-p[1]);
    log_a = -F::softplus(diff);
    log_b = -F::softplus(-diff) + log_g(p[2]);
  }
  const at::Tensor h_ref = kernels::reference::log_space_scan(log_a, log_b);
  torch::NoGradGuard no_grad;
  const MinRnnOutput out = layer->forward(x);
  EXPECT_LT(relative_error(out.output, layer->out_proj()->forward(h_ref)), 1e-10);
  EXPECT_LT(relative_error(out.state, h_ref.select(1, 39)), 1e-10);
}

TEST_P(MinRnnLayer, GradientsReachEveryParameterAndTheInput) {
  auto layer = make_layer(GetParam(), 8, 1.5);
  const at::Tensor x = torch::randn({2, 30, 8}).requires_grad_(true);
  layer->forward(x).output.pow(2).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0);
  for (const auto& p : layer->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
  }
}

TEST_P(MinRnnLayer, ParameterCountFollowsThePaper) {
  // 2·d·d_h (minGRU) or 3·d·d_h (minLSTM) weights plus biases, and the down-projection.
  auto layer = make_layer(GetParam(), 10, 2.0);
  const int64_t gates = GetParam() == MinRnnKind::kMinGru ? 2 : 3, inner = 20;
  int64_t n = 0;
  for (const auto& p : layer->parameters()) n += p.numel();
  EXPECT_EQ(n, gates * inner * 10 + gates * inner + inner * 10 + 10);
}

INSTANTIATE_TEST_SUITE_P(Kinds, MinRnnLayer, ::testing::Values(MinRnnKind::kMinGru, MinRnnKind::kMinLstm),
                         [](const auto& info) { return info.param == MinRnnKind::kMinGru ? "MinGRU" : "MinLSTM"; });

TEST(MinRnnLayerCuda, ParallelModeEqualsSequentialModeOnGpu) {
  if (!kernels::cuda::compiled() || !torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device or kernels";
  mindt::testing::seed_torch();
  for (MinRnnKind kind : {MinRnnKind::kMinGru, MinRnnKind::kMinLstm}) {
    auto layer = make_layer(kind, 32, 1.5);
    layer->to(torch::kCUDA);
    const at::Tensor x = torch::randn({4, 300, 32}, torch::kCUDA);
    torch::NoGradGuard no_grad;
    const MinRnnOutput parallel = layer->forward(x);
    at::Tensor h;
    std::vector<at::Tensor> outs;
    for (int64_t t = 0; t < 300; ++t) {
      MinRnnOutput o = layer->step(x.select(1, t), h);
      outs.push_back(o.output);
      h = o.state;
    }
    EXPECT_LT(relative_error(torch::stack(outs, 1), parallel.output), 1e-5);
  }
}

}  // namespace
}  // namespace mindt::layers
