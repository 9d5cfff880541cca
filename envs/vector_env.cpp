#include "envs/vector_env.h"

#include <algorithm>
#include <exception>

namespace mindt::envs {
namespace {

uint64_t mix(uint64_t x) {  // SplitMix64
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t env_seed(uint64_t seed, int i) { return mix(seed ^ mix(uint64_t(i))); }

}  // namespace

VectorEnv::VectorEnv(const std::string& env, int num_envs, uint64_t seed, int threads, AutoReset auto_reset)
    : auto_reset_(auto_reset) {
  if (num_envs < 1)
    throw std::invalid_argument("VectorEnv: need at least one environment, got " + std::to_string(num_envs));
  for (int i = 0; i < num_envs; ++i) envs_.push_back(make_env(env, env_seed(seed, i)));
  final_obs_.assign(num_envs, std::vector<double>(envs_.front().obs_dim()));
  reset_pending_.assign(num_envs, 0);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, num_envs);
  for (int w = 1; w < threads; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

VectorEnv::~VectorEnv() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  work_ready_.notify_all();
  for (auto& w : workers_) w.join();
}

void VectorEnv::worker_loop(int) {
  int64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    while (next_index_ < size()) {
      const int i = next_index_++;
      lock.unlock();
      (*job_)(i);
      lock.lock();
      if (--pending_ == 0) work_done_.notify_all();
    }
  }
}

void VectorEnv::parallel_for(const std::function<void(int)>& body) {
  // Exceptions (MuJoCo warnings) are caught per environment and the first is rethrown here.
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const std::function<void(int)> guarded = [&](int i) {
    try {
      body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::unique_lock<std::mutex> lock(mutex_);
  job_ = &guarded;
  next_index_ = 0;
  pending_ = size();
  ++generation_;
  work_ready_.notify_all();
  while (next_index_ < size()) {
    const int i = next_index_++;
    lock.unlock();
    guarded(i);
    lock.lock();
    --pending_;
  }
  work_done_.wait(lock, [&] { return pending_ == 0; });
  job_ = nullptr;
  lock.unlock();
  if (failure) std::rethrow_exception(failure);
}

void VectorEnv::reset(double* observations) {
  parallel_for([&](int i) { envs_[i].reset(observations + i * obs_dim()); });
  std::fill(reset_pending_.begin(), reset_pending_.end(), 0);
}

void VectorEnv::reseed(uint64_t seed) {
  for (int i = 0; i < size(); ++i) envs_[i].reseed(env_seed(seed, i));
}

void VectorEnv::step(const double* actions, double* observations, double* rewards, uint8_t* terminated,
                     uint8_t* truncated) {
  parallel_for([&](int i) {
    double* obs = observations + i * obs_dim();
    if (reset_pending_[i]) {
      envs_[i].reset(obs);
      reset_pending_[i] = 0;
      rewards[i] = 0;
      terminated[i] = truncated[i] = 0;
      return;
    }
    const StepResult r = envs_[i].step(actions + i * act_dim(), obs);
    rewards[i] = r.reward;
    terminated[i] = r.terminated;
    truncated[i] = r.truncated;
    if (!(r.terminated || r.truncated)) return;
    if (auto_reset_ == AutoReset::kSameStep) {
      std::copy(obs, obs + obs_dim(), final_obs_[i].begin());
      envs_[i].reset(obs);
    } else if (auto_reset_ == AutoReset::kNextStep) {
      reset_pending_[i] = 1;
    }
  });
}

}  // namespace mindt::envs
