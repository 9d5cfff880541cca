// VectorEnv: the same trajectories whatever the thread count, and auto-reset that starts a new
// episode in the same step while keeping the finished episode's last observation.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "envs/vector_env.h"

namespace mindt::envs {
namespace {

struct Rollout {
  std::vector<double> observations, rewards;
  std::vector<uint8_t> done;
};

Rollout roll(const std::string& env, int threads, int steps, AutoReset auto_reset) {
  VectorEnv venv(env, 5, /*seed=*/42, threads, auto_reset);
  const int N = venv.size(), A = venv.act_dim();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(-1, 1);
  std::vector<double> obs(N * venv.obs_dim()), actions(N * A), rewards(N);
  std::vector<uint8_t> term(N), trunc(N);
  Rollout r;
  venv.reset(obs.data());
  r.observations = obs;
  for (int t = 0; t < steps; ++t) {
    for (auto& a : actions) a = uniform(rng);
    venv.step(actions.data(), obs.data(), rewards.data(), term.data(), trunc.data());
    r.observations.insert(r.observations.end(), obs.begin(), obs.end());
    r.rewards.insert(r.rewards.end(), rewards.begin(), rewards.end());
    for (int i = 0; i < N; ++i) r.done.push_back(term[i] | trunc[i]);
  }
  return r;
}

TEST(VectorEnv, TrajectoriesDoNotDependOnTheThreadCount) {
  for (const char* env : {"hopper", "halfcheetah"}) {
    const Rollout one = roll(env, 1, 60, AutoReset::kSameStep), three = roll(env, 3, 60, AutoReset::kSameStep);
    EXPECT_EQ(one.observations, three.observations) << env;
    EXPECT_EQ(one.rewards, three.rewards) << env;
  }
}

TEST(VectorEnv, EnvironmentsGetDifferentResets) {
  VectorEnv venv("walker2d", 3, 1, 1);
  std::vector<double> obs(3 * venv.obs_dim());
  venv.reset(obs.data());
  EXPECT_NE(std::vector<double>(obs.begin(), obs.begin() + 17),
            std::vector<double>(obs.begin() + 17, obs.begin() + 34));
}

TEST(VectorEnv, AutoResetStartsANewEpisodeInTheSameStep) {
  // Random hoppers fall within ~20 steps: every environment finishes at least once in 200 steps.
  VectorEnv venv("hopper", 4, 3, 2, AutoReset::kSameStep);
  std::vector<double> obs(4 * 11), actions(4 * 3, 0.8), rewards(4);
  std::vector<uint8_t> term(4), trunc(4);
  venv.reset(obs.data());
  int finished = 0;
  for (int t = 0; t < 200; ++t) {
    venv.step(actions.data(), obs.data(), rewards.data(), term.data(), trunc.data());
    for (int i = 0; i < 4; ++i) {
      if (!term[i]) continue;
      ++finished;
      EXPECT_EQ(venv.env(i).elapsed_steps(), 0);     // a fresh episode…
      EXPECT_NEAR(obs[i * 11], 1.25, 0.01);          // …standing at the start height,
      const auto& last = venv.final_observation(i);  // while the finished one had fallen over
      EXPECT_TRUE(last[0] <= 0.7 || std::abs(last[1]) >= 0.2) << "z " << last[0] << ", angle " << last[1];
    }
  }
  EXPECT_GE(finished, 4);
}

TEST(VectorEnv, NextStepAutoResetReportsTheEndThenStartsAnew) {
  // gymnasium's NEXT_STEP: the terminating step keeps the fallen observation; the following step
  // ignores the action and returns a fresh episode's first observation, reward 0, no flags.
  VectorEnv venv("hopper", 3, 5, 1, AutoReset::kNextStep);
  VectorEnv reference("hopper", 3, 5, 1, AutoReset::kOff);  // same seeds: the same resets
  std::vector<double> obs(3 * 11), ref_obs(3 * 11), actions(3 * 3, 0.8), rewards(3), ref_rewards(3);
  std::vector<uint8_t> term(3), trunc(3), ref_term(3), ref_trunc(3);
  venv.reset(obs.data());
  reference.reset(ref_obs.data());
  std::vector<uint8_t> ended(3, 0);
  int restarts = 0;
  for (int t = 0; t < 200; ++t) {
    venv.step(actions.data(), obs.data(), rewards.data(), term.data(), trunc.data());
    for (int i = 0; i < 3; ++i) {
      if (ended[i]) {
        ++restarts;
        std::vector<double> fresh(11);
        reference.env(i).reset(fresh.data());
        EXPECT_EQ(std::vector<double>(obs.begin() + i * 11, obs.begin() + (i + 1) * 11), fresh);
        EXPECT_EQ(rewards[i], 0.0);
        EXPECT_FALSE(term[i] || trunc[i]);
        EXPECT_EQ(venv.env(i).elapsed_steps(), 0);
      } else {
        const StepResult r = reference.env(i).step(actions.data() + i * 3, ref_obs.data() + i * 11);
        EXPECT_EQ(rewards[i], r.reward);
        EXPECT_EQ(bool(term[i]), r.terminated);
        EXPECT_EQ(std::vector<double>(obs.begin() + i * 11, obs.begin() + (i + 1) * 11),
                  std::vector<double>(ref_obs.begin() + i * 11, ref_obs.begin() + (i + 1) * 11));
      }
      ended[i] = term[i] || trunc[i];
    }
  }
  EXPECT_GE(restarts, 3);
}

}  // namespace
}  // namespace mindt::envs
