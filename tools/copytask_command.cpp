// `mindt copytask`: the selective-copying table of the minRNN paper — accuracy against the number of
// layers for each backbone, mean ± std over seeds, printed beside the paper's figures.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "agents/selective_copy.h"
#include "common/atomic_file.h"
#include "common/json.h"
#include "common/mean_std.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

// The minRNN paper's selective-copying accuracies (%) by layer count (Feng et al. 2024;
// recalled, not read from the PDF: docs/results.md §2 marks them UNSURE); its setting follows the
// Mamba paper's (T=4096, 16 tokens).
const std::map<std::string, std::vector<double>> kPaper = {
    {"mingru", {37.0, 96.8, 99.5}}, {"minlstm", {37.6, 85.7, 96.0}}};
// Baselines the paper quotes from the Mamba paper with one figure each, not by layer count.
const std::map<std::string, double> kPaperSingle = {{"mamba", 99.8}};

// Thrown from the progress callback when Ctrl-C was pressed: abandons the run in progress.
struct Interrupted {};

struct Run {
  std::string backbone;
  int64_t layers = 0, seed = 0;
  CopyResult result;
};

std::string runs_json(const CopyTrainOptions& base, const std::vector<Run>& runs) {
  json::Writer w;
  w.begin_object().field("length", base.task.length).field("tokens", base.task.tokens).field("dim", base.dim);
  w.field("steps", base.steps).field("batch", base.batch).field("lr", base.lr).key("runs").begin_array();
  for (const auto& r : runs) {
    w.begin_object().field("backbone", r.backbone).field("layers", r.layers).field("seed", r.seed);
    w.field("accuracy", r.result.accuracy).field("final_loss", r.result.final_loss);
    w.field("parameters", r.result.parameters).field("seconds", r.result.seconds).end_object();
  }
  return w.end_array().end_object().str() + "\n";
}

// The runs already in a --json-out file of the same setting, so that a long grid stopped part-way
// continues where it stopped. A file of another setting is refused, not mixed in.
std::vector<Run> finished_runs(const std::string& path, const CopyTrainOptions& base) {
  if (!std::filesystem::exists(path)) return {};
  std::vector<Run> runs;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    const std::vector<std::pair<std::string, double>> setting = {
        {"length", double(base.task.length)}, {"tokens", double(base.task.tokens)}, {"dim", double(base.dim)},
        {"steps", double(base.steps)}, {"batch", double(base.batch)}, {"lr", base.lr}};
    for (const auto& [key, value] : setting) {
      const double stored = root[key].as<double>();
      if (std::abs(stored - value) > 1e-12 * std::max(1.0, std::abs(value))) {
        std::ostringstream why;
        why << path << " holds runs with " << key << " " << stored << ", not " << value
            << "; use another --json-out or delete it";
        throw std::runtime_error(why.str());
      }
    }
    for (const auto& r : root["runs"]) {
      Run run;
      run.backbone = r["backbone"].as<std::string>();
      run.layers = r["layers"].as<int64_t>();
      run.seed = r["seed"].as<int64_t>();
      run.result.accuracy = r["accuracy"].as<double>();
      run.result.final_loss = r["final_loss"].as<double>();
      run.result.parameters = r["parameters"].as<int64_t>();
      run.result.seconds = r["seconds"].as<double>();
      runs.push_back(run);
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": not a `mindt copytask` JSON file (" + e.what() + "); use another --json-out");
  }
  return runs;
}

// The paper's table: a row per backbone (and the paper's row beneath it), a column per layer count,
// accuracy (%) as mean ± std over seeds.
void print_copy_table(const CopyTrainOptions& base, const std::vector<std::string>& backbones,
                      const std::vector<int64_t>& layers, const std::vector<int64_t>& seeds,
                      const std::vector<Run>& runs) {
  std::cout << "Selective copying: " << base.task.tokens << " tokens among " << base.task.length << " positions, "
            << base.steps << " steps of batch " << base.batch << ", width " << base.dim << "; accuracy (%) on "
            << base.test_sequences << " fresh sequences, " << (seeds.size() > 1 ? "mean ± std over seeds" : "one seed")
            << "\n\n| backbone |";
  for (int64_t n : layers) std::cout << " " << n << " layer" << (n > 1 ? "s" : "") << " |";
  std::cout << "\n|---|";
  for (size_t i = 0; i < layers.size(); ++i) std::cout << "---|";
  std::cout << "\n";
  for (const auto& backbone : backbones) {
    std::cout << "| " << backbone << " |";
    for (int64_t n : layers) {
      std::vector<double> xs;
      for (const auto& r : runs) {
        if (r.backbone == backbone && r.layers == n) xs.push_back(100 * r.result.accuracy);
      }
      if (xs.empty()) {
        std::cout << " – |";
        continue;
      }
      const MeanStd s = mean_std(xs);
      std::cout << " " << std::fixed << std::setprecision(1) << s.mean;
      if (xs.size() > 1) std::cout << " ± " << s.std;
      if (xs.size() < seeds.size()) std::cout << " (" << xs.size() << (xs.size() == 1 ? " seed)" : " seeds)");
      std::cout << " |";
    }
    std::cout << "\n";
    if (auto paper = kPaper.find(backbone); paper != kPaper.end()) {
      std::cout << "| " << backbone << ", paper (T=4096) |";
      for (int64_t n : layers) {
        if (n >= 1 && n <= int64_t(paper->second.size())) std::cout << " " << paper->second[size_t(n - 1)] << " |";
        else std::cout << " |";
      }
      std::cout << "\n";
    }
  }
  for (const auto& backbone : backbones) {
    if (auto paper = kPaperSingle.find(backbone); paper != kPaperSingle.end()) {
      std::cout << "\n" << backbone << ", paper (T=4096, from the Mamba paper; layers not given per figure): "
                << std::fixed << std::setprecision(1) << paper->second << "\n";
    }
  }
}

// The options of one run of the grid; its checkpoint lives in checkpoint_dir when checkpoint_every > 0.
CopyTrainOptions run_options(const CopyTrainOptions& base, const std::string& backbone, int64_t layers, int64_t seed,
                             const std::string& checkpoint_dir, int64_t checkpoint_every) {
  CopyTrainOptions o = base;
  o.backbone = backbone;
  o.layers = layers;
  o.seed = uint64_t(seed);
  if (checkpoint_every > 0) {
    o.checkpoint_path = checkpoint_dir + "/" + backbone + "-" + std::to_string(layers) + "layers-seed" +
                        std::to_string(seed) + ".pt";
    o.checkpoint_every = checkpoint_every;
  }
  return o;
}

}  // namespace

int run_copytask(const ParsedArgs& args) {
  const auto backbones =
      parse_names(args.text("backbone"), "mindt copytask", "backbone", "backbone", config::kBackbones);
  const auto layers = parse_integers(args.text("layers"), "mindt copytask", "layers", 1);
  const auto seeds = parse_integers(args.text("seeds"), "mindt copytask", "seeds", 0);
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
  if (base.steps < 1 || base.batch < 1 || base.dim < 1) throw UsageError("mindt copytask: --steps, --batch and --dim must be positive");
  const int64_t checkpoint_every = args.int_value("checkpoint-every");
  if (checkpoint_every < 0) throw UsageError("mindt copytask: --checkpoint-every must be 0 (none) or positive");
  const std::string checkpoint_dir = args.text("checkpoint-dir");
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  const bool progress = !args.flag("quiet");

  const std::string json_out = args.value_or("json-out", "");
  const bool report_only = args.flag("report");  // the table of the runs in --json-out; trains nothing
  if (report_only && json_out.empty()) throw UsageError("mindt copytask: --report reads the runs from --json-out FILE");
  if (report_only && !std::filesystem::exists(json_out)) throw std::runtime_error(json_out + ": no such file to report on");
  const std::vector<Run> earlier = json_out.empty() ? std::vector<Run>{} : finished_runs(json_out, base);
  std::vector<Run> runs;
  // What the file gets: this grid's runs, then earlier runs of the same setting outside this grid.
  auto file_runs = [&] {
    std::vector<Run> all = runs;
    for (const auto& e : earlier) {
      const bool in_grid = std::find(backbones.begin(), backbones.end(), e.backbone) != backbones.end() &&
                           std::find(layers.begin(), layers.end(), e.layers) != layers.end() &&
                           std::find(seeds.begin(), seeds.end(), e.seed) != seeds.end();
      if (!in_grid) all.push_back(e);
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
        auto done = std::find_if(earlier.begin(), earlier.end(), [&](const Run& r) {
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
        Run run{backbone, n, seed, {}};
        try {
          run.result = train_selective_copy(o);
        } catch (const Interrupted&) {
          std::cerr << "\ninterrupted after " << runs.size() << " of " << total << " runs"
                    << (json_out.empty() || runs.empty() ? std::string("") : "; they are in " + json_out)
                    << (o.checkpoint_path.empty() ? std::string("")
                                                  : "; the run in progress has its last checkpoint in " + o.checkpoint_path)
                    << (json_out.empty() && o.checkpoint_path.empty() ? "\n" : "\nthe same command continues from there\n");
          return 130;
        }
        if (progress) {
          std::cerr << "\r" << label << ": accuracy " << std::fixed << std::setprecision(1) << 100 * run.result.accuracy
                    << "% (" << run.result.parameters << " parameters, " << std::setprecision(0) << run.result.seconds
                    << " s)            \n";
        }
        runs.push_back(std::move(run));
        if (!json_out.empty()) {  // after every run: a stopped grid keeps what it finished
          write_text_atomically(json_out, runs_json(base, file_runs()));
        }
      }
    }
  }

  if (!json_out.empty() && !report_only) {
    write_text_atomically(json_out, runs_json(base, file_runs()));
  }
  if (args.flag("json")) {
    std::cout << runs_json(base, runs);
    return 0;
  }

  print_copy_table(base, backbones, layers, seeds, runs);
  return 0;
}

}  // namespace mindt::cli
