// Episode splitting and returns-to-go on a hand-built table with a terminal, a timeout, a row
// with both flags, and an unfinished tail.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "datasets/episodes.h"

namespace mindt::datasets {
namespace {

TEST(Episodes, SplitOnTerminalsAndTimeoutsKeepingTheUnfinishedTail) {
  //                 rows: 0  1  2 | 3  4 | 5 | 6  7
  const std::vector<uint8_t> terminals = {0, 0, 1, 0, 0, 1, 0, 0};
  const std::vector<uint8_t> timeouts = {0, 0, 0, 0, 1, 1, 0, 0};
  const std::vector<float> rewards = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto eps = split_episodes(terminals, timeouts, rewards);
  ASSERT_EQ(eps.size(), 4u);
  EXPECT_EQ(eps[0].start, 0);
  EXPECT_EQ(eps[0].length, 3);
  EXPECT_EQ(eps[0].end, EpisodeEnd::kTerminated);
  EXPECT_DOUBLE_EQ(eps[0].episode_return, 6);
  EXPECT_EQ(eps[1].start, 3);
  EXPECT_EQ(eps[1].length, 2);
  EXPECT_EQ(eps[1].end, EpisodeEnd::kTimeout);
  EXPECT_EQ(eps[2].start, 5);
  EXPECT_EQ(eps[2].length, 1);
  EXPECT_EQ(eps[2].end, EpisodeEnd::kTerminated);  // both flags: the MDP ended
  EXPECT_EQ(eps[3].start, 6);
  EXPECT_EQ(eps[3].length, 2);
  EXPECT_EQ(eps[3].end, EpisodeEnd::kUnfinished);
  EXPECT_DOUBLE_EQ(eps[3].episode_return, 15);

  const auto rtg = returns_to_go(rewards, eps);
  const std::vector<float> expected = {6, 5, 3, 9, 5, 6, 15, 8};
  EXPECT_EQ(rtg, expected);
}

TEST(Episodes, V0TablesWithoutTimeouts) {
  const auto eps = split_episodes({0, 1, 0}, {}, {1, 1, 1});
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_EQ(eps[1].end, EpisodeEnd::kUnfinished);
}

// A transition table with fresh random rewards and flags (each flag set with probability p).
struct RandomTable {
  std::vector<uint8_t> terminals, timeouts;
  std::vector<float> rewards;
};
RandomTable random_table(int n, double p) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<float> reward(-1, 3);
  std::bernoulli_distribution flag(p);
  RandomTable t{std::vector<uint8_t>(n), std::vector<uint8_t>(n), std::vector<float>(n)};
  for (int i = 0; i < n; ++i) {
    t.terminals[i] = flag(rng);
    t.timeouts[i] = flag(rng);
    t.rewards[i] = reward(rng);
  }
  return t;
}

TEST(Episodes, ReturnsToGoMatchANaiveSumOnRandomData) {
  const RandomTable table = random_table(5000, 0.01);
  const auto& [terminals, timeouts, rewards] = table;
  const int n = 5000;
  const auto eps = split_episodes(terminals, timeouts, rewards);
  const auto rtg = returns_to_go(rewards, eps);
  int64_t covered = 0;
  for (const auto& e : eps) {
    EXPECT_EQ(e.start, covered);  // episodes tile the table
    covered += e.length;
    for (int64_t t = e.start; t < e.start + e.length; ++t) {
      double sum = 0;
      for (int64_t k = t; k < e.start + e.length; ++k) sum += rewards[k];
      ASSERT_NEAR(rtg[t], sum, 1e-4 * std::max(1.0, std::abs(sum)));
    }
  }
  EXPECT_EQ(covered, n);
}

// The summary against a walk over the raw flags: an episode ends at the first set flag, the
// terminal flag wins over the timeout, and the rows after the last flag are one unfinished tail.
TEST(Episodes, SummaryMatchesAWalkOverTheFlags) {
  const int n = 3000;
  const RandomTable table = random_table(n, 0.02);
  const auto& [terminals, timeouts, rewards] = table;
  int64_t episodes = 0, terminated = 0, timed_out = 0, unfinished = 0;
  std::vector<double> returns, lengths;
  double running = 0;
  int64_t length = 0;
  for (int i = 0; i < n; ++i) {
    running += rewards[i];
    ++length;
    if (terminals[i] || timeouts[i]) {
      ++episodes;
      ++(terminals[i] ? terminated : timed_out);
      returns.push_back(running);
      lengths.push_back(double(length));
      running = 0;
      length = 0;
    }
  }
  if (length > 0) ++episodes, ++unfinished;
  const EpisodeSummary s = summarize(split_episodes(terminals, timeouts, rewards));
  EXPECT_EQ(s.episodes, episodes);
  EXPECT_EQ(s.terminated, terminated);
  EXPECT_EQ(s.timeouts, timed_out);
  EXPECT_EQ(s.unfinished, unfinished);
  ASSERT_EQ(s.finished, int64_t(returns.size()));
  double sum = 0, length_sum = 0;
  for (size_t i = 0; i < returns.size(); ++i) sum += returns[i], length_sum += lengths[i];
  EXPECT_NEAR(s.return_mean, sum / double(returns.size()), 1e-6);
  EXPECT_NEAR(s.length_mean, length_sum / double(returns.size()), 1e-12);
  EXPECT_NEAR(s.return_min, *std::min_element(returns.begin(), returns.end()), 1e-6);
  EXPECT_NEAR(s.return_max, *std::max_element(returns.begin(), returns.end()), 1e-6);
  EXPECT_EQ(summarize({}).finished, 0);
}

TEST(Episodes, LengthMismatchIsAnError) {
  EXPECT_THROW(split_episodes({0, 1}, {}, {1, 1, 1}), std::invalid_argument);
  EXPECT_THROW(split_episodes({0, 1, 0}, {0}, {1, 1, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace mindt::datasets
