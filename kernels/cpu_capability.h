// Which of ATen's CPU kernel sets this process runs (DEFAULT, AVX2 or AVX512). ATen picks it at start
// from the CPU, or from the ATEN_CPU_CAPABILITY environment variable. The sets sum in different
// orders, so the transformer's training numbers are reproduced bit for bit only under the same set
// (docs/training.md, "Reproducing a run on another CPU"); runs and `mindt --version` name it.
#pragma once

#include <string>

namespace mindt::kernels {

std::string aten_cpu_capability();

}  // namespace mindt::kernels
