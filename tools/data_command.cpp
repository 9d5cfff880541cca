// `mindt data info FILE`: what a D4RL-format file holds — env, transitions, episodes and how they
// end, returns and the normalized score, and every key with its dtype and shape.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "agents/dataset_convert.h"
#include "common/json.h"
#include "common/trial_run.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/file_keys.h"
#include "datasets/minari_io.h"
#include "envs/d4rl_scores.h"
#include "envs/env_specs.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {}  // namespace

int run_data_info(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt data info: expected one FILE");
  const std::string path = args.positionals()[0];
  const bool minari = datasets::is_minari_source(path);
  auto file_of = [&] { return minari ? datasets::minari_dataset_dir(path) + "/data/main_data.hdf5" : path; };
  // Everything this command reads, read once in a child first: a damaged file can crash libhdf5.
  trial_run(path, "libhdf5", [&] {
    (void)datasets::read_dataset(path);
    (void)datasets::list_keys(file_of());
  });
  const datasets::D4rlDataset d = datasets::read_dataset(path);
  // A Minari dataset's file holds a group per episode; the first one's keys stand for all.
  std::vector<datasets::KeyInfo> keys;
  for (auto& k : datasets::list_keys(file_of())) {
    if (!minari || k.key.rfind("episode_0/", 0) == 0) keys.push_back(std::move(k));
  }
  std::string metadata_env;
  if (auto it = d.metadata.find("env"); it != d.metadata.end()) {
    if (const auto* name = std::get_if<std::string>(&it->second)) metadata_env = *name;
  }
  const envs::EnvGuess env = envs::guess_env(d.obs_dim(), d.act_dim(), metadata_env, args.value_or("env", ""));
  const datasets::EpisodeSummary e = datasets::summarize(datasets::split_episodes(d.terminals, d.timeouts, d.rewards));
  // A Minari dataset's own reference returns, when it has them; D4RL's table otherwise.
  const auto ref_min = d.metadata.find("minari/ref_min_score"), ref_max = d.metadata.find("minari/ref_max_score");
  const bool own_reference = ref_min != d.metadata.end() && ref_max != d.metadata.end();
  const bool scored = (own_reference || !env.env.empty()) && e.finished > 0;
  double score = 0;
  if (own_reference) {
    const double lo = std::get<double>(ref_min->second), hi = std::get<double>(ref_max->second);
    score = scored ? 100.0 * (e.return_mean - lo) / (hi - lo) : 0.0;
  } else if (scored) {
    score = envs::normalized_score(env.env, e.return_mean);
  }
  const std::string reference =
      own_reference ? "the dataset's ref_min_score/ref_max_score" : "D4RL's reference returns";

  if (args.flag("json")) {
    json::Writer o;
    o.begin_object().field("file", path).key("env");
    env.env.empty() ? o.null() : o.value(env.env);
    o.field("env_source", env.how).field("transitions", d.size()).field("obs_dim", d.obs_dim());
    o.field("act_dim", d.act_dim()).field("episodes", e.episodes).field("terminated", e.terminated);
    o.field("timeouts", e.timeouts).field("unfinished", e.unfinished).field("finished_episodes", e.finished);
    if (e.finished > 0) {
      o.field("return_min", e.return_min).field("return_mean", e.return_mean).field("return_max", e.return_max);
      o.field("length_mean", e.length_mean);
    }
    if (scored) o.field("normalized_score", score).field("score_reference", own_reference ? "dataset" : "d4rl");
    o.field("format", minari ? "minari" : "d4rl");
    o.key("keys").begin_array();
    for (const auto& k : keys)
      o.begin_object().field("key", k.key).field("dtype", k.dtype).field("shape", k.shape).end_object();
    std::cout << o.end_array().end_object().str() << "\n";
    return 0;
  }
  std::cout << std::fixed << std::setprecision(1);
  std::cout << path << "\n"
            << "  env           " << (env.env.empty() ? env.how : env.env + " (" + env.how + ")") << "\n"
            << "  transitions   " << d.size() << "  (observations " << d.obs_dim() << ", actions " << d.act_dim()
            << ")\n"
            << "  episodes      " << e.episodes << ": " << e.terminated << " terminated, " << e.timeouts
            << " truncated by timeout, " << e.unfinished << " unfinished tail\n";
  if (e.finished > 0) {
    std::cout << "  return        min " << e.return_min << " / mean " << e.return_mean << " / max " << e.return_max
              << "  over " << e.finished << " finished episodes (mean length " << e.length_mean << ")\n";
  }
  if (scored) std::cout << "  normalized    " << score << "  (score of the mean return, against " << reference << ")\n";
  std::cout << "  keys\n";
  size_t width = 0;
  for (const auto& k : keys) width = std::max(width, k.key.size());
  for (const auto& k : keys) {
    std::cout << "    " << std::left << std::setw(int(width) + 2) << k.key << std::setw(9) << k.dtype
              << datasets::shape_text(k.shape) << "\n"
              << std::right;
  }
  return 0;
}

int run_data_convert(const ParsedArgs& args) {
  if (args.positionals().size() != 2) throw UsageError("mindt data convert: expected IN and OUT");
  const std::string in = args.positionals()[0], out = args.positionals()[1];
  ConvertOptions o;
  o.env = args.value_or("env", "");
  o.dataset_id = args.value_or("id", "");
  o.algorithm = args.value_or("algorithm", "");
  if (std::filesystem::exists(out)) throw std::runtime_error(out + " exists; choose another OUT or remove it");
  const ConvertResult r = convert_dataset(in, out, o);
  std::cout << "wrote " << out << " (" << r.to_format << "): " << r.transitions << " transitions of " << r.env
            << " from " << in << " (" << r.from_format << ")\n";
  return 0;
}

}  // namespace mindt::cli
