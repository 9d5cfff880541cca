// The fused CPU scan against the naive float64 loop and the paper's log-space composite form, its
// backward against the naive backward and finite differences, and linear_scan()'s autograd.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "kernels/linear_scan.h"
#include "tests/test_util.h"

namespace mindt::kernels {
namespace {

using mindt::testing::all_finite;
using mindt::testing::relative_error;

struct Problem {
  at::Tensor a, b, h0;
};

// Gates in (0, 1), values of either sign: the general recurrence, as Mamba and our layers use it.
Problem random_problem(int64_t B, int64_t T, int64_t D, at::ScalarType dtype, bool with_h0) {
  const auto opts = at::TensorOptions().dtype(dtype);
  Problem p{at::rand({B, T, D}, opts), at::randn({B, T, D}, opts), at::Tensor()};
  if (with_h0) p.h0 = at::randn({B, D}, opts);
  return p;
}

// Strictly positive b and h0, so that the log-space reference applies.
Problem positive_problem(int64_t B, int64_t T, int64_t D, at::ScalarType dtype, bool with_h0) {
  Problem p = random_problem(B, T, D, dtype, with_h0);
  p.a = p.a * 0.98 + 0.01;
  p.b = at::rand_like(p.b) + 0.05;
  if (with_h0) p.h0 = at::rand_like(p.h0) + 0.05;
  return p;
}

at::Tensor log_or_undefined(const at::Tensor& x) { return x.defined() ? at::log(x) : x; }

struct Shape {
  int64_t B, T, D;
};
// T = 1, odd D, D above the CPU kernel's 256-channel tile, T across several hundred steps.
const Shape kShapes[] = {{1, 1, 1}, {3, 1, 5}, {2, 7, 33}, {4, 100, 17}, {2, 513, 64}, {1, 9, 300}, {5, 64, 129}};

class CpuScan : public ::testing::TestWithParam<bool> {  // parameter: with h0
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

TEST_P(CpuScan, Float64MatchesNaiveLoop) {
  for (const Shape& s : kShapes) {
    const Problem p = random_problem(s.B, s.T, s.D, at::kDouble, GetParam());
    EXPECT_LT(relative_error(cpu::scan_forward(p.a, p.b, p.h0), reference::naive_scan(p.a, p.b, p.h0)), 1e-10)
        << "B=" << s.B << " T=" << s.T << " D=" << s.D;
  }
}

TEST_P(CpuScan, Float32MatchesNaiveLoop) {
  for (const Shape& s : kShapes) {
    const Problem p = random_problem(s.B, s.T, s.D, at::kFloat, GetParam());
    EXPECT_LT(relative_error(cpu::scan_forward(p.a, p.b, p.h0), reference::naive_scan(p.a, p.b, p.h0)), 1e-5)
        << "B=" << s.B << " T=" << s.T << " D=" << s.D;
  }
}

TEST_P(CpuScan, MatchesLogSpaceReference) {
  for (const Shape& s : kShapes) {
    for (const auto dtype : {at::kDouble, at::kFloat}) {
      const Problem p = positive_problem(s.B, s.T, s.D, dtype, GetParam());
      // The oracle runs in float64 whatever the kernel's dtype: in float32 the composite form's
      // cumsum of logs is itself the less accurate of the two.
      const auto f64 = [](const at::Tensor& x) { return x.defined() ? x.to(at::kDouble) : x; };
      const at::Tensor ref =
          reference::log_space_scan(at::log(f64(p.a)), at::log(f64(p.b)), log_or_undefined(f64(p.h0)));
      EXPECT_LT(relative_error(cpu::scan_forward(p.a, p.b, p.h0), ref), dtype == at::kDouble ? 1e-10 : 1e-5)
          << "B=" << s.B << " T=" << s.T << " D=" << s.D << " " << dtype;
    }
  }
}

TEST_P(CpuScan, BackwardMatchesNaiveLoop) {
  for (const Shape& s : kShapes) {
    for (const auto dtype : {at::kDouble, at::kFloat}) {
      const Problem p = random_problem(s.B, s.T, s.D, dtype, GetParam());
      const at::Tensor h = cpu::scan_forward(p.a, p.b, p.h0);
      const at::Tensor grad_h = at::randn_like(h);
      const ScanGrads got = cpu::scan_backward(p.a, h, p.h0, grad_h);
      const ScanGrads ref = reference::naive_scan_backward(p.a, h, p.h0, grad_h);
      const double tol = dtype == at::kDouble ? 1e-10 : 1e-5;
      EXPECT_LT(relative_error(got.a, ref.a), tol) << "grad a, T=" << s.T << " D=" << s.D << " " << dtype;
      EXPECT_LT(relative_error(got.b, ref.b), tol) << "grad b, T=" << s.T << " D=" << s.D << " " << dtype;
      ASSERT_EQ(got.h0.defined(), GetParam());
      if (GetParam()) {
        EXPECT_LT(relative_error(got.h0, ref.h0), tol) << "grad h0, T=" << s.T;
      }
    }
  }
}

// Every gradient entry of L = Σ w ⊙ h against a central finite difference, in float64.
TEST_P(CpuScan, GradientsMatchFiniteDifferences) {
  const bool with_h0 = GetParam();
  for (const Shape& s : {Shape{2, 1, 3}, Shape{2, 6, 5}}) {
    const Problem p = random_problem(s.B, s.T, s.D, at::kDouble, with_h0);
    const at::Tensor w = at::randn({s.B, s.T, s.D}, at::kDouble);
    auto loss = [&](const at::Tensor& a, const at::Tensor& b, const at::Tensor& h0) {
      return (cpu::scan_forward(a, b, h0) * w).sum().item<double>();
    };
    const at::Tensor h = cpu::scan_forward(p.a, p.b, p.h0);
    const ScanGrads g = cpu::scan_backward(p.a, h, p.h0, w);
    const double eps = 1e-6;
    auto check = [&](const at::Tensor& x, const at::Tensor& grad, const char* name) {
      const at::Tensor flat = x.view(-1), gflat = grad.reshape(-1);
      for (int64_t i = 0; i < flat.numel(); ++i) {
        const double orig = flat[i].item<double>();
        flat[i] = orig + eps;
        const double up = loss(p.a, p.b, p.h0);
        flat[i] = orig - eps;
        const double down = loss(p.a, p.b, p.h0);
        flat[i] = orig;
        const double fd = (up - down) / (2 * eps);
        EXPECT_NEAR(gflat[i].item<double>(), fd, 1e-7 * std::max(1.0, std::abs(fd))) << name << "[" << i << "]";
      }
    };
    check(p.a, g.a, "a");
    check(p.b, g.b, "b");
    if (with_h0) check(p.h0, g.h0, "h0");
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutH0, CpuScan, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "WithH0" : "NoH0"; });

// 65536 steps with gates pinned near 0 or near 1 (per channel): the product of gates underflows
// and the state grows to T·b; neither may produce NaN or inf, and float32 must stay accurate.
TEST(CpuScanLong, GatesNearZeroAndOneOver65536Steps) {
  mindt::testing::seed_torch();
  const int64_t B = 2, T = 65536, D = 7;
  at::Tensor a = at::rand({B, T, D}, at::kFloat);
  a.narrow(2, 0, 3).mul_(1e-6).clamp_min_(1e-12);               // near 0 (> 0 for the log form)
  a.narrow(2, 3, 4).mul_(-1e-6).add_(1.0);                      // near 1: integrates
  const at::Tensor b = at::rand({B, T, D}, at::kFloat) + 0.01;  // positive: the log reference applies
  const at::Tensor h0 = at::rand({B, D}, at::kFloat) + 0.01;
  for (const at::Tensor& init : {at::Tensor(), h0}) {
    const at::Tensor h = cpu::scan_forward(a, b, init);
    ASSERT_TRUE(all_finite(h));
    EXPECT_LT(relative_error(h, reference::naive_scan(a, b, init)), 1e-5);
    const at::Tensor ref_log = reference::log_space_scan(at::log(a.to(at::kDouble)), at::log(b.to(at::kDouble)),
                                                         init.defined() ? at::log(init.to(at::kDouble)) : init);
    ASSERT_TRUE(all_finite(ref_log));
    EXPECT_LT(relative_error(h, ref_log), 1e-5);
    const at::Tensor grad_h = at::randn_like(h);
    const ScanGrads g = cpu::scan_backward(a, h, init, grad_h);
    const ScanGrads ref = reference::naive_scan_backward(a, h, init, grad_h);
    ASSERT_TRUE(all_finite(g.a) && all_finite(g.b));
    EXPECT_LT(relative_error(g.a, ref.a), 1e-5);
    EXPECT_LT(relative_error(g.b, ref.b), 1e-5);
  }
}

TEST(LogSpaceReference, MatchesNaiveLoopInFloat64) {
  mindt::testing::seed_torch();
  for (bool with_h0 : {false, true}) {
    const Problem p = positive_problem(3, 200, 11, at::kDouble, with_h0);
    EXPECT_LT(relative_error(reference::log_space_scan(at::log(p.a), at::log(p.b), log_or_undefined(p.h0)),
                             reference::naive_scan(p.a, p.b, p.h0)),
              1e-10);
  }
}

TEST(LinearScanAutograd, GradientsMatchNaiveBackward) {
  mindt::testing::seed_torch();
  for (bool with_h0 : {false, true}) {
    Problem p = random_problem(3, 37, 19, at::kDouble, with_h0);
    p.a.requires_grad_(true);
    p.b.requires_grad_(true);
    if (with_h0) p.h0.requires_grad_(true);
    const at::Tensor h = linear_scan(p.a, p.b, p.h0);
    const at::Tensor w = at::randn_like(h);
    (h * w).sum().backward();
    const ScanGrads ref =
        reference::naive_scan_backward(p.a.detach(), h.detach(), with_h0 ? p.h0.detach() : at::Tensor(), w);
    EXPECT_LT(relative_error(p.a.grad(), ref.a), 1e-10);
    EXPECT_LT(relative_error(p.b.grad(), ref.b), 1e-10);
    if (with_h0) {
      EXPECT_LT(relative_error(p.h0.grad(), ref.h0), 1e-10);
    }
  }
}

TEST(LinearScanAutograd, NonContiguousInputsAreAccepted) {
  mindt::testing::seed_torch();
  // [B, D, T] storage viewed as [B, T, D]: strided over channels.
  const at::Tensor a = at::rand({2, 9, 13}, at::kDouble).transpose(1, 2);
  const at::Tensor b = at::randn({2, 9, 13}, at::kDouble).transpose(1, 2);
  ASSERT_FALSE(a.is_contiguous());
  EXPECT_LT(relative_error(linear_scan(a, b), reference::naive_scan(a, b)), 1e-12);
}

TEST(LinearScanAutograd, RejectsBadInputsWithClearMessages) {
  const at::Tensor a = at::rand({2, 4, 3});
  auto message_of = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const c10::Error& e) {
      return e.what_without_backtrace();
    }
    return "no error";
  };
  EXPECT_NE(message_of([&] { linear_scan(a, at::rand({2, 4, 4})); }).find("same shape"), std::string::npos);
  EXPECT_NE(message_of([&] { linear_scan(a, a.to(at::kDouble)); }).find("dtype"), std::string::npos);
  EXPECT_NE(message_of([&] { linear_scan(a.to(at::kInt), a.to(at::kInt)); }).find("float32 or float64"),
            std::string::npos);
  EXPECT_NE(message_of([&] { linear_scan(a[0], a[0]); }).find("[B, T, D]"), std::string::npos);
  EXPECT_NE(message_of([&] { linear_scan(a, a, at::rand({2, 4})); }).find("h0 must be [B, D]"), std::string::npos);
  EXPECT_NE(message_of([&] {
              linear_scan(at::rand({2, 0, 3}), at::rand({2, 0, 3}));
            }).find("at least one time step"),
            std::string::npos);
}

}  // namespace
}  // namespace mindt::kernels

namespace mindt::kernels {
namespace {

// at::parallel_for is an inline template that runs serially in a file built without OpenMP; the
// fused kernels' files must be built with it (kernels/CMakeLists.txt) or every CPU kernel silently
// uses one core.
TEST(CpuKernels, ShareWorkAcrossTorchsThreads) {
#if defined(__clang__)
  GTEST_SKIP() << "clang builds run the kernels on one thread (kernels/CMakeLists.txt)";
#endif
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_EQ(cpu::work_sharing_threads(), 2);
  at::set_num_threads(before);
}

}  // namespace
}  // namespace mindt::kernels
