#include "agents/sac/networks.h"

#include <torch/torch.h>

#include <cmath>

namespace mindt::sac {
namespace {

// rlkit's bounds on the policy's log standard deviation.
constexpr double kLogStdMin = -20.0, kLogStdMax = 2.0;

}  // namespace

TanhGaussianPolicyImpl::TanhGaussianPolicyImpl(int64_t obs_dim, int64_t act_dim, int64_t hidden)
    : obs_dim_(obs_dim), act_dim_(act_dim) {
  fc0 = register_module("fc0", torch::nn::Linear(obs_dim, hidden));
  fc1 = register_module("fc1", torch::nn::Linear(hidden, hidden));
  last_fc = register_module("last_fc", torch::nn::Linear(hidden, act_dim));
  last_fc_log_std = register_module("last_fc_log_std", torch::nn::Linear(hidden, act_dim));
  // Small output layers start the policy near tanh(0) with moderate noise (rlkit's init_w = 1e-3).
  torch::NoGradGuard no_grad;
  for (auto* head : {&last_fc, &last_fc_log_std}) {
    (*head)->weight.uniform_(-1e-3, 1e-3);
    (*head)->bias.uniform_(-1e-3, 1e-3);
  }
}

PolicySample TanhGaussianPolicyImpl::sample(const at::Tensor& observations) {
  const at::Tensor h = torch::relu(fc1(torch::relu(fc0(observations))));
  const at::Tensor mean = last_fc(h);
  const at::Tensor log_std = last_fc_log_std(h).clamp(kLogStdMin, kLogStdMax);
  const at::Tensor noise = at::randn_like(mean);
  const at::Tensor u = mean + log_std.exp() * noise;
  // log N(u; mean, std) − log |d tanh(u)/du|, with log(1 − tanh²u) = 2 (log 2 − u − softplus(−2u))
  // written so that it stays finite where tanh saturates.
  const double half_log_2pi = 0.5 * std::log(2.0 * M_PI);
  const at::Tensor gaussian = (-0.5 * noise.pow(2) - log_std - half_log_2pi).sum(-1);
  const at::Tensor squash = (2.0 * (std::log(2.0) - u - torch::softplus(-2.0 * u))).sum(-1);
  return {torch::tanh(u), gaussian - squash};
}

at::Tensor TanhGaussianPolicyImpl::mean_action(const at::Tensor& observations) {
  return torch::tanh(last_fc(torch::relu(fc1(torch::relu(fc0(observations))))));
}

QNetworkImpl::QNetworkImpl(int64_t obs_dim, int64_t act_dim, int64_t hidden) {
  fc0 = register_module("fc0", torch::nn::Linear(obs_dim + act_dim, hidden));
  fc1 = register_module("fc1", torch::nn::Linear(hidden, hidden));
  last_fc = register_module("last_fc", torch::nn::Linear(hidden, 1));
  torch::NoGradGuard no_grad;
  last_fc->weight.uniform_(-3e-3, 3e-3);
  last_fc->bias.uniform_(-3e-3, 3e-3);
}

at::Tensor QNetworkImpl::forward(const at::Tensor& observations, const at::Tensor& actions) {
  const at::Tensor x = torch::cat({observations, actions}, -1);
  return last_fc(torch::relu(fc1(torch::relu(fc0(x))))).squeeze(-1);
}

}  // namespace mindt::sac
