// Our HalfCheetah, Hopper and Walker2d against gymnasium's v4 environments, which run on the same
// MuJoCo build (the mujoco wheel): for several seeds, gymnasium plays a whole episode of random
// actions (up to 1000 steps); we replay it step by step from its recorded states and compare the
// observation, reward, terminated and truncated of every step. Then we replay the episode free-running
// from its first state alone, which also checks that nothing drifts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "datasets/hdf5.h"
#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"
#include "tests/expect_text.h"

namespace mindt::envs {
namespace {

using datasets::H5File;

constexpr double kTolerance = 1e-6;  // relative (absolute below 1)

struct Trajectory {
  int steps = 0, nq = 0, nv = 0, nu = 0, obs = 0;
  std::vector<double> qpos, qvel, actions, observations, rewards;
  std::vector<uint8_t> terminated, truncated;
};

// Reads doubles exactly: H5File::read_floats converts to float32, so read float64 data here.
std::vector<double> read_doubles(const std::string& path, const std::string& key) {
  const datasets::Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  const datasets::Hid dataset(H5Dopen2(file.get(), key.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) throw std::runtime_error(path + ": no " + key);
  const datasets::Hid space(H5Dget_space(dataset.get()));
  std::vector<double> out(H5Sget_simple_extent_npoints(space.get()));
  H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  return out;
}

Trajectory load(const std::string& path, const std::string& env, int seed) {
  const std::string prefix = env + "/" + std::to_string(seed) + "/";
  const H5File file = H5File::open_read(path);
  Trajectory t;
  t.qpos = read_doubles(path, prefix + "qpos");
  t.qvel = read_doubles(path, prefix + "qvel");
  t.actions = read_doubles(path, prefix + "actions");
  t.observations = read_doubles(path, prefix + "observations");
  t.rewards = read_doubles(path, prefix + "rewards");
  t.terminated = file.read_flags(prefix + "terminated");
  t.truncated = file.read_flags(prefix + "truncated");
  t.steps = static_cast<int>(t.rewards.size());
  t.nq = static_cast<int>(t.qpos.size() / (t.steps + 1));
  t.nv = static_cast<int>(t.qvel.size() / (t.steps + 1));
  t.nu = static_cast<int>(t.actions.size() / t.steps);
  t.obs = static_cast<int>(t.observations.size() / (t.steps + 1));
  return t;
}

double relative_gap(const double* a, const double* b, int n) {
  double worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
  return worst;
}

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr int kSeeds[] = {0, 1, 2, 100, 101};  // ≥ 100: gentle actions, longer episodes
  // Each test records into a file of its own and removes it: ctest -j runs this suite's tests side
  // by side, and with one shared file a test could find it removed by another (seen in CI).
  std::string recordings() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = ::testing::TempDir() + "/gymnasium_" + name + "_" + std::to_string(::getpid()) + ".hdf5";
    std::string command = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR +
                          "/tests/envs/gymnasium_trajectories.py " + path_ + " " + GetParam();
    for (int s : kSeeds) command += " " + std::to_string(s);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("recording gymnasium failed: " + command);
    return path_;
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }

 private:
  std::string path_;
};

TEST_P(Conformance, EveryStepMatchesGymnasiumFromTheSameState) {
  const std::string path = recordings();
  LocomotionEnv env = make_env(GetParam(), 0);
  for (int seed : kSeeds) {
    const Trajectory t = load(path, GetParam(), seed);
    ASSERT_EQ(t.obs, env.obs_dim());
    ASSERT_EQ(t.nu, env.act_dim());
    std::vector<double> obs(env.obs_dim());
    env.set_state(&t.qpos[0], &t.qvel[0]);
    env.observe(obs.data());
    EXPECT_LT(relative_gap(obs.data(), &t.observations[0], t.obs), kTolerance) << "reset observation, seed " << seed;
    double worst_obs = 0, worst_reward = 0;
    for (int k = 0; k < t.steps; ++k) {
      env.set_state(&t.qpos[k * t.nq], &t.qvel[k * t.nv]);
      env.set_elapsed_steps(k);
      const StepResult r = env.step(&t.actions[k * t.nu], obs.data());
      worst_obs = std::max(worst_obs, relative_gap(obs.data(), &t.observations[(k + 1) * t.obs], t.obs));
      worst_reward = std::max(worst_reward, std::abs(r.reward - t.rewards[k]) / std::max(1.0, std::abs(t.rewards[k])));
      ASSERT_EQ(r.terminated, bool(t.terminated[k])) << "seed " << seed << " step " << k;
      ASSERT_EQ(r.truncated, bool(t.truncated[k])) << "seed " << seed << " step " << k;
    }
    EXPECT_LT(worst_obs, kTolerance) << "seed " << seed;
    EXPECT_LT(worst_reward, kTolerance) << "seed " << seed;
    std::cout << "[ " << GetParam() << " ] seed " << seed << ": " << t.steps << " steps, worst relative gap obs "
              << worst_obs << ", reward " << worst_reward << "\n";
  }
}

TEST_P(Conformance, FreeRunningEpisodesTrackGymnasium) {
  const std::string path = recordings();
  LocomotionEnv env = make_env(GetParam(), 0);
  for (int seed : kSeeds) {
    const Trajectory t = load(path, GetParam(), seed);
    std::vector<double> obs(env.obs_dim());
    env.set_state(&t.qpos[0], &t.qvel[0]);
    env.set_elapsed_steps(0);
    double worst = 0;
    int steps = 0;
    for (int k = 0; k < t.steps; ++k, ++steps) {
      const StepResult r = env.step(&t.actions[k * t.nu], obs.data());
      worst = std::max(worst, relative_gap(obs.data(), &t.observations[(k + 1) * t.obs], t.obs));
      ASSERT_EQ(r.terminated, bool(t.terminated[k])) << "seed " << seed << " step " << k;
      ASSERT_EQ(r.truncated, bool(t.truncated[k])) << "seed " << seed << " step " << k;
    }
    EXPECT_LT(worst, kTolerance) << "seed " << seed;
    std::cout << "[ " << GetParam() << " ] free-running seed " << seed << ": " << steps << " steps, worst gap " << worst
              << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Envs, Conformance,
                         ::testing::Values("halfcheetah", "hopper", "walker2d", "halfcheetah-v5", "hopper-v5",
                                           "walker2d-v5"),
                         [](const auto& info) {
                           std::string name = info.param;  // gtest names take letters, digits and _
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// A state taken mid-episode and restored into a fresh env continues that episode bit for bit: the
// same observations, rewards and ends (the reset generator included) as the env that never stopped.
// Without MuJoCo's warm start in the state the contact solver starts elsewhere and the low bits drift.
TEST(LocomotionEnv, ARestoredStateContinuesTheEpisodeExactly) {
  for (const std::string name : {"hopper", "walker2d", "halfcheetah"}) {
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    LocomotionEnv env = make_env(name, rng());
    std::vector<double> obs(env.obs_dim()), action(env.act_dim());
    env.reset(obs.data());
    auto act = [&](LocomotionEnv& e, std::vector<std::vector<double>>& actions, std::vector<double>& trace) {
      for (int t = 0; t < 300; ++t) {
        if (actions.size() <= size_t(t)) {
          for (double& a : action) a = uniform(rng);
          actions.push_back(action);
        }
        const StepResult r = e.step(actions[t].data(), obs.data());
        trace.insert(trace.end(), obs.begin(), obs.end());
        trace.push_back(r.reward);
        if (r.terminated || r.truncated) {
          e.reset(obs.data());
          trace.insert(trace.end(), obs.begin(), obs.end());
        }
      }
    };
    std::vector<std::vector<double>> warmup, actions;
    std::vector<double> ignored, uninterrupted, resumed;
    act(env, warmup, ignored);
    const EnvState state = env.state();
    act(env, actions, uninterrupted);
    LocomotionEnv fresh = make_env(name, rng());
    fresh.restore(state);
    act(fresh, actions, resumed);
    ASSERT_EQ(resumed.size(), uninterrupted.size()) << name;
    for (size_t i = 0; i < resumed.size(); ++i) ASSERT_EQ(resumed[i], uninterrupted[i]) << name << " at " << i;
  }
}

TEST(LocomotionEnv, UnknownEnvListsTheValidOnes) {
  try {
    make_env("ant", 0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_HAS(std::string(e.what()),
               "unknown env 'ant' (known: halfcheetah, hopper, walker2d, halfcheetah-v5, hopper-v5, walker2d-v5)");
  }
}

}  // namespace
}  // namespace mindt::envs
