// `mindt bench data`: loading a D4RL file (time, peak memory against its array bytes) and the window
// sampler's throughput against what a training step consumes, measured in the same run.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/file_keys.h"
#include "datasets/minari_io.h"
#include "datasets/window_sampler.h"
#include "tools/bench/bench_models.h"
#include "tools/bench/report.h"
#include "tools/bench/synthetic_data.h"
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

// A hopper-shaped file in D4RL's v2 layout (synthetic_data.h): the arrays a hopper-medium-v2 file has.
void write_synthetic(const std::string& path, int64_t n) { datasets::write_d4rl(path, synthetic_hopper(n)); }

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

// The arrays' bytes as stored; for a Minari dataset those of its main_data.hdf5.
int64_t source_array_bytes(const std::string& path) {
  const bool minari = datasets::is_minari_source(path);
  return array_bytes(minari ? datasets::minari_dataset_dir(path) + "/data/main_data.hdf5" : path);
}

// What one load of a dataset cost, measured in a child process: a fresh heap, so neither the
// parent's earlier loads nor glibc's retained memory enter its peak.
struct LoadFigures {
  double seconds = 0, peak_mib = 0;
};

LoadFigures load_in_child(const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("bench data: pipe() failed");
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    LoadFigures f;
    try {
      // A fork's child maps the parent's libraries but must fault their pages in again; list the
      // file's keys first, so HDF5's code is resident before the peak is reset and is not counted.
      (void)source_array_bytes(path);
      const double rss_before = proc_status_mib("VmRSS:");
      reset_peak_rss();
      const auto t0 = Clock::now();
      const datasets::D4rlDataset data = datasets::read_dataset(path);
      f.seconds = seconds_since(t0);
      f.peak_mib = proc_status_mib("VmHWM:") - rss_before;
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      ::_exit(1);
    }
    const bool written = ::write(fds[1], &f, sizeof f) == ssize_t(sizeof f);
    ::_exit(written ? 0 : 1);
  }
  ::close(fds[1]);
  LoadFigures f;
  const bool read_all = child > 0 && ::read(fds[0], &f, sizeof f) == ssize_t(sizeof f);
  ::close(fds[0]);
  int status = 1;
  if (child > 0) ::waitpid(child, &status, 0);
  if (!read_all || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("bench data: loading " + path + " failed (its error is above)");
  }
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// One table row per source: median load time (and its spread) and peak over `reps` loads, each
// in its own child; the sources' loads alternate so a drift in the machine's speed hits both.
std::vector<Row> time_loads(const std::vector<std::pair<std::string, std::string>>& sources, int64_t reps,
                            bool progress) {
  std::vector<std::vector<double>> seconds(sources.size()), peaks(sources.size());
  for (int64_t r = 0; r < reps; ++r) {
    for (size_t i = 0; i < sources.size(); ++i) {
      const LoadFigures f = load_in_child(sources[i].second);
      seconds[i].push_back(f.seconds);
      peaks[i].push_back(f.peak_mib);
    }
    if (progress) std::cerr << "[bench data] load round " << r + 1 << "/" << reps << "\n";
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < sources.size(); ++i) {
    const double array_mib = double(source_array_bytes(sources[i].second)) / (1 << 20);
    const double peak = median(peaks[i]);
    Row row;
    row.set("source", sources[i].first)
        .set("file_array_mib", array_mib)
        .set("load_s", median(seconds[i]))
        .set("load_s_min", *std::min_element(seconds[i].begin(), seconds[i].end()))
        .set("load_s_max", *std::max_element(seconds[i].begin(), seconds[i].end()))
        .set("peak_rss_mib", peak)
        .set("peak_over_array_bytes", peak / array_mib);
    rows.push_back(std::move(row));
  }
  if (rows.size() == 2) {  // the first source against the yardstick
    const double a = std::get<double>(*rows[0].get("load_s")), b = std::get<double>(*rows[1].get("load_s"));
    const double pa = std::get<double>(*rows[0].get("peak_rss_mib")),
                 pb = std::get<double>(*rows[1].get("peak_rss_mib"));
    for (Row& row : rows) {
      const bool yardstick = &row == &rows[1];
      row.set("load_ratio", yardstick ? 1.0 : a / b).set("peak_ratio", yardstick ? 1.0 : pa / pb);
    }
  }
  return rows;
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
  const int64_t reps = args.int_value("reps");
  if (reps < 1) throw cli::UsageError("--reps: expected at least 1, got " + std::to_string(reps));
  std::vector<std::pair<std::string, std::string>> sources{{synthetic ? "synthetic D4RL v2" : path, path}};
  if (const std::string vs = args.value_or("vs", ""); !vs.empty()) sources.emplace_back(vs + " (yardstick)", vs);
  std::vector<Row> load_rows;
  try {
    load_rows = time_loads(sources, reps, !json);
  } catch (...) {
    if (synthetic) std::filesystem::remove(path);
    throw;
  }
  const datasets::D4rlDataset data = datasets::read_dataset(path);
  const double kept_mib = double((data.observations.data.size() + data.actions.data.size() + data.rewards.size()) * 4 +
                                 data.terminals.size() + data.timeouts.size()) /
                          (1 << 20);
  if (synthetic) std::filesystem::remove(path);
  load_rows[0].set("transitions", data.size()).set("kept_mib", kept_mib);

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
  row.set("sampler_windows_per_s", windows_per_s)
      .set("train_step_ms", step_ms)
      .set("train_windows_per_s", consumed_per_s)
      .set("sampler_headroom", windows_per_s / consumed_per_s);
  if (json) {
    std::vector<Row> rows = load_rows;
    rows.push_back(row);
    print_json(std::cout, rows);
    return 0;
  }
  std::cout << "Loading " << (synthetic ? "a synthetic hopper-shaped D4RL v2 file" : path) << ": " << data.size()
            << " transitions, " << std::get<double>(*load_rows[0].get("kept_mib")) << " MiB kept; median of " << reps
            << " loads, each in a fresh process\n";
  std::vector<Column> columns{{"source", "source", 0},
                              {"file_array_mib", "arrays in file MiB", 1},
                              {"load_s", "load s", 2},
                              {"load_s_min", "min", 2},
                              {"load_s_max", "max", 2},
                              {"peak_rss_mib", "peak RSS MiB", 1},
                              {"peak_over_array_bytes", "peak / arrays", 2}};
  if (sources.size() == 2) {
    columns.push_back({"load_ratio", "load x", 2});
    columns.push_back({"peak_ratio", "peak x", 2});
  }
  print_table(std::cout, load_rows, columns);
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
