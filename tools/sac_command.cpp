// `mindt sac train ENV` and `mindt sac eval POLICY`: online SAC, which trains the behaviour policies
// that `mindt data make` rolls out.
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "agents/sac/policy_file.h"
#include "agents/sac/sac_trainer.h"
#include "configs/sac_config.h"
#include "envs/d4rl_scores.h"
#include "tools/cli/ctrl_c.h"
#include "tools/commands.h"

namespace mindt::cli {
int run_sac_train(const ParsedArgs& args) {
  sac::SacTrainOptions options;
  config::SacConfig config;
  std::vector<std::string> overrides = args.values("set");
  if (auto resume = args.value("resume")) {
    if (!args.positionals().empty()) throw UsageError("mindt sac train: give either ENV or --resume RUN_DIR, not both");
    options.resume = true;
    options.run_dir = *resume;
    const std::string saved = (std::filesystem::path(*resume) / "config.yaml").string();
    if (!std::filesystem::exists(saved))
      throw std::runtime_error(*resume + ": not a SAC run directory (no config.yaml)");
    config = config::load_sac_config(saved, overrides);
  } else {
    if (args.positionals().size() != 1)
      throw UsageError("mindt sac train: expected one ENV (halfcheetah, hopper or walker2d)");
    overrides.insert(overrides.begin(), "env=" + args.positionals()[0]);
    const std::string file = args.value_or("config", "");
    config =
        file.empty() ? config::parse_sac_config("{}", "defaults", overrides) : config::load_sac_config(file, overrides);
    options.run_dir = args.value_or("out", "runs/sac-" + config.env + "-seed" + std::to_string(config.seed));
  }
  options.progress = !args.flag("quiet");
  sac::SacTrainResult result;
  {
    CtrlC ctrl_c;
    options.should_stop = CtrlC::requested;
    result = sac::train_sac(config, options);
  }
  if (result.interrupted) {
    std::cerr << "interrupted at step " << result.steps_done << "\nresume with: mindt sac train --resume "
              << options.run_dir << "\n";
    return 130;
  }
  std::cout << "trained " << result.steps_done << " steps; last evaluation return " << result.last_eval_return
            << "; policy snapshots in " << options.run_dir << "/policies\n";
  return 0;
}

int run_sac_eval(const ParsedArgs& args) {
  if (args.positionals().empty()) throw UsageError("mindt sac eval: expected one or more POLICY files");
  const int64_t episodes = args.int_value("episodes");
  const int64_t seed = args.int_value("seed");
  if (episodes < 1) throw UsageError("mindt sac eval: --episodes must be ≥ 1");
  const bool sampled = args.flag("sampled");
  for (const std::string& path : args.positionals()) {
    sac::LoadedPolicy loaded = sac::load_policy_file(path);
    const sac::PolicyReturn r =
        sac::evaluate_policy(*loaded.policy, loaded.info.env, episodes, static_cast<uint64_t>(seed), sampled);
    std::cout << std::fixed << std::setprecision(1) << path << ": " << loaded.info.env << ", SAC step "
              << loaded.info.step << "; " << episodes << (sampled ? " sampled" : " deterministic")
              << " episodes: return " << r.mean << " ± " << r.std << " (normalized "
              << envs::normalized_score(loaded.info.env, r.mean) << ")" << std::endl;
  }
  return 0;
}

}  // namespace mindt::cli
