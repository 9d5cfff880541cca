#include "agents/run/device.h"

#include <ATen/ATen.h>
#include <torch/cuda.h>

#include <mutex>
#include <stdexcept>

namespace mindt {

c10::Device resolve_device(const std::string& device) {
  if (device == "cpu") return c10::Device(c10::kCPU);
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      throw std::runtime_error("device: cuda was asked for, but no CUDA device is visible");
    return c10::Device(c10::kCUDA, 0);
  }
  return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
}

at::Tensor cpu_rng_state() { return at::detail::getDefaultCPUGenerator().get_state(); }

void restore_cpu_rng(const at::Tensor& state) {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state.cpu());  // an archive opened on the GPU hands it back there
}

at::Tensor cuda_rng_state(const c10::Device& device) {
  return at::globalContext().defaultGenerator(device).get_state();
}

void restore_cuda_rng(const c10::Device& device, const at::Tensor& state) {
  at::Generator generator = at::globalContext().defaultGenerator(device);
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state.cpu());
}

}  // namespace mindt
