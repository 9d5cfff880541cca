// The fused CUDA scan against the fused CPU scan (itself tested against the references), forward
// and backward. Runs where a CUDA device is present; reported as skipped elsewhere.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "kernels/linear_scan.h"
#include "tests/test_util.h"

namespace mindt::kernels {
namespace {

using mindt::testing::all_finite;
using mindt::testing::relative_error;

class CudaScan : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda::compiled()) GTEST_SKIP() << "this build has no CUDA kernels";
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    mindt::testing::seed_torch();
  }
};

struct Case {
  int64_t B, T, D;
};
// T around the kernel's 128-step tile and 16-step segment boundaries, odd D, long T, and a batch
// large enough for more blocks than the GPU holds at once.
const Case kCases[] = {{1, 1, 1},      {3, 1, 5},      {2, 15, 33},   {2, 16, 32}, {4, 127, 17},
                       {4, 128, 64},   {2, 129, 65},   {2, 511, 9},   {2, 513, 8}, {3, 1000, 7},
                       {8, 4096, 128}, {2, 65536, 31}, {600, 130, 33}};

TEST_F(CudaScan, ForwardAndBackwardMatchCpu) {
  for (const Case& c : kCases) {
    for (const auto dtype : {at::kFloat, at::kDouble}) {
      for (bool with_h0 : {false, true}) {
        const auto opts = at::TensorOptions().dtype(dtype);
        const at::Tensor a = at::rand({c.B, c.T, c.D}, opts), b = at::randn({c.B, c.T, c.D}, opts);
        const at::Tensor h0 = with_h0 ? at::randn({c.B, c.D}, opts) : at::Tensor();
        const at::Tensor grad_h = at::randn({c.B, c.T, c.D}, opts);
        const at::Tensor h_cpu = cpu::scan_forward(a, b, h0);
        const ScanGrads g_cpu = cpu::scan_backward(a, h_cpu, h0, grad_h);
        const auto dev = [](const at::Tensor& x) { return x.defined() ? x.cuda() : x; };
        const at::Tensor h_gpu = cuda::scan_forward(dev(a), dev(b), dev(h0));
        const ScanGrads g_gpu = cuda::scan_backward(dev(a), h_gpu, dev(h0), dev(grad_h));
        const double tol = dtype == at::kDouble ? 1e-10 : 1e-5;
        SCOPED_TRACE(::testing::Message()
                     << "B=" << c.B << " T=" << c.T << " D=" << c.D << " " << dtype << (with_h0 ? " with h0" : ""));
        ASSERT_TRUE(all_finite(h_gpu));
        EXPECT_LT(relative_error(h_gpu, h_cpu), tol);
        EXPECT_LT(relative_error(g_gpu.a, g_cpu.a), tol);
        EXPECT_LT(relative_error(g_gpu.b, g_cpu.b), tol);
        ASSERT_EQ(g_gpu.h0.defined(), with_h0);
        if (with_h0) {
          EXPECT_LT(relative_error(g_gpu.h0, g_cpu.h0), tol);
        }
      }
    }
  }
}

TEST_F(CudaScan, AutogradDispatchesToCudaAndAcceptsStridedInput) {
  const at::Tensor a = at::rand({2, 9, 300}, at::kDouble).cuda().transpose(1, 2).requires_grad_(true);
  const at::Tensor b = at::randn({2, 9, 300}, at::kDouble).cuda().transpose(1, 2).requires_grad_(true);
  const at::Tensor h = linear_scan(a, b);
  ASSERT_TRUE(h.is_cuda());
  h.sum().backward();
  EXPECT_LT(relative_error(h, reference::naive_scan(a.detach().cpu(), b.detach().cpu())), 1e-12);
  const ScanGrads ref = reference::naive_scan_backward(a.detach().cpu(), h.detach().cpu(), at::Tensor(),
                                                       at::ones({2, 300, 9}, at::kDouble));
  EXPECT_LT(relative_error(a.grad(), ref.a), 1e-12);
  EXPECT_LT(relative_error(b.grad(), ref.b), 1e-12);
}

}  // namespace
}  // namespace mindt::kernels
