// The fused CPU selective scan against a naive step-by-step loop of torch ops (differentiated by
// torch autograd) in float64, on fresh random inputs: outputs and the gradients of all five inputs,
// across tile and chunk boundaries; float32 against the float64 loop; a long sequence with decays
// near 0 and near 1; and the input checks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "kernels/selective_scan.h"
#include "tests/test_util.h"

namespace mindt::kernels {
namespace {

using mindt::testing::all_finite;
using mindt::testing::relative_error;

struct Problem {
  at::Tensor x, delta, a, b, c;
};

// Inputs as Mamba makes them: Δ = softplus(·) > 0 and A = −exp(·) < 0, so every decay is in (0, 1).
Problem random_problem(int64_t batch, int64_t length, int64_t channels, int64_t states, at::ScalarType dtype) {
  const auto o = at::TensorOptions().dtype(dtype);
  return {at::randn({batch, length, channels}, o), at::softplus(at::randn({batch, length, channels}, o) - 1),
          -at::exp(at::randn({channels, states}, o)), at::randn({batch, length, states}, o),
          at::randn({batch, length, states}, o)};
}

// The definition, one time step at a time.
at::Tensor naive_scan(const Problem& p) {
  at::Tensor h = at::zeros({p.x.size(0), p.x.size(2), p.a.size(1)}, p.x.options());
  std::vector<at::Tensor> ys;
  for (int64_t t = 0; t < p.x.size(1); ++t) {
    const at::Tensor dt = p.delta.select(1, t);
    h = at::exp(dt.unsqueeze(-1) * p.a) * h + (dt * p.x.select(1, t)).unsqueeze(-1) * p.b.select(1, t).unsqueeze(1);
    ys.push_back((h * p.c.select(1, t).unsqueeze(1)).sum(-1));
  }
  return at::stack(ys, 1);
}

struct Result {
  at::Tensor y;
  std::vector<at::Tensor> grads;  // x, delta, a, b, c
};

template <typename Scan>
Result run(const Problem& p, const at::Tensor& weights, Scan scan) {
  std::vector<at::Tensor> leaves;
  for (const at::Tensor& t : {p.x, p.delta, p.a, p.b, p.c}) leaves.push_back(t.clone().requires_grad_(true));
  const at::Tensor y = scan(Problem{leaves[0], leaves[1], leaves[2], leaves[3], leaves[4]});
  (y * weights).sum().backward();
  Result r{y.detach(), {}};
  for (const at::Tensor& leaf : leaves) r.grads.push_back(leaf.grad());
  return r;
}

const auto fused = [](const Problem& p) { return selective_scan(p.x, p.delta, p.a, p.b, p.c); };

struct Shape {
  int64_t batch, length, channels, states;
};
// One step; a single channel; channels that end mid-vector and mid-tile (tiles are 64 channels);
// lengths that cross the 64-step recompute chunks; Mamba's N = 16.
const Shape kShapes[] = {{1, 1, 1, 1}, {2, 7, 5, 3}, {3, 70, 33, 16}, {2, 130, 130, 4}, {1, 64, 64, 16}};

class SelectiveScan : public ::testing::TestWithParam<Shape> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

TEST_P(SelectiveScan, Float64OutputAndGradientsEqualTheNaiveLoop) {
  const Shape s = GetParam();
  const Problem p = random_problem(s.batch, s.length, s.channels, s.states, at::kDouble);
  const at::Tensor w = at::randn({s.batch, s.length, s.channels}, at::kDouble);
  const Result got = run(p, w, fused), want = run(p, w, naive_scan);
  EXPECT_LT(relative_error(got.y, want.y), 1e-10);
  {
    at::NoGradGuard inference;  // the forward that keeps no checkpoints
    EXPECT_LT(relative_error(fused(p), want.y), 1e-10);
  }
  const char* names[] = {"x", "delta", "A", "B", "C"};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(got.grads[i].defined()) << names[i];
    EXPECT_LT(relative_error(got.grads[i], want.grads[i]), 1e-10) << "gradient of " << names[i];
  }
}

TEST_P(SelectiveScan, Float32EqualsTheFloat64Loop) {
  const Shape s = GetParam();
  const Problem p = random_problem(s.batch, s.length, s.channels, s.states, at::kDouble);
  const at::Tensor w = at::randn({s.batch, s.length, s.channels}, at::kDouble);
  const Problem p32{p.x.to(at::kFloat), p.delta.to(at::kFloat), p.a.to(at::kFloat), p.b.to(at::kFloat),
                    p.c.to(at::kFloat)};
  const Result got = run(p32, w.to(at::kFloat), fused), want = run(p, w, naive_scan);
  EXPECT_LT(relative_error(got.y, want.y), 1e-5);
  for (int i = 0; i < 5; ++i) EXPECT_LT(relative_error(got.grads[i], want.grads[i]), 1e-5) << "gradient " << i;
}

INSTANTIATE_TEST_SUITE_P(Shapes, SelectiveScan, ::testing::ValuesIn(kShapes), [](const auto& info) {
  const Shape& s = info.param;
  return "B" + std::to_string(s.batch) + "_L" + std::to_string(s.length) + "_D" + std::to_string(s.channels) + "_N" +
         std::to_string(s.states);
});

// 4096 steps where half the channels forget at once (Δ A ≈ −50) and half barely at all (Δ A ≈ −1e-6):
// nothing overflows, and float32 still matches the composite form (materialised state, the tested
// linear_scan) in float64.
TEST(SelectiveScanLong, DecaysNearZeroAndNearOneStayFinite) {
  mindt::testing::seed_torch();
  Problem p = random_problem(2, 4096, 16, 4, at::kDouble);
  p.delta = at::cat({at::full({2, 4096, 8}, 50.0, at::kDouble), at::full({2, 4096, 8}, 1e-6, at::kDouble)}, 2);
  p.a = -at::rand({16, 4}, at::kDouble) - 0.5;
  const at::Tensor w = at::randn({2, 4096, 16}, at::kDouble);
  const Problem p32{p.x.to(at::kFloat), p.delta.to(at::kFloat), p.a.to(at::kFloat), p.b.to(at::kFloat),
                    p.c.to(at::kFloat)};
  const auto composite = [](const Problem& q) { return selective_scan_composite(q.x, q.delta, q.a, q.b, q.c); };
  const Result got = run(p32, w.to(at::kFloat), fused), want = run(p, w, composite);
  ASSERT_TRUE(all_finite(got.y));
  EXPECT_LT(relative_error(got.y, want.y), 1e-5);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(all_finite(got.grads[i])) << "gradient " << i;
    EXPECT_LT(relative_error(got.grads[i], want.grads[i]), 1e-5) << "gradient " << i;
  }
}

TEST(SelectiveScanInputs, MismatchesAreNamed) {
  const Problem p = random_problem(2, 5, 3, 4, at::kFloat);
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const c10::Error& e) {
      return std::string(e.what_without_backtrace());
    }
    return std::string("no error");
  };
  EXPECT_NE(
      message([&] { selective_scan(p.x, p.delta.narrow(1, 0, 4), p.a, p.b, p.c); }).find("delta must be shaped like x"),
      std::string::npos);
  EXPECT_NE(message([&] { selective_scan(p.x, p.delta, p.a.t(), p.b, p.c); }).find("A must be [D, N] with D = 3"),
            std::string::npos);
  EXPECT_NE(message([&] {
              selective_scan(p.x, p.delta, p.a, p.b, p.c.narrow(2, 0, 3));
            }).find("C must be [batch, L, N] = [2, 5, 4]"),
            std::string::npos);
  EXPECT_NE(message([&] { selective_scan(p.x, p.delta, p.a, p.b.to(at::kDouble), p.c); }).find("match x's dtype"),
            std::string::npos);
  EXPECT_NE(message([&] { selective_scan(p.x.to(at::kInt), p.delta, p.a, p.b, p.c); }).find("float32 or float64"),
            std::string::npos);
}

}  // namespace
}  // namespace mindt::kernels
