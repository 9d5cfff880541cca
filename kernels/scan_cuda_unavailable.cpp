// Built instead of scan_cuda.cu when mindt is configured without nvcc: CUDA tensors get a clear
// error instead of a link failure or a silent CPU fallback.
#include <c10/util/Exception.h>

#include "kernels/linear_scan.h"

namespace mindt::kernels::cuda {

namespace {
[[noreturn]] void refuse() {
  TORCH_CHECK(false,
              "linear_scan: got CUDA tensors, but this mindt build has no CUDA kernels "
              "(configure with nvcc on PATH and -DMINDT_CUDA=ON)");
}
}  // namespace

bool compiled() { return false; }
at::Tensor scan_forward(const at::Tensor&, const at::Tensor&, const at::Tensor&) { refuse(); }
ScanGrads scan_backward(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&) { refuse(); }

}  // namespace mindt::kernels::cuda
