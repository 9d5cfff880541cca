// N environments of one task stepped together, in parallel on a small thread pool (one mjData each),
// with batched observations out and batched actions in, as rollouts and evaluation need.
//
// Environment i draws its reset noise from its own generator, seeded from (seed, i), so the
// trajectories are the same whatever the thread count. An environment whose episode ended is
//   AutoReset::kOff       left as it is (the caller resets),
//   AutoReset::kSameStep  reset within the same step: its row of `observations` is then the new
//                         episode's first observation, and final_observation(i) holds the finished
//                         episode's last one (what rollouts and dataset collection want),
//   AutoReset::kNextStep  reset by the next step, which ignores its action and reports the new
//                         episode's first observation with reward 0 and neither flag set
//                         (gymnasium 1.x's default for vector envs, AutoresetMode.NEXT_STEP).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "envs/locomotion_env.h"

namespace mindt::envs {

enum class AutoReset { kOff, kSameStep, kNextStep };

class VectorEnv {
 public:
  // threads = 0: one per hardware thread, at most num_envs.
  VectorEnv(const std::string& env, int num_envs, uint64_t seed, int threads = 0,
            AutoReset auto_reset = AutoReset::kOff);
  ~VectorEnv();
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  // observations [N, obs_dim]; starts every environment's episode (and forgets pending resets).
  void reset(double* observations);
  // Reseeds environment i's generator from (seed, i), as the constructor does.
  void reseed(uint64_t seed);
  // actions [N, act_dim] in; observations [N, obs_dim], rewards [N], terminated [N], truncated [N] out.
  void step(const double* actions, double* observations, double* rewards, uint8_t* terminated, uint8_t* truncated);

  int size() const { return static_cast<int>(envs_.size()); }
  int obs_dim() const { return envs_.front().obs_dim(); }
  int act_dim() const { return envs_.front().act_dim(); }
  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  LocomotionEnv& env(int i) { return envs_[i]; }
  const std::vector<double>& final_observation(int i) const { return final_obs_[i]; }

 private:
  void parallel_for(const std::function<void(int)>& body);
  void worker_loop(int worker);

  std::vector<LocomotionEnv> envs_;
  std::vector<std::vector<double>> final_obs_;
  AutoReset auto_reset_;
  std::vector<uint8_t> reset_pending_;  // kNextStep: the episode ended in the last step

  // A fixed pool: the calling thread takes part, workers wait for the next generation of work.
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable work_ready_, work_done_;
  const std::function<void(int)>* job_ = nullptr;
  int64_t generation_ = 0;
  int next_index_ = 0, pending_ = 0;
  bool stop_ = false;
};

}  // namespace mindt::envs
