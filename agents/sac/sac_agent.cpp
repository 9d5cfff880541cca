#include "agents/sac/sac_agent.h"

#include <torch/torch.h>

namespace mindt::sac {
namespace {

void copy_parameters(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto source = from.parameters();
  auto target = to.parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].copy_(source[i]);
}

// θ' ← (1 − τ) θ' + τ θ
void polyak(torch::nn::Module& from, torch::nn::Module& to, double tau) {
  torch::NoGradGuard no_grad;
  const auto source = from.parameters();
  auto target = to.parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].mul_(1.0 - tau).add_(source[i], tau);
}

void set_trainable(torch::nn::Module& m, bool trainable) {
  for (auto& p : m.parameters()) p.set_requires_grad(trainable);
}

}  // namespace

SacAgent::SacAgent(const config::SacConfig& config, int obs_dim, int act_dim, const c10::Device& device)
    : config_(config),
      device_(device),
      target_entropy_(-double(act_dim)),
      policy_(obs_dim, act_dim, config.hidden),
      q1_(obs_dim, act_dim, config.hidden),
      q2_(obs_dim, act_dim, config.hidden),
      q1_target_(obs_dim, act_dim, config.hidden),
      q2_target_(obs_dim, act_dim, config.hidden) {
  for (torch::nn::Module* m : std::initializer_list<torch::nn::Module*>{policy_.get(), q1_.get(), q2_.get(),
                                                                        q1_target_.get(), q2_target_.get()}) {
    m->to(device);
  }
  copy_parameters(*q1_, *q1_target_);
  copy_parameters(*q2_, *q2_target_);
  for (auto& p : q1_target_->parameters()) p.set_requires_grad(false);
  for (auto& p : q2_target_->parameters()) p.set_requires_grad(false);
  log_alpha_ = torch::zeros({1}, torch::TensorOptions().device(device)).set_requires_grad(true);
  policy_optimizer_ =
      std::make_unique<torch::optim::Adam>(policy_->parameters(), torch::optim::AdamOptions(config.actor_lr));
  std::vector<at::Tensor> q_parameters = q1_->parameters();
  for (const auto& p : q2_->parameters()) q_parameters.push_back(p);
  q_optimizer_ = std::make_unique<torch::optim::Adam>(q_parameters, torch::optim::AdamOptions(config.critic_lr));
  alpha_optimizer_ = std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{log_alpha_},
                                                          torch::optim::AdamOptions(config.alpha_lr));
}

SacAgent::~SacAgent() = default;

PolicySample SacAgent::explore(const at::Tensor& observations) {
  torch::NoGradGuard no_grad;
  return policy_->sample(observations.to(device_));
}

UpdateStats SacAgent::update(const ReplayBatch& cpu_batch) {
  const at::Tensor obs = cpu_batch.observations.to(device_), act = cpu_batch.actions.to(device_);
  const at::Tensor next_obs = cpu_batch.next_observations.to(device_);
  const at::Tensor reward = cpu_batch.rewards.to(device_), terminal = cpu_batch.terminals.to(device_);
  const at::Tensor alpha = log_alpha_.exp().detach();
  UpdateStats stats;

  // Critics: soft Bellman targets from the target networks, the smaller of the twin estimates.
  at::Tensor target;
  {
    torch::NoGradGuard no_grad;
    const PolicySample next = policy_->sample(next_obs);
    const at::Tensor next_q = torch::min(q1_target_(next_obs, next.action), q2_target_(next_obs, next.action));
    target = reward + config_.gamma * (1.0 - terminal) * (next_q - alpha * next.log_prob);
  }
  const at::Tensor q1 = q1_(obs, act), q2 = q2_(obs, act);
  const at::Tensor q_loss = 0.5 * ((q1 - target).pow(2).mean() + (q2 - target).pow(2).mean());
  q_optimizer_->zero_grad();
  q_loss.backward();
  q_optimizer_->step();

  // Policy: maximise min Q − α log π through reparameterised actions; the critics only pass gradients.
  // (Freezing their weights skips their weight gradients, a third of this backward pass.)
  set_trainable(*q1_, false);
  set_trainable(*q2_, false);
  const PolicySample now = policy_->sample(obs);
  const at::Tensor q_new = torch::min(q1_(obs, now.action), q2_(obs, now.action));
  const at::Tensor policy_loss = (alpha * now.log_prob - q_new).mean();
  policy_optimizer_->zero_grad();
  policy_loss.backward();
  policy_optimizer_->step();
  set_trainable(*q1_, true);
  set_trainable(*q2_, true);

  // Temperature: raise α when entropy is below the target, lower it when above.
  const at::Tensor alpha_loss = -(log_alpha_ * (now.log_prob.detach() + target_entropy_)).mean();
  alpha_optimizer_->zero_grad();
  alpha_loss.backward();
  alpha_optimizer_->step();

  polyak(*q1_, *q1_target_, config_.tau);
  polyak(*q2_, *q2_target_, config_.tau);

  stats.q_loss = q_loss.item<double>();
  stats.policy_loss = policy_loss.item<double>();
  stats.alpha = alpha.item<double>();
  stats.entropy = -now.log_prob.mean().item<double>();
  stats.q_mean = q1.mean().item<double>();
  return stats;
}

void SacAgent::save(torch::serialize::OutputArchive& archive) {
  for_each_part([&](const char* name, auto& part) {
    torch::serialize::OutputArchive sub(archive.compilation_unit());
    part.save(sub);
    archive.write(std::string("sac/") + name, sub);
  });
  archive.write("sac/log_alpha", log_alpha_.detach().cpu(), /*is_buffer=*/true);
}

void SacAgent::load(torch::serialize::InputArchive& archive) {
  for_each_part([&](const char* name, auto& part) {
    torch::serialize::InputArchive sub;
    archive.read(std::string("sac/") + name, sub);
    part.load(sub);
  });
  at::Tensor log_alpha;
  archive.read("sac/log_alpha", log_alpha, /*is_buffer=*/true);
  torch::NoGradGuard no_grad;
  log_alpha_.copy_(log_alpha);
}

}  // namespace mindt::sac
