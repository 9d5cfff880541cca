// `mindt bench models`: each backbone inside the decision model, at the Decision Transformer's size.
//   train      one optimiser step (forward, masked MSE, backward, clip, AdamW) on a batch of windows,
//              at DT's K=20 and at a long context (default K=1000: a whole episode, 3000 tokens);
//   inference  milliseconds per environment step for one episode, in window mode (the last K steps
//              re-encoded) and recurrent mode (the state carried), measured once the episode is K
//              steps deep. Recurrent backbones should cost the same at any depth; attention's key/value
//              cache grows with it.
// Ratios are to the transformer measured in the same run.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <iostream>
#include <map>
#include <sstream>

#include "agents/decision_model.h"
#include "agents/decision_policy.h"
#include "tools/bench/bench_models.h"
#include "tools/bench/measure.h"
#include "tools/bench/report.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

config::ModelConfig model_config(const std::string& backbone, int64_t context, int64_t depth_steps) {
  config::ModelConfig m;  // DT's defaults: embed 128, 3 layers, 1 head, dropout 0.1
  m.backbone = backbone;
  m.context_len = context;
  // Long enough for every timestep the inference measurement reaches.
  m.max_ep_len = std::max<int64_t>(m.max_ep_len, context + depth_steps);
  return m;
}

// Mean milliseconds per environment step over steps K − n/2 … K + n/2 of one episode.
double time_inference(const std::string& backbone, InferenceMode mode, int64_t context, const ModelSizes& sizes,
                      c10::Device dev) {
  DecisionModel model(model_config(backbone, context, sizes.depth_steps), sizes.state_dim, sizes.act_dim);
  model->to(dev);
  DecisionPolicy policy(model, mode);
  policy.reset(1);
  const auto opts = at::TensorOptions().device(dev);
  const at::Tensor state = at::randn({1, sizes.state_dim}, opts), rtg = at::ones({1}, opts);
  auto act = [&](int64_t t) { policy.act(state, rtg, at::full({1}, t, opts.dtype(at::kLong))); };
  const int64_t start = std::max<int64_t>(0, context - sizes.depth_steps / 2);
  for (int64_t t = 0; t < start; ++t) act(t);
  if (dev.is_cuda()) torch::cuda::synchronize();
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t t = start; t < start + sizes.depth_steps; ++t) act(t);
  if (dev.is_cuda()) torch::cuda::synchronize();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - t0;
  return elapsed.count() / sizes.depth_steps;
}

// x_<key>: each timing as a ratio to the transformer's of this run (when it was measured).
void add_transformer_ratios(std::vector<Row>& rows) {
  const Row* base = nullptr;
  for (const auto& r : rows) {
    if (std::get<std::string>(*r.get("backbone")) == "transformer") base = &r;
  }
  if (!base) return;
  const Row reference = *base;
  for (auto& r : rows) {
    for (const char* key :
         {"train_ms", "train_long_ms", "window_ms", "window_long_ms", "recurrent_ms", "recurrent_long_ms"}) {
      if (!r.get(key)) continue;  // --train-only
      r.set(std::string("x_") + key, std::get<double>(*r.get(key)) / std::get<double>(*reference.get(key)));
    }
  }
}

}  // namespace

Timing time_train_step(const std::string& backbone, int64_t batch, int64_t context, const ModelSizes& sizes,
                       c10::Device dev, const TimingPolicy& policy, int64_t* parameter_count) {
  DecisionModel model(model_config(backbone, context, sizes.depth_steps), sizes.state_dim, sizes.act_dim);
  model->to(dev);
  model->train();
  int64_t count = 0;
  for (const auto& p : model->parameters()) count += p.numel();
  if (parameter_count) *parameter_count = count;
  const auto opts = at::TensorOptions().device(dev);
  const at::Tensor states = at::randn({batch, context, sizes.state_dim}, opts);
  const at::Tensor actions = at::rand({batch, context, sizes.act_dim}, opts) * 2 - 1;
  const at::Tensor returns = at::rand({batch, context}, opts);
  const at::Tensor timesteps = at::arange(context, opts.dtype(at::kLong)).expand({batch, context}).contiguous();
  at::Tensor mask = at::ones({batch, context}, opts.dtype(at::kBool));
  mask.narrow(1, 0, context / 4).narrow(0, 0, batch / 2).fill_(false);  // some padded windows, as sampled
  const at::Tensor weight = mask.unsqueeze(-1).to(at::kFloat);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-4));
  return time_call(
      [&] {
        optimizer.zero_grad();
        const at::Tensor predicted = model->forward(states, actions, returns, timesteps, mask);
        const at::Tensor loss = ((predicted - actions).pow(2) * weight).sum() / (weight.sum() * sizes.act_dim);
        loss.backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), 0.25);
        optimizer.step();
      },
      dev, policy);
}

int run_bench_models(const cli::ParsedArgs& args) {
  const bool quick = args.flag("quick");
  ModelSizes sizes;
  sizes.batch = args.int_value("batch");
  sizes.context = args.int_value("context");
  sizes.long_batch = args.int_value("long-batch");
  sizes.long_context = args.value("long-context") ? args.int_value("long-context") : (quick ? 100 : 1000);
  const auto backbones = cli::parse_names(args.value_or("backbones", "transformer,mingru,minlstm,gru,lstm,mamba"),
                                          "mindt bench models", "backbones", "backbone", config::kBackbones);
  const c10::Device dev = single_device(args.text("device"), "mindt bench models");
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  TimingPolicy policy;
  policy.max_reps = int(args.int_value("reps"));
  policy.min_reps = std::min(policy.min_reps, policy.max_reps);
  policy.max_warmup = 2;
  if (quick) policy.budget_s = 0.1;
  at::manual_seed(0);
  const bool json = args.flag("json");
  const bool train_only = args.flag("train-only");

  std::vector<Row> rows;
  for (const auto& name : backbones) {
    auto progress = [&](const std::string& what) {
      if (!json) std::cerr << "\r[bench models] " << name << ": " << what << "                    " << std::flush;
    };
    int64_t parameters = 0;
    Row row;
    row.set("backbone", name).set("device", dev.str());
    progress("train K=" + std::to_string(sizes.context));
    row.set("train_ms", time_train_step(name, sizes.batch, sizes.context, sizes, dev, policy, &parameters).median_ms);
    row.set("parameters", parameters);
    if (!train_only) {
      progress("train K=" + std::to_string(sizes.long_context));
      row.set("train_long_ms",
              time_train_step(name, sizes.long_batch, sizes.long_context, sizes, dev, policy, nullptr).median_ms);
      for (const auto& [mode, key] :
           {std::pair{InferenceMode::kWindow, "window"}, {InferenceMode::kRecurrent, "recurrent"}}) {
        progress(std::string(key) + " inference");
        row.set(std::string(key) + "_ms", time_inference(name, mode, sizes.context, sizes, dev));
        row.set(std::string(key) + "_long_ms", time_inference(name, mode, sizes.long_context, sizes, dev));
      }
      row.set("recurrent_growth",
              std::get<double>(*row.get("recurrent_long_ms")) / std::get<double>(*row.get("recurrent_ms")));
    }
    rows.push_back(std::move(row));
  }
  add_transformer_ratios(rows);
  if (json) {
    print_json(std::cout, rows);
    return 0;
  }
  std::cerr << "\r" << std::string(70, ' ') << "\r";
  if (train_only) {
    std::cout << "Decision model (embed 128, 3 layers, hopper dims), " << dev << ", CPU threads "
              << at::get_num_threads() << "\n  train: ms per optimiser step, batch " << sizes.batch
              << " at K=" << sizes.context << ";  x = ratio to the transformer (lower is faster)\n";
    print_table(std::cout, rows,
                {{"backbone", "backbone"}, {"parameters", "params"}, {"train_ms", "ms", 1}, {"x_train_ms", "x", 2}});
    return 0;
  }
  const std::string K = std::to_string(sizes.context), L = std::to_string(sizes.long_context);
  std::cout << "Decision model (embed 128, 3 layers, hopper dims), " << dev << ", CPU threads " << at::get_num_threads()
            << "\n  train: ms per optimiser step, batch " << sizes.batch << " at K=" << K << ", batch "
            << sizes.long_batch << " at K=" << L << ";  x = ratio to the transformer (lower is faster)\n";
  print_table(std::cout, rows,
              {{"backbone", "backbone"},
               {"parameters", "params"},
               {"train_ms", "ms K=" + K, 1},
               {"x_train_ms", "x", 2},
               {"train_long_ms", "ms K=" + L, 1},
               {"x_train_long_ms", "x", 2}});
  std::cout << "\n  inference: ms per environment step, one episode, once it is K steps deep\n"
            << "  growth = recurrent ms at K=" << L << " / at K=" << K << " (1 = independent of depth)\n";
  print_table(std::cout, rows,
              {{"backbone", "backbone"},
               {"window_ms", "window K=" + K, 3},
               {"window_long_ms", "window K=" + L, 2},
               {"recurrent_ms", "recurrent K=" + K, 3},
               {"recurrent_long_ms", "recurrent K=" + L, 3},
               {"recurrent_growth", "growth", 2}});
  return 0;
}

}  // namespace mindt::bench
