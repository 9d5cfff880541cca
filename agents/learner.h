// What a decision-model training run updates and its checkpoint keeps — the model, AdamW and the
// window sampler — and its step: one batch of windows, MSE on the real steps' actions, backward,
// clipping, AdamW with DT's warm-up. The step reads nothing back from the device; on CUDA it is
// replayed as a CUDA graph (train.cuda_graph) and its windows are gathered on the device
// (train.sampler). train() (agents/trainer.h) drives it; `mindt bench train` times it.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/decision_model.h"
#include "configs/config.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"

namespace mindt {

// DT's warm-up: the learning rate of the step after `step` steps, rising linearly over
// train.warmup_steps steps.
double learning_rate(const config::TrainConfig& t, int64_t step);

// The dataset's episodes, every one short enough that its windows' timesteps fit the model's
// timestep embedding (model.max_ep_len); std::runtime_error naming the row otherwise.
std::vector<datasets::Episode> checked_episodes(const datasets::D4rlDataset& data, const config::Config& config);

// Whether train.cuda_graph asks for a graph on `device`; std::runtime_error for "on" where none
// can be had (a CPU device, a build without CUDA).
bool wants_cuda_graph(const config::Config& config, const c10::Device& device);

class Learner {
 public:
  // `config` and `data` must outlive the learner; `episodes` are checked_episodes(data, config).
  Learner(const config::Config& config, const datasets::D4rlDataset& data, std::vector<datasets::Episode> episodes,
          const c10::Device& device);
  ~Learner();
  Learner(const Learner&) = delete;
  Learner& operator=(const Learner&) = delete;

  // One step; `step` counts the steps done before it.
  void train_step(int64_t step);

  // The pieces of a step, for a seed pack that computes its members' forward as one
  // (agents/seed_pack.h): the next batch of windows on the training device, the masked MSE of
  // predicted actions on it, and — once its gradients are in — clipping and AdamW as train_step does.
  struct Windows {
    at::Tensor states, actions, returns, timesteps, mask;
  };
  Windows next_windows();
  at::Tensor loss(const at::Tensor& predicted, const Windows& windows) const;
  void zero_grad();
  void update(int64_t step, const at::Tensor& loss);
  // update() as device operations only (DeviceAdamW), for a CUDA graph the pack records, and its
  // host bookkeeping, called once per replay.
  void update_on_device(int64_t step);
  void count_device_update(int64_t step, const at::Tensor& loss);
  // The last step's loss (a read from the device) and learning rate.
  double last_loss() const;
  double last_lr() const;
  bool uses_cuda_graph() const;

  void save(const std::string& path, int64_t step);
  // Restores the model, optimizer, generators and sampler; returns the checkpoint's step.
  int64_t restore(const std::string& path, const c10::Device& on);
  DecisionModel& model();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mindt
