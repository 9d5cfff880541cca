// `mindt bench data`: loading a D4RL file (time, peak memory against its array bytes) and the window
// sampler's throughput against what a training step consumes, measured in the same run.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/file_keys.h"
#include "datasets/minari_io.h"
#include "datasets/window_sampler.h"
#include "tools/bench/bench_models.h"
#include "tools/bench/report.h"
#include "tools/commands.h"

namespace mindt::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Resident-set figures from /proc (MiB). Writing 5 to clear_refs resets the peak (VmHWM) to now.
double proc_status_mib(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(std::string(field).size())) / 1024.0;
  }
  return -1;
}
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A hopper-shaped file in D4RL's v2 layout: 1000-step episodes (a terminal now and then), random
// values, infos/qpos and qvel — the arrays a real hopper-medium-v2 file has.
void write_synthetic(const std::string& path, int64_t n) {
  datasets::D4rlDataset d;
  std::mt19937_64 rng(0);
  std::normal_distribution<float> normal;
  auto fill = [&](datasets::Array2D& a, int64_t cols) {
    a = {std::vector<float>(n * cols), n, cols};
    for (auto& x : a.data) x = normal(rng);
  };
  fill(d.observations, 11);
  fill(d.actions, 3);
  fill(d.next_observations, 11);
  fill(d.infos["qpos"], 6);
  fill(d.infos["qvel"], 6);
  d.rewards.resize(n);
  for (auto& r : d.rewards) r = 3 + normal(rng);
  d.terminals.assign(n, 0);
  d.timeouts.assign(n, 0);
  std::uniform_int_distribution<int64_t> length(200, 1000);
  for (int64_t row = 0, len = length(rng); row + len <= n; row += len, len = length(rng)) {
    (len < 1000 ? d.terminals : d.timeouts)[row + len - 1] = 1;
  }
  d.metadata["algorithm"] = std::string("synthetic");
  datasets::write_d4rl(path, d);
}

// Writes the synthetic file in a child process, so this process's heap never holds its arrays and
// the peak memory measured afterwards is the load's alone.
void write_synthetic_in_child(const std::string& path, int64_t n) {
  const pid_t child = ::fork();
  if (child == 0) {
    try {
      write_synthetic(path, n);
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      ::_exit(1);
    }
    ::_exit(0);
  }
  int status = 1;
  ::waitpid(child, &status, 0);
  if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("bench data: could not write the synthetic file " + path);
  }
}

// The bytes of the file's arrays as stored (metadata left out), the yardstick of the load's memory.
int64_t array_bytes(const std::string& path) {
  int64_t bytes = 0;
  for (const auto& k : datasets::list_keys(path)) {
    if (k.key.rfind("metadata/", 0) == 0) continue;
    int64_t count = 1;
    for (int64_t s : k.shape) count *= s;
    const int64_t width = k.dtype == "bool" ? 1 : k.dtype.find("64") != std::string::npos ? 8 : 4;
    bytes += count * width;
  }
  return bytes;
}

}  // namespace

int run_bench_data(const cli::ParsedArgs& args) {
  const int64_t n = args.int_value("transitions");
  std::string path = args.value_or("file", "");
  const bool synthetic = path.empty();
  const bool json = args.flag("json");
  if (synthetic) {
    path = (std::filesystem::temp_directory_path() / ("mindt-bench-data-" + std::to_string(::getpid()) + ".hdf5"))
               .string();
    if (!json) std::cerr << "[bench data] writing a " << n << "-transition hopper-shaped file to " << path << "\n";
    const auto t0 = Clock::now();
    write_synthetic_in_child(path, n);
    if (!json) std::cerr << "[bench data] written in " << seconds_since(t0) << " s\n";
  }
  // A Minari dataset's arrays are in its main_data.hdf5 (its metadata.json is small).
  const bool minari = !synthetic && datasets::is_minari_source(path);
  const int64_t file_array_bytes =
      array_bytes(minari ? datasets::minari_dataset_dir(path) + "/data/main_data.hdf5" : path);

  const double rss_before = proc_status_mib("VmRSS:");
  reset_peak_rss();
  const auto t0 = Clock::now();
  datasets::D4rlDataset data = datasets::read_dataset(path);
  const double load_s = seconds_since(t0);
  const double peak_extra = proc_status_mib("VmHWM:") - rss_before;
  const double kept_mib = double((data.observations.data.size() + data.actions.data.size() + data.rewards.size()) * 4 +
                                 data.terminals.size() + data.timeouts.size()) /
                          (1 << 20);
  if (synthetic) std::filesystem::remove(path);

  // Sampler throughput: windows per second from next(), with the prefetch thread, at DT's sizes.
  datasets::SamplerOptions o;
  o.context_len = args.int_value("context");
  o.batch_size = args.int_value("batch");
  datasets::WindowSampler sampler(data, datasets::split_episodes(data.terminals, data.timeouts, data.rewards), o);
  const int batches = 200;
  const auto t1 = Clock::now();
  for (int i = 0; i < batches; ++i) sampler.next();
  const double windows_per_s = batches * o.batch_size / seconds_since(t1);
  // …against one training step of the DT-sized transformer measured now.
  ModelSizes sizes;
  sizes.state_dim = data.obs_dim();
  sizes.act_dim = data.act_dim();
  TimingPolicy policy;
  policy.max_reps = 5;
  policy.max_warmup = 2;
  const double step_ms =
      time_train_step("transformer", o.batch_size, o.context_len, sizes, c10::Device(c10::kCPU), policy).median_ms;
  const double consumed_per_s = o.batch_size / (step_ms * 1e-3);

  Row row;
  row.set("transitions", data.size())
      .set("file_array_mib", double(file_array_bytes) / (1 << 20))
      .set("kept_mib", kept_mib)
      .set("load_s", load_s)
      .set("peak_rss_mib", peak_extra)
      .set("peak_over_array_bytes", peak_extra / (double(file_array_bytes) / (1 << 20)))
      .set("sampler_windows_per_s", windows_per_s)
      .set("train_step_ms", step_ms)
      .set("train_windows_per_s", consumed_per_s)
      .set("sampler_headroom", windows_per_s / consumed_per_s);
  if (json) {
    print_json(std::cout, {row});
    return 0;
  }
  std::cout << "Loading " << (synthetic ? "a synthetic hopper-shaped D4RL v2 file" : path) << ": " << data.size()
            << " transitions\n";
  print_table(std::cout, {row},
              {{"file_array_mib", "arrays in file MiB", 1},
               {"kept_mib", "kept MiB", 1},
               {"load_s", "load s", 2},
               {"peak_rss_mib", "peak RSS MiB", 1},
               {"peak_over_array_bytes", "peak / arrays", 2}});
  std::cout << "\nWindow sampler (K=" << o.context_len << ", batch " << o.batch_size
            << ", prefetch thread) vs one transformer training step on this machine\n";
  print_table(std::cout, {row},
              {{"sampler_windows_per_s", "sampler windows/s", 0},
               {"train_step_ms", "train step ms", 1},
               {"train_windows_per_s", "step consumes windows/s", 0},
               {"sampler_headroom", "headroom x", 0}});
  return 0;
}

}  // namespace mindt::bench
