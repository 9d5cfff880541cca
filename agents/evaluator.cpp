#include "agents/evaluator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "agents/return_conditioned_policy.h"
#include "common/json.h"
#include "common/mean_std.h"
#include "datasets/minari_io.h"
#include "envs/d4rl_scores.h"
#include "envs/vector_env.h"

namespace mindt {
namespace {

struct EpisodeStats {
  std::vector<double> returns, lengths;
};

EpisodeStats roll_out(DecisionModel& model, const EvalOptions& o, double target, uint64_t seed) {
  const int n = static_cast<int>(o.episodes);
  envs::VectorEnv venv(o.env, n, seed, o.threads);
  const int S = venv.obs_dim(), A = venv.act_dim();
  if (S != model->state_dim() || A != model->act_dim()) {
    throw std::runtime_error("evaluate: the model takes " + std::to_string(model->state_dim()) + "-dim states and " +
                             std::to_string(model->act_dim()) + "-dim actions; " + o.env + " has " + std::to_string(S) +
                             " and " + std::to_string(A));
  }
  ReturnConditionedPolicy policy(model, o.mode, o.reward_scale);
  policy.reset(n, target);
  std::vector<double> obs(n * S), actions(n * A), rewards(n), received(n, 0.0);
  std::vector<uint8_t> terminated(n), truncated(n), done(n, 0);
  venv.reset(obs.data());
  EpisodeStats stats;
  stats.returns.assign(n, 0.0);
  stats.lengths.assign(n, 0.0);
  while (std::count(done.begin(), done.end(), 1) < n) {
    policy.act(obs.data(), received.data(), actions.data());
    for (int i = 0; i < n; ++i) {
      if (done[i]) std::fill_n(actions.begin() + i * A, A, 0.0);
    }
    venv.step(actions.data(), obs.data(), rewards.data(), terminated.data(), truncated.data());
    for (int i = 0; i < n; ++i) {
      received[i] = done[i] ? 0.0 : rewards[i];  // an ended episode keeps its return-to-go
      if (done[i]) continue;
      stats.returns[i] += rewards[i];
      stats.lengths[i] += 1;
      if (terminated[i] || truncated[i]) done[i] = 1;
    }
  }
  return stats;
}

}  // namespace

std::vector<TargetResult> evaluate(DecisionModel model, const EvalOptions& options) {
  EvalOptions o = options;
  if (o.targets.empty()) o.targets = envs::dt_target_returns(o.env);
  if (o.episodes < 1) throw std::invalid_argument("evaluate: episodes must be at least 1");
  std::vector<TargetResult> results;
  for (double target : o.targets) {
    TargetResult r;
    r.target = target;
    std::vector<double> lengths, scores;
    for (uint64_t seed : o.seeds) {
      const EpisodeStats s = roll_out(model, o, target, seed);
      r.returns.insert(r.returns.end(), s.returns.begin(), s.returns.end());
      lengths.insert(lengths.end(), s.lengths.begin(), s.lengths.end());
    }
    for (double x : r.returns) {
      scores.push_back(o.reference ? 100.0 * (x - o.reference->first) / (o.reference->second - o.reference->first)
                                   : envs::normalized_score(o.env, x));
    }
    r.episodes = static_cast<int64_t>(r.returns.size());
    const MeanStd returns = mean_std(r.returns), normalized = mean_std(scores);
    r.return_mean = returns.mean;
    r.return_std = returns.std;
    r.score_mean = normalized.mean;
    r.score_std = normalized.std;
    r.length_mean = mean_std(lengths).mean;
    results.push_back(std::move(r));
  }
  return results;
}

std::string results_json(const EvalOptions& options, const std::vector<TargetResult>& results, int64_t step) {
  json::Writer o;
  o.begin_object();
  if (step >= 0) o.field("step", step);
  o.field("env", options.env).field("mode", to_string(options.mode)).field("seeds", options.seeds);
  o.field("score_reference", score_reference(options));
  o.key("targets").begin_array();
  for (const TargetResult& r : results) {
    o.begin_object().field("target", r.target).field("episodes", r.episodes).field("return_mean", r.return_mean);
    o.field("return_std", r.return_std).field("score_mean", r.score_mean).field("score_std", r.score_std);
    o.field("length_mean", r.length_mean).field("returns", r.returns).end_object();
  }
  return o.end_array().end_object().str() + "\n";
}

EvalOptions eval_options(const config::Config& config) {
  EvalOptions o;
  o.env = config.data.env;
  o.targets = config.eval.targets;
  o.episodes = config.eval.episodes;
  o.mode = parse_inference_mode(config.eval.mode);
  o.reward_scale = config.data.reward_scale;
  o.seeds = {static_cast<uint64_t>(config.seed)};
  if (!config.data.path.empty()) o.reference = datasets::minari_reference_scores(config.data.path);
  return o;
}

const char* score_reference(const EvalOptions& options) { return options.reference ? "dataset" : "d4rl"; }

}  // namespace mindt
