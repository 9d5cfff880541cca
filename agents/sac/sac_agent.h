// Soft Actor-Critic's learner (Haarnoja et al. 2018, with automatic entropy tuning): a tanh-Gaussian
// policy, twin Q networks with Polyak-averaged targets, and a learned temperature α driving the
// policy's entropy towards −act_dim. `update` is one gradient step of all three on a replay batch.
#pragma once

#include <torch/nn/module.h>

#include <memory>
#include <string>

#include "agents/sac/networks.h"
#include "agents/sac/replay_buffer.h"
#include "configs/sac_config.h"

namespace torch::optim {
class Adam;
}
namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace mindt::sac {

struct UpdateStats {
  double q_loss = 0, policy_loss = 0, alpha = 0, entropy = 0, q_mean = 0;
};

class SacAgent {
 public:
  SacAgent(const config::SacConfig& config, int obs_dim, int act_dim, const c10::Device& device);
  ~SacAgent();

  UpdateStats update(const ReplayBatch& batch);
  // Stochastic actions (and their log densities) for exploration, for observations [B, obs_dim].
  PolicySample explore(const at::Tensor& observations);

  TanhGaussianPolicy& policy() { return policy_; }
  const c10::Device& device() const { return device_; }

  // Every network, the temperature and the optimizers' moments, under "sac/…".
  void save(torch::serialize::OutputArchive& archive);
  void load(torch::serialize::InputArchive& archive);

 private:
  config::SacConfig config_;
  c10::Device device_;
  double target_entropy_;
  TanhGaussianPolicy policy_;
  QNetwork q1_, q2_, q1_target_, q2_target_;
  at::Tensor log_alpha_;
  std::unique_ptr<torch::optim::Adam> policy_optimizer_, q_optimizer_, alpha_optimizer_;

  // Calls visit(name, part) for each network and optimizer, in archive order (save and load
  // walk the same list, so they cannot disagree).
  template <class Visit>
  void for_each_part(Visit visit) {
    visit("policy", *policy_);
    visit("q1", *q1_);
    visit("q2", *q2_);
    visit("q1_target", *q1_target_);
    visit("q2_target", *q2_target_);
    visit("policy_optimizer", *policy_optimizer_);
    visit("q_optimizer", *q_optimizer_);
    visit("alpha_optimizer", *alpha_optimizer_);
  }
};

}  // namespace mindt::sac
