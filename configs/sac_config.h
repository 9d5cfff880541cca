// The configuration of an online Soft Actor-Critic run (`mindt sac train`), which trains the
// behaviour policies that datasets are made from. Defaults are rlkit's SAC settings that D4RL's
// behaviour policies were trained with (Fu et al. 2020, "D4RL", appendix; docs/datasets.md);
// configs/sac.yaml lists every key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "configs/checks.h"
#include "configs/config.h"

namespace mindt::config {

struct SacConfig {
  int64_t seed = 0;
  std::string env = "hopper";
  std::string device = "cpu";    // auto | cpu | cuda; small MLPs are often fastest on the CPU
  int64_t threads = 0;           // CPU threads for torch; 0 = torch's default
  int64_t steps = 1000000;       // environment steps; one gradient step per environment step
  int64_t random_steps = 10000;  // uniformly random actions before the policy acts (and learns)
  int64_t batch_size = 256;
  int64_t hidden = 256;  // width of both hidden layers of every network
  double gamma = 0.99;
  double tau = 5e-3;  // target networks: θ' ← (1 − τ) θ' + τ θ after every update
  double actor_lr = 3e-4, critic_lr = 3e-4, alpha_lr = 3e-4;  // Adam
  int64_t buffer_size = 1000000;                              // replay capacity (oldest transitions are overwritten)
  int64_t eval_every = 10000;  // steps between evaluations; each also keeps a policy snapshot
  int64_t eval_episodes = 5;   // episodes per evaluation, deterministic (mean) actions
  int64_t log_every = 1000;
  int64_t checkpoint_every = 50000;  // full checkpoints (networks, optimizers, replay buffer)

  template <class V>
  void visit(V& v) {
    v.field("seed", seed, at_least(0));
    v.field("env", env, one_of(kEnvs));
    v.field("device", device, one_of({"auto", "cpu", "cuda"}));
    v.field("threads", threads, in_range(int64_t(0), int64_t(1024)));
    v.field("steps", steps, at_least(1));
    v.field("random_steps", random_steps, at_least(0));
    v.field("batch_size", batch_size, at_least(1));
    v.field("hidden", hidden, in_range(int64_t(1), int64_t(65536)));
    v.field("gamma", gamma, in_range(0.0, 1.0));
    v.field("tau", tau, in_range(0.0, 1.0));
    v.field("actor_lr", actor_lr, positive<double>());
    v.field("critic_lr", critic_lr, positive<double>());
    v.field("alpha_lr", alpha_lr, positive<double>());
    v.field("buffer_size", buffer_size, at_least(1));
    v.field("eval_every", eval_every, at_least(1));
    v.field("eval_episodes", eval_episodes, at_least(1));
    v.field("log_every", log_every, at_least(1));
    v.field("checkpoint_every", checkpoint_every, at_least(1));
  }
};

SacConfig load_sac_config(const std::string& path, const std::vector<std::string>& overrides = {});
SacConfig parse_sac_config(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides = {});
std::string to_yaml(SacConfig& config);

}  // namespace mindt::config
