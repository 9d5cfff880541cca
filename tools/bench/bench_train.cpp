// `mindt bench train`: the trainer's own step (agents/learner.h) — batch of windows, forward, loss,
// backward, clipping, AdamW — per backbone, with the windows gathered on the host (the sampler's
// thread) or on the device, eagerly or replayed as a CUDA graph (CUDA only), one seed or several
// packed in one process (agents/seed_pack.h). Each variant's median step time per model is printed
// with its speed-up over the eager, host-sampled single-seed step measured in the same run.
#include <ATen/ATen.h>

#include <iostream>

#include "agents/learner.h"
#include "agents/seed_pack.h"
#include "tools/bench/measure.h"
#include "tools/bench/report.h"
#include "tools/bench/synthetic_data.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

struct Variant {
  std::string graph, sampler;  // train.cuda_graph (off | on), train.sampler (host | device)
  int64_t seeds = 1;           // models trained together (seeds 0 … seeds − 1)
  std::string pack = "turns";  // train.pack for seeds > 1: turns | stacked
};

Row time_variant(const config::Config& base, const datasets::D4rlDataset& data,
                 const std::vector<datasets::Episode>& episodes, const Variant& v, c10::Device device,
                 const TimingPolicy& policy) {
  config::Config c = base;
  c.train.cuda_graph = v.graph;
  c.train.sampler = v.sampler;
  c.train.pack = v.pack;
  std::vector<config::Config> configs;
  for (int64_t seed = 0; seed < v.seeds; ++seed) {
    configs.push_back(c);
    configs.back().seed = seed;
  }
  SeedPack pack(configs, data, episodes, device);
  int64_t step = 0;
  for (; step < 5; ++step) pack.train_step(step);  // the graph variant records its step at the 4th
  const Timing t = time_call([&] { pack.train_step(step++); }, device, policy);
  (void)pack.learner(0).last_loss();  // waits for the device, and proves the steps ran
  Row row;
  row.set("backbone", c.model.backbone)
      .set("device", device.str())
      .set("graph", v.graph == "on" ? std::string("graph") : std::string("eager"))
      .set("sampler", v.sampler)
      .set("seeds", v.seeds)
      .set("pack", v.seeds > 1 ? v.pack : std::string("-"))
      .set("ms", t.median_ms)
      .set("ms_per_model", t.median_ms / double(v.seeds))
      .set("steps_per_s", 1e3 / t.median_ms)
      .set("reps", int64_t(t.reps));
  return row;
}

}  // namespace

int run_bench_train(const cli::ParsedArgs& args) {
  const c10::Device device = single_device(args.text("device"), "mindt bench train");
  const std::vector<std::string> backbones =
      cli::parse_names(args.text("backbones"), "mindt bench train", "backbones", "backbone", config::kBackbones);
  config::Config base = config::load_config(std::string(MINDT_SOURCE_DIR) + "/configs/base.yaml");
  base.train.batch_size = args.int_value("batch");
  base.model.context_len = args.int_value("context");
  base.eval.episodes = 0;
  if (base.train.batch_size < 1 || base.model.context_len < 1) {
    throw cli::UsageError("mindt bench train: --batch and --context must be at least 1");
  }
  const datasets::D4rlDataset data = synthetic_hopper(args.int_value("transitions"));
  const std::vector<datasets::Episode> episodes = checked_episodes(data, base);
  TimingPolicy policy;
  policy.max_reps = static_cast<int>(args.int_value("reps"));
  policy.min_reps = std::min(3, policy.max_reps);
  policy.max_warmup = 3;

  const int64_t seeds = args.int_value("seeds");
  if (seeds < 1) throw cli::UsageError("mindt bench train: --seeds must be at least 1");
  std::vector<Variant> variants = {{"off", "host"}, {"off", "device"}};
  if (seeds > 1) variants.insert(variants.end(), {{"off", "host", seeds, "turns"}, {"off", "host", seeds, "stacked"}});
  if (device.is_cuda()) {
    variants.insert(variants.end(), {{"on", "host"}, {"on", "device"}});
    if (seeds > 1)
      variants.insert(variants.end(), {{"on", "device", seeds, "turns"}, {"off", "device", seeds, "stacked"}});
  }
  std::vector<Row> rows;
  for (const auto& backbone : backbones) {
    base.model.backbone = backbone;
    double baseline_ms = 0;
    for (const Variant& v : variants) {
      if (v.pack == "stacked" && !StackedDecisionForward::supports(backbone)) continue;
      if (!args.flag("json"))
        std::cerr << "[bench train] " << backbone << " " << v.graph << "/" << v.sampler << " × " << v.seeds << " "
                  << v.pack << "\n";
      Row row = time_variant(base, data, episodes, v, device, policy);
      const double ms = std::get<double>(*row.get("ms_per_model"));
      if (baseline_ms == 0) baseline_ms = ms;
      rows.push_back(row.set("speedup", baseline_ms / ms));
    }
  }
  if (args.flag("json")) {
    print_json(std::cout, rows);
    return 0;
  }
  std::cout << "Training step of the decision model (embed " << base.model.embed_dim << ", " << base.model.n_layers
            << " layers), batch " << base.train.batch_size << ", K=" << base.model.context_len << ", on " << device
            << (device.is_cpu() ? " (ATen " + at::get_cpu_capability() + " kernels)" : std::string())
            << "; speedup (per model) against the eager single-seed step with host-sampled windows\n";
  print_table(std::cout, rows,
              {{"backbone", "backbone", 0},
               {"graph", "step", 0},
               {"sampler", "windows", 0},
               {"seeds", "seeds", 0},
               {"pack", "packed", 0},
               {"ms", "ms", 2},
               {"ms_per_model", "ms/model", 2},
               {"steps_per_s", "steps/s", 1},
               {"speedup", "speedup", 2}});
  if (device.is_cpu()) std::cout << "(CUDA-graph rows need --device cuda)\n";
  return 0;
}

}  // namespace mindt::bench
