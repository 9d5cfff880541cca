// The members of a packed run (`mindt train --seeds`): one Learner per seed of one config, in one
// process. They share the process's CPU generator, from which dropout draws, by taking turns: each
// member's generator state is swapped in around everything it does (a step, a checkpoint, a restore,
// an evaluation), so each draws exactly the numbers it would draw alone and computes its solo run's
// losses bit for bit on the CPU. With one member nothing is swapped: it is the plain Learner.
//
// On CUDA the members' dropout shares the device generator unswapped (a captured graph reads its
// state at replay): their masks are independent draws, not their solo runs' — GPU runs are not
// bit-reproducible across processes anyway.
//
// train.pack: stacked runs a step as one batched forward over all members' stacked weights
// (agents/stacked_decision_model.h) and one backward, then each member's own clipping and AdamW:
// each member's loss equals its solo run's to rounding, not bit for bit (batched products sum in
// another order; dropout is one draw over all members). auto picks it on CUDA, for the backbones
// that have a batched form. On CUDA with train.cuda_graph the stacked step — forward, losses,
// backward, every member's clipping and DeviceAdamW — is recorded once after three eager steps and
// replayed, the members' windows copied into fixed device buffers first (as Learner's own graph).
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <vector>

#include "agents/learner.h"
#include "agents/run/step_graph.h"
#include "agents/stacked_decision_model.h"

namespace mindt {

class SeedPack {
 public:
  // configs[i] is member i's (the same config but for its seed); `data` outlives the pack.
  SeedPack(std::vector<config::Config> configs, const datasets::D4rlDataset& data,
           const std::vector<datasets::Episode>& episodes, const c10::Device& device);

  size_t size() const { return members_.size(); }
  const config::Config& config(size_t i) const { return members_[i].config; }
  // Member i's learner for reading (losses, learning rate); anything that draws goes through as_member.
  const Learner& learner(size_t i) const { return *members_[i].learner; }
  // Runs f with member i's generator state in place, keeping the state f leaves for its next turn.
  void as_member(size_t i, const std::function<void(Learner&)>& f);
  // One step of every member, each at `step` (the steps done before it).
  void train_step(int64_t step);
  bool stacked() const { return stacked_ != nullptr; }

 private:
  void stacked_step(int64_t step);
  void stacked_graph_step(const Learner::Windows& windows, int64_t step);
  std::vector<at::Tensor> stacked_losses_and_gradients(const Learner::Windows& all);

  struct Member {
    config::Config config;
    std::unique_ptr<Learner> learner;
    at::Tensor rng;  // its CPU generator's state between turns
  };
  std::vector<Member> members_;
  std::unique_ptr<StackedDecisionForward> stacked_;  // train.pack: stacked
  // The stacked step as a CUDA graph: its input buffers [N, B, …], the members' losses it refills.
  bool use_graph_ = false;
  Learner::Windows inputs_;
  std::vector<at::Tensor> graph_losses_;
  std::unique_ptr<StepGraph> graph_;
  int eager_steps_done_ = 0;
};

// Whether a pack of `members` seeds of `config` on `device` runs stacked (train.pack); throws for
// stacked where it cannot be (a backbone without a batched form).
bool packs_stacked(const config::Config& config, size_t members, const c10::Device& device);

}  // namespace mindt
