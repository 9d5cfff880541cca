#include "tools/bench/measure.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

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

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1.
long status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

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
  // Free heap memory goes back to the OS first, so whatever the call touches counts as new.
  malloc_trim(0);
  {
    std::ofstream reset("/proc/self/clear_refs");
    if (!reset) return -1;
    reset << "5";  // resets VmHWM to the current resident set
  }
  const long before = status_kib("VmRSS");
  fn();
  const long peak = status_kib("VmHWM");
  if (before < 0 || peak < 0) return -1;
  return double(peak - before) / 1024.0;
}

}  // namespace mindt::bench
