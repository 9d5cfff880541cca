// Helpers shared by the test suites: fresh random seeds (printed, overridable) and error measures.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace mindt::testing {

// A new seed on every run so that tests see fresh inputs; MINDT_TEST_SEED reproduces a failure.
inline uint64_t fresh_seed() {
  if (const char* s = std::getenv("MINDT_TEST_SEED")) return std::stoull(s);
  return (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
}

// Seeds torch's generator and records the seed in the test's output (shown on failure).
inline uint64_t seed_torch() {
  const uint64_t seed = fresh_seed();
  at::manual_seed(seed);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::cout << "[ seed     ] MINDT_TEST_SEED=" << seed << "\n";
  return seed;
}

// Normwise relative error ‖x − ref‖∞ / ‖ref‖∞, computed in float64 on the CPU.
inline double relative_error(const at::Tensor& x, const at::Tensor& ref) {
  const at::Tensor xd = x.to(at::kCPU, at::kDouble), rd = ref.to(at::kCPU, at::kDouble);
  const double scale = std::max(rd.abs().max().item<double>(), 1e-300);
  return (xd - rd).abs().max().item<double>() / scale;
}

inline bool all_finite(const at::Tensor& x) { return at::isfinite(x).all().item<bool>(); }

}  // namespace mindt::testing
