// The scan kernels as PyTorch custom operators (namespace `mindt`): a forward and a backward op for
// each scan, with CPU and CUDA kernels, and CompositeExplicitAutograd `_composite` variants that run
// CUDA's code path on any device (so the CPU tests cover it). Autograd and the fake (shape-only)
// kernels are registered from Python (mindt/ops.py), so torch.compile can trace both directions.
//
// Kernels run under NoGradGuard: what they call must never record an autograd graph of its own
// beneath the op's.
#include <ATen/ATen.h>
#include <torch/library.h>

#include <string>
#include <tuple>

#include "kernels/gated_scan.h"
#include "kernels/linear_scan.h"
#include "kernels/selective_scan.h"

namespace mindt::python {
namespace {

using kernels::GateKind;
using Pair = std::tuple<at::Tensor, at::Tensor>;
using Triple = std::tuple<at::Tensor, at::Tensor, at::Tensor>;
using Five = std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor, at::Tensor>;

at::Tensor or_undefined(const c10::optional<at::Tensor>& t) { return t.has_value() ? *t : at::Tensor(); }

// The backward ops return h0's gradient even when the caller gave no h0 (it is then zeros): an op
// cannot return an undefined tensor, and Python drops it.
at::Tensor start_state(const c10::optional<at::Tensor>& h0, int64_t batch, int64_t channels,
                       const at::TensorOptions& options) {
  return h0.has_value() ? *h0 : at::zeros({batch, channels}, options);
}

GateKind gate_kind(const std::string& kind) {
  if (kind == "mingru") return GateKind::kMinGru;
  if (kind == "minlstm") return GateKind::kMinLstm;
  TORCH_CHECK_VALUE(false, "gated_scan: kind must be 'mingru' or 'minlstm', got '", kind, "'");
}

void check_grad_shape(const char* op, const at::Tensor& grad, const at::Tensor& value) {
  TORCH_CHECK(grad.sizes() == value.sizes(), op, ": the output gradient must be shaped ", value.sizes(), ", got ",
              grad.sizes());
}

// --- linear_scan: one kernel per device, dispatched inside the kernels library ------------------

at::Tensor linear_scan(const at::Tensor& a, const at::Tensor& b, const c10::optional<at::Tensor>& h0) {
  at::NoGradGuard no_grad;
  kernels::check_scan_inputs(a, b, or_undefined(h0));
  return kernels::linear_scan_forward(a, b, or_undefined(h0));
}

Triple linear_scan_backward(const at::Tensor& a, const at::Tensor& h, const c10::optional<at::Tensor>& h0,
                            const at::Tensor& grad_h) {
  at::NoGradGuard no_grad;
  kernels::check_scan_inputs(a, h, or_undefined(h0));
  check_grad_shape("linear_scan_backward", grad_h, h);
  kernels::ScanGrads g =
      kernels::linear_scan_backward(a, h, start_state(h0, a.size(0), a.size(2), a.options()), grad_h.contiguous());
  return {g.a, g.b, g.h0};
}

// --- gated_scan: the fused kernel on the CPU; gates + the linear-scan kernel on CUDA ------------

at::Tensor gated_scan_fused(const at::Tensor& pre, const c10::optional<at::Tensor>& h0, c10::string_view kind) {
  at::NoGradGuard no_grad;
  const GateKind k = gate_kind(std::string(kind));
  kernels::check_gated_scan_inputs(k, pre, or_undefined(h0));
  return kernels::cpu::gated_scan_forward(k, pre, or_undefined(h0));
}

Pair gated_scan_backward_fused(const at::Tensor& pre, const at::Tensor& h, const c10::optional<at::Tensor>& h0,
                               const at::Tensor& grad_h, c10::string_view kind) {
  at::NoGradGuard no_grad;
  const GateKind k = gate_kind(std::string(kind));
  kernels::check_gated_scan_inputs(k, pre, or_undefined(h0));
  check_grad_shape("gated_scan_backward", grad_h, h);
  const at::Tensor start = start_state(h0, pre.size(0), h.size(2), pre.options());
  kernels::GatedScanGrads g = kernels::cpu::gated_scan_backward(k, pre, h, start, grad_h);
  return {g.pre, g.h0};
}

at::Tensor gated_scan_composite(const at::Tensor& pre, const c10::optional<at::Tensor>& h0, c10::string_view kind) {
  at::NoGradGuard no_grad;
  return kernels::composite::gated_scan_forward(gate_kind(std::string(kind)), pre, or_undefined(h0));
}

Pair gated_scan_backward_composite(const at::Tensor& pre, const at::Tensor& h, const c10::optional<at::Tensor>& h0,
                                   const at::Tensor& grad_h, c10::string_view kind) {
  at::NoGradGuard no_grad;
  check_grad_shape("gated_scan_backward", grad_h, h);
  kernels::GatedScanGrads g =
      kernels::composite::gated_scan_backward(gate_kind(std::string(kind)), pre, h, or_undefined(h0), grad_h);
  return {g.pre, g.h0};
}

// --- selective_scan: the fused, checkpointing kernel on the CPU; the composite on CUDA ----------

// Forward returns (y, checkpoints): the CPU kernel's float64 states every kCheckpointChunk steps,
// which its backward recomputes from; the composite keeps none (an empty tensor).
Pair selective_scan_fused(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                          const at::Tensor& c) {
  at::NoGradGuard no_grad;
  kernels::cpu::SelectiveScanForward f = kernels::cpu::selective_scan_forward(x, delta, a, b, c, true);
  return {f.y, f.checkpoints};
}

Five selective_scan_backward_fused(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                   const at::Tensor& b, const at::Tensor& c, const at::Tensor& checkpoints,
                                   const at::Tensor& grad_y) {
  at::NoGradGuard no_grad;
  check_grad_shape("selective_scan_backward", grad_y, x);
  kernels::SelectiveScanGrads g =
      kernels::cpu::selective_scan_backward(x, delta, a, b, c, checkpoints, grad_y.contiguous());
  return {g.x, g.delta, g.a, g.b, g.c};
}

Pair selective_scan_composite(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a, const at::Tensor& b,
                              const at::Tensor& c) {
  at::NoGradGuard no_grad;
  return {kernels::selective_scan_composite(x, delta, a, b, c), at::empty({0}, x.options().dtype(at::kDouble))};
}

Five selective_scan_backward_composite(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& a,
                                       const at::Tensor& b, const at::Tensor& c, const at::Tensor& checkpoints,
                                       const at::Tensor& grad_y) {
  at::NoGradGuard no_grad;
  check_grad_shape("selective_scan_backward", grad_y, x);
  kernels::SelectiveScanGrads g = kernels::composite::selective_scan_backward(x, delta, a, b, c, grad_y);
  return {g.x, g.delta, g.a, g.b, g.c};
}

}  // namespace

TORCH_LIBRARY(mindt, m) {
  m.def("linear_scan(Tensor a, Tensor b, Tensor? h0) -> Tensor");
  m.def("linear_scan_backward(Tensor a, Tensor h, Tensor? h0, Tensor grad_h) -> (Tensor, Tensor, Tensor)");
  m.def("gated_scan(Tensor pre, Tensor? h0, str kind) -> Tensor");
  m.def("gated_scan_backward(Tensor pre, Tensor h, Tensor? h0, Tensor grad_h, str kind) -> (Tensor, Tensor)");
  m.def("selective_scan(Tensor x, Tensor delta, Tensor A, Tensor B, Tensor C) -> (Tensor, Tensor)");
  m.def(
      "selective_scan_backward(Tensor x, Tensor delta, Tensor A, Tensor B, Tensor C, Tensor checkpoints, "
      "Tensor grad_y) -> (Tensor, Tensor, Tensor, Tensor, Tensor)");
  // CUDA's path on any device, for tests.
  m.def("_gated_scan_composite(Tensor pre, Tensor? h0, str kind) -> Tensor");
  m.def(
      "_gated_scan_backward_composite(Tensor pre, Tensor h, Tensor? h0, Tensor grad_h, str kind) -> (Tensor, Tensor)");
  m.def("_selective_scan_composite(Tensor x, Tensor delta, Tensor A, Tensor B, Tensor C) -> (Tensor, Tensor)");
  m.def(
      "_selective_scan_backward_composite(Tensor x, Tensor delta, Tensor A, Tensor B, Tensor C, Tensor checkpoints, "
      "Tensor grad_y) -> (Tensor, Tensor, Tensor, Tensor, Tensor)");
}

TORCH_LIBRARY_IMPL(mindt, CPU, m) {
  m.impl("linear_scan", &linear_scan);
  m.impl("linear_scan_backward", &linear_scan_backward);
  m.impl("gated_scan", &gated_scan_fused);
  m.impl("gated_scan_backward", &gated_scan_backward_fused);
  m.impl("selective_scan", &selective_scan_fused);
  m.impl("selective_scan_backward", &selective_scan_backward_fused);
}

TORCH_LIBRARY_IMPL(mindt, CUDA, m) {
  m.impl("linear_scan", &linear_scan);
  m.impl("linear_scan_backward", &linear_scan_backward);
  m.impl("gated_scan", &gated_scan_composite);
  m.impl("gated_scan_backward", &gated_scan_backward_composite);
  m.impl("selective_scan", &selective_scan_composite);
  m.impl("selective_scan_backward", &selective_scan_backward_composite);
}

TORCH_LIBRARY_IMPL(mindt, CompositeExplicitAutograd, m) {
  m.impl("_gated_scan_composite", &gated_scan_composite);
  m.impl("_gated_scan_backward_composite", &gated_scan_backward_composite);
  m.impl("_selective_scan_composite", &selective_scan_composite);
  m.impl("_selective_scan_backward_composite", &selective_scan_backward_composite);
}

}  // namespace mindt::python
