#include "kernels/cpu_capability.h"

#include <ATen/Version.h>

namespace mindt::kernels {

std::string aten_cpu_capability() { return at::get_cpu_capability(); }

}  // namespace mindt::kernels
