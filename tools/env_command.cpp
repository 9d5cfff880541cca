// `mindt env check ENV`: random-policy episodes in our environment — mean return, length, D4RL
// normalized score (≈ 0 by construction: D4RL's REF_MIN is a random policy's return) and speed.
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <random>

#include "common/mean_std.h"
#include "envs/d4rl_scores.h"
#include "envs/vector_env.h"
#include "tools/commands.h"

namespace mindt::cli {

int run_env_check(const ParsedArgs& args) {
  if (args.positionals().size() != 1)
    throw UsageError("mindt env check: expected one ENV (halfcheetah, hopper, walker2d)");
  const std::string name = args.positionals()[0];
  const int64_t episodes = args.int_value("episodes");
  const int64_t num_envs = std::min<int64_t>(args.int_value("envs"), episodes);
  const uint64_t seed = static_cast<uint64_t>(args.int_value("seed"));
  if (episodes < 1 || num_envs < 1) throw UsageError("mindt env check: --episodes and --envs must be at least 1");
  envs::VectorEnv venv(name, int(num_envs), seed, int(args.int_value("threads")), envs::AutoReset::kSameStep);
  const int N = venv.size(), A = venv.act_dim();

  // Each environment has its own action stream, so results do not depend on the thread count.
  std::vector<std::mt19937_64> action_rngs;
  for (int i = 0; i < N; ++i) action_rngs.emplace_back(seed * 7919 + uint64_t(i));
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> obs(N * venv.obs_dim()), actions(N * A), rewards(N), episode_return(N, 0.0);
  std::vector<uint8_t> terminated(N), truncated(N);
  std::vector<int64_t> episode_length(N, 0);
  std::vector<double> returns, lengths;
  int64_t terminations = 0, steps = 0;
  venv.reset(obs.data());
  const auto t0 = std::chrono::steady_clock::now();
  while (int64_t(returns.size()) < episodes) {
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < A; ++j) actions[i * A + j] = uniform(action_rngs[i]);
    }
    venv.step(actions.data(), obs.data(), rewards.data(), terminated.data(), truncated.data());
    steps += N;
    for (int i = 0; i < N && int64_t(returns.size()) < episodes; ++i) {
      episode_return[i] += rewards[i];
      ++episode_length[i];
      if (terminated[i] || truncated[i]) {
        returns.push_back(episode_return[i]);
        lengths.push_back(double(episode_length[i]));
        terminations += terminated[i];
        episode_return[i] = 0;
        episode_length[i] = 0;
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const MeanStd ret = mean_std(returns);
  const double mean = ret.mean, mean_length = mean_std(lengths).mean;
  const double stderr_mean = ret.std / std::sqrt(double(returns.size()));
  std::cout << std::fixed << std::setprecision(2) << name << ": " << returns.size() << " random-policy episodes ("
            << terminations << " terminated), " << N << " envs on " << venv.threads() << " threads\n"
            << "  return        " << mean << " ± " << ret.std << " (std), ± " << stderr_mean << " (s.e. of the mean)\n"
            << "  length        " << mean_length << "\n"
            << "  normalized    " << envs::normalized_score(name, mean) << "  (D4RL REF_MIN "
            << envs::reference_scores(name).random_return << ")\n"
            << "  speed         " << std::setprecision(0) << double(steps) / seconds << " env steps/s\n";
  return 0;
}

}  // namespace mindt::cli
