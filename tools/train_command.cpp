// `mindt train`: offline training of a decision model from a YAML config; Ctrl-C checkpoints and stops.
// With --seeds, several seeds of the config train in one process (agents/trainer.h: train_seeds),
// each into a run directory of its own.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "agents/trainer.h"
#include "configs/config.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/cli/run_names.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

namespace fs = std::filesystem;

// runs/<config's folder>-<config's name>-seed<seed>, e.g. runs/hopper-medium-v2-mingru-seed0.
std::string default_run_dir(const std::string& config_path, const config::Config& config) {
  std::string name = preset_name(config_path);
  if (name == "base") name += "-" + config.model.backbone;
  return "runs/" + name + "-seed" + std::to_string(config.seed);
}

// The run directories --resume names: a run (it has config.yaml), a list of runs "A,B,C", or the
// folder a packed run with --out made (its seed<S>/ runs).
std::vector<std::string> runs_to_resume(const std::string& text) {
  std::vector<std::string> dirs;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(',', begin), text.size());
    if (end > begin) dirs.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  if (dirs.size() == 1 && !fs::exists(fs::path(dirs[0]) / "config.yaml") && fs::is_directory(dirs[0])) {
    std::vector<std::string> seeds;
    for (const auto& entry : fs::directory_iterator(dirs[0])) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("seed", 0) == 0 && fs::exists(entry.path() / "config.yaml"))
        seeds.push_back(entry.path().string());
    }
    std::sort(seeds.begin(), seeds.end());
    if (!seeds.empty()) return seeds;
  }
  return dirs;
}

// The resumed runs' seeds, checking that they are one config but for the seed.
config::Config packed_config(const std::vector<std::string>& dirs, const std::vector<std::string>& overrides,
                             std::vector<int64_t>& seeds) {
  config::Config first = load_run_config(dirs[0], overrides);
  for (const auto& dir : dirs) {
    config::Config c = load_run_config(dir, overrides);
    seeds.push_back(c.seed);
    c.seed = first.seed;
    if (config::to_yaml(c) != config::to_yaml(first)) {
      throw UsageError("mindt train: --resume: " + dir + " is a run of another config than " + dirs[0] +
                       " (packed seeds must share everything but the seed)");
    }
  }
  return first;
}

int report_packed_interrupted(const std::vector<TrainResult>& results, const std::string& resume_with) {
  std::cerr << "interrupted at step " << results.front().steps_done << "; checkpoints";
  for (const auto& r : results) std::cerr << " " << r.checkpoint;
  std::cerr << "\nresume with: mindt train --resume " << resume_with << "\n";
  return 130;
}

}  // namespace

int run_train(const ParsedArgs& args) {
  TrainOptions options;
  config::Config config;
  std::vector<int64_t> seeds;
  std::vector<std::string> run_dirs;
  if (auto resume = args.value("resume")) {
    if (!args.positionals().empty()) throw UsageError("mindt train: give either CONFIG or --resume RUN_DIR, not both");
    if (args.value("seeds")) throw UsageError("mindt train: --seeds comes from the resumed runs; leave it out");
    run_dirs = runs_to_resume(*resume);
    if (run_dirs.empty()) throw UsageError("mindt train: --resume names no run directory");
    options.resume = true;
    if (run_dirs.size() == 1) {
      config = load_run_config(run_dirs[0], args.values("set"));
    } else {
      config = packed_config(run_dirs, args.values("set"), seeds);
    }
  } else {
    if (args.positionals().size() != 1) throw UsageError("mindt train: expected one CONFIG file (or --resume RUN_DIR)");
    config = config::load_config(args.positionals()[0], args.values("set"));
    if (auto list = args.value("seeds")) {
      seeds = parse_integers(*list, "mindt train", "seeds", 0);
      for (int64_t seed : seeds) {
        config::Config seeded = config;
        seeded.seed = seed;
        run_dirs.push_back(args.value("out") ? (fs::path(*args.value("out")) / ("seed" + std::to_string(seed))).string()
                                             : default_run_dir(args.positionals()[0], seeded));
      }
      if (seeds.size() == 1) config.seed = seeds[0], seeds.clear();
    } else {
      run_dirs.push_back(args.value_or("out", default_run_dir(args.positionals()[0], config)));
    }
  }
  options.progress = !args.flag("quiet");
  if (seeds.empty()) {  // one run
    options.run_dir = run_dirs.front();
    TrainResult result;
    {
      CtrlC ctrl_c;
      options.should_stop = CtrlC::requested;
      result = train(config, options);
    }
    if (result.interrupted)
      return report_interrupted(result.steps_done, result.checkpoint, "mindt train", options.run_dir);
    std::cout << "trained " << result.steps_done << " steps; final loss " << result.last_loss << "; checkpoint "
              << result.checkpoint << "\n";
    return 0;
  }
  PackedTrainOptions packed;
  packed.run_dirs = run_dirs;
  packed.resume.assign(run_dirs.size(), options.resume);
  packed.progress = options.progress;
  std::vector<TrainResult> results;
  {
    CtrlC ctrl_c;
    packed.should_stop = CtrlC::requested;
    try {
      results = train_seeds(config, seeds, packed);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("mindt train: --seeds: ") + e.what());
    }
  }
  std::string resume_with;
  for (const auto& d : run_dirs) resume_with += (resume_with.empty() ? "" : ",") + d;
  if (args.value("out") && !options.resume) resume_with = *args.value("out");
  if (results.front().interrupted) return report_packed_interrupted(results, resume_with);
  for (size_t i = 0; i < results.size(); ++i) {
    std::cout << "seed " << seeds[i] << ": trained " << results[i].steps_done << " steps; final loss "
              << results[i].last_loss << "; checkpoint " << results[i].checkpoint << "\n";
  }
  return 0;
}

}  // namespace mindt::cli
