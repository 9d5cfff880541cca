// `mindt bench paper`: the minRNN paper's Fig. 1 — training cost of one sequence layer as the
// sequence grows. For each token mixer (minGRU, minLSTM, Mamba, GRU, LSTM, causal self-attention) at
// B=64 and T = 64 … 4096: the time of forward + MSE loss + backward, and the peak extra tensor memory
// of that call. The mixers are exactly the ones inside the decision model's blocks (make_mixer), so
// these figures explain `mindt bench models`.
//
// Lengths run in increasing order. Before a length is run, its cost is extrapolated from the two
// lengths before it; a configuration expected to exceed --max-gib or --max-call-s is reported as
// skipped instead of being allowed to swap the machine or take an hour.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "agents/backbones/backbone.h"
#include "common/atomic_file.h"
#include "tools/bench/measure.h"
#include "tools/bench/report.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

// Predicts a cost at `length` from the last two measured points (power law, exponent clamped to
// [1, 2]: every mixer is at least linear in T and attention at most quadratic).
struct Trend {
  std::vector<std::pair<double, double>> points;  // (T, cost)
  double predict(double length) const {
    if (points.empty()) return 0;
    const auto& [t1, c1] = points.back();
    double exponent = 1;
    if (points.size() >= 2) {
      const auto& [t0, c0] = points[points.size() - 2];
      if (c0 > 0 && c1 > 0) exponent = std::clamp(std::log(c1 / c0) / std::log(t1 / t0), 1.0, 2.0);
    }
    return c1 * std::pow(length / t1, exponent);
  }
};

// One training call of the mixer `name` on [B, T, D]: its median time and its peak extra memory.
void measure_mixer(Row& row, const std::string& name, const c10::Device& dev, int64_t B, int64_t T, int64_t D,
                   const TimingPolicy& policy) {
  config::ModelConfig model;
  model.backbone = name;
  model.embed_dim = D;
  model.dropout = 0.0;
  model.n_layers = 1;
  at::manual_seed(0);
  auto mixer = backbones::make_mixer(model);
  mixer->to(dev);
  mixer->train();
  const auto opts = at::TensorOptions().device(dev);
  const at::Tensor x = at::randn({B, T, D}, opts), target = at::randn({B, T, D}, opts);
  auto step = [&] {
    mixer->zero_grad();
    const at::Tensor loss = (mixer->forward(x) - target).pow(2).mean();
    loss.backward();
  };
  const auto t0 = std::chrono::steady_clock::now();
  const double peak = peak_memory_mib(step, dev);  // also the first warm-up call
  const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  TimingPolicy p = policy;
  if (first_ms > 1000 * policy.budget_s) p.max_warmup = 1;  // slow calls: one more warm-up is enough
  const Timing t = time_call(step, dev, p);
  row.set("status", std::string("ok")).set("ms", t.median_ms).set("peak_mib", peak).set("reps", int64_t(t.reps));
}

const Row* find_row(const std::vector<Row>& rows, const std::string& name, int64_t T) {
  for (const auto& r : rows) {
    if (std::get<std::string>(*r.get("backbone")) == name && std::get<int64_t>(*r.get("T")) == T && r.get("ms"))
      return &r;
  }
  return nullptr;
}

// Speed-ups of the parallel-scan RNNs over their back-propagation-through-time counterparts.
void add_ratios(std::vector<Row>& rows) {
  for (auto& r : rows) {
    const std::string name = std::get<std::string>(*r.get("backbone"));
    const std::string classic = name == "mingru" ? "gru" : name == "minlstm" ? "lstm" : "";
    const Row* base = classic.empty() ? nullptr : find_row(rows, classic, std::get<int64_t>(*r.get("T")));
    if (base && r.get("ms")) {
      r.set("speedup", std::get<double>(*base->get("ms")) / std::get<double>(*r.get("ms")));
      r.set("memory_ratio", std::get<double>(*r.get("peak_mib")) / std::get<double>(*base->get("peak_mib")));
    }
  }
}

// A table of one field: a row per T, a column per backbone.
void print_field_table(const std::vector<Row>& rows, const std::vector<int64_t>& lengths, const std::string& key,
                       const std::string& title, int precision, const std::vector<std::string>& columns) {
  if (columns.empty()) return;
  std::cout << "\n" << title << "\n" << std::setw(8) << "T";
  for (const auto& name : columns) std::cout << std::setw(13) << name;
  std::cout << "\n";
  for (int64_t T : lengths) {
    std::cout << std::setw(8) << T;
    for (const auto& name : columns) {
      const Row* r = find_row(rows, name, T);
      std::ostringstream cell;
      if (r && r->get(key))
        cell << std::fixed << std::setprecision(precision) << std::get<double>(*r->get(key));
      else
        cell << (r || key == "speedup" || key == "memory_ratio" ? "-" : "skipped");
      std::cout << std::setw(13) << cell.str();
    }
    std::cout << "\n";
  }
}

}  // namespace

int run_bench_paper(const cli::ParsedArgs& args) {
  const bool quick = args.flag("quick");
  const int64_t B = args.int_value("batch");
  const int64_t D = args.value("dim") ? args.int_value("dim") : (quick ? 32 : 128);
  auto lengths = cli::parse_integers(args.value_or("lengths", quick ? "64,128" : "64,128,256,512,1024,2048,4096"),
                                     "mindt bench paper", "lengths");
  std::sort(lengths.begin(), lengths.end());  // the extrapolation walks up in T
  const auto backbones =
      cli::parse_names(args.text("backbones"), "mindt bench paper", "backbones", "backbone", config::kBackbones);
  const c10::Device dev = single_device(args.text("device"), "mindt bench paper");
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  const double max_mib = args.number_value("max-gib") * 1024.0;
  const double max_ms = args.number_value("max-call-s") * 1000.0;
  TimingPolicy policy;
  policy.max_warmup = 2;
  policy.max_reps = int(args.int_value("reps"));
  policy.min_reps = std::min(policy.min_reps, policy.max_reps);
  if (quick) policy.budget_s = 0.1;
  count_cpu_tensor_memory();
  const bool json = args.flag("json");

  std::vector<Row> rows;
  for (const auto& name : backbones) {
    Trend time_trend, memory_trend;
    for (int64_t T : lengths) {
      Row row;
      row.set("backbone", name).set("device", dev.str()).set("B", B).set("T", T).set("D", D);
      const double expected_ms = time_trend.predict(double(T)), expected_mib = memory_trend.predict(double(T));
      if (expected_mib > max_mib || expected_ms > max_ms) {
        std::ostringstream why;
        why << std::fixed << std::setprecision(1) << "skipped: expected " << expected_mib / 1024.0 << " GiB, "
            << expected_ms / 1000.0 << " s per call (limits --max-gib, --max-call-s)";
        rows.push_back(row.set("status", why.str()));
        continue;
      }
      if (!json) std::cerr << "\r[bench paper] " << name << " T=" << T << "              " << std::flush;
      measure_mixer(row, name, dev, B, T, D, policy);
      time_trend.points.emplace_back(double(T), std::get<double>(*row.get("ms")));
      memory_trend.points.emplace_back(double(T), std::get<double>(*row.get("peak_mib")));
      rows.push_back(row);
    }
  }
  add_ratios(rows);
  if (auto out = args.value("json-out")) {
    std::ostringstream text;
    print_json(text, rows);
    write_text_atomically(*out, text.str());
  }
  if (json) {
    print_json(std::cout, rows);
    return 0;
  }
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  std::cout << "One sequence layer (token mixer), forward + MSE loss + backward, float32, B=" << B << ", D=" << D
            << ", " << dev << (dev.is_cpu() ? ", CPU threads " + std::to_string(at::get_num_threads()) : std::string())
            << "\n";
  std::vector<std::string> min_rnns;  // the columns of the ratio tables
  for (const auto& name : backbones) {
    if (name == "mingru" || name == "minlstm") min_rnns.push_back(name);
  }
  print_field_table(rows, lengths, "ms", "ms per call", 2, backbones);
  print_field_table(rows, lengths, "peak_mib", "peak extra tensor memory, MiB", 1, backbones);
  print_field_table(rows, lengths, "speedup",
                    "speed-up over the classic RNN (GRU ms / minGRU ms, LSTM ms / minLSTM ms)", 1, min_rnns);
  print_field_table(rows, lengths, "memory_ratio",
                    "memory ratio to the classic RNN (minGRU MiB / GRU MiB, minLSTM MiB / LSTM MiB)", 2, min_rnns);
  for (const auto& r : rows) {
    if (std::get<std::string>(*r.get("status")) != "ok") {
      std::cout << "\n"
                << std::get<std::string>(*r.get("backbone")) << " T=" << std::get<int64_t>(*r.get("T")) << ": "
                << std::get<std::string>(*r.get("status"));
    }
  }
  std::cout << "\n";
  return 0;
}

}  // namespace mindt::bench
