// Soft Actor-Critic: the tanh-Gaussian density against a float64 hand computation, the replay buffer's
// order and round trip, policy files, learning on Hopper, resume, and evaluation with sampled actions.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "agents/sac/collect.h"
#include "agents/sac/policy_file.h"
#include "agents/sac/replay_buffer.h"
#include "agents/sac/sac_trainer.h"
#include "datasets/d4rl_dataset.h"
#include "tests/expect_text.h"

namespace mindt::sac {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/sac_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(TanhGaussianPolicy, LogDensityMatchesAFloat64HandComputation) {
  at::manual_seed(std::random_device{}());
  TanhGaussianPolicy policy(7, 3, 16);
  {
    torch::NoGradGuard no_grad;  // spread the heads so means and stds vary across rows
    policy->last_fc->weight.normal_(0, 0.5);
    policy->last_fc_log_std->weight.normal_(0, 0.3);
  }
  policy->to(at::kDouble);
  const at::Tensor obs = at::randn({64, 7}, at::kDouble);
  const PolicySample s = policy->sample(obs);
  // By hand: u = atanh(a); log N(u; μ, σ) − Σ log(1 − a²).
  const at::Tensor h = at::relu(at::linear(at::relu(at::linear(obs, policy->fc0->weight, policy->fc0->bias)),
                                           policy->fc1->weight, policy->fc1->bias));
  const at::Tensor mean = at::linear(h, policy->last_fc->weight, policy->last_fc->bias);
  const at::Tensor log_std =
      at::linear(h, policy->last_fc_log_std->weight, policy->last_fc_log_std->bias).clamp(-20, 2);
  const at::Tensor u = at::atanh(s.action);
  const at::Tensor z = (u - mean) / log_std.exp();
  const at::Tensor expected =
      (-0.5 * z.pow(2) - log_std - 0.5 * std::log(2 * M_PI) - at::log(1 - s.action.pow(2))).sum(-1);
  EXPECT_LT((s.log_prob - expected).abs().max().item<double>(), 1e-8);
  EXPECT_TRUE(at::allclose(policy->mean_action(obs), at::tanh(mean), 0, 1e-12));
  EXPECT_LT(s.action.abs().max().item<double>(), 1.0);
}

Transition row(int k, std::vector<double>& scratch) {
  scratch.assign(64, double(k));
  return {scratch.data(), scratch.data(), double(k),      scratch.data(), k % 7 == 6,
          false,          scratch.data(), scratch.data(), -double(k)};
}

TEST(ReplayBuffer, KeepsTheNewestRowsOldestFirstAndRoundTrips) {
  ReplayBuffer buffer(5, 2, 1, 3, 3);
  std::vector<double> scratch;
  for (int k = 0; k < 8; ++k) buffer.add(row(k, scratch));
  EXPECT_EQ(buffer.size(), 5);
  EXPECT_EQ(buffer.added(), 8);
  const datasets::D4rlDataset d = buffer.to_dataset();
  EXPECT_EQ(d.rewards, (std::vector<float>{3, 4, 5, 6, 7}));
  EXPECT_EQ(d.terminals, (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  EXPECT_EQ(d.infos.at("action_log_probs").data, (std::vector<float>{-3, -4, -5, -6, -7}));
  EXPECT_EQ(d.observations.data[0], 3.f);

  ReplayBuffer restored(5, 2, 1, 3, 3);
  restored.load_dataset(d, buffer.added());
  EXPECT_EQ(restored.to_dataset().rewards, d.rewards);
  restored.add(row(8, scratch));
  buffer.add(row(8, scratch));
  EXPECT_EQ(restored.to_dataset().rewards, buffer.to_dataset().rewards);
  at::manual_seed(3);
  const at::Tensor a = buffer.sample(16).rewards;
  at::manual_seed(3);
  EXPECT_TRUE(at::equal(a, restored.sample(16).rewards));

  buffer.cut_last_episode();
  EXPECT_EQ(buffer.to_dataset().timeouts.back(), 1);
  EXPECT_THROW(restored.load_dataset(d, 2), std::runtime_error);  // fewer added than held
}

TEST(PolicyFile, RoundTripsAndExplainsBadFiles) {
  const std::string dir = temp_dir("policy_file");
  TanhGaussianPolicy policy(11, 3, 32);
  save_policy_file(dir + "/p.pt", policy, {"hopper", 32, 1234, 567.5});
  LoadedPolicy loaded = load_policy_file(dir + "/p.pt");
  EXPECT_EQ(loaded.info.env, "hopper");
  EXPECT_EQ(loaded.info.step, 1234);
  EXPECT_EQ(loaded.info.eval_return, 567.5);
  const at::Tensor obs = at::randn({4, 11});
  EXPECT_TRUE(at::equal(loaded.policy->mean_action(obs), policy->mean_action(obs)));

  auto error_of = [](const std::string& path) {
    try {
      load_policy_file(path);
    } catch (const PolicyFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_HAS(error_of(dir + "/missing.pt"), dir + "/missing.pt: no such policy file");
  std::ofstream(dir + "/text.pt") << "not a zip";
  EXPECT_HAS(error_of(dir + "/text.pt"), "not a mindt policy file");
  // Cut at every 1/16 of its length, a policy file is a clear error.
  {
    std::ifstream whole(dir + "/p.pt", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(whole)), std::istreambuf_iterator<char>());
    for (int k = 0; k < 16; ++k) {
      std::ofstream(dir + "/cut.pt", std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() * k / 16);
      EXPECT_HAS(error_of(dir + "/cut.pt"), dir + "/cut.pt: not a mindt policy file") << "cut at " << k << "/16";
    }
  }
  save_policy_file(dir + "/lying.pt", policy, {"hopper", 33, 0, 0});  // claims 33 units, holds 32
  EXPECT_HAS(error_of(dir + "/lying.pt"), "policy/weights/fc0.weight has shape [32, 11], expected [33, 11]");
  // A size the file could not hold is refused before a network that large is built.
  save_policy_file(dir + "/huge.pt", policy, {"hopper", int64_t(1) << 40, 0, 0});
  EXPECT_HAS(error_of(dir + "/huge.pt"),
             "huge.pt: damaged policy file (its sizes need more weights than the file holds)");
  fs::remove_all(dir);
}

config::SacConfig small_run(int64_t steps) {
  config::SacConfig c;
  c.env = "hopper";
  c.steps = steps;
  c.random_steps = 1000;
  c.eval_every = 1000;
  c.eval_episodes = 3;
  c.log_every = 250;
  c.checkpoint_every = 1000;
  c.threads = 1;  // tiny ops: OpenMP barriers only slow them, badly so beside other ctest jobs
  return c;
}

std::vector<double> eval_returns(const std::string& log_path) {
  std::ifstream in(log_path);
  std::vector<double> out;
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("\"return_mean\": ");
    if (at != std::string::npos) out.push_back(std::stod(line.substr(at + 15)));
  }
  return out;
}

// 3000 steps of SAC on Hopper: the deterministic policy must stand and move clearly better than the
// untrained one (measured: 79 → 217).
TEST(SacTraining, ImprovesHopperWithinAFewThousandSteps) {
  const std::string dir = temp_dir("learn");
  SacTrainOptions o;
  o.run_dir = dir + "/run";
  o.progress = false;
  train_sac(small_run(3000), o);
  const auto returns = eval_returns(o.run_dir + "/log.jsonl");
  ASSERT_EQ(returns.size(), 3u);
  std::cout << "[ sac ] evaluation returns at 1000/2000/3000 steps: " << returns[0] << " " << returns[1] << " "
            << returns[2] << "\n";
  EXPECT_GT(returns[2], 1.5 * returns[0]);
  EXPECT_TRUE(fs::exists(o.run_dir + "/policies/step_00003000.pt"));
  fs::remove_all(dir);
}

// Stopped at a checkpoint in the middle of an episode and resumed, a run is the run that never
// stopped: the same replay buffer, row for row (the episode in progress continued, not cut), and
// the same logged losses.
TEST(SacTraining, ResumesFromItsCheckpointAsIfItHadNotStopped) {
  const std::string dir = temp_dir("resume");
  SacTrainOptions o;
  o.progress = false;
  o.run_dir = dir + "/uninterrupted";
  train_sac(small_run(2000), o);
  o.run_dir = dir + "/run";
  train_sac(small_run(1500), o);  // checkpoints at 1000 and 1500
  datasets::ReadOptions read;
  read.infos = true;
  read.next_observations = true;
  EXPECT_EQ(datasets::read_d4rl(o.run_dir + "/buffer.hdf5", read).size(), 1500);
  o.resume = true;
  train_sac(small_run(2000), o);

  const datasets::D4rlDataset resumed = datasets::read_d4rl(o.run_dir + "/buffer.hdf5", read);
  const datasets::D4rlDataset expected = datasets::read_d4rl(dir + "/uninterrupted/buffer.hdf5", read);
  ASSERT_EQ(resumed.size(), 2000);
  EXPECT_EQ(resumed.observations.data, expected.observations.data);
  EXPECT_EQ(resumed.actions.data, expected.actions.data);
  EXPECT_EQ(resumed.rewards, expected.rewards);
  EXPECT_EQ(resumed.terminals, expected.terminals);
  EXPECT_EQ(resumed.timeouts, expected.timeouts);
  // The training lines (the shorter first run also evaluated at its last step, 1500; the
  // uninterrupted run did not) and the final evaluation.
  auto losses = [](const std::string& path) {
    std::ifstream log(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(log, line);) {
      if (line.find("\"eval\"") == std::string::npos || line.find("\"step\": 2000") != std::string::npos)
        lines.push_back(line.substr(0, line.find(", \"steps_per_s\"")));
    }
    return lines;
  };
  EXPECT_EQ(losses(o.run_dir + "/log.jsonl"), losses(dir + "/uninterrupted/log.jsonl"));
  // A new run refuses a directory that holds one.
  o.resume = false;
  EXPECT_THROW(train_sac(small_run(10), o), std::runtime_error);
  fs::remove_all(dir);
}

TEST(Collect, IsDeterministicAndFollowsD4rlsLayout) {
  at::manual_seed(0);
  TanhGaussianPolicy policy(17, 6, 32);
  CollectOptions o;
  o.env = "walker2d";
  o.transitions = 3000;
  o.seed = 5;
  const datasets::D4rlDataset a = collect(policy.get(), o), b = collect(policy.get(), o);
  ASSERT_EQ(a.size(), 3000);
  EXPECT_EQ(a.observations.data, b.observations.data);
  EXPECT_EQ(a.actions.data, b.actions.data);
  EXPECT_EQ(a.infos.at("action_log_probs").data, b.infos.at("action_log_probs").data);
  o.seed = 6;
  EXPECT_NE(collect(policy.get(), o).observations.data, a.observations.data);
  // Within an episode, next_observations[t] = observations[t+1]; the last row is an unfinished tail.
  for (int64_t t = 0; t + 1 < a.size(); ++t) {
    if (a.terminals[t] || a.timeouts[t]) continue;
    for (int64_t j = 0; j < 17; ++j) ASSERT_EQ(a.next_observations.row(t)[j], a.observations.row(t + 1)[j]) << t;
  }
  EXPECT_EQ(a.infos.at("qpos").cols, 9);
  EXPECT_EQ(a.infos.at("qvel").cols, 9);

  const datasets::D4rlDataset stitched = stitch(a, collect(nullptr, o), 5000);
  int64_t cut = a.size();
  while (!a.terminals[cut - 1] && !a.timeouts[cut - 1]) --cut;
  EXPECT_EQ(stitched.size(), 5000);
  EXPECT_TRUE(stitched.terminals[cut - 1] || stitched.timeouts[cut - 1]);
  EXPECT_EQ(stitched.rewards[cut - 1], a.rewards[cut - 1]);
}

TEST(EvaluatePolicy, SampledActionsAreSeededAndLeaveTheGlobalGeneratorAlone) {
  LoadedPolicy loaded = load_policy_file(std::string(MINDT_SOURCE_DIR) + "/agents/behaviour_policies/hopper-medium.pt");
  at::manual_seed(123);
  const PolicyReturn sampled = evaluate_policy(*loaded.policy, "hopper", 2, 7, /*sampled=*/true);
  const at::Tensor drawn_after = at::rand({8});
  at::manual_seed(123);
  EXPECT_TRUE(at::equal(drawn_after, at::rand({8}))) << "evaluation moved the global generator";

  EXPECT_EQ(evaluate_policy(*loaded.policy, "hopper", 2, 7, true).mean, sampled.mean);
  EXPECT_NE(evaluate_policy(*loaded.policy, "hopper", 2, 8, true).mean, sampled.mean);
  EXPECT_NE(evaluate_policy(*loaded.policy, "hopper", 2, 7, false).mean, sampled.mean);
}

}  // namespace
}  // namespace mindt::sac
