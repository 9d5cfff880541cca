// `mindt copytask`: the selective-copying table of the minRNN paper — accuracy against the number of
// layers for each backbone, mean ± std over seeds, printed beside the paper's figures.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "agents/selective_copy.h"
#include "agents/selective_copy_report.h"
#include "common/atomic_file.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

// Thrown from the progress callback when Ctrl-C was pressed: abandons the run in progress.
struct Interrupted {};

// The options of one run of the grid; its checkpoint lives in checkpoint_dir when checkpoint_every > 0.
CopyTrainOptions run_options(const CopyTrainOptions& base, const std::string& backbone, int64_t layers, int64_t seed,
                             const std::string& checkpoint_dir, int64_t checkpoint_every) {
  CopyTrainOptions o = base;
  o.backbone = backbone;
  o.layers = layers;
  o.seed = uint64_t(seed);
  if (checkpoint_every > 0) {
    o.checkpoint_path =
        checkpoint_dir + "/" + backbone + "-" + std::to_string(layers) + "layers-seed" + std::to_string(seed) + ".pt";
    o.checkpoint_every = checkpoint_every;
  }
  return o;
}

// The setting every run of the grid shares (task, width, budget), checked.
CopyTrainOptions setting(const ParsedArgs& args) {
  CopyTrainOptions base;
  base.task.length = args.int_value("length");
  base.task.tokens = args.int_value("tokens");
  base.dim = args.int_value("dim");
  base.steps = args.int_value("steps");
  base.batch = args.int_value("batch");
  base.lr = args.number_value("lr");
  if (base.task.tokens < 1 || base.task.tokens > base.task.length) {
    throw UsageError("mindt copytask: --tokens must be between 1 and --length");
  }
  if (base.steps < 1 || base.batch < 1 || base.dim < 1) {
    throw UsageError("mindt copytask: --steps, --batch and --dim must be positive");
  }
  return base;
}

// What Ctrl-C leaves behind and how to continue.
std::string interrupted_message(size_t done, size_t total, const std::string& json_out,
                                const std::string& checkpoint_path) {
  std::string text = "\ninterrupted after " + std::to_string(done) + " of " + std::to_string(total) + " runs";
  if (!json_out.empty() && done > 0) text += "; they are in " + json_out;
  if (!checkpoint_path.empty()) text += "; the run in progress has its last checkpoint in " + checkpoint_path;
  return text + (json_out.empty() && checkpoint_path.empty() ? "\n" : "\nthe same command continues from there\n");
}

template <class T>
bool contains(const std::vector<T>& items, const T& x) {
  return std::find(items.begin(), items.end(), x) != items.end();
}

}  // namespace

int run_copytask(const ParsedArgs& args) {
  const auto backbones =
      parse_names(args.text("backbone"), "mindt copytask", "backbone", "backbone", config::kBackbones);
  const auto layers = parse_integers(args.text("layers"), "mindt copytask", "layers", 1);
  const auto seeds = parse_integers(args.text("seeds"), "mindt copytask", "seeds", 0);
  const CopyTrainOptions base = setting(args);
  const int64_t checkpoint_every = args.int_value("checkpoint-every");
  if (checkpoint_every < 0) throw UsageError("mindt copytask: --checkpoint-every must be 0 (none) or positive");
  const std::string checkpoint_dir = args.text("checkpoint-dir");
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  const bool progress = !args.flag("quiet");

  const std::string json_out = args.value_or("json-out", "");
  const bool report_only = args.flag("report");  // the table of the runs in --json-out; trains nothing
  if (report_only && json_out.empty()) throw UsageError("mindt copytask: --report reads the runs from --json-out FILE");
  if (report_only && !std::filesystem::exists(json_out))
    throw std::runtime_error(json_out + ": no such file to report on");
  const std::vector<CopyRun> earlier = json_out.empty() ? std::vector<CopyRun>{} : read_copy_runs(json_out, base);
  std::vector<CopyRun> runs;
  // What the file gets: this grid's runs, then earlier runs of the same setting outside this grid.
  auto file_runs = [&] {
    std::vector<CopyRun> all = runs;
    for (const auto& e : earlier) {
      if (!contains(backbones, e.backbone) || !contains(layers, e.layers) || !contains(seeds, e.seed)) all.push_back(e);
    }
    return all;
  };
  const size_t total = backbones.size() * layers.size() * seeds.size();
  CtrlC ctrl_c;
  for (const auto& backbone : backbones) {
    for (int64_t n : layers) {
      for (int64_t seed : seeds) {
        const std::string label = "[copytask " + std::to_string(runs.size() + 1) + "/" + std::to_string(total) + "] " +
                                  backbone + ", " + std::to_string(n) + " layer" + (n > 1 ? "s" : "") + ", seed " +
                                  std::to_string(seed);
        auto done = std::find_if(earlier.begin(), earlier.end(), [&](const CopyRun& r) {
          return r.backbone == backbone && r.layers == n && r.seed == seed;
        });
        if (done != earlier.end()) {
          if (progress) {
            std::cerr << label << ": accuracy " << std::fixed << std::setprecision(1) << 100 * done->result.accuracy
                      << "% (from " << json_out << ")\n";
          }
          runs.push_back(*done);
          continue;
        }
        if (report_only) continue;
        CopyTrainOptions o = run_options(base, backbone, n, seed, checkpoint_dir, checkpoint_every);
        o.on_step = [&](int64_t step, double loss) {
          if (CtrlC::requested()) throw Interrupted{};
          if (progress && (step % 50 == 0 || step == o.steps)) {
            std::cerr << "\r" << label << ": step " << step << "/" << o.steps << "  loss " << std::fixed
                      << std::setprecision(4) << loss << "   " << std::flush;
          }
        };
        CopyRun run{backbone, n, seed, {}};
        try {
          run.result = train_selective_copy(o);
        } catch (const Interrupted&) {
          std::cerr << interrupted_message(runs.size(), total, json_out, o.checkpoint_path);
          return 130;
        }
        if (progress) {
          std::cerr << "\r" << label << ": accuracy " << std::fixed << std::setprecision(1) << 100 * run.result.accuracy
                    << "% (" << run.result.parameters << " parameters, " << std::setprecision(0) << run.result.seconds
                    << " s)            \n";
        }
        runs.push_back(std::move(run));
        if (!json_out.empty()) {  // after every run: a stopped grid keeps what it finished
          write_text_atomically(json_out, copy_runs_json(base, file_runs()));
        }
      }
    }
  }

  if (!json_out.empty() && !report_only) {
    write_text_atomically(json_out, copy_runs_json(base, file_runs()));
  }
  if (args.flag("json")) {
    std::cout << copy_runs_json(base, runs);
    return 0;
  }

  std::cout << copy_table(base, backbones, layers, seeds, runs);
  return 0;
}

}  // namespace mindt::cli
