// `mindt data info FILE`: what a D4RL-format file holds — env, transitions, episodes and how they
// end, returns and the normalized score, and every key with its dtype and shape.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "common/json.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/file_keys.h"
#include "envs/d4rl_scores.h"
#include "envs/env_specs.h"
#include "tools/bench/report.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

struct EnvGuess {
  std::string env;      // empty when unknown
  std::string how;      // "given", "from metadata/env", "from dimensions", or why it is unknown
};

EnvGuess guess_env(const datasets::D4rlDataset& d, const std::string& given) {
  const auto matching = envs::envs_with_dims(d.obs_dim(), d.act_dim());
  if (!given.empty()) {
    const envs::EnvDims dims = envs::env_dims(given);  // throws for an unknown name
    if (dims.obs_dim != d.obs_dim() || dims.act_dim != d.act_dim()) {
      throw std::runtime_error("--env " + given + " has " + std::to_string(dims.obs_dim) + "-dim observations and " +
                               std::to_string(dims.act_dim) + "-dim actions; the file has " +
                               std::to_string(d.obs_dim()) + " and " + std::to_string(d.act_dim()));
    }
    return {given, "given"};
  }
  // Files made by `mindt data make` name their env in metadata/env (e.g. "hopper" or "hopper-medium-v2").
  if (auto it = d.metadata.find("env"); it != d.metadata.end()) {
    if (const auto* name = std::get_if<std::string>(&it->second)) {
      for (const auto& env : matching) {
        if (name->rfind(env, 0) == 0) return {env, "from metadata/env"};
      }
    }
  }
  if (matching.size() == 1) return {matching[0], "from dimensions"};
  std::ostringstream why;
  why << "unknown: " << d.obs_dim() << "-dim observations and " << d.act_dim() << "-dim actions";
  if (matching.empty()) {
    why << " match no D4RL locomotion env";
  } else {
    why << " fit " << matching[0] << " and " << matching[1] << "; pass --env";
  }
  return {"", why.str()};
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

int run_data_info(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt data info: expected one FILE");
  const std::string path = args.positionals()[0];
  const datasets::D4rlDataset d = datasets::read_d4rl(path);
  const std::vector<datasets::KeyInfo> keys = datasets::list_keys(path);
  const EnvGuess env = guess_env(d, args.value_or("env", ""));
  const auto episodes = datasets::split_episodes(d.terminals, d.timeouts, d.rewards);

  int64_t terminated = 0, timeouts = 0, unfinished = 0;
  std::vector<double> returns, lengths;  // finished episodes only: an unfinished tail's return is partial
  for (const auto& e : episodes) {
    terminated += e.end == datasets::EpisodeEnd::kTerminated;
    timeouts += e.end == datasets::EpisodeEnd::kTimeout;
    unfinished += e.end == datasets::EpisodeEnd::kUnfinished;
    if (e.end != datasets::EpisodeEnd::kUnfinished) {
      returns.push_back(e.episode_return);
      lengths.push_back(double(e.length));
    }
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
  };
  const double r_min = returns.empty() ? 0 : *std::min_element(returns.begin(), returns.end());
  const double r_max = returns.empty() ? 0 : *std::max_element(returns.begin(), returns.end());
  const double r_mean = mean(returns);
  const bool scored = !env.env.empty() && !returns.empty();
  const double score = scored ? envs::normalized_score(env.env, r_mean) : 0.0;

  if (args.flag("json")) {
    json::Writer o;
    o.begin_object().field("file", path).key("env");
    env.env.empty() ? o.null() : o.value(env.env);
    o.field("env_source", env.how).field("transitions", d.size()).field("obs_dim", d.obs_dim());
    o.field("act_dim", d.act_dim()).field("episodes", episodes.size()).field("terminated", terminated);
    o.field("timeouts", timeouts).field("unfinished", unfinished).field("finished_episodes", returns.size());
    if (!returns.empty()) {
      o.field("return_min", r_min).field("return_mean", r_mean).field("return_max", r_max);
      o.field("length_mean", mean(lengths));
    }
    if (scored) o.field("normalized_score", score);
    o.key("keys").begin_array();
    for (const auto& k : keys) o.begin_object().field("key", k.key).field("dtype", k.dtype).field("shape", k.shape).end_object();
    std::cout << o.end_array().end_object().str() << "\n";
    return 0;
  }
  std::cout << std::fixed << std::setprecision(1);
  std::cout << path << "\n"
            << "  env           " << (env.env.empty() ? env.how : env.env + " (" + env.how + ")") << "\n"
            << "  transitions   " << d.size() << "  (observations " << d.obs_dim() << ", actions " << d.act_dim() << ")\n"
            << "  episodes      " << episodes.size() << ": " << terminated << " terminated, " << timeouts
            << " truncated by timeout, " << unfinished << " unfinished tail\n";
  if (!returns.empty()) {
    std::cout << "  return        min " << r_min << " / mean " << r_mean << " / max " << r_max
              << "  over " << returns.size() << " finished episodes (mean length " << mean(lengths) << ")\n";
  }
  if (scored) std::cout << "  normalized    " << score << "  (D4RL score of the mean return)\n";
  std::cout << "  keys\n";
  size_t width = 0;
  for (const auto& k : keys) width = std::max(width, k.key.size());
  for (const auto& k : keys) {
    std::cout << "    " << std::left << std::setw(int(width) + 2) << k.key << std::setw(9) << k.dtype
              << shape_text(k.shape) << "\n"
              << std::right;
  }
  return 0;
}

}  // namespace mindt::cli
