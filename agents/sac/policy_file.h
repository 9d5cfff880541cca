// A behaviour policy on disk: the SAC policy's weights plus what it is (env, training step, the
// return it scored). These are the small files shipped in agents/behaviour_policies/ that
// `mindt data make` rolls out. Format: a LibTorch archive (zip), written atomically, with
//   mindt/format 1, mindt/kind "sac_policy", policy/env, policy/obs_dim, policy/act_dim,
//   policy/hidden, policy/step, policy/return (mean deterministic evaluation return),
//   policy/weights/{fc0,fc1,last_fc,last_fc_log_std}.{weight,bias}  (rlkit's and D4RL's names)
#pragma once

#include <stdexcept>
#include <string>

#include "agents/sac/networks.h"

namespace mindt::sac {

struct PolicyInfo {
  std::string env;
  int64_t hidden = 256;
  int64_t step = 0;        // SAC environment steps when the policy was saved
  double eval_return = 0;  // its mean return over deterministic evaluation episodes
};

struct LoadedPolicy {
  PolicyInfo info;
  TanhGaussianPolicy policy{nullptr};
};

struct PolicyFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void save_policy_file(const std::string& path, TanhGaussianPolicy& policy, const PolicyInfo& info);
// Throws PolicyFileError naming the file and what is wrong.
LoadedPolicy load_policy_file(const std::string& path);

}  // namespace mindt::sac
