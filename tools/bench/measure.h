// Timing and peak-memory measurement for `mindt bench`: medians over repetitions after a warm-up,
// with device synchronisation, and the peak extra memory one call needs.
#pragma once

#include <c10/core/Device.h>

#include <functional>
#include <string>

namespace mindt::bench {

struct TimingPolicy {
  int max_warmup = 6;
  int min_reps = 3;
  int max_reps = 20;
  double budget_s = 1.0;  // stop repeating once this much time was spent (after min_reps)
};

struct Timing {
  double median_ms = 0;
  double min_ms = 0;
  int reps = 0;
};

// Runs fn a few times untimed (at least once), then repeatedly; on CUDA devices waits for the device around each call.
Timing time_call(const std::function<void()>& fn, c10::Device device, const TimingPolicy& policy);

// Peak tensor memory (MiB) allocated by one call of fn beyond what was held before it: on CPU from
// the counting allocator (count_cpu_tensor_memory() must have been called before the inputs were
// made), on CUDA from the caching allocator's statistics. Negative when it cannot be measured.
double peak_memory_mib(const std::function<void()>& fn, c10::Device device);

// Routes CPU tensor allocations through a counting allocator (for the rest of the process).
void count_cpu_tensor_memory();

// --device of the benchmarks that run on one device: "cpu", or "cuda" when a GPU is visible.
// Throws cli::UsageError naming `command` for anything else, std::runtime_error without a GPU.
c10::Device single_device(const std::string& device, const std::string& command);

}  // namespace mindt::bench
