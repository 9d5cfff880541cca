// `mindt bench scan`: the linear-scan kernels against the paper's log-space reference and a
// memory-copy floor, the minGRU/minLSTM layers against torch's GRU/LSTM (the paper's Fig. 1), and
// (--selective) Mamba's fused selective scan against its materialised-state composite form.
// Everything is timed forward + backward, in float32, in this one run.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "agents/layers/min_rnn.h"
#include "kernels/linear_scan.h"
#include "kernels/selective_scan.h"
#include "tools/bench/measure.h"
#include "tools/bench/report.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

Row base_row(const std::string& op, const std::string& impl, c10::Device dev, int64_t B, int64_t T, int64_t D) {
  Row r;
  r.set("op", op).set("impl", impl).set("device", dev.str()).set("B", B).set("T", T).set("D", D);
  return r;
}

// Scan rows for one device: reference, fused kernel, copy floor.
std::vector<Row> scan_rows(c10::Device dev, int64_t B, int64_t T, int64_t D, const TimingPolicy& policy) {
  const auto opts = at::TensorOptions().dtype(at::kFloat).device(dev);
  // Gates in (0, 1) and positive values: valid inputs for both the linear and the log-space form.
  const at::Tensor a = at::sigmoid(at::randn({B, T, D}, opts)).requires_grad_(true);
  const at::Tensor b = (at::rand({B, T, D}, opts) + 0.1).requires_grad_(true);
  const at::Tensor log_a = at::log(a.detach()).requires_grad_(true);
  const at::Tensor log_b = at::log(b.detach()).requires_grad_(true);
  const at::Tensor grad = at::randn({B, T, D}, opts);

  const Timing fused = time_call(
      [&] {
        torch::autograd::grad({kernels::linear_scan(a, b)}, {a, b}, {grad});
      },
      dev, policy);
  const Timing ref = time_call(
      [&] {
        torch::autograd::grad({kernels::reference::log_space_scan(log_a, log_b)}, {log_a, log_b}, {grad});
      },
      dev, policy);
  // Forward + backward must move 8 arrays of B·T·D floats (read a, b, write h; read grad, a, h,
  // write grad_a, grad_b): the work of 4 plain copies of one array.
  at::Tensor dst = at::empty_like(grad);
  const Timing copy = time_call([&] { dst.copy_(grad); }, dev, policy);
  const double floor_ms = 4 * copy.median_ms;
  const double bytes = 8.0 * double(B * T * D) * sizeof(float);

  std::vector<Row> rows;
  for (const auto& [impl, t] :
       {std::pair<std::string, Timing>{"reference", ref}, {dev.is_cuda() ? "cuda" : "cpu", fused}}) {
    rows.push_back(base_row("scan", impl, dev, B, T, D)
                       .set("ms", t.median_ms)
                       .set("gbps", bytes / (t.median_ms * 1e-3) / 1e9)
                       .set("floor_ms", floor_ms)
                       .set("x_floor", t.median_ms / floor_ms)
                       .set("speedup", ref.median_ms / t.median_ms)
                       .set("reps", int64_t(t.reps)));
  }
  return rows;
}

// Layer rows for one device: minGRU, minLSTM (parallel scan) vs GRU, LSTM (cuDNN on GPU).
std::vector<Row> layer_rows(c10::Device dev, int64_t B, int64_t T, int64_t D, const TimingPolicy& policy) {
  const at::Tensor x = at::randn({B, T, D}, at::TensorOptions().device(dev)).requires_grad_(true);
  auto grads_of = [&](const at::Tensor& y, torch::nn::Module& m) {
    std::vector<at::Tensor> inputs = m.parameters();
    inputs.push_back(x);
    torch::autograd::grad({y.sum()}, inputs);
  };
  layers::MinGRU mingru(D);
  layers::MinLSTM minlstm(D);
  torch::nn::GRU gru(torch::nn::GRUOptions(D, D).batch_first(true));
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(D, D).batch_first(true));
  mingru->to(dev);
  minlstm->to(dev);
  gru->to(dev);
  lstm->to(dev);
  const std::vector<std::pair<std::string, std::function<void()>>> runs = {
      {"mingru", [&] { grads_of(mingru->forward(x).output, *mingru); }},
      {"minlstm", [&] { grads_of(minlstm->forward(x).output, *minlstm); }},
      {"gru", [&] { grads_of(std::get<0>(gru->forward(x)), *gru); }},
      {"lstm", [&] { grads_of(std::get<0>(lstm->forward(x)), *lstm); }},
  };
  std::vector<Row> rows;
  std::map<std::string, double> ms;
  for (const auto& [name, fn] : runs) {
    const Timing t = time_call(fn, dev, policy);
    ms[name] = t.median_ms;
    rows.push_back(base_row("layer", name, dev, B, T, D)
                       .set("ms", t.median_ms)
                       .set("peak_mib", peak_memory_mib(fn, dev))
                       .set("reps", int64_t(t.reps)));
  }
  // Speed-up of each min-RNN over its classic counterpart, as the paper reports it.
  for (auto& r : rows) {
    const std::string impl = std::get<std::string>(*r.get("impl"));
    const std::string classic = impl == "mingru" ? "gru" : impl == "minlstm" ? "lstm" : "";
    r.set("speedup", classic.empty() ? 1.0 : ms[classic] / ms[impl]);
  }
  return rows;
}

// The composite's peak tensor memory in MiB: about 5.2 float32 copies of its [B, T, D, N] state
// (1330 MiB measured at B=64, T=512, D=128, N=16), so it is judged before it is allocated.
double expected_composite_mib(int64_t B, int64_t T, int64_t D, int64_t N) {
  return 5.2 * double(B) * double(T) * double(D) * double(N) * 4.0 / (1024.0 * 1024.0);
}

// Selective-scan rows: the fused kernel against the composite form (the [B, T, D, N] state made
// and scanned by linear_scan), with Mamba's N = 16 and its initial Δ and A ranges. A composite
// expected to need more than max_mib is left out (its row says so) rather than exhaust the memory.
std::vector<Row> selective_rows(c10::Device dev, int64_t B, int64_t T, int64_t D, const TimingPolicy& policy,
                                double max_mib) {
  constexpr int64_t kStates = 16;
  const auto opts = at::TensorOptions().dtype(at::kFloat).device(dev);
  const std::vector<at::Tensor> inputs = {at::randn({B, T, D}, opts).requires_grad_(true),
                                          (at::rand({B, T, D}, opts) * (0.1 - 1e-3) + 1e-3).requires_grad_(true),
                                          (-at::arange(1, kStates + 1, opts).repeat({D, 1})).requires_grad_(true),
                                          at::randn({B, T, kStates}, opts).requires_grad_(true),
                                          at::randn({B, T, kStates}, opts).requires_grad_(true)};
  const at::Tensor grad = at::randn({B, T, D}, opts);
  const auto call = [&](bool fused) {
    return [&, fused] {
      const auto& in = inputs;
      const at::Tensor y = fused ? kernels::selective_scan(in[0], in[1], in[2], in[3], in[4])
                                 : kernels::selective_scan_composite(in[0], in[1], in[2], in[3], in[4]);
      torch::autograd::grad({y}, in, {grad});
    };
  };
  // On the GPU selective_scan is the composite itself (no fused CUDA kernel yet): one row.
  std::vector<std::pair<std::string, std::function<void()>>> impls;
  std::vector<Row> rows;
  const double expected_mib = expected_composite_mib(B, T, D, kStates);
  if (expected_mib <= max_mib) {
    impls.emplace_back("composite", call(false));
  } else {
    std::ostringstream why;
    why << std::fixed << std::setprecision(1) << "skipped: expected " << expected_mib / 1024.0 << " GiB (--max-gib "
        << max_mib / 1024.0 << ")";
    rows.push_back(base_row("selective_scan", "composite", dev, B, T, D).set("N", kStates).set("skipped", why.str()));
  }
  if (dev.is_cpu()) impls.emplace_back("cpu", call(true));
  double composite_ms = 0;
  for (const auto& [impl, fn] : impls) {
    const Timing t = time_call(fn, dev, policy);
    if (impl == "composite") composite_ms = t.median_ms;
    rows.push_back(base_row("selective_scan", impl, dev, B, T, D)
                       .set("N", kStates)
                       .set("ms", t.median_ms)
                       .set("peak_mib", peak_memory_mib(fn, dev))
                       .set("reps", int64_t(t.reps)));
    if (composite_ms > 0) rows.back().set("speedup", composite_ms / t.median_ms);
  }
  return rows;
}

// The columns every table starts with (which measurement), then `rest` (its figures).
std::vector<Column> columns(std::vector<Column> rest) {
  std::vector<Column> all = {{"device", "device"}, {"D", "D"}, {"T", "T"}, {"impl", "impl"}};
  all.insert(all.end(), rest.begin(), rest.end());
  return all;
}

// The three tables (scans, layers, selective scans), each with a line saying what its ratios mean.
void print_tables(int64_t B, const std::vector<Row>& scans, const std::vector<Row>& layers,
                  const std::vector<Row>& selective) {
  std::cout << "Linear scan h_t = a_t*h_{t-1} + b_t, forward+backward, float32, B=" << B << ", CPU threads "
            << at::get_num_threads() << "\n"
            << "  speedup = reference ms / ms;  x_floor = ms / (time to copy the 8 arrays the scan must touch)\n";
  print_table(std::cout, scans,
              columns({{"ms", "ms", 3},
                       {"gbps", "GB/s", 1},
                       {"floor_ms", "floor ms", 3},
                       {"x_floor", "x floor", 2},
                       {"speedup", "speedup", 1}}));
  const std::vector<Column> layer_columns =
      columns({{"ms", "ms", 2}, {"peak_mib", "peak MiB", 1}, {"speedup", "speedup", 1}});
  if (!layers.empty()) {
    std::cout << "\nLayers, forward+backward of sum(output) wrt input and weights, hidden = D, B=" << B << "\n"
              << "  speedup = GRU (LSTM) ms / minGRU (minLSTM) ms;  peak = extra tensor memory of one call\n";
    print_table(std::cout, layers, layer_columns);
  }
  if (!selective.empty()) {
    std::cout << "\nMamba's selective scan (D channels, N=16 states each), forward+backward, B=" << B << "\n"
              << "  composite = exp(dA), dBx and the [B, T, D, N] state as tensors, scanned by linear_scan;\n"
              << "  speedup = composite ms / ms;  peak = extra tensor memory of one call\n";
    std::vector<Column> selective_columns = layer_columns;
    selective_columns.push_back({"skipped", "note"});
    print_table(std::cout, selective, selective_columns);
  }
}

}  // namespace

int run_bench_scan(const cli::ParsedArgs& args) {
  const bool quick = args.flag("quick");
  const int64_t B = args.int_value("batch");
  const auto dims = cli::parse_integers(args.value_or("dims", quick ? "32" : "128,256"), "mindt bench scan", "dims");
  const auto lengths =
      cli::parse_integers(args.value_or("lengths", quick ? "64,512" : "64,512,4096"), "mindt bench scan", "lengths");
  const std::string device = args.text("device");
  const double max_mib = args.number_value("max-gib") * 1024.0;
  if (device != "auto" && device != "cpu" && device != "cuda")
    throw cli::UsageError("mindt bench scan: --device must be auto, cpu or cuda, got '" + device + "'");
  const bool cuda_ready = kernels::cuda::compiled() && torch::cuda::is_available();
  if (device == "cuda" && !cuda_ready) {
    throw std::runtime_error(kernels::cuda::compiled() ? "--device cuda: no CUDA device is visible"
                                                       : "--device cuda: this build has no CUDA kernels");
  }
  std::vector<c10::Device> devices;
  if (device != "cuda") devices.emplace_back(c10::kCPU);
  if (device == "cuda" || (device == "auto" && cuda_ready)) devices.emplace_back(c10::kCUDA, 0);
  if (args.value("threads")) at::set_num_threads(int(args.int_value("threads")));
  TimingPolicy policy;
  policy.max_reps = int(args.int_value("reps"));
  policy.min_reps = std::min(policy.min_reps, policy.max_reps);
  if (quick) policy.budget_s = 0.1;
  count_cpu_tensor_memory();
  at::manual_seed(0);

  const bool json = args.flag("json");
  std::vector<Row> scans, layers, selective;
  for (const auto& dev : devices) {
    for (int64_t D : dims) {
      for (int64_t T : lengths) {
        if (!json) std::cerr << "\r[bench scan] " << dev << " D=" << D << " T=" << T << "        " << std::flush;
        for (auto& r : scan_rows(dev, B, T, D, policy)) scans.push_back(std::move(r));
        if (!args.flag("no-layers")) {
          for (auto& r : layer_rows(dev, B, T, D, policy)) layers.push_back(std::move(r));
        }
        if (args.flag("selective")) {
          for (auto& r : selective_rows(dev, B, T, D, policy, max_mib)) selective.push_back(std::move(r));
        }
      }
    }
  }
  if (json) {
    std::vector<Row> all = scans;
    all.insert(all.end(), layers.begin(), layers.end());
    all.insert(all.end(), selective.begin(), selective.end());
    print_json(std::cout, all);
    return 0;
  }
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  print_tables(B, scans, layers, selective);
  return 0;
}

}  // namespace mindt::bench
