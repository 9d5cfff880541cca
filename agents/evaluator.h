// Evaluating a decision model the Decision Transformer's way: roll it out in our MuJoCo environments
// conditioned on a target return, the return-to-go decreased by each reward (scaled by
// data.reward_scale) as the episode goes, and report raw and D4RL-normalized returns.
//
// Episodes run batched: all episodes of one target and seed step together in a VectorEnv; episodes
// that ended get zero actions and no further reward until the slowest is done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agents/decision_model.h"
#include "agents/decision_policy.h"
#include "configs/config.h"

namespace mindt {

struct EvalOptions {
  std::string env;              // halfcheetah | hopper | walker2d
  std::vector<double> targets;  // empty = DT's pair for the env
  int64_t episodes = 10;        // per target and seed
  std::vector<uint64_t> seeds = {0};
  InferenceMode mode = InferenceMode::kWindow;
  double reward_scale = 1000;
  int threads = 0;  // environment threads (0 = one per core)
  // The returns that score 0 and 100: a Minari dataset's own (ref_min_score, ref_max_score) when
  // it has them; empty = D4RL's reference returns for env.
  std::optional<std::pair<double, double>> reference;
};

// "dataset" or "d4rl": which reference returns the scores are normalized against.
const char* score_reference(const EvalOptions& options);

struct TargetResult {
  double target = 0;
  int64_t episodes = 0;
  double return_mean = 0, return_std = 0;  // over all episodes of all seeds
  double score_mean = 0, score_std = 0;    // D4RL normalized
  double length_mean = 0;
  std::vector<double> returns;  // every episode, seed by seed
};

std::vector<TargetResult> evaluate(DecisionModel model, const EvalOptions& options);

// The evaluation a config asks for (its eval section, data.env and data.reward_scale), with the
// environments seeded by the config's seed, as the trainer evaluates; scored against data.path's
// own reference returns when it is a Minari dataset that has them.
EvalOptions eval_options(const config::Config& config);

// {"step" (when ≥ 0: the training step evaluated), "env", "mode", "seeds", "score_reference",
//  "targets": [{"target", "episodes", "return_mean", …, "returns": […]}]}
std::string results_json(const EvalOptions& options, const std::vector<TargetResult>& results, int64_t step = -1);

}  // namespace mindt
