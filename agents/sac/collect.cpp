#include "agents/sac/collect.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <random>

#include "envs/vector_env.h"

namespace mindt::sac {
namespace {

using datasets::Array2D;
using datasets::D4rlDataset;

// The rows of one episode while it runs.
struct Episode {
  std::vector<float> obs, next_obs, act, qpos, qvel, log_prob, reward;
  std::vector<uint8_t> terminal, timeout;
  int64_t length = 0;
  void clear() { *this = Episode(); }
};

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from, size_t count) {
  to.insert(to.end(), from.begin(), from.begin() + static_cast<std::ptrdiff_t>(count));
}

template <class T>
void push(std::vector<float>& to, const T* values, int n) {
  for (int i = 0; i < n; ++i) to.push_back(static_cast<float>(values[i]));
}

// Appends the first `rows` rows of an episode to the dataset.
void append_episode(D4rlDataset& d, const Episode& e, int64_t rows, int S, int A, int nq, int nv) {
  const size_t r = static_cast<size_t>(rows);
  append(d.observations.data, e.obs, r * S);
  append(d.next_observations.data, e.next_obs, r * S);
  append(d.actions.data, e.act, r * A);
  append(d.infos["qpos"].data, e.qpos, r * nq);
  append(d.infos["qvel"].data, e.qvel, r * nv);
  append(d.infos["action_log_probs"].data, e.log_prob, r);
  append(d.rewards, e.reward, r);
  append(d.terminals, e.terminal, r);
  append(d.timeouts, e.timeout, r);
}

void set_shapes(D4rlDataset& d, int S, int A, int nq, int nv) {
  const int64_t n = static_cast<int64_t>(d.rewards.size());
  d.observations.rows = d.next_observations.rows = d.actions.rows = n;
  d.observations.cols = d.next_observations.cols = S;
  d.actions.cols = A;
  d.infos["qpos"].rows = d.infos["qvel"].rows = d.infos["action_log_probs"].rows = n;
  d.infos["qpos"].cols = nq;
  d.infos["qvel"].cols = nv;
  d.infos["action_log_probs"].cols = 1;
}

Array2D head(const Array2D& a, int64_t rows) {
  Array2D out;
  out.rows = std::min(rows, a.rows);
  out.cols = a.cols;
  out.data.assign(a.data.begin(), a.data.begin() + out.rows * a.cols);
  return out;
}

void extend(Array2D& to, const Array2D& from, int64_t rows) {
  to.cols = from.cols;
  to.data.insert(to.data.end(), from.data.begin(), from.data.begin() + rows * from.cols);
  to.rows += rows;
}

// Batches of 16 rows gain nothing from intra-op threads, and OpenMP's barriers stall for
// milliseconds whenever another process holds a core (measured: 22× slower under one busy core).
struct SingleThreaded {
  int previous = at::get_num_threads();
  SingleThreaded() { at::set_num_threads(1); }
  ~SingleThreaded() { at::set_num_threads(previous); }
};

}  // namespace

D4rlDataset collect(TanhGaussianPolicyImpl* policy, const CollectOptions& o) {
  torch::NoGradGuard no_grad;
  SingleThreaded single_threaded;
  at::manual_seed(o.seed);
  // One thread: stepping 16 small envs costs less than waking a pool for each step.
  envs::VectorEnv venv(o.env, o.num_envs, o.seed, /*threads=*/1, envs::AutoReset::kSameStep);
  const int N = venv.size(), S = venv.obs_dim(), A = venv.act_dim();
  const int nq = static_cast<int>(venv.env(0).qpos().size()), nv = static_cast<int>(venv.env(0).qvel().size());
  std::vector<double> obs(size_t(N) * S), next_obs(size_t(N) * S), actions(size_t(N) * A), rewards(N), log_probs(N);
  std::vector<uint8_t> terminated(N), truncated(N);
  std::vector<Episode> running(N);
  std::mt19937_64 uniform_rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  D4rlDataset d;
  int64_t rows = 0;
  auto last_report = std::chrono::steady_clock::now();
  venv.reset(obs.data());
  while (rows < o.transitions) {
    if (policy) {
      const PolicySample s = policy->sample(at::from_blob(obs.data(), {N, S}, at::kDouble).to(at::kFloat));
      const at::Tensor a = s.action.to(at::kDouble).contiguous(), lp = s.log_prob.to(at::kDouble).contiguous();
      std::copy_n(a.data_ptr<double>(), actions.size(), actions.begin());
      std::copy_n(lp.data_ptr<double>(), N, log_probs.begin());
    } else {
      for (double& a : actions) a = uniform(uniform_rng);
      std::fill(log_probs.begin(), log_probs.end(), -double(A) * std::log(2.0));  // uniform on [−1, 1]^A
    }
    for (int i = 0; i < N; ++i) {  // the state before the action
      push(running[i].qpos, venv.env(i).qpos().data(), nq);
      push(running[i].qvel, venv.env(i).qvel().data(), nv);
    }
    venv.step(actions.data(), next_obs.data(), rewards.data(), terminated.data(), truncated.data());
    for (int i = 0; i < N && rows < o.transitions; ++i) {
      Episode& e = running[i];
      const bool done = terminated[i] || truncated[i];
      push(e.obs, obs.data() + size_t(i) * S, S);
      push(e.next_obs, done ? venv.final_observation(i).data() : next_obs.data() + size_t(i) * S, S);
      push(e.act, actions.data() + size_t(i) * A, A);
      e.log_prob.push_back(static_cast<float>(log_probs[i]));
      e.reward.push_back(static_cast<float>(rewards[i]));
      e.terminal.push_back(terminated[i]);
      e.timeout.push_back(truncated[i] && !terminated[i]);
      ++e.length;
      if (done) {
        const int64_t keep = std::min(e.length, o.transitions - rows);  // the last episode is cut
        append_episode(d, e, keep, S, A, nq, nv);
        rows += keep;
        e.clear();
      }
    }
    obs.swap(next_obs);
    if (o.progress && std::chrono::steady_clock::now() - last_report > std::chrono::seconds(1)) {
      last_report = std::chrono::steady_clock::now();
      o.progress(rows, o.transitions);
    }
  }
  set_shapes(d, S, A, nq, nv);
  if (o.progress) o.progress(rows, o.transitions);
  return d;
}

D4rlDataset first_rows(const D4rlDataset& d, int64_t rows) {
  D4rlDataset out;
  rows = std::min(rows, d.size());
  out.observations = head(d.observations, rows);
  out.actions = head(d.actions, rows);
  if (d.next_observations.rows) out.next_observations = head(d.next_observations, rows);
  for (const auto& [name, a] : d.infos) out.infos[name] = head(a, rows);
  out.rewards.assign(d.rewards.begin(), d.rewards.begin() + rows);
  out.terminals.assign(d.terminals.begin(), d.terminals.begin() + rows);
  if (!d.timeouts.empty()) out.timeouts.assign(d.timeouts.begin(), d.timeouts.begin() + rows);
  out.metadata = d.metadata;
  return out;
}

D4rlDataset stitch(const D4rlDataset& first, const D4rlDataset& second, int64_t max_rows) {
  int64_t cut = first.size();
  while (cut > 0 && !first.terminals[cut - 1] && !(first.timeouts.size() && first.timeouts[cut - 1])) --cut;
  D4rlDataset out = first_rows(first, cut);
  out.metadata.clear();
  const int64_t more = std::min(second.size(), std::max<int64_t>(0, max_rows - cut));
  extend(out.observations, second.observations, more);
  extend(out.actions, second.actions, more);
  if (out.next_observations.rows) extend(out.next_observations, second.next_observations, more);
  for (auto& [name, a] : out.infos) {
    const auto it = second.infos.find(name);
    if (it == second.infos.end()) throw std::runtime_error("stitch: the second dataset has no infos/" + name);
    extend(a, it->second, more);
  }
  out.rewards.insert(out.rewards.end(), second.rewards.begin(), second.rewards.begin() + more);
  out.terminals.insert(out.terminals.end(), second.terminals.begin(), second.terminals.begin() + more);
  out.timeouts.insert(out.timeouts.end(), second.timeouts.begin(), second.timeouts.begin() + more);
  return out;
}

}  // namespace mindt::sac
