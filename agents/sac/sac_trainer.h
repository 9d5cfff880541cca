// Online SAC training in one of our MuJoCo envs (`mindt sac train`). A run directory holds
//   config.yaml         the resolved SacConfig
//   log.jsonl           every log_every steps: step, episodes, recent training return, losses, α, steps/s;
//                       evaluation lines add "eval": {return_mean, return_std, score}
//   policies/step_N.pt  a policy snapshot at every evaluation (a policy file, agents/sac/policy_file.h)
//   checkpoint.pt       networks, optimizers, step, generators and the episode in progress (the
//                       env's physics, step count and reset generator; every checkpoint_every
//                       steps, at the end and on Ctrl-C) and the replay buffer in D4RL format
//   buffer.hdf5         for --resume
// A resumed run continues the episode it was in, so it is the uninterrupted run exactly (same
// buffer, losses and snapshots). Checkpoints of mindt before this cut that episode instead.
#pragma once

#include <functional>
#include <string>

#include "configs/sac_config.h"

namespace mindt::sac {

struct SacTrainOptions {
  std::string run_dir;
  bool resume = false;
  bool progress = true;
  std::function<bool()> should_stop;  // polled once per step (Ctrl-C)
};

struct SacTrainResult {
  int64_t steps_done = 0;
  bool interrupted = false;
  double last_eval_return = 0;
};

SacTrainResult train_sac(const config::SacConfig& config, const SacTrainOptions& options);

// Mean and std of the return of `episodes` episodes (env seeds seed, seed+1, …) with the policy's
// mean actions, or with `sampled` actions drawn from it (from a generator seeded with `seed`, so the
// same call gives the same returns; the global generator is left as it was).
struct PolicyReturn {
  double mean = 0, std = 0;
};
class TanhGaussianPolicyImpl;
PolicyReturn evaluate_policy(TanhGaussianPolicyImpl& policy, const std::string& env, int64_t episodes, uint64_t seed,
                             bool sampled = false);

}  // namespace mindt::sac
