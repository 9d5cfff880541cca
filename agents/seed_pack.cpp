#include "agents/seed_pack.h"

#include <ATen/ATen.h>

#include <iostream>
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
    use_graph_ = wants_cuda_graph(members_.front().config, device);
    if (use_graph_) graph_ = std::make_unique<StepGraph>();
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
  const Learner::Windows all = {stack(&Learner::Windows::states), stack(&Learner::Windows::actions),
                                stack(&Learner::Windows::returns), stack(&Learner::Windows::timesteps),
                                stack(&Learner::Windows::mask)};
  if (use_graph_) {
    stacked_graph_step(all, step);
    return;
  }
  const std::vector<at::Tensor> losses = stacked_losses_and_gradients(all);
  for (size_t i = 0; i < members_.size(); ++i) members_[i].learner->update(step, losses[i]);
}

// One forward over every member's windows [N, B, …], each member's loss, one backward. Each
// member's parameters get exactly the gradient of its own loss: the others' do not reach them.
std::vector<at::Tensor> SeedPack::stacked_losses_and_gradients(const Learner::Windows& all) {
  const at::Tensor predicted = stacked_->forward(all.states, all.actions, all.returns, all.timesteps, all.mask);
  std::vector<at::Tensor> losses;
  for (size_t i = 0; i < members_.size(); ++i) {
    const auto m = static_cast<int64_t>(i);
    members_[i].learner->zero_grad();
    losses.push_back(members_[i].learner->loss(
        predicted[m], {all.states[m], all.actions[m], all.returns[m], all.timesteps[m], all.mask[m]}));
  }
  at::stack(losses).sum().backward();
  return losses;
}

// The stacked step recorded as a CUDA graph, as Learner's own graph step is: three eager steps
// (cuBLAS and the allocator settle), then one recorded and replayed at every later step.
void SeedPack::stacked_graph_step(const Learner::Windows& windows, int64_t step) {
  if (!inputs_.states.defined()) {
    inputs_ = {at::empty_like(windows.states), at::empty_like(windows.actions), at::empty_like(windows.returns),
               at::empty_like(windows.timesteps), at::empty_like(windows.mask)};
  }
  for (auto [to, from] : {std::pair{inputs_.states, windows.states},
                          {inputs_.actions, windows.actions},
                          {inputs_.returns, windows.returns},
                          {inputs_.timesteps, windows.timesteps},
                          {inputs_.mask, windows.mask}}) {
    to.copy_(from, /*non_blocking=*/true);
  }
  // graph_losses_ are the recorded step's outputs, which every replay refills.
  auto body = [&] {
    graph_losses_ = stacked_losses_and_gradients(inputs_);
    for (Member& member : members_) member.learner->update_on_device(step);
  };
  constexpr int kEagerStepsFirst = 3;
  if (!graph_->captured() && eager_steps_done_ < kEagerStepsFirst) {
    body();
    ++eager_steps_done_;
  } else if (graph_->captured()) {
    graph_->replay();
  } else {
    try {
      graph_->capture(windows.states.device(), body);  // records the step; it runs at the first replay
      graph_->replay();
    } catch (const c10::Error& e) {  // nothing of the step has run: run it eagerly, and the next ones too
      const std::string& mode = members_.front().config.train.cuda_graph;
      if (mode == "on") {
        throw std::runtime_error(std::string("train.cuda_graph: on, but the stacked step could not be captured as "
                                             "a CUDA graph: ") +
                                 e.what_without_backtrace());
      }
      std::cerr << "[train] the stacked step could not be captured as a CUDA graph (" << e.what_without_backtrace()
                << "); training without one (train.cuda_graph: off skips the attempt)\n";
      use_graph_ = false;
      body();
    }
  }
  for (size_t i = 0; i < members_.size(); ++i)
    members_[i].learner->count_device_update(step, graph_losses_[i].detach());
}

}  // namespace mindt
