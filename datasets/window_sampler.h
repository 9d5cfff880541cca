// Batches of K-step training windows from a D4RL dataset, as the Decision Transformer trains on them.
//
// Each window ends at a row drawn uniformly from all rows, so episodes are chosen in proportion to
// their length (as DT does), and covers the K steps up to and including that row without leaving its
// episode. Windows that would reach back before the episode's start are padded on the left, with
// mask 0. So every window looks exactly like the context a policy has at that step of an episode in
// window-mode inference: at step t < K it has seen t + 1 steps.
// (DT's reference code draws the window's *first* row instead and pads at episode ends; both weight
// episodes by length. The decision model handles padding on either side.)
//
// Batch i is a pure function of (seed, i): the same seed gives the same batches, whatever the
// prefetching, and a resumed run continues with batch i by seek(i). A background thread keeps a few
// batches ready, so sampling never waits on the training step nor the other way round.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"

namespace mindt::datasets {

struct SamplerOptions {
  int64_t context_len = 20;  // K
  int64_t batch_size = 64;
  double reward_scale = 1000;  // returns-to-go are divided by it
  uint64_t seed = 0;
  int prefetch = 4;  // batches kept ready by the background thread (0 = sample on demand)
};

// Row-major [batch, K, …] arrays; padding rows are zero with mask 0 and timestep 0.
struct WindowBatch {
  int64_t batch = 0, context = 0, state_dim = 0, act_dim = 0;
  std::vector<float> states, actions, returns_to_go;  // [B, K, S], [B, K, A], [B, K] (scaled)
  std::vector<int64_t> timesteps;                     // [B, K], steps since the episode's start
  std::vector<uint8_t> mask;                          // [B, K], 1 = a real step
  std::vector<int64_t> end_rows;                      // [B], the dataset row each window ends at
};

class WindowSampler {
 public:
  // `data` must outlive the sampler. Throws std::invalid_argument for empty data or bad options.
  WindowSampler(const D4rlDataset& data, std::vector<Episode> episodes, const SamplerOptions& options);
  ~WindowSampler();
  WindowSampler(const WindowSampler&) = delete;
  WindowSampler& operator=(const WindowSampler&) = delete;

  // Batch number `index`, computed now (thread-safe, no prefetch).
  WindowBatch sample(int64_t index) const;
  // The next batch in order 0, 1, 2, … (from the prefetch queue).
  WindowBatch next();
  // Makes next() continue from batch `index` (resuming a run).
  void seek(int64_t index);

  const std::vector<Episode>& episodes() const { return episodes_; }
  const SamplerOptions& options() const { return options_; }

 private:
  void start_worker();
  void stop_worker();
  void worker_loop();

  const D4rlDataset& data_;
  std::vector<Episode> episodes_;
  std::vector<int64_t> episode_of_row_;  // row → episode index
  std::vector<float> scaled_rtg_;        // returns-to-go / reward_scale, per row
  SamplerOptions options_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<WindowBatch> ready_;
  int64_t next_index_ = 0;     // the index next() returns
  int64_t produce_index_ = 0;  // the index the worker makes next
  bool stop_ = false;
  std::thread worker_;
};

// The seed of batch `index` of a sampler seeded with `seed` (SplitMix64 of both: consecutive
// batches get decorrelated generators). Shared by the device sampler (agents/device_sampler.h).
uint64_t batch_seed(uint64_t seed, int64_t index);

// Per-dimension mean and standard deviation of the observations (accumulated in double), the state
// normalisation DT uses; std gets 1e-6 added so constant dimensions do not divide by zero.
struct StateStatistics {
  std::vector<float> mean, std;
};
StateStatistics state_statistics(const Array2D& observations);

}  // namespace mindt::datasets
