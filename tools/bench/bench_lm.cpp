// `mindt bench lm`: how fast each backbone's language model writes text, in characters per second
// for one sequence once `context` characters are behind it — the recurrent backbones in step
// mode, the transformer with its KV cache and, as nanoGPT's sample.py does it, re-reading the
// whole window for every character. A recurrent backbone's cost per character is the same at any
// context; attention's grows with it. Ratios are to the cached transformer of the same run.
// With --train, also the training step `mindt lm train` runs (windows, forward, cross-entropy,
// backward, clipping, AdamW) per backbone.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "agents/language_model.h"
#include "agents/lm_sampler.h"
#include "tools/bench/measure.h"
#include "tools/bench/report.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

constexpr int64_t kVocab = 84;  // the Shakespeare corpus's

struct LmSize {
  int64_t dim = 384, layers = 6, heads = 6;
};

LanguageModel make_model(const std::string& backbone, const LmSize& size, int64_t context_len, c10::Device dev) {
  config::LmModelConfig m;
  m.backbone = backbone;
  m.embed_dim = size.dim;
  m.n_layers = size.layers;
  m.transformer.n_heads = size.heads;
  m.context_len = context_len;
  m.dropout = 0;
  LanguageModel model(m, kVocab);
  model->to(dev);
  model->eval();
  return model;
}

void synchronize(c10::Device dev) {
  if (dev.is_cuda()) torch::cuda::synchronize();
}

// Characters per second generating `characters` after `context` random ones were fed: the median
// over `reps` runs, each from a copy of the generator as it stood after the context (so every run
// sees the same context, and a noisy moment of the machine does not decide the figure).
double step_mode_rate(const std::string& backbone, const LmSize& size, int64_t context, int64_t characters, int reps,
                      c10::Device dev) {
  constexpr int64_t kWarmup = 4;  // untimed characters after the context: first calls allocate
  TextGenerator text(make_model(backbone, size, context + kWarmup + characters + 1, dev));
  at::Tensor logits;
  for (int64_t i = 0; i < context + kWarmup; ++i) logits = text.feed(i % kVocab);
  std::vector<double> rates;
  for (int rep = 0; rep < reps; ++rep) {
    TextGenerator run = text.clone();
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(uint64_t(rep));
    at::Tensor next = logits;
    synchronize(dev);
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < characters; ++i) next = run.feed(sample_token(next, 1.0, 0, generator));
    synchronize(dev);
    rates.push_back(double(characters) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// nanoGPT's sampling: the whole window of `context` characters through the parallel forward for
// every new character.
double window_rate(const LmSize& size, int64_t context, int64_t characters, c10::Device dev) {
  LanguageModel model = make_model("transformer", size, context, dev);
  torch::NoGradGuard no_grad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
  at::Tensor window = at::randint(kVocab, {1, context}, at::TensorOptions(at::kLong).device(dev));
  model->forward(window);  // untimed: the first call allocates
  synchronize(dev);
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < characters; ++i) {
    const int64_t next = sample_token(model->forward(window)[0][-1], 1.0, 0, generator);
    window = at::cat({window.narrow(1, 1, context - 1), at::full({1, 1}, next, window.options())}, 1);
  }
  synchronize(dev);
  return double(characters) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Milliseconds per training step at batch × window, as agents/lm_trainer.cpp steps.
double train_step_ms(const std::string& backbone, const LmSize& size, int64_t batch, int64_t window, c10::Device dev,
                     int reps) {
  LanguageModel model = make_model(backbone, size, window, dev);
  model->train();
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3).betas({0.9, 0.99}));
  const auto longs = at::TensorOptions(at::kLong).device(dev);
  const at::Tensor inputs = at::randint(kVocab, {batch, window}, longs);
  const at::Tensor targets = at::randint(kVocab, {batch, window}, longs);
  TimingPolicy policy;
  policy.max_warmup = 2;
  policy.min_reps = std::min(3, reps);
  policy.max_reps = reps;
  return time_call(
             [&] {
               optimizer.zero_grad();
               const at::Tensor loss = at::cross_entropy_loss(model->forward(inputs).flatten(0, 1), targets.flatten());
               loss.backward();
               torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
               optimizer.step();
             },
             dev, policy)
      .median_ms;
}

}  // namespace

int run_bench_lm(const cli::ParsedArgs& args) {
  const bool quick = args.flag("quick");
  LmSize size;
  size.dim = args.int_value("dim");
  size.layers = args.int_value("layers");
  size.heads = args.int_value("heads");
  if (size.dim % size.heads != 0) throw cli::UsageError("mindt bench lm: --dim must be divisible by --heads");
  const auto backbones =
      cli::parse_names(args.text("backbones"), "mindt bench lm", "backbones", "backbone", config::kBackbones);
  const auto contexts =
      cli::parse_integers(args.value_or("contexts", quick ? "16,64" : "256,4096"), "mindt bench lm", "contexts");
  const int64_t characters = quick ? 8 : args.int_value("characters");
  const int64_t window_characters = std::min<int64_t>(characters, quick ? 2 : 20);
  const int reps = quick ? 1 : int(args.int_value("reps"));
  const c10::Device dev = single_device(args.text("device"), "mindt bench lm");
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  at::manual_seed(0);
  const bool json = args.flag("json");

  std::vector<Row> rows;
  if (args.flag("train")) {
    const int64_t batch = args.int_value("train-batch"), window = args.int_value("train-context");
    std::vector<Row> train_rows;
    for (const auto& name : backbones) {
      if (!json) std::cerr << "\r[bench lm] training step, " << name << "          " << std::flush;
      Row row;
      row.set("backbone", name).set("device", dev.str()).set("batch", batch).set("context", window);
      row.set("train_ms", train_step_ms(name, size, batch, window, dev, reps));
      train_rows.push_back(std::move(row));
    }
    const Row* base = nullptr;
    for (const Row& r : train_rows)
      if (std::get<std::string>(*r.get("backbone")) == "transformer") base = &r;
    const double base_ms = base ? std::get<double>(*base->get("train_ms")) : 0;
    for (Row& r : train_rows) {
      if (base) r.set("x_train", base_ms / std::get<double>(*r.get("train_ms")));
    }
    if (json) {
      rows = train_rows;  // printed with the generation rows below
    } else {
      std::cerr << "\r" << std::string(70, ' ') << "\r";
      std::cout << "Character-level LM training step (width " << size.dim << ", " << size.layers << " layers), batch "
                << batch << " × " << window << " characters, " << dev << ", CPU threads " << at::get_num_threads()
                << "\n  ms per step (forward, cross-entropy, backward, clipping, AdamW); x = speed over the "
                   "transformer's\n";
      std::vector<Column> columns{{"backbone", "backbone"}, {"train_ms", "ms", 1}};
      if (base) columns.push_back({"x_train", "x", 2});
      print_table(std::cout, train_rows, columns);
      std::cout << "\n";
    }
  }
  const size_t train_row_count = rows.size();
  auto measure = [&](const std::string& name, const std::function<double(int64_t)>& rate) {
    Row row;
    row.set("backbone", name).set("device", dev.str());
    for (const int64_t c : contexts) {
      if (!json) std::cerr << "\r[bench lm] " << name << " at context " << c << "          " << std::flush;
      row.set("chars_per_s_" + std::to_string(c), rate(c));
    }
    rows.push_back(std::move(row));
  };
  for (const auto& name : backbones) {
    measure(name, [&](int64_t c) { return step_mode_rate(name, size, c, characters, reps, dev); });
    if (name == "transformer") {
      measure("transformer (no cache)", [&](int64_t c) { return window_rate(size, c, window_characters, dev); });
    }
  }
  // x: the cached transformer's time per character over this backbone's (higher is faster);
  // growth: the rate at the shortest context over the rate at the longest (1: constant cost).
  const Row* transformer = nullptr;
  for (size_t i = train_row_count; i < rows.size(); ++i)
    if (std::get<std::string>(*rows[i].get("backbone")) == "transformer") transformer = &rows[i];
  const std::string first = "chars_per_s_" + std::to_string(contexts.front());
  const std::string last = "chars_per_s_" + std::to_string(contexts.back());
  const Row reference = transformer ? *transformer : Row{};
  for (size_t i = train_row_count; i < rows.size(); ++i) {
    Row& r = rows[i];
    for (const int64_t c : contexts) {
      const std::string key = "chars_per_s_" + std::to_string(c);
      if (transformer)
        r.set("x_" + std::to_string(c), std::get<double>(*r.get(key)) / std::get<double>(*reference.get(key)));
    }
    r.set("growth", std::get<double>(*r.get(first)) / std::get<double>(*r.get(last)));
  }
  if (json) {
    print_json(std::cout, rows);
    return 0;
  }
  std::cerr << "\r" << std::string(70, ' ') << "\r";
  std::cout << "Character-level LM generation (width " << size.dim << ", " << size.layers << " layers, vocabulary "
            << kVocab << "), one sequence, " << dev << ", CPU threads " << at::get_num_threads() << "\n  chars/s over "
            << characters << " characters (" << window_characters << " without a cache; median of " << reps
            << " runs) after C characters of context;"
            << " x = speed over the cached transformer's; growth = chars/s at C=" << contexts.front()
            << " / at C=" << contexts.back() << "\n";
  std::vector<Column> columns{{"backbone", "backbone"}};
  for (const int64_t c : contexts) {
    columns.push_back({"chars_per_s_" + std::to_string(c), "chars/s C=" + std::to_string(c), 0});
    if (transformer) columns.push_back({"x_" + std::to_string(c), "x", 2});
  }
  columns.push_back({"growth", "growth", 2});
  print_table(std::cout, std::vector<Row>(rows.begin() + long(train_row_count), rows.end()), columns);
  return 0;
}

}  // namespace mindt::bench
