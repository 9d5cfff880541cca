// `mindt data make ENV-QUALITY`: a D4RL-format dataset made the way D4RL made its own, from the
// behaviour policies shipped in agents/behaviour_policies/ (or any SAC policy file).
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "agents/sac/collect.h"
#include "agents/sac/policy_file.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "envs/d4rl_scores.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kQualities = {"random", "medium", "medium-replay", "expert", "medium-expert"};

struct DatasetName {
  std::string env, quality;
};

DatasetName parse_name(const std::string& name) {
  for (const std::string& env : envs::d4rl_env_names()) {
    if (name.rfind(env + "-", 0) != 0) continue;
    std::string quality = name.substr(env.size() + 1);
    if (quality.size() > 3 && quality.substr(quality.size() - 3) == "-v2") quality.resize(quality.size() - 3);
    for (const auto& q : kQualities) {
      if (q == quality) return {env, quality};
    }
  }
  auto joined = [](const std::vector<std::string>& names) {
    std::string text;
    for (const auto& n : names) text += (text.empty() ? "" : "|") + n;
    return text;
  };
  throw UsageError("mindt data make: '" + name + "' is not ENV-QUALITY with ENV " + joined(envs::d4rl_env_names()) +
                   " and QUALITY " + joined(kQualities) + " (e.g. hopper-medium)");
}

std::string shipped_policy(const std::string& env, const std::string& quality) {
  return std::string(MINDT_SOURCE_DIR) + "/agents/behaviour_policies/" + env + "-" + quality + ".pt";
}

// The policy file given with `option` (e.g. "policy"), or the shipped one for env and quality.
sac::LoadedPolicy policy_for(const std::string& env, const std::string& quality, const ParsedArgs& args,
                             const std::string& option) {
  const std::string given = args.value_or(option, "");
  const std::string path = given.empty() ? shipped_policy(env, quality) : given;
  if (given.empty() && !fs::exists(path)) {
    throw std::runtime_error("no shipped " + quality + " policy for " + env + " (" + path +
                             "); train one with `mindt sac train " + env + "` and pass --" + option +
                             " RUN/policies/step_N.pt");
  }
  sac::LoadedPolicy p = sac::load_policy_file(path);
  if (p.info.env != env) throw std::runtime_error(path + " is a policy for " + p.info.env + ", not " + env);
  p.policy->eval();
  return p;
}

void describe(datasets::D4rlDataset& d, const std::string& env, const std::string& quality, uint64_t seed) {
  d.metadata["env"] = env + "-" + quality + "-v2";
  d.metadata["mindt/quality"] = quality;
  d.metadata["mindt/seed"] = static_cast<int64_t>(seed);
}

void annotate_policy(datasets::D4rlDataset& d, const sac::LoadedPolicy& p, const std::string& prefix) {
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata[prefix + "iteration"] = p.info.step;
  d.metadata[prefix + "policy/return"] = p.info.eval_return;
  d.metadata[prefix + "policy/output_distribution"] = std::string("tanh_gaussian");
  d.metadata[prefix + "policy/nonlinearity"] = std::string("relu");
}

// medium-replay: the first `--until` transitions of a SAC run's replay buffer (all by default).
datasets::D4rlDataset replay_rows(const ParsedArgs& args, const std::string& env) {
  const auto run = args.value("sac-run");
  if (!run) {
    throw UsageError("mindt data make: medium-replay is the replay buffer of a SAC run up to its medium policy; "
                     "give --sac-run RUN_DIR (from `mindt sac train " + env + "`) and --until STEP");
  }
  datasets::ReadOptions read;
  read.infos = true;
  read.next_observations = true;
  const std::string buffer = (fs::path(*run) / "buffer.hdf5").string();
  const datasets::D4rlDataset all = datasets::read_d4rl(buffer, read);
  const int64_t until = args.value("until") ? args.int_value("until") : all.size();
  if (until > all.size()) {
    throw std::runtime_error(buffer + " holds " + std::to_string(all.size()) + " transitions, fewer than --until " +
                             std::to_string(until) + " (resume the run further, or lower --until)");
  }
  datasets::D4rlDataset d = sac::first_rows(all, until);
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata["iteration"] = until;
  return d;
}

struct FinishedEpisodes {
  int64_t count = 0;
  double mean_return = 0;
};

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

}  // namespace

int run_data_make(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt data make: expected one ENV-QUALITY, e.g. hopper-medium");
  const DatasetName name = parse_name(args.positionals()[0]);
  const std::string out = args.value_or("out", "data/" + name.env + "-" + name.quality + "-v2.hdf5");
  if (fs::exists(out)) {
    if (args.flag("if-absent")) {
      std::cerr << "[data make] " << out << " exists; keeping it\n";
      return 0;
    }
    if (!args.flag("force")) throw std::runtime_error(out + " exists; pass --force to replace it (or --if-absent to keep it)");
  }
  const int64_t transitions = args.int_value("transitions");
  if (transitions < 1) throw UsageError("mindt data make: --transitions must be ≥ 1");
  const uint64_t seed = static_cast<uint64_t>(args.int_value("seed"));
  const bool quiet = args.flag("quiet");
  const auto started = std::chrono::steady_clock::now();

  sac::CollectOptions o;
  o.env = name.env;
  o.transitions = transitions;
  o.seed = seed;
  auto progress_for = [&](const std::string& what) {
    return [what, quiet, started](int64_t done, int64_t total) {
      if (quiet) return;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cerr << "\r[data make] " << what << ": " << done << "/" << total << " transitions (" << std::fixed
                << std::setprecision(0) << 100.0 * double(done) / double(total) << "%), " << s << " s   " << std::flush;
    };
  };

  datasets::D4rlDataset d;
  if (name.quality == "random") {
    o.progress = progress_for("random policy");
    d = sac::collect(nullptr, o);
  } else if (name.quality == "medium" || name.quality == "expert") {
    sac::LoadedPolicy p = policy_for(name.env, name.quality, args, "policy");
    o.progress = progress_for(name.quality + " policy");
    d = sac::collect(p.policy.get(), o);
    annotate_policy(d, p, "");
  } else if (name.quality == "medium-expert") {
    sac::LoadedPolicy medium = policy_for(name.env, "medium", args, "policy");
    sac::LoadedPolicy expert = policy_for(name.env, "expert", args, "expert-policy");
    o.progress = progress_for("medium policy");
    const datasets::D4rlDataset first = sac::collect(medium.policy.get(), o);
    if (!quiet) std::cerr << "\n";
    o.seed = seed + 1;  // the expert's episodes start from other initial states
    o.progress = progress_for("expert policy");
    const datasets::D4rlDataset second = sac::collect(expert.policy.get(), o);
    d = sac::stitch(first, second, 2 * transitions);
  } else {  // medium-replay: the SAC run's replay buffer up to the medium policy
    d = replay_rows(args, name.env);
  }
  if (!quiet) std::cerr << "\n";
  describe(d, name.env, name.quality, seed);
  fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  datasets::write_d4rl(out, d);

  const FinishedEpisodes finished = finished_episodes(d);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << std::fixed << std::setprecision(1) << "wrote " << out << ": " << d.size() << " transitions, "
            << finished.count << " finished episodes, mean return " << finished.mean_return << " (normalized "
            << envs::normalized_score(name.env, finished.mean_return)
            << "), " << seconds << " s\n";
  return 0;
}

}  // namespace mindt::cli
