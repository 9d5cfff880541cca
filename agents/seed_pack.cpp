#include "agents/seed_pack.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "agents/run/device.h"

namespace mindt {

SeedPack::SeedPack(std::vector<config::Config> configs, const datasets::D4rlDataset& data,
                   const std::vector<datasets::Episode>& episodes, const c10::Device& device) {
  members_.reserve(configs.size());
  for (auto& c : configs) {
    // In place: the learner keeps a reference to its config. reserve() keeps members_ from moving.
    Member& m = members_.emplace_back(Member{std::move(c), nullptr, {}});
    // Learner seeds the generators with the member's seed and draws its initial weights from them;
    // the state it leaves is where the member's first dropout draw starts.
    m.learner = std::make_unique<Learner>(m.config, data, episodes, device);
    if (configs.size() > 1) m.rng = cpu_rng_state();
  }
  if (!members_.empty() && packs_stacked(members_.front().config, members_.size(), device)) {
    std::vector<DecisionModel> models;
    for (Member& m : members_) models.push_back(m.learner->model());
    stacked_ = std::make_unique<StackedDecisionForward>(std::move(models));
  }
}

void SeedPack::as_member(size_t i, const std::function<void(Learner&)>& f) {
  Member& m = members_.at(i);
  if (members_.size() == 1) {
    f(*m.learner);
    return;
  }
  restore_cpu_rng(m.rng);
  f(*m.learner);
  m.rng = cpu_rng_state();
}

bool packs_stacked(const config::Config& config, size_t members, const c10::Device& device) {
  const std::string& pack = config.train.pack;
  if (members < 2 || pack == "turns") return false;
  const bool batched = StackedDecisionForward::supports(config.model.backbone);
  if (pack == "stacked" && !batched) {
    throw std::runtime_error("train.pack: stacked, but the " + config.model.backbone +
                             " backbone has no batched form (transformer, mingru and minlstm have); use turns or auto");
  }
  return pack == "stacked" || (batched && device.is_cuda());
}

void SeedPack::train_step(int64_t step) {
  if (stacked_) {
    stacked_step(step);
    return;
  }
  for (size_t i = 0; i < members_.size(); ++i) as_member(i, [&](Learner& l) { l.train_step(step); });
}

// Every member's windows stacked, one forward and backward for all, then each member's update.
void SeedPack::stacked_step(int64_t step) {
  std::vector<Learner::Windows> windows;
  windows.reserve(members_.size());
  for (Member& m : members_) windows.push_back(m.learner->next_windows());
  auto stack = [&](at::Tensor Learner::Windows::*field) {
    std::vector<at::Tensor> xs;
    xs.reserve(windows.size());
    for (const auto& w : windows) xs.push_back(w.*field);
    return at::stack(xs);
  };
  const at::Tensor predicted = stacked_->forward(stack(&Learner::Windows::states), stack(&Learner::Windows::actions),
                                                 stack(&Learner::Windows::returns), stack(&Learner::Windows::timesteps),
                                                 stack(&Learner::Windows::mask));
  std::vector<at::Tensor> losses;
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i].learner->zero_grad();
    losses.push_back(members_[i].learner->loss(predicted[static_cast<int64_t>(i)], windows[i]));
  }
  // Each member's parameters get exactly the gradient of its own loss: the others' do not reach them.
  at::stack(losses).sum().backward();
  for (size_t i = 0; i < members_.size(); ++i) members_[i].learner->update(step, losses[i]);
}

}  // namespace mindt
