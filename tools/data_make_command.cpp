// `mindt data make ENV-QUALITY`: a D4RL-format dataset made the way D4RL made its own, from the
// behaviour policies shipped in agents/behaviour_policies/ (or any SAC policy file); the making
// itself is agents/sac/make_dataset.h.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <stdexcept>

#include "agents/dataset_convert.h"
#include "agents/sac/make_dataset.h"
#include "datasets/d4rl_dataset.h"
#include "envs/d4rl_scores.h"
#include "tools/commands.h"

namespace mindt::cli {

namespace fs = std::filesystem;

int run_data_make(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt data make: expected one ENV-QUALITY, e.g. hopper-medium");
  sac::MakeOptions o;
  try {
    o.name = sac::parse_dataset_name(args.positionals()[0]);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("mindt data make: ") + e.what());
  }
  const std::string format = args.text("format");
  if (format != "d4rl" && format != "minari")
    throw UsageError("mindt data make: --format is d4rl or minari, got '" + format + "'");
  const std::string stem = "data/" + o.name.env + "-" + o.name.quality;
  const std::string out = args.value_or("out", format == "minari" ? stem + "-minari" : stem + "-v2.hdf5");
  if (fs::exists(out)) {
    if (args.flag("if-absent")) {
      std::cerr << "[data make] " << out << " exists; keeping it\n";
      return 0;
    }
    if (!args.flag("force"))
      throw std::runtime_error(out + " exists; pass --force to replace it (or --if-absent to keep it)");
  }
  o.transitions = args.int_value("transitions");
  if (o.transitions < 1) throw UsageError("mindt data make: --transitions must be ≥ 1");
  o.seed = static_cast<uint64_t>(args.int_value("seed"));
  o.policies_dir = std::string(MINDT_SOURCE_DIR) + "/agents/behaviour_policies";
  o.policy = args.value_or("policy", "");
  o.expert_policy = args.value_or("expert-policy", "");
  o.sac_run = args.value_or("sac-run", "");
  if (args.value("until")) o.until = args.int_value("until");
  const bool quiet = args.flag("quiet");
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  std::string rolling;  // the rollout the progress line is about; a new one starts a new line
  if (!quiet) {
    o.progress = [&](const std::string& what, int64_t done, int64_t total) {
      if (!rolling.empty() && what != rolling) std::cerr << "\n";
      rolling = what;
      std::cerr << "\r[data make] " << what << ": " << done << "/" << total << " transitions (" << std::fixed
                << std::setprecision(0) << 100.0 * double(done) / double(total) << "%), " << seconds() << " s   "
                << std::flush;
    };
  }

  datasets::D4rlDataset d;
  try {
    d = sac::make_dataset(o);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("mindt data make: ") + e.what());
  }
  if (!quiet) std::cerr << "\n";
  const fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  if (format == "minari") {
    if (fs::exists(out)) fs::remove_all(out);  // --force (checked above)
    ConvertOptions convert;
    convert.env = o.name.env;
    convert.dataset_id = "mindt/" + o.name.env + "/" + o.name.quality + "-v0";
    write_dataset(out, d, convert);
  } else {
    datasets::write_d4rl(out, d);
  }

  const sac::FinishedEpisodes finished = sac::finished_episodes(d);
  std::cout << std::fixed << std::setprecision(1) << "wrote " << out << ": " << d.size() << " transitions, "
            << finished.count << " finished episodes, mean return " << finished.mean_return << " (normalized "
            << envs::normalized_score(o.name.env, finished.mean_return) << "), " << seconds() << " s\n";
  return 0;
}

}  // namespace mindt::cli
