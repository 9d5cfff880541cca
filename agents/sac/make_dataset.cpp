#include "agents/sac/make_dataset.h"

#include <filesystem>
#include <stdexcept>

#include "agents/sac/collect.h"
#include "agents/sac/policy_file.h"
#include "datasets/episodes.h"
#include "envs/d4rl_scores.h"

namespace mindt::sac {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : "|") + n;
  return text;
}

// The policy file given (`given`, from the option named `option`), or the shipped one.
LoadedPolicy policy_for(const MakeOptions& o, const std::string& quality, const std::string& given,
                        const std::string& option) {
  const std::string& env = o.name.env;
  const std::string path = given.empty() ? (fs::path(o.policies_dir) / (env + "-" + quality + ".pt")).string() : given;
  if (given.empty() && !fs::exists(path)) {
    throw std::runtime_error("no shipped " + quality + " policy for " + env + " (" + path +
                             "); train one with `mindt sac train " + env + "` and pass --" + option +
                             " RUN/policies/step_N.pt");
  }
  LoadedPolicy p = load_policy_file(path);
  if (p.info.env != env) throw std::runtime_error(path + " is a policy for " + p.info.env + ", not " + env);
  p.policy->eval();
  return p;
}

void annotate_policy(datasets::D4rlDataset& d, const LoadedPolicy& p) {
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata["iteration"] = p.info.step;
  d.metadata["policy/return"] = p.info.eval_return;
  d.metadata["policy/output_distribution"] = std::string("tanh_gaussian");
  d.metadata["policy/nonlinearity"] = std::string("relu");
}

// medium-replay: the first `until` transitions of a SAC run's replay buffer.
datasets::D4rlDataset replay_rows(const MakeOptions& o) {
  if (o.sac_run.empty()) {
    throw std::invalid_argument(
        "medium-replay is the replay buffer of a SAC run up to its medium policy; "
        "give --sac-run RUN_DIR (from `mindt sac train " +
        o.name.env + "`) and --until STEP");
  }
  datasets::ReadOptions read;
  read.infos = true;
  read.next_observations = true;
  const std::string buffer = (fs::path(o.sac_run) / "buffer.hdf5").string();
  const datasets::D4rlDataset all = datasets::read_d4rl(buffer, read);
  const int64_t until = o.until >= 0 ? o.until : all.size();
  if (until > all.size()) {
    throw std::runtime_error(buffer + " holds " + std::to_string(all.size()) + " transitions, fewer than --until " +
                             std::to_string(until) + " (resume the run further, or lower --until)");
  }
  datasets::D4rlDataset d = first_rows(all, until);
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata["iteration"] = until;
  return d;
}

}  // namespace

const std::vector<std::string>& dataset_qualities() {
  static const std::vector<std::string> qualities = {"random", "medium", "medium-replay", "expert", "medium-expert"};
  return qualities;
}

DatasetName parse_dataset_name(const std::string& name) {
  for (const std::string& env : envs::d4rl_env_names()) {
    if (name.rfind(env + "-", 0) != 0) continue;
    std::string quality = name.substr(env.size() + 1);
    if (quality.size() > 3 && quality.substr(quality.size() - 3) == "-v2") quality.resize(quality.size() - 3);
    for (const auto& q : dataset_qualities()) {
      if (q == quality) return {env, quality};
    }
  }
  throw std::invalid_argument("'" + name + "' is not ENV-QUALITY with ENV " + joined(envs::d4rl_env_names()) +
                              " and QUALITY " + joined(dataset_qualities()) + " (e.g. hopper-medium)");
}

datasets::D4rlDataset make_dataset(const MakeOptions& o) {
  CollectOptions c;
  c.env = o.name.env;
  c.transitions = o.transitions;
  c.seed = o.seed;
  auto progress_for = [&](const std::string& what) -> std::function<void(int64_t, int64_t)> {
    if (!o.progress) return {};
    return [what, &o](int64_t done, int64_t total) { o.progress(what, done, total); };
  };
  const std::string& quality = o.name.quality;
  datasets::D4rlDataset d;
  if (quality == "random") {
    c.progress = progress_for("random policy");
    d = collect(nullptr, c);
  } else if (quality == "medium" || quality == "expert") {
    LoadedPolicy p = policy_for(o, quality, o.policy, "policy");
    c.progress = progress_for(quality + " policy");
    d = collect(p.policy.get(), c);
    annotate_policy(d, p);
  } else if (quality == "medium-expert") {
    LoadedPolicy medium = policy_for(o, "medium", o.policy, "policy");
    LoadedPolicy expert = policy_for(o, "expert", o.expert_policy, "expert-policy");
    c.progress = progress_for("medium policy");
    const datasets::D4rlDataset first = collect(medium.policy.get(), c);
    c.seed = o.seed + 1;  // the expert's episodes start from other initial states
    c.progress = progress_for("expert policy");
    const datasets::D4rlDataset second = collect(expert.policy.get(), c);
    d = stitch(first, second, 2 * o.transitions);
  } else if (quality == "medium-replay") {
    d = replay_rows(o);
  } else {
    throw std::invalid_argument("unknown dataset quality '" + quality + "'");
  }
  d.metadata["env"] = o.name.env + "-" + quality + "-v2";
  d.metadata["mindt/quality"] = quality;
  d.metadata["mindt/seed"] = static_cast<int64_t>(o.seed);
  return d;
}

FinishedEpisodes finished_episodes(const datasets::D4rlDataset& d) {
  FinishedEpisodes f;
  for (const auto& e : datasets::split_episodes(d.terminals, d.timeouts, d.rewards)) {
    if (e.end == datasets::EpisodeEnd::kUnfinished) continue;
    f.mean_return += e.episode_return;
    ++f.count;
  }
  if (f.count) f.mean_return /= double(f.count);
  return f;
}

}  // namespace mindt::sac
