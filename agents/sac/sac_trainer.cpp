#include "agents/sac/sac_trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>

#include "agents/archive_fields.h"
#include "agents/archive_file.h"
#include "agents/run/device.h"
#include "agents/run/run_directory.h"
#include "agents/run/run_loop.h"
#include "agents/sac/policy_file.h"
#include "agents/sac/sac_agent.h"
#include "common/json.h"
#include "common/mean_std.h"
#include "datasets/d4rl_dataset.h"
#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"

namespace mindt::sac {
namespace {

namespace fs = std::filesystem;

at::Tensor to_tensor(const std::vector<double>& v) { return at::tensor(v, at::kDouble).to(at::kFloat).unsqueeze(0); }

std::string snapshot_name(int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step_%08lld.pt", static_cast<long long>(step));
  return name;
}

at::Tensor doubles(const std::vector<double>& v) { return at::tensor(v, at::kDouble); }

std::vector<double> to_doubles(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU, at::kDouble).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

std::string text_of(const std::mt19937_64& generator) {
  std::ostringstream out;
  out << generator;
  return out.str();
}

// Where the run stands inside its current episode, so a resumed run continues that episode
// exactly: the env (physics, step count, reset generator), the observation the policy acts on,
// the return so far, the returns of recent episodes, and the random-action generator.
struct EpisodeState {
  envs::EnvState env;
  std::vector<double> observation;
  double episode_return = 0;
  std::vector<double> recent_returns;
  std::string random_actions;
};

void save_checkpoint(const fs::path& run_dir, SacAgent& agent, const ReplayBuffer& buffer, int64_t step,
                     int64_t episodes, const EpisodeState& episode) {
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
  archive.write("sac/env_physics", doubles(episode.env.physics), /*is_buffer=*/true);
  archive.write("sac/env_elapsed_steps", c10::IValue(int64_t(episode.env.elapsed_steps)));
  archive.write("sac/env_rng", c10::IValue(episode.env.rng));
  archive.write("sac/observation", doubles(episode.observation), /*is_buffer=*/true);
  archive.write("sac/episode_return", c10::IValue(episode.episode_return));
  archive.write("sac/recent_returns", doubles(episode.recent_returns), /*is_buffer=*/true);
  archive.write("sac/random_actions", c10::IValue(episode.random_actions));
  agent.save(archive);
  save_archive(archive, (run_dir / "checkpoint.pt").string());
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue v;
  archive.read(key, v);
  return v.toInt();
}

// Everything a SAC run carries from step to step: the env and the episode in it, the agent, the
// replay buffer, and the generator of the uniformly random actions that start the run.
struct SacRun {
  SacRun(const config::SacConfig& config, const c10::Device& device)
      : config(config),
        env(envs::make_env(config.env, static_cast<uint64_t>(config.seed))),
        S(env.obs_dim()),
        A(env.act_dim()),
        agent(config, S, A, device),
        buffer(config.buffer_size, S, A, static_cast<int>(env.qpos().size()), static_cast<int>(env.qvel().size())),
        obs(S),
        next_obs(S),
        action(A) {}

  // Networks, optimizers, generators, buffer and the episode in progress from the run's checkpoint;
  // returns its step. The run then continues exactly as if it had not stopped. A checkpoint of an
  // older mindt, without the episode's state, cuts that episode instead (its last stored
  // transition becomes a timeout) and starts a new one; `continues_episode` says which.
  int64_t restore(const RunDirectory& run, const c10::Device& device) {
    const std::string checkpoint_path = run.checkpoint_path();
    torch::serialize::InputArchive archive;
    open_checkpoint(checkpoint_path, archive, device);  // CRC-checked; optimizer moments go where the networks are
    const int64_t step = read_int(archive, "sac/step");
    episodes = read_int(archive, "sac/episodes");
    agent.load(archive);
    at::Tensor rng;
    archive.read("sac/rng_cpu", rng, /*is_buffer=*/true);
    restore_cpu_rng(rng);
    datasets::ReadOptions read;
    read.infos = true;
    read.next_observations = true;
    const std::string buffer_path = run.file("buffer.hdf5");
    const datasets::D4rlDataset stored = datasets::read_d4rl(buffer_path, read);
    if (stored.size() != read_int(archive, "sac/buffer_size")) {
      throw std::runtime_error(buffer_path + " does not belong to " + checkpoint_path);
    }
    buffer.load_dataset(stored, read_int(archive, "sac/buffer_added"));
    c10::IValue env_rng;
    continues_episode = archive.try_read("sac/env_rng", env_rng);
    if (!continues_episode) {
      buffer.cut_last_episode();
      env.reseed(static_cast<uint64_t>(config.seed) + static_cast<uint64_t>(step));
      return step;
    }
    at::Tensor physics, observation, recent;
    archive.read("sac/env_physics", physics, /*is_buffer=*/true);
    archive.read("sac/observation", observation, /*is_buffer=*/true);
    archive.read("sac/recent_returns", recent, /*is_buffer=*/true);
    env.restore(
        {to_doubles(physics), static_cast<int>(read_int(archive, "sac/env_elapsed_steps")), env_rng.toStringRef()});
    obs = to_doubles(observation);
    qpos = env.qpos();
    qvel = env.qvel();
    c10::IValue episode_return_value, random_actions_value;
    archive.read("sac/episode_return", episode_return_value);
    archive.read("sac/random_actions", random_actions_value);
    episode_return = episode_return_value.toDouble();
    const std::vector<double> returns = to_doubles(recent);
    recent_returns.assign(returns.begin(), returns.end());
    std::istringstream generator(random_actions_value.toStringRef());
    if (!(generator >> random_actions))
      throw std::runtime_error(checkpoint_path + ": sac/random_actions is unreadable");
    return step;
  }

  EpisodeState episode_state() const {
    return {env.state(), obs, episode_return, {recent_returns.begin(), recent_returns.end()}, text_of(random_actions)};
  }

  // Starts the first episode of this process at `step` (unless restore continued the one in progress).
  void begin(int64_t step) {
    if (continues_episode) return;
    env.reset(obs.data());
    qpos = env.qpos();
    qvel = env.qvel();
    random_actions.seed(static_cast<uint64_t>(config.seed) * 7919 + static_cast<uint64_t>(step));
  }

  // Environment step number `step` (1-based), stored in the buffer, then one gradient update once
  // the random steps are over and the buffer holds a batch.
  void step(int64_t step) {
    double log_prob;
    if (step - 1 < config.random_steps) {
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
  }

  // The mean return of the last (up to) ten finished episodes.
  double recent_return() const {
    double recent = 0;
    for (double x : recent_returns) recent += x / double(recent_returns.size());
    return recent;
  }

  const config::SacConfig& config;
  envs::LocomotionEnv env;
  const int S, A;
  SacAgent agent;
  ReplayBuffer buffer;
  int64_t episodes = 0;
  std::vector<double> obs, next_obs, action, qpos, qvel;
  std::mt19937_64 random_actions;
  std::uniform_real_distribution<double> uniform{-1.0, 1.0};
  double episode_return = 0;
  std::deque<double> recent_returns;
  UpdateStats stats;
  bool continues_episode = false;  // restored mid-episode from the checkpoint: begin() has nothing to do
};

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
  RunDirectory run(options.run_dir, options.resume);
  const fs::path run_dir(options.run_dir);
  const c10::Device device = resolve_device(config.device);
  if (config.threads > 0) torch::set_num_threads(static_cast<int>(config.threads));
  config::SacConfig copy = config;
  run.create(config::to_yaml(copy), {"policies"});

  at::manual_seed(config.seed);
  SacRun sac(config, device);
  const int64_t first_step = run.has_checkpoint_to_resume() ? sac.restore(run, device) : 0;
  run.open_log(first_step);
  sac.begin(first_step);

  SacTrainResult result;
  if (options.progress) {
    std::cerr << "[sac] " << config.env << ", " << device << ", steps " << first_step << " → " << config.steps
              << ", run " << options.run_dir
              << (run.starts_over() ? " (it stopped before its first checkpoint: starting over)" : "") << "\n";
  }
  ProgressLine progress(options.progress, first_step, config.steps, std::chrono::seconds(1));
  auto steps_per_s = [&](int64_t step) { return double(step - first_step) / std::max(progress.elapsed_s(), 1e-9); };
  RunLoop loop({config.steps, config.log_every, config.checkpoint_every, config.eval_every}, options.should_stop);
  loop.on_log = [&](int64_t step) {
    const UpdateStats& u = sac.stats;
    json::Writer line;
    line.begin_object().field("step", step).field("episodes", sac.episodes).field("train_return", sac.recent_return());
    line.field("q_loss", u.q_loss).field("policy_loss", u.policy_loss).field("alpha", u.alpha);
    line.field("entropy", u.entropy).field("q_mean", u.q_mean).field("steps_per_s", steps_per_s(step));
    run.log(line.field("elapsed_s", progress.elapsed_s()).end_object().str());
  };
  loop.on_checkpoint = [&](int64_t step) {
    save_checkpoint(run_dir, sac.agent, sac.buffer, step, sac.episodes, sac.episode_state());
  };
  loop.on_evaluate = [&](int64_t step) {
    const PolicyReturn e = evaluate_policy(*sac.agent.policy(), config.env, config.eval_episodes,
                                           1000003ULL * static_cast<uint64_t>(config.seed + 1));
    const double score = envs::normalized_score(config.env, e.mean);
    save_policy_file((run_dir / "policies" / snapshot_name(step)).string(), sac.agent.policy(),
                     {config.env, config.hidden, step, e.mean});
    json::Writer line;
    line.begin_object().field("step", step).key("eval").begin_object().field("return_mean", e.mean);
    run.log(line.field("return_std", e.std).field("score", score).end_object().end_object().str());
    result.last_eval_return = e.mean;
    std::ostringstream text;
    text << "[sac] step " << step << ": evaluation return " << std::fixed << std::setprecision(1) << e.mean << " ± "
         << e.std << " (normalized " << score << ")";
    progress.message(text.str());
  };
  loop.on_progress = [&](int64_t step) {
    if (!progress.due(step)) return;
    std::ostringstream text;
    text << "[sac] step " << step << "/" << config.steps << "  episodes " << sac.episodes << "  return " << std::fixed
         << std::setprecision(0) << sac.recent_return() << "  α " << std::setprecision(3) << sac.stats.alpha << "  "
         << std::setprecision(0) << steps_per_s(step) << " steps/s  ETA " << format_duration(progress.eta_s(step));
    progress.draw(text.str());
  };
  const LoopEnd end = loop.run(first_step, [&](int64_t step) { sac.step(step); });
  progress.finish();
  result.steps_done = end.step;
  result.interrupted = end.interrupted;
  return result;
}

}  // namespace mindt::sac
