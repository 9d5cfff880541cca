// `mindt train`: offline training of a decision model from a YAML config; Ctrl-C checkpoints and stops.
#include <filesystem>
#include <iostream>

#include "agents/trainer.h"
#include "configs/config.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/run_names.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

// runs/<config's folder>-<config's name>-seed<seed>, e.g. runs/hopper-medium-v2-mingru-seed0.
std::string default_run_dir(const std::string& config_path, const config::Config& config) {
  std::string name = preset_name(config_path);
  if (name == "base") name += "-" + config.model.backbone;
  return "runs/" + name + "-seed" + std::to_string(config.seed);
}

}  // namespace

int run_train(const ParsedArgs& args) {
  TrainOptions options;
  config::Config config;
  if (auto resume = args.value("resume")) {
    if (!args.positionals().empty()) throw UsageError("mindt train: give either CONFIG or --resume RUN_DIR, not both");
    options.resume = true;
    options.run_dir = *resume;
    config = load_run_config(*resume, args.values("set"));
  } else {
    if (args.positionals().size() != 1) throw UsageError("mindt train: expected one CONFIG file (or --resume RUN_DIR)");
    config = config::load_config(args.positionals()[0], args.values("set"));
    options.run_dir = args.value_or("out", default_run_dir(args.positionals()[0], config));
  }
  options.progress = !args.flag("quiet");
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

}  // namespace mindt::cli
