// The device-side window sampler holds to the window sampler's law (tests/datasets/
// test_window_sampler.cpp): episodes drawn in proportion to their length (4σ), end rows uniform
// (χ²), windows inside their episode and left-padded at its start, and every batch a function of
// (seed, index) — here on the CPU, through the code that runs on the GPU. Its windows equal a naive
// host gather of the same end rows.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "agents/device_sampler.h"
#include "datasets/episodes.h"
#include "tests/datasets/fixtures.h"
#include "tests/datasets/sampler_checks.h"

namespace mindt {
namespace {

using datasets::Episode;
using datasets::SamplerOptions;

using Fixture = mindt::testing::SplitDataset;

std::vector<int64_t> longs(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

TEST(DeviceWindowSampler, EpisodesAreDrawnInProportionToTheirLength) {
  Fixture f(mindt::testing::kLawEpisodeLengths, {1, 2, 0});
  SamplerOptions o;
  o.context_len = 5;
  o.batch_size = 500;
  o.seed = 11;
  DeviceWindowSampler sampler(f.data, f.episodes, o, c10::Device(c10::kCPU));
  std::vector<int64_t> ends;
  for (int i = 0; i < 40; ++i) {  // 20,000 windows
    const std::vector<int64_t> batch = longs(sampler.next().end_rows);
    ends.insert(ends.end(), batch.begin(), batch.end());
  }
  mindt::testing::expect_length_weighted_uniform_rows(ends);
}

// Every window against a naive host gather of its end row: inside the episode, left-padded with
// zeros and mask 0, timesteps from the episode's start, returns-to-go scaled.
TEST(DeviceWindowSampler, WindowsEqualANaiveGatherOfTheirEndRows) {
  Fixture f({3, 7, 4}, {1, 1, 2});
  SamplerOptions o;
  o.context_len = 5;
  o.batch_size = 256;
  o.reward_scale = 10;
  DeviceWindowSampler sampler(f.data, f.episodes, o, c10::Device(c10::kCPU));
  const std::vector<float> rtg = datasets::returns_to_go(f.data.rewards, f.episodes);
  const DeviceWindows w = sampler.next();
  ASSERT_EQ(w.states.sizes(), at::IntArrayRef({256, 5, 3}));
  const std::vector<int64_t> ends = longs(w.end_rows), timesteps = longs(w.timesteps);
  const auto states = w.states.accessor<float, 3>(), actions = w.actions.accessor<float, 3>();
  const auto returns = w.returns_to_go.accessor<float, 2>();
  const auto mask = w.mask.accessor<bool, 2>();
  for (int64_t b = 0; b < 256; ++b) {
    const Episode* episode = nullptr;
    for (const auto& e : f.episodes) {
      if (ends[b] >= e.start && ends[b] < e.start + e.length) episode = &e;
    }
    ASSERT_NE(episode, nullptr);
    for (int64_t k = 0; k < 5; ++k) {
      const int64_t row = ends[b] - (4 - k);
      const bool real = row >= episode->start;
      ASSERT_EQ(mask[b][k], real) << "window " << b << " slot " << k;
      EXPECT_EQ(timesteps[b * 5 + k], real ? row - episode->start : 0);
      EXPECT_EQ(returns[b][k], real ? rtg[row] / 10.0f : 0.0f);
      for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(states[b][k][j], real ? f.data.observations.row(row)[j] : 0.0f);
      for (int64_t j = 0; j < 2; ++j) EXPECT_EQ(actions[b][k][j], real ? f.data.actions.row(row)[j] : 0.0f);
      if (!real) EXPECT_FALSE(std::signbit(states[b][k][0])) << "padding is +0";
    }
  }
}

TEST(DeviceWindowSampler, TheSeedDeterminesEveryBatchAndSeekResumes) {
  Fixture f({20, 30}, {1, 0});
  SamplerOptions o;
  o.context_len = 4;
  o.batch_size = 8;
  o.seed = 3;
  const c10::Device cpu(c10::kCPU);
  DeviceWindowSampler a(f.data, f.episodes, o, cpu), b(f.data, f.episodes, o, cpu);
  std::vector<DeviceWindows> from_a;
  for (int i = 0; i < 6; ++i) from_a.push_back(a.next());
  at::manual_seed(12345);  // the global generator plays no part
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(at::equal(b.next().end_rows, from_a[i].end_rows)) << "batch " << i;
    EXPECT_TRUE(at::equal(a.sample(i).states, from_a[i].states)) << "batch " << i;
  }
  DeviceWindowSampler resumed(f.data, f.episodes, o, cpu);
  resumed.seek(4);
  EXPECT_TRUE(at::equal(resumed.next().end_rows, from_a[4].end_rows));
  EXPECT_TRUE(at::equal(resumed.next().end_rows, from_a[5].end_rows));
  EXPECT_FALSE(at::equal(from_a[0].end_rows, from_a[1].end_rows)) << "consecutive batches differ";
  o.seed = 4;
  DeviceWindowSampler other(f.data, f.episodes, o, cpu);
  EXPECT_FALSE(at::equal(other.next().end_rows, from_a[0].end_rows));
}

TEST(DeviceWindowSampler, RefusesBadOptionsAndEmptyData) {
  Fixture f({5}, {1});
  SamplerOptions o;
  o.context_len = 0;
  EXPECT_THROW(DeviceWindowSampler(f.data, f.episodes, o, c10::Device(c10::kCPU)), std::invalid_argument);
  o.context_len = 3;
  o.reward_scale = 0;
  EXPECT_THROW(DeviceWindowSampler(f.data, f.episodes, o, c10::Device(c10::kCPU)), std::invalid_argument);
  o.reward_scale = 1;
  EXPECT_THROW(DeviceWindowSampler(f.data, {}, o, c10::Device(c10::kCPU)), std::invalid_argument);
}

TEST(DeviceWindowSamplerCuda, GivesTheCpuSamplersWindowsForTheSameEndRows) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  Fixture f({30, 50, 20}, {1, 2, 0});
  SamplerOptions o;
  o.context_len = 6;
  o.batch_size = 64;
  DeviceWindowSampler gpu(f.data, f.episodes, o, c10::Device(c10::kCUDA, 0));
  const DeviceWindows w = gpu.sample(5), again = gpu.sample(5);
  EXPECT_TRUE(at::equal(w.end_rows, again.end_rows));
  // The gathered windows of those end rows, gathered on the CPU by the naive loop's rule.
  const std::vector<int64_t> ends = longs(w.end_rows);
  const at::Tensor states = w.states.cpu();
  for (int64_t b = 0; b < 64; ++b) {
    const int64_t start = ends[b] < 30 ? 0 : ends[b] < 80 ? 30 : 80;
    for (int64_t k = 0; k < 6; ++k) {
      const int64_t row = ends[b] - (5 - k);
      EXPECT_EQ(states[b][k][0].item<float>(), row >= start ? f.data.observations.row(row)[0] : 0.0f);
    }
  }
}

}  // namespace
}  // namespace mindt
