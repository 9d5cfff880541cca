// Reference scans: the paper's composite log-space form and a plain float64 loop. Slow on purpose:
// they are the oracles the fused kernels are tested against, and the baseline they are timed against.
#include <ATen/ATen.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels::reference {

at::Tensor log_space_scan(const at::Tensor& log_a, const at::Tensor& log_b, const at::Tensor& log_h0) {
  check_scan_inputs(log_a, log_b, log_h0);
  at::Tensor log_coeffs = log_a, log_values = log_b;
  if (log_h0.defined()) {
    // h0 becomes step "-1" with coefficient 1 (log 0), then is dropped from the output.
    log_coeffs = at::cat({at::zeros_like(log_a.narrow(1, 0, 1)), log_a}, 1);
    log_values = at::cat({log_h0.unsqueeze(1), log_b}, 1);
  }
  const at::Tensor a_star = at::cumsum(log_coeffs, 1);
  const at::Tensor log_h = a_star + at::logcumsumexp(log_values - a_star, 1);
  const at::Tensor h = at::exp(log_h);
  return log_h0.defined() ? h.narrow(1, 1, log_a.size(1)) : h;
}

namespace {
at::Tensor as_f64(const at::Tensor& x) { return x.to(at::kCPU, at::kDouble).contiguous(); }
}  // namespace

at::Tensor naive_scan(const at::Tensor& a_in, const at::Tensor& b_in, const at::Tensor& h0_in) {
  check_scan_inputs(a_in, b_in, h0_in);
  const at::Tensor a = as_f64(a_in), b = as_f64(b_in);
  const at::Tensor h0 = h0_in.defined() ? as_f64(h0_in) : at::zeros({a.size(0), a.size(2)}, a.options());
  at::Tensor h = at::empty_like(a);
  const int64_t B = a.size(0), T = a.size(1), D = a.size(2);
  auto A = a.accessor<double, 3>(), Bv = b.accessor<double, 3>(), H = h.accessor<double, 3>();
  auto H0 = h0.accessor<double, 2>();
  for (int64_t i = 0; i < B; ++i)
    for (int64_t d = 0; d < D; ++d) {
      double state = H0[i][d];
      for (int64_t t = 0; t < T; ++t) {
        state = A[i][t][d] * state + Bv[i][t][d];
        H[i][t][d] = state;
      }
    }
  return h;
}

ScanGrads naive_scan_backward(const at::Tensor& a_in, const at::Tensor& h_in, const at::Tensor& h0_in,
                              const at::Tensor& grad_h_in) {
  check_scan_inputs(a_in, h_in, h0_in);
  const at::Tensor a = as_f64(a_in), h = as_f64(h_in), grad_h = as_f64(grad_h_in);
  const at::Tensor h0 = h0_in.defined() ? as_f64(h0_in) : at::zeros({a.size(0), a.size(2)}, a.options());
  ScanGrads out{at::empty_like(a), at::empty_like(a), at::empty_like(h0)};
  const int64_t B = a.size(0), T = a.size(1), D = a.size(2);
  auto A = a.accessor<double, 3>(), H = h.accessor<double, 3>(), G = grad_h.accessor<double, 3>();
  auto H0 = h0.accessor<double, 2>();
  auto GA = out.a.accessor<double, 3>(), GB = out.b.accessor<double, 3>();
  auto GH0 = out.h0.accessor<double, 2>();
  for (int64_t i = 0; i < B; ++i)
    for (int64_t d = 0; d < D; ++d) {
      double g = 0.0;  // dL/dh_t accumulated from the future
      for (int64_t t = T - 1; t >= 0; --t) {
        g = G[i][t][d] + (t + 1 < T ? A[i][t + 1][d] * g : 0.0);
        GB[i][t][d] = g;
        GA[i][t][d] = g * (t > 0 ? H[i][t - 1][d] : H0[i][d]);
      }
      GH0[i][d] = A[i][0][d] * g;
    }
  if (!h0_in.defined()) out.h0 = at::Tensor();
  return out;
}

}  // namespace mindt::kernels::reference
