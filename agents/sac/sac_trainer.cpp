#include "agents/sac/sac_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <random>

#include "agents/sac/policy_file.h"
#include "agents/run_files.h"
#include "agents/sac/sac_agent.h"
#include "configs/atomic_file.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/statistics.h"
#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"

namespace mindt::sac {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

at::Tensor to_tensor(const std::vector<double>& v) {
  return at::tensor(v, at::kDouble).to(at::kFloat).unsqueeze(0);
}

std::string snapshot_name(int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step_%08lld.pt", static_cast<long long>(step));
  return name;
}

void save_checkpoint(const fs::path& run_dir, SacAgent& agent, const ReplayBuffer& buffer, int64_t step,
                     int64_t episodes) {
  // The buffer first: a checkpoint is only valid with the buffer it names, and the checkpoint file
  // (renamed last) records how many transitions that buffer holds.
  datasets::D4rlDataset d = buffer.to_dataset();
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata["iteration"] = step;
  datasets::write_d4rl((run_dir / "buffer.hdf5").string(), d);
  torch::serialize::OutputArchive archive;
  archive.write("mindt/kind", c10::IValue(std::string("sac_checkpoint")));
  archive.write("sac/step", c10::IValue(step));
  archive.write("sac/episodes", c10::IValue(episodes));
  archive.write("sac/buffer_added", c10::IValue(buffer.added()));
  archive.write("sac/buffer_size", c10::IValue(buffer.size()));
  archive.write("sac/rng_cpu", cpu_rng_state(), /*is_buffer=*/true);
  agent.save(archive);
  write_atomically((run_dir / "checkpoint.pt").string(), [&](const std::string& t) { archive.save_to(t); });
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue v;
  archive.read(key, v);
  return v.toInt();
}

}  // namespace

PolicyReturn evaluate_policy(TanhGaussianPolicyImpl& policy, const std::string& env_name, int64_t episodes,
                             uint64_t seed, bool sampled) {
  torch::NoGradGuard no_grad;
  // Sampling draws from the global generator: seed it for this evaluation and put it back after,
  // so that evaluating in the middle of training changes nothing the run draws next.
  const at::Tensor saved_rng = cpu_rng_state();
  struct RestoreRng {
    const at::Tensor& state;
    ~RestoreRng() { restore_cpu_rng(state); }
  } restore{saved_rng};
  if (sampled) at::manual_seed(seed);
  envs::LocomotionEnv env = envs::make_env(env_name, seed);
  const auto device = policy.parameters().front().device();
  std::vector<double> obs(env.obs_dim()), action(env.act_dim());
  std::vector<double> returns;
  for (int64_t e = 0; e < episodes; ++e) {
    env.reseed(seed + e);
    env.reset(obs.data());
    double total = 0;
    while (true) {
      const at::Tensor observation = to_tensor(obs).to(device);
      const at::Tensor a = (sampled ? policy.sample(observation).action : policy.mean_action(observation))
                               .to(at::kCPU, at::kDouble)
                               .contiguous();
      std::copy_n(a.data_ptr<double>(), action.size(), action.begin());
      const envs::StepResult r = env.step(action.data(), obs.data());
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    returns.push_back(total);
  }
  const MeanStd s = mean_std(returns);
  return {s.mean, s.std};
}

SacTrainResult train_sac(const config::SacConfig& config, const SacTrainOptions& options) {
  const fs::path run_dir(options.run_dir);
  const std::string checkpoint_path = (run_dir / "checkpoint.pt").string();
  const c10::Device device = resolve_device(config.device);
  if (config.threads > 0) torch::set_num_threads(static_cast<int>(config.threads));
  if (options.resume) {
    if (!fs::exists(checkpoint_path)) throw std::runtime_error(options.run_dir + ": no checkpoint.pt to resume from");
  } else {
    if (fs::exists(run_dir) && !fs::is_empty(run_dir)) {
      throw std::runtime_error(options.run_dir + " already holds a run; resume it with --resume or choose another --out");
    }
    fs::create_directories(run_dir / "policies");
    config::SacConfig copy = config;
    write_atomically((run_dir / "config.yaml").string(),
                     [&](const std::string& t) { std::ofstream(t) << config::to_yaml(copy); });
  }

  at::manual_seed(config.seed);
  envs::LocomotionEnv env = envs::make_env(config.env, static_cast<uint64_t>(config.seed));
  const int S = env.obs_dim(), A = env.act_dim();
  const int nq = static_cast<int>(env.qpos().size()), nv = static_cast<int>(env.qvel().size());
  SacAgent agent(config, S, A, device);
  ReplayBuffer buffer(config.buffer_size, S, A, nq, nv);
  int64_t step = 0, episodes = 0;
  if (options.resume) {
    torch::serialize::InputArchive archive;
    archive.load_from(checkpoint_path, device);  // optimizer moments go where the networks are
    step = read_int(archive, "sac/step");
    episodes = read_int(archive, "sac/episodes");
    agent.load(archive);
    at::Tensor rng;
    archive.read("sac/rng_cpu", rng, /*is_buffer=*/true);
    restore_cpu_rng(rng);
    datasets::ReadOptions read;
    read.infos = true;
    read.next_observations = true;
    const std::string buffer_path = (run_dir / "buffer.hdf5").string();
    const datasets::D4rlDataset stored = datasets::read_d4rl(buffer_path, read);
    if (stored.size() != read_int(archive, "sac/buffer_size")) {
      throw std::runtime_error(buffer_path + " does not belong to " + checkpoint_path);
    }
    buffer.load_dataset(stored, read_int(archive, "sac/buffer_added"));
    buffer.cut_last_episode();
    env.reseed(static_cast<uint64_t>(config.seed) + static_cast<uint64_t>(step));
    truncate_log((run_dir / "log.jsonl").string(), step);
  }

  std::ofstream log((run_dir / "log.jsonl").string(), std::ios::app);
  std::vector<double> obs(S), next_obs(S), action(A);
  env.reset(obs.data());
  std::vector<double> qpos = env.qpos(), qvel = env.qvel();
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::mt19937_64 random_actions(static_cast<uint64_t>(config.seed) * 7919 + static_cast<uint64_t>(step));
  double episode_return = 0;
  std::deque<double> recent_returns;
  UpdateStats stats;
  SacTrainResult result;
  const auto started = Clock::now();
  auto last_progress = Clock::now() - std::chrono::hours(1);
  const int64_t first_step = step;
  if (options.progress) {
    std::cerr << "[sac] " << config.env << ", " << device << ", steps " << step << " → " << config.steps << ", run "
              << options.run_dir << "\n";
  }
  while (step < config.steps) {
    if (options.should_stop && options.should_stop()) {
      result.interrupted = true;
      break;
    }
    double log_prob;
    if (step < config.random_steps) {
      for (double& a : action) a = uniform(random_actions);
      log_prob = -double(A) * std::log(2.0);  // uniform density on [−1, 1]^A
    } else {
      const PolicySample s = agent.explore(to_tensor(obs));
      const at::Tensor a = s.action.to(at::kCPU, at::kDouble).contiguous();
      std::copy_n(a.data_ptr<double>(), A, action.begin());
      log_prob = s.log_prob.item<double>();
    }
    const envs::StepResult r = env.step(action.data(), next_obs.data());
    buffer.add({obs.data(), action.data(), r.reward, next_obs.data(), r.terminated, r.truncated, qpos.data(),
                qvel.data(), log_prob});
    episode_return += r.reward;
    ++step;
    if (r.terminated || r.truncated) {
      ++episodes;
      recent_returns.push_back(episode_return);
      if (recent_returns.size() > 10) recent_returns.pop_front();
      episode_return = 0;
      env.reset(obs.data());
    } else {
      obs = next_obs;
    }
    qpos = env.qpos();
    qvel = env.qvel();
    if (step >= config.random_steps && buffer.size() >= config.batch_size) {
      stats = agent.update(buffer.sample(config.batch_size));
    }

    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const double steps_per_s = double(step - first_step) / std::max(elapsed, 1e-9);
    double recent = 0;
    for (double x : recent_returns) recent += x / double(recent_returns.size());
    if (step % config.log_every == 0 || step == config.steps) {
      char line[512];
      std::snprintf(line, sizeof line,
                    "{\"step\": %lld, \"episodes\": %lld, \"train_return\": %.2f, \"q_loss\": %.6g, \"policy_loss\": "
                    "%.6g, \"alpha\": %.6g, \"entropy\": %.4g, \"q_mean\": %.6g, \"steps_per_s\": %.1f, \"elapsed_s\": %.1f}\n",
                    static_cast<long long>(step), static_cast<long long>(episodes), recent, stats.q_loss,
                    stats.policy_loss, stats.alpha, stats.entropy, stats.q_mean, steps_per_s, elapsed);
      log << line << std::flush;
    }
    if (step % config.eval_every == 0 || step == config.steps) {
      const PolicyReturn e = evaluate_policy(*agent.policy(), config.env, config.eval_episodes,
                                             1000003ULL * static_cast<uint64_t>(config.seed + 1));
      const double score = envs::normalized_score(config.env, e.mean);
      save_policy_file((run_dir / "policies" / snapshot_name(step)).string(), agent.policy(),
                       {config.env, config.hidden, step, e.mean});
      char line[256];
      std::snprintf(line, sizeof line, "{\"step\": %lld, \"eval\": {\"return_mean\": %.2f, \"return_std\": %.2f, \"score\": %.2f}}\n",
                    static_cast<long long>(step), e.mean, e.std, score);
      log << line << std::flush;
      result.last_eval_return = e.mean;
      if (options.progress) {
        std::cerr << "\n[sac] step " << step << ": evaluation return " << std::fixed << std::setprecision(1) << e.mean
                  << " ± " << e.std << " (normalized " << score << ")\n";
      }
    }
    if (step % config.checkpoint_every == 0 || step == config.steps) {
      save_checkpoint(run_dir, agent, buffer, step, episodes);
    }
    if (options.progress && (Clock::now() - last_progress > std::chrono::seconds(1) || step == config.steps)) {
      last_progress = Clock::now();
      const double eta = double(config.steps - step) / std::max(steps_per_s, 1e-9);
      std::cerr << "\r[sac] step " << step << "/" << config.steps << "  episodes " << episodes << "  return "
                << std::fixed << std::setprecision(0) << recent << "  α " << std::setprecision(3) << stats.alpha << "  "
                << std::setprecision(0) << steps_per_s << " steps/s  ETA " << int(eta / 60) << " min   " << std::flush;
    }
  }
  if (result.interrupted) save_checkpoint(run_dir, agent, buffer, step, episodes);
  if (options.progress) std::cerr << "\n";
  result.steps_done = step;
  return result;
}

}  // namespace mindt::sac
