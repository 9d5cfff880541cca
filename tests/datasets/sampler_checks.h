// The window samplers' sampling law, checked the same way for the host sampler
// (test_window_sampler.cpp) and the device sampler (tests/agents/test_device_sampler.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace mindt::testing {

// The episodes of the law tests: 10, 30 and 60 rows, rows 0 … 99.
inline const std::vector<int64_t> kLawEpisodeLengths = {10, 30, 60};

// Window end rows drawn over those episodes: each episode in proportion to its length (within
// 4σ) and every row equally likely (a χ² test over the 100 rows: 99 degrees of freedom, 160 is
// beyond the 99.99th percentile).
inline void expect_length_weighted_uniform_rows(const std::vector<int64_t>& end_rows) {
  std::map<int64_t, int64_t> per_episode, per_row;
  for (int64_t end : end_rows) {
    ++per_row[end];
    ++per_episode[end < 10 ? 0 : end < 40 ? 1 : 2];
  }
  const double total = double(end_rows.size());
  for (auto [episode, share] : std::map<int64_t, double>{{0, 0.1}, {1, 0.3}, {2, 0.6}}) {
    const double sigma = std::sqrt(total * share * (1 - share));
    EXPECT_NEAR(per_episode[episode], total * share, 4 * sigma) << "episode " << episode;
  }
  double chi2 = 0;
  for (int64_t r = 0; r < 100; ++r) chi2 += std::pow(per_row[r] - total / 100, 2) / (total / 100);
  EXPECT_LT(chi2, 160.0);
}

}  // namespace mindt::testing
