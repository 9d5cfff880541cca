// The window sampler: windows end at uniformly drawn rows (so episodes are drawn in proportion to
// their length), never cross an episode boundary, are padded and masked on the left at episode
// starts, carry the right timesteps and scaled returns-to-go, and are reproducible from the seed.
#include <gtest/gtest.h>

#include <cmath>

#include "datasets/episodes.h"
#include "datasets/window_sampler.h"
#include "tests/datasets/fixtures.h"
#include "tests/datasets/sampler_checks.h"

namespace mindt::datasets {
namespace {

using Fixture = mindt::testing::SplitDataset;

TEST(WindowSampler, EpisodesAreDrawnInProportionToTheirLength) {
  Fixture f(mindt::testing::kLawEpisodeLengths, {1, 2, 0});
  SamplerOptions o;
  o.context_len = 5;
  o.batch_size = 500;
  o.seed = 11;
  WindowSampler sampler(f.data, f.episodes, o);
  std::vector<int64_t> ends;
  for (int i = 0; i < 40; ++i) {  // 20,000 windows
    const std::vector<int64_t> batch = sampler.next().end_rows;
    ends.insert(ends.end(), batch.begin(), batch.end());
  }
  mindt::testing::expect_length_weighted_uniform_rows(ends);
}

TEST(WindowSampler, WindowsStayInTheirEpisodeAndArePaddedAtItsStart) {
  Fixture f({3, 7, 4}, {1, 1, 2});
  SamplerOptions o;
  o.context_len = 5;
  o.batch_size = 256;
  o.reward_scale = 10;
  WindowSampler sampler(f.data, f.episodes, o);
  const std::vector<float> rtg = returns_to_go(f.data.rewards, f.episodes);
  const WindowBatch w = sampler.next();
  ASSERT_EQ(w.states.size(), 256u * 5 * 3);
  for (int64_t b = 0; b < w.batch; ++b) {
    const int64_t end = w.end_rows[b];
    const Episode* episode = nullptr;
    for (const auto& e : f.episodes) {
      if (end >= e.start && end < e.start + e.length) episode = &e;
    }
    ASSERT_NE(episode, nullptr);
    const int64_t real = std::min<int64_t>(5, end - episode->start + 1), pad = 5 - real;
    for (int64_t k = 0; k < 5; ++k) {
      const int64_t slot = b * 5 + k;
      if (k < pad) {
        EXPECT_EQ(w.mask[slot], 0);
        EXPECT_EQ(w.timesteps[slot], 0);
        EXPECT_EQ(w.states[slot * 3], 0.f);
        EXPECT_EQ(w.returns_to_go[slot], 0.f);
        continue;
      }
      const int64_t row = end - (4 - k);
      EXPECT_EQ(w.mask[slot], 1);
      EXPECT_GE(row, episode->start) << "window crosses into the previous episode";
      EXPECT_EQ(w.states[slot * 3], float(row));  // observation row r starts with r
      EXPECT_EQ(w.states[slot * 3 + 2], float(row) + 0.5f);
      EXPECT_EQ(w.actions[slot * 2 + 1], f.data.actions.row(row)[1]);
      EXPECT_EQ(w.timesteps[slot], row - episode->start);
      EXPECT_FLOAT_EQ(w.returns_to_go[slot], rtg[row] / 10);
    }
  }
}

TEST(WindowSampler, TheSeedDeterminesEveryBatch) {
  Fixture f({20, 30}, {1, 0});
  SamplerOptions o;
  o.context_len = 4;
  o.batch_size = 8;
  o.seed = 3;
  WindowSampler a(f.data, f.episodes, o), b(f.data, f.episodes, o);
  std::vector<WindowBatch> from_a;
  for (int i = 0; i < 6; ++i) from_a.push_back(a.next());
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(b.next().end_rows, from_a[i].end_rows) << "batch " << i;
    EXPECT_EQ(a.sample(i).states, from_a[i].states);
  }
  // Resuming at batch 4 continues the same sequence.
  WindowSampler resumed(f.data, f.episodes, o);
  resumed.seek(4);
  EXPECT_EQ(resumed.next().end_rows, from_a[4].end_rows);
  EXPECT_EQ(resumed.next().end_rows, from_a[5].end_rows);
  // Another seed, other windows.
  o.seed = 4;
  WindowSampler other(f.data, f.episodes, o);
  EXPECT_NE(other.next().end_rows, from_a[0].end_rows);
  // No prefetch thread: the same batches.
  o.seed = 3;
  o.prefetch = 0;
  WindowSampler direct(f.data, f.episodes, o);
  EXPECT_EQ(direct.next().end_rows, from_a[0].end_rows);
}

TEST(WindowSampler, StateStatisticsMatchATwoPassReference) {
  Fixture f({50}, {1});
  const StateStatistics s = state_statistics(f.data.observations);
  // Column j holds r + j/4 for r = 0..49: mean 24.5 + j/4, population std sqrt((50² − 1)/12).
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(s.mean[j], 24.5 + 0.25 * j, 1e-5);
    EXPECT_NEAR(s.std[j], std::sqrt((2500.0 - 1) / 12) + 1e-6, 1e-5);
  }
}

}  // namespace
}  // namespace mindt::datasets
