#include "tools/bench/measure.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/util/Exception.h>
#include <torch/cuda.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "tools/cli/command.h"

#ifdef MINDT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace mindt::bench {
namespace {

void synchronize(c10::Device device) {
#ifdef MINDT_WITH_CUDA
  if (device.is_cuda()) c10::cuda::device_synchronize();
#endif
}

// Counts the bytes of live CPU tensors, as CUDA's caching allocator does for the GPU, so that CPU
// and GPU peaks mean the same thing: memory held by tensors, not by the heap around them.
class CountingCpuAllocator final : public c10::Allocator {
 public:
  static constexpr size_t kHeader = 64;  // keeps the 64-byte alignment torch expects

  c10::DataPtr allocate(size_t n) override {
    void* base = nullptr;
    if (posix_memalign(&base, 64, n + kHeader) != 0) TORCH_CHECK(false, "out of CPU memory allocating ", n, " bytes");
    *static_cast<size_t*>(base) = n;
    const int64_t now = live_ += int64_t(n);
    for (int64_t peak = peak_.load(); now > peak && !peak_.compare_exchange_weak(peak, now);) {}
    void* data = static_cast<char*>(base) + kHeader;  // raw_allocate() wants data == context
    return {data, data, &release, c10::Device(c10::kCPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
  void copy_data(void* dest, const void* src, size_t count) const override { std::memcpy(dest, src, count); }

  int64_t live() const { return live_; }
  int64_t peak() const { return peak_; }
  void reset_peak() { peak_ = live_.load(); }

  static CountingCpuAllocator& instance() {
    static CountingCpuAllocator a;
    return a;
  }

 private:
  static void release(void* data) {
    void* base = static_cast<char*>(data) - kHeader;  // the size sits in the header before the data
    instance().live_ -= int64_t(*static_cast<size_t*>(base));
    std::free(base);
  }
  std::atomic<int64_t> live_{0}, peak_{0};
};

}  // namespace

Timing time_call(const std::function<void()>& fn, c10::Device device, const TimingPolicy& policy) {
  using clock = std::chrono::steady_clock;
  // The first calls grow the heap (page faults; about five calls before a big working set settles)
  // and warm caches. Calls slower than a second get fewer warm-ups: the bench would take too long.
  const auto warm_start = clock::now();
  for (int i = 0; i < policy.max_warmup; ++i) {
    fn();
    synchronize(device);
    if (std::chrono::duration<double>(clock::now() - warm_start).count() > 3 * policy.budget_s) break;
  }
  std::vector<double> ms;
  const auto start = clock::now();
  while (static_cast<int>(ms.size()) < policy.max_reps) {
    const auto t0 = clock::now();
    fn();
    synchronize(device);
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
    const double spent = std::chrono::duration<double>(clock::now() - start).count();
    if (static_cast<int>(ms.size()) >= policy.min_reps && spent >= policy.budget_s) break;
  }
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  return {n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]), ms.front(), static_cast<int>(n)};
}

double peak_memory_mib(const std::function<void()>& fn, c10::Device device) {
#ifdef MINDT_WITH_CUDA
  if (device.is_cuda()) {
    using namespace c10::cuda::CUDACachingAllocator;
    synchronize(device);
    const auto before = getDeviceStats(device.index()).allocated_bytes[0].current;
    resetPeakStats(device.index());
    fn();
    synchronize(device);
    const auto peak = getDeviceStats(device.index()).allocated_bytes[0].peak;
    return double(peak - before) / (1024.0 * 1024.0);
  }
#endif
  if (!device.is_cpu()) return -1;
  CountingCpuAllocator& counter = CountingCpuAllocator::instance();
  const int64_t before = counter.live();
  counter.reset_peak();
  fn();
  return double(counter.peak() - before) / (1024.0 * 1024.0);
}

void count_cpu_tensor_memory() { c10::SetCPUAllocator(&CountingCpuAllocator::instance(), /*priority=*/1); }

c10::Device single_device(const std::string& device, const std::string& command) {
  if (device != "cpu" && device != "cuda") {
    throw cli::UsageError(command + ": --device must be cpu or cuda, got '" + device + "'");
  }
  if (device == "cuda" && !torch::cuda::is_available())
    throw std::runtime_error("--device cuda: no CUDA device is visible");
  return device == "cuda" ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
}

}  // namespace mindt::bench
