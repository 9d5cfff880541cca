// The replay buffer of online SAC. It keeps every field D4RL's datasets have (infos/qpos, qvel,
// action_log_probs, timeouts), so the buffer of a run is itself a D4RL-format dataset: D4RL's
// medium-replay is exactly "the replay buffer of training until the medium policy".
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "datasets/d4rl_dataset.h"

namespace mindt::sac {

struct Transition {
  const double* observation;
  const double* action;
  double reward;
  const double* next_observation;
  bool terminal;       // the env ended the episode (the agent fell): no bootstrapping
  bool timeout;        // the time limit (or a cut) ended it: bootstrap from next_observation
  const double* qpos;  // simulator state before the action
  const double* qvel;
  double action_log_prob;
};

struct ReplayBatch {
  at::Tensor observations, actions, rewards, next_observations, terminals;  // float32, [B, …]
};

class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int obs_dim, int act_dim, int nq, int nv);

  void add(const Transition& t);
  // Rows drawn uniformly with replacement (indices from torch's CPU generator, so a seed fixes them).
  ReplayBatch sample(int64_t batch_size);

  int64_t size() const { return size_; }
  int64_t added() const { return added_; }  // transitions ever added
  // Marks the newest transition as a timeout (used when an episode is cut, e.g. at a resume).
  void cut_last_episode();

  // Oldest to newest, with D4RL's keys; and back (for checkpoints).
  datasets::D4rlDataset to_dataset() const;
  void load_dataset(const datasets::D4rlDataset& d, int64_t added);

 private:
  int64_t row_of(int64_t k) const;  // storage row of the k-th oldest transition
  int64_t capacity_, size_ = 0, added_ = 0;
  int obs_dim_, act_dim_, nq_, nv_;
  std::vector<float> obs_, act_, reward_, next_obs_, qpos_, qvel_, log_prob_;
  std::vector<uint8_t> terminal_, timeout_;
};

}  // namespace mindt::sac
