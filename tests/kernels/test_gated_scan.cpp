// The fused minGRU/minLSTM scan against the composite reference (torch ops for the gates, the
// tested linear_scan for the recurrence, torch autograd for the gradients, all in float64), and its
// gradients against finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "kernels/gated_scan.h"
#include "kernels/linear_scan.h"
#include "tests/test_util.h"

namespace mindt::kernels {
namespace {

using mindt::testing::all_finite;
using mindt::testing::relative_error;

struct Case {
  int64_t B, T, D;
};
const Case kCases[] = {{1, 1, 1}, {2, 7, 5}, {3, 40, 33}, {2, 9, 300}, {4, 130, 64}};

struct Param {
  GateKind kind;
  at::ScalarType dtype;
};

class GatedScan : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

struct Result {
  at::Tensor h, grad_pre, grad_h0;
};

Result run_fused(GateKind kind, const at::Tensor& pre, const at::Tensor& h0, const at::Tensor& w) {
  const at::Tensor p = pre.clone().requires_grad_(true);
  const at::Tensor s = h0.defined() ? h0.clone().requires_grad_(true) : h0;
  const at::Tensor h = gated_scan(kind, p, s);
  (h * w).sum().backward();
  return {h.detach(), p.grad(), s.defined() ? s.grad() : at::Tensor()};
}

Result run_reference(GateKind kind, const at::Tensor& pre, const at::Tensor& h0, const at::Tensor& w) {
  const at::Tensor p = pre.to(at::kDouble, /*non_blocking=*/false, /*copy=*/true).requires_grad_(true);
  const at::Tensor s = h0.defined() ? h0.to(at::kDouble, false, true).requires_grad_(true) : h0;
  auto [a, b] = gate_coefficients(kind, p);
  const at::Tensor h = linear_scan(a, b, s);
  (h * w.to(at::kDouble)).sum().backward();
  return {h.detach(), p.grad(), s.defined() ? s.grad() : at::Tensor()};
}

TEST_P(GatedScan, ForwardAndGradientsMatchTheCompositeReference) {
  const auto [kind, dtype] = GetParam();
  const double tol = dtype == at::kDouble ? 1e-10 : 1e-5;
  for (const Case& c : kCases) {
    for (bool with_h0 : {false, true}) {
      const auto opts = at::TensorOptions().dtype(dtype);
      const at::Tensor pre = at::randn({c.B, c.T, gate_groups(kind) * c.D}, opts) * 3;
      const at::Tensor h0 = with_h0 ? at::randn({c.B, c.D}, opts) : at::Tensor();
      const at::Tensor w = at::randn({c.B, c.T, c.D}, opts);
      const Result got = run_fused(kind, pre, h0, w), ref = run_reference(kind, pre, h0, w);
      SCOPED_TRACE(::testing::Message() << "B=" << c.B << " T=" << c.T << " D=" << c.D << (with_h0 ? " h0" : ""));
      EXPECT_LT(relative_error(got.h, ref.h), tol);
      EXPECT_LT(relative_error(got.grad_pre, ref.grad_pre), tol);
      if (with_h0) {
        EXPECT_LT(relative_error(got.grad_h0, ref.grad_h0), tol);
      }
    }
  }
}

TEST_P(GatedScan, LargePreActivationsStayFinite) {
  const auto [kind, dtype] = GetParam();
  const auto opts = at::TensorOptions().dtype(dtype);
  const at::Tensor pre = at::randn({2, 50, gate_groups(kind) * 19}, opts) * 60;  // σ saturates both ways
  const at::Tensor w = at::randn({2, 50, 19}, opts);
  const Result got = run_fused(kind, pre, at::Tensor(), w), ref = run_reference(kind, pre, at::Tensor(), w);
  ASSERT_TRUE(all_finite(got.h) && all_finite(got.grad_pre));
  EXPECT_LT(relative_error(got.h, ref.h), dtype == at::kDouble ? 1e-10 : 1e-5);
  EXPECT_LT(relative_error(got.grad_pre, ref.grad_pre), dtype == at::kDouble ? 1e-10 : 1e-5);
}

INSTANTIATE_TEST_SUITE_P(KindsAndDtypes, GatedScan,
                         ::testing::Values(Param{GateKind::kMinGru, at::kDouble}, Param{GateKind::kMinGru, at::kFloat},
                                           Param{GateKind::kMinLstm, at::kDouble},
                                           Param{GateKind::kMinLstm, at::kFloat}),
                         [](const auto& info) {
                           return std::string(info.param.kind == GateKind::kMinGru ? "MinGRU" : "MinLSTM") +
                                  (info.param.dtype == at::kDouble ? "Float64" : "Float32");
                         });

// Every entry of the gradient of L = Σ w ⊙ h, from the fused kernel and from the composite (the
// CUDA path), against a central difference of the fused forward. Half the gate pre-activations are
// exactly 0, where the composite's pieces have kinks that its sum does not (the candidate p is
// left alone: g(p) itself has a kink at 0, where no difference quotient is its gradient).
TEST(GatedScanGradients, MatchFiniteDifferencesIncludingAtZero) {
  mindt::testing::seed_torch();
  for (GateKind kind : {GateKind::kMinGru, GateKind::kMinLstm}) {
    const int64_t B = 2, T = 5, D = 3;
    const at::Tensor noise = at::randn({B, T, gate_groups(kind) * D}, at::kDouble) * 2;
    const at::Tensor is_gate = at::arange(gate_groups(kind) * D) < (gate_groups(kind) - 1) * D;
    const at::Tensor pre = at::where(is_gate & (at::rand_like(noise) < 0.5), at::zeros_like(noise), noise);
    const at::Tensor h0 = at::randn({B, D}, at::kDouble);
    const at::Tensor w = at::randn({B, T, D}, at::kDouble);
    const Result fused = run_fused(kind, pre, h0, w), composite = run_reference(kind, pre, h0, w);
    auto loss = [&] {
      torch::NoGradGuard no_grad;
      return (gated_scan(kind, pre, h0) * w).sum().item<double>();
    };
    for (auto [x, grads] : {std::pair{pre, std::vector{fused.grad_pre, composite.grad_pre}},
                            std::pair{h0, std::vector{fused.grad_h0, composite.grad_h0}}}) {
      const at::Tensor flat = x.view(-1);
      for (int64_t i = 0; i < flat.numel(); ++i) {
        const double orig = flat[i].item<double>(), eps = 1e-6;
        flat[i] = orig + eps;
        const double up = loss();
        flat[i] = orig - eps;
        const double down = loss();
        flat[i] = orig;
        const double fd = (up - down) / (2 * eps);
        for (size_t which = 0; which < grads.size(); ++which) {
          EXPECT_NEAR(grads[which].reshape(-1)[i].item<double>(), fd, 1e-7 * std::max(1.0, std::abs(fd)))
              << (which == 0 ? "fused" : "composite") << " entry " << i << " at x = " << orig;
        }
      }
    }
  }
}

TEST(GatedScanLayout, NonContiguousPreActivationsGiveTheSameResult) {
  mindt::testing::seed_torch();
  for (GateKind kind : {GateKind::kMinGru, GateKind::kMinLstm}) {
    const at::Tensor stored = at::randn({2, gate_groups(kind) * 6, 11});  // [B, G·D, T] in memory
    const at::Tensor pre = stored.transpose(1, 2);                        // viewed as [B, T, G·D]
    ASSERT_FALSE(pre.is_contiguous());
    EXPECT_LT(relative_error(gated_scan(kind, pre), gated_scan(kind, pre.contiguous())), 1e-7);
  }
}

TEST(GatedScanErrors, BadShapesAreRefused) {
  EXPECT_THROW(gated_scan(GateKind::kMinLstm, at::randn({2, 3, 8})), c10::Error);  // 8 not a multiple of 3
  EXPECT_THROW(gated_scan(GateKind::kMinGru, at::randn({2, 8})), c10::Error);
  EXPECT_THROW(gated_scan(GateKind::kMinGru, at::randn({2, 3, 8}), at::randn({2, 5})), c10::Error);
}

}  // namespace
}  // namespace mindt::kernels
