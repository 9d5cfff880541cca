#include "agents/sac/replay_buffer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mindt::sac {
namespace {

void put(std::vector<float>& store, int64_t row, int width, const double* values) {
  std::transform(values, values + width, store.begin() + row * width, [](double v) { return static_cast<float>(v); });
}

datasets::Array2D rows_of(const std::vector<float>& store, int width, const std::vector<int64_t>& order) {
  datasets::Array2D a;
  a.rows = static_cast<int64_t>(order.size());
  a.cols = width;
  a.data.resize(a.rows * width);
  for (int64_t k = 0; k < a.rows; ++k) {
    std::copy_n(store.begin() + order[k] * width, width, a.data.begin() + k * width);
  }
  return a;
}

}  // namespace

ReplayBuffer::ReplayBuffer(int64_t capacity, int obs_dim, int act_dim, int nq, int nv)
    : capacity_(capacity), obs_dim_(obs_dim), act_dim_(act_dim), nq_(nq), nv_(nv) {
  if (capacity < 1) throw std::invalid_argument("ReplayBuffer: capacity must be ≥ 1");
  obs_.resize(capacity * obs_dim);
  next_obs_.resize(capacity * obs_dim);
  act_.resize(capacity * act_dim);
  qpos_.resize(capacity * nq);
  qvel_.resize(capacity * nv);
  reward_.resize(capacity);
  log_prob_.resize(capacity);
  terminal_.resize(capacity);
  timeout_.resize(capacity);
}

void ReplayBuffer::add(const Transition& t) {
  const int64_t row = added_ % capacity_;
  put(obs_, row, obs_dim_, t.observation);
  put(next_obs_, row, obs_dim_, t.next_observation);
  put(act_, row, act_dim_, t.action);
  put(qpos_, row, nq_, t.qpos);
  put(qvel_, row, nv_, t.qvel);
  reward_[row] = static_cast<float>(t.reward);
  log_prob_[row] = static_cast<float>(t.action_log_prob);
  terminal_[row] = t.terminal;
  timeout_[row] = t.timeout && !t.terminal;
  ++added_;
  size_ = std::min(size_ + 1, capacity_);
}

void ReplayBuffer::cut_last_episode() {
  if (size_ == 0) return;
  const int64_t row = (added_ - 1) % capacity_;
  if (!terminal_[row]) timeout_[row] = 1;
}

ReplayBatch ReplayBuffer::sample(int64_t batch_size) {
  if (size_ == 0) throw std::logic_error("ReplayBuffer::sample: the buffer is empty");
  const at::Tensor rows = at::randint(size_, {batch_size}, at::kLong);
  auto view = [&](std::vector<float>& store, int64_t width) {
    return at::from_blob(store.data(), {size_, width}, at::kFloat).index_select(0, rows);
  };
  ReplayBatch b;
  b.observations = view(obs_, obs_dim_);
  b.actions = view(act_, act_dim_);
  b.next_observations = view(next_obs_, obs_dim_);
  b.rewards = view(reward_, 1).squeeze(1);
  b.terminals = at::from_blob(terminal_.data(), {size_}, at::kByte).index_select(0, rows).to(at::kFloat);
  return b;
}

int64_t ReplayBuffer::row_of(int64_t k) const {
  const int64_t oldest = added_ > capacity_ ? added_ % capacity_ : 0;
  return (oldest + k) % capacity_;
}

datasets::D4rlDataset ReplayBuffer::to_dataset() const {
  std::vector<int64_t> order(size_);
  for (int64_t k = 0; k < size_; ++k) order[k] = row_of(k);
  datasets::D4rlDataset d;
  d.observations = rows_of(obs_, obs_dim_, order);
  d.next_observations = rows_of(next_obs_, obs_dim_, order);
  d.actions = rows_of(act_, act_dim_, order);
  d.infos["qpos"] = rows_of(qpos_, nq_, order);
  d.infos["qvel"] = rows_of(qvel_, nv_, order);
  d.infos["action_log_probs"] = rows_of(log_prob_, 1, order);
  d.rewards = rows_of(reward_, 1, order).data;
  for (int64_t row : order) {
    d.terminals.push_back(terminal_[row]);
    d.timeouts.push_back(timeout_[row]);
  }
  return d;
}

void ReplayBuffer::load_dataset(const datasets::D4rlDataset& d, int64_t added) {
  const int64_t n = d.size();
  auto fail = [&](const std::string& what) { throw std::runtime_error("replay buffer: " + what); };
  if (n > capacity_) fail(std::to_string(n) + " transitions do not fit its capacity " + std::to_string(capacity_));
  if (added < n) fail("it claims fewer transitions added than it holds");
  if (d.obs_dim() != obs_dim_ || d.act_dim() != act_dim_ || d.next_observations.rows != n)
    fail("its shapes do not match the env");
  for (const char* key : {"qpos", "qvel", "action_log_probs"}) {
    if (!d.infos.count(key) || d.infos.at(key).rows != n) fail(std::string("infos/") + key + " is missing or short");
  }
  // Stored oldest first, so the k-th row goes where it would have been written.
  size_ = n;
  added_ = added;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t row = row_of(k);
    std::copy_n(d.observations.row(k), obs_dim_, obs_.begin() + row * obs_dim_);
    std::copy_n(d.next_observations.row(k), obs_dim_, next_obs_.begin() + row * obs_dim_);
    std::copy_n(d.actions.row(k), act_dim_, act_.begin() + row * act_dim_);
    std::copy_n(d.infos.at("qpos").row(k), nq_, qpos_.begin() + row * nq_);
    std::copy_n(d.infos.at("qvel").row(k), nv_, qvel_.begin() + row * nv_);
    log_prob_[row] = d.infos.at("action_log_probs").data[k];
    reward_[row] = d.rewards[k];
    terminal_[row] = d.terminals[k];
    timeout_[row] = d.timeouts[k];
  }
}

}  // namespace mindt::sac
