#include "datasets/window_sampler.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace mindt::datasets {
namespace {

// SplitMix64: decorrelates the seeds of consecutive batches.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t batch_seed(uint64_t seed, int64_t index) { return mix(seed ^ mix(static_cast<uint64_t>(index))); }

WindowSampler::WindowSampler(const D4rlDataset& data, std::vector<Episode> episodes, const SamplerOptions& options)
    : data_(data), episodes_(std::move(episodes)), options_(options) {
  if (options.context_len < 1 || options.batch_size < 1) {
    throw std::invalid_argument("WindowSampler: context_len and batch_size must be at least 1");
  }
  if (!(options.reward_scale > 0)) throw std::invalid_argument("WindowSampler: reward_scale must be positive");
  if (data.size() == 0 || episodes_.empty()) throw std::invalid_argument("WindowSampler: the dataset is empty");
  episode_of_row_.assign(data.size(), -1);
  for (size_t e = 0; e < episodes_.size(); ++e) {
    for (int64_t r = episodes_[e].start; r < episodes_[e].start + episodes_[e].length; ++r)
      episode_of_row_[r] = int64_t(e);
  }
  for (int64_t r = 0; r < data.size(); ++r) {
    if (episode_of_row_[r] < 0)
      throw std::invalid_argument("WindowSampler: row " + std::to_string(r) + " is in no episode");
  }
  const std::vector<float> rtg = returns_to_go(data.rewards, episodes_);
  scaled_rtg_.resize(rtg.size());
  for (size_t i = 0; i < rtg.size(); ++i) scaled_rtg_[i] = static_cast<float>(rtg[i] / options.reward_scale);
  start_worker();
}

WindowSampler::~WindowSampler() { stop_worker(); }

WindowBatch WindowSampler::sample(int64_t index) const {
  const int64_t B = options_.batch_size, K = options_.context_len, S = data_.obs_dim(), A = data_.act_dim();
  WindowBatch w;
  w.batch = B, w.context = K, w.state_dim = S, w.act_dim = A;
  w.states.assign(B * K * S, 0.f);
  w.actions.assign(B * K * A, 0.f);
  w.returns_to_go.assign(B * K, 0.f);
  w.timesteps.assign(B * K, 0);
  w.mask.assign(B * K, 0);
  w.end_rows.resize(B);
  std::mt19937_64 rng(batch_seed(options_.seed, index));
  std::uniform_int_distribution<int64_t> any_row(0, data_.size() - 1);
  for (int64_t b = 0; b < B; ++b) {
    const int64_t end = any_row(rng);
    const Episode& episode = episodes_[episode_of_row_[end]];
    const int64_t first = std::max(episode.start, end - K + 1);
    const int64_t real = end - first + 1, pad = K - real;
    w.end_rows[b] = end;
    for (int64_t j = 0; j < real; ++j) {
      const int64_t row = first + j, slot = b * K + pad + j;
      std::copy_n(data_.observations.row(row), S, w.states.data() + slot * S);
      std::copy_n(data_.actions.row(row), A, w.actions.data() + slot * A);
      w.returns_to_go[slot] = scaled_rtg_[row];
      w.timesteps[slot] = row - episode.start;
      w.mask[slot] = 1;
    }
  }
  return w;
}

void WindowSampler::start_worker() {
  if (options_.prefetch <= 0) return;
  stop_ = false;
  worker_ = std::thread([this] { worker_loop(); });
}

void WindowSampler::stop_worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void WindowSampler::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stop_ || static_cast<int>(ready_.size()) < options_.prefetch; });
    if (stop_) return;
    const int64_t index = produce_index_++;
    lock.unlock();
    WindowBatch batch = sample(index);
    lock.lock();
    // A seek() while we sampled makes this batch stale.
    if (index == next_index_ + static_cast<int64_t>(ready_.size())) {
      ready_.push_back(std::move(batch));
      changed_.notify_all();
    }
  }
}

WindowBatch WindowSampler::next() {
  if (options_.prefetch <= 0) return sample(next_index_++);
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !ready_.empty(); });
  WindowBatch batch = std::move(ready_.front());
  ready_.pop_front();
  ++next_index_;
  changed_.notify_all();
  return batch;
}

void WindowSampler::seek(int64_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  ready_.clear();
  next_index_ = index;
  produce_index_ = index;
  changed_.notify_all();
}

StateStatistics state_statistics(const Array2D& observations) {
  const int64_t n = observations.rows, d = observations.cols;
  std::vector<double> sum(d, 0.0), sum_sq(d, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const float* row = observations.row(i);
    for (int64_t j = 0; j < d; ++j) sum[j] += row[j];
  }
  StateStatistics s;
  s.mean.resize(d);
  s.std.resize(d);
  for (int64_t j = 0; j < d; ++j) s.mean[j] = static_cast<float>(sum[j] / std::max<int64_t>(n, 1));
  // Two passes: the centred sum of squares does not cancel catastrophically.
  for (int64_t i = 0; i < n; ++i) {
    const float* row = observations.row(i);
    for (int64_t j = 0; j < d; ++j) {
      const double c = row[j] - sum[j] / n;
      sum_sq[j] += c * c;
    }
  }
  for (int64_t j = 0; j < d; ++j) s.std[j] = static_cast<float>(std::sqrt(sum_sq[j] / std::max<int64_t>(n, 1)) + 1e-6);
  return s;
}

}  // namespace mindt::datasets
