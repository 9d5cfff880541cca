// The networks of Soft Actor-Critic as D4RL's behaviour policies used them (rlkit): MLPs of two
// hidden ReLU layers of 256 units, a tanh-Gaussian policy and a Q function of (state, action).
// The policy's layers carry rlkit's names (fc0, fc1, last_fc, last_fc_log_std) so its weights map
// one to one onto D4RL's metadata/policy/… keys.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

namespace mindt::sac {

struct PolicySample {
  at::Tensor action;    // tanh(u), in (−1, 1)
  at::Tensor log_prob;  // log density of `action` (change of variables through tanh), [B]
};

class TanhGaussianPolicyImpl : public torch::nn::Module {
 public:
  TanhGaussianPolicyImpl(int64_t obs_dim, int64_t act_dim, int64_t hidden);
  // u ~ N(mean(s), std(s)) drawn with the reparameterisation trick; action = tanh(u).
  PolicySample sample(const at::Tensor& observations);
  // tanh(mean(s)): the deterministic action used to evaluate a policy.
  at::Tensor mean_action(const at::Tensor& observations);

  int64_t obs_dim() const { return obs_dim_; }
  int64_t act_dim() const { return act_dim_; }

  torch::nn::Linear fc0{nullptr}, fc1{nullptr}, last_fc{nullptr}, last_fc_log_std{nullptr};

 private:
  int64_t obs_dim_, act_dim_;
};
TORCH_MODULE(TanhGaussianPolicy);

class QNetworkImpl : public torch::nn::Module {
 public:
  QNetworkImpl(int64_t obs_dim, int64_t act_dim, int64_t hidden);
  // Q(s, a), [B].
  at::Tensor forward(const at::Tensor& observations, const at::Tensor& actions);

  torch::nn::Linear fc0{nullptr}, fc1{nullptr}, last_fc{nullptr};
};
TORCH_MODULE(QNetwork);

}  // namespace mindt::sac
