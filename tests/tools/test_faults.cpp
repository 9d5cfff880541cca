// Fault injection, as a shared machine does it to long jobs: each command killed with SIGKILL at
// random moments of its run, then every file it left checked — each output absent or complete and
// valid, never half-written — and the run finished by the command a user would type next (--resume,
// or the same command), which must give the uninterrupted run's result exactly. Then a full disk
// (RLIMIT_FSIZE) and a read-only output folder: a clear error naming the path, no partial file, the
// previous checkpoint intact.
//
// MINDT_FAULT_TRIALS (default 4) sets the kills per command; docs/reliability.md has a run with 20+.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <regex>
#include <thread>

#include "common/json_value.h"
#include "common/zip_check.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/minari_io.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int trials() {
  const char* n = std::getenv("MINDT_FAULT_TRIALS");
  return n ? std::max(1, std::atoi(n)) : 4;
}

uint64_t fresh_seed() {
  if (const char* s = std::getenv("MINDT_TEST_SEED")) return std::stoull(s);
  const uint64_t seed = (uint64_t(std::random_device{}()) << 20) ^ std::random_device{}();
  std::cout << "[ seed     ] MINDT_TEST_SEED=" << seed << "\n";
  return seed;
}

// Starts `args` with its output in `log`; `limit_bytes` > 0 caps the size of any file it writes
// (RLIMIT_FSIZE, with SIGXFSZ ignored so the write fails with EFBIG as on a full disk).
pid_t spawn(const Args& args, const std::string& log, rlim_t limit_bytes = 0) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (!std::freopen(log.c_str(), "w", stdout) || !std::freopen(log.c_str(), "a", stderr)) ::_exit(126);
    if (limit_bytes > 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{limit_bytes, limit_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

int run(const Args& args, const std::string& log, rlim_t limit_bytes = 0) {
  const int status = wait_for(spawn(args, log, limit_bytes));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool is_temporary(const fs::path& p) { return std::regex_search(p.filename().string(), std::regex(R"(\.tmp\.\d+$)")); }

// Every file under `root` that a command wrote must be complete: checkpoints and policies pass
// their zip CRC-32 check, datasets (D4RL files, Minari folders) load, JSON parses (each line of a
// .jsonl), YAML parses. Temporaries of the killed writer (NAME.tmp.PID) are not outputs; `allow_temporaries`
// says whether they may still be there.
void expect_every_output_complete(const fs::path& root, bool allow_temporaries) {
  if (!fs::exists(root)) return;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path p = it->path();
    if (is_temporary(p)) {
      EXPECT_TRUE(allow_temporaries) << p << ": a killed writer's temporary is still there after the rerun";
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory()) {
      if (fs::exists(p / "data/metadata.json")) {  // a Minari dataset, checked whole
        it.disable_recursion_pending();
        try {
          datasets::read_minari(p.string());
        } catch (const std::exception& e) {
          ADD_FAILURE() << p << ": a Minari dataset that does not load: " << e.what();
        }
      }
      continue;
    }
    const std::string ext = p.extension().string(), text = read(p);
    try {
      if (ext == ".pt") {
        EXPECT_EQ(zip_damage(p.string()), "") << p;
      } else if (ext == ".hdf5") {
        datasets::ReadOptions options;
        options.next_observations = true;
        datasets::read_d4rl(p.string(), options);
      } else if (ext == ".json") {
        json::parse(text, p.string());
      } else if (ext == ".jsonl") {
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) json::parse(line, p.string());
        EXPECT_TRUE(text.empty() || text.back() == '\n') << p << ": its last line is cut";
      } else if (ext == ".yaml") {
        EXPECT_FALSE(YAML::Load(text).IsNull()) << p << ": empty";
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << p << ": incomplete or invalid: " << e.what();
    }
  }
}

// One command under fault injection: how to start it, how a user finishes it after a kill, and
// the result that must match the uninterrupted run's.
struct KillCase {
  std::function<Args(const std::string&out)> start, finish;
  std::function<std::string(const std::string& out)> result;
  std::string outputs_under;  // the folder the check walks, "" = out itself
};

struct FaultFixture : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/faults_" + std::to_string(::getpid());
  std::string data = dir + "/tiny.hdf5";
  std::mt19937_64 rng{fresh_seed()};
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
    datasets::D4rlDataset d = mindt::testing::make_dataset({120, 80, 150, 50, 200, 90}, {1, 2, 1, 2, 1, 0}, 11, 3);
    d.next_observations = d.observations;
    d.metadata["env"] = std::string("hopper");
    datasets::write_d4rl(data, d);
  }
  void TearDown() override { fs::remove_all(dir); }

  // The uninterrupted run first (its duration bounds the kill moments), then `trials()` runs each
  // killed at a uniformly random moment of that duration, checked, finished and compared.
  void kill_at_random_moments(const std::string& name, const KillCase& c) {
    const std::string reference = dir + "/" + name + "-uninterrupted";
    const auto begin = std::chrono::steady_clock::now();
    ASSERT_EQ(run(c.start(reference), dir + "/reference.log"), 0) << read(dir + "/reference.log");
    // The first run may pay for a cold page cache; a trial that ends before its kill shows the run's
    // real length, and the moments drawn after it stay inside that.
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    const std::string expected = c.result(reference);
    ASSERT_FALSE(expected.empty());
    int killed = 0;
    for (int t = 0; t < trials(); ++t) {
      const std::string out = dir + "/" + name + "-" + std::to_string(t);
      const double moment = std::uniform_real_distribution<double>(0.02, 0.98)(rng) * seconds;
      const pid_t pid = spawn(c.start(out), dir + "/killed.log");
      std::this_thread::sleep_for(std::chrono::duration<double>(moment));
      ::kill(pid, SIGKILL);
      const int status = wait_for(pid);
      killed += WIFSIGNALED(status);
      if (!WIFSIGNALED(status)) seconds = moment;
      SCOPED_TRACE(name + " killed after " + std::to_string(moment) + " of " + std::to_string(seconds) + " s");
      const fs::path walked = c.outputs_under.empty() ? fs::path(out) : fs::path(c.outputs_under);
      expect_every_output_complete(walked, true);
      const Args next = c.finish(out);
      if (!next.empty()) ASSERT_EQ(run(next, dir + "/finish.log"), 0) << read(dir + "/finish.log");
      expect_every_output_complete(walked, false);
      EXPECT_EQ(c.result(out), expected);
      fs::remove_all(out);
    }
    std::cout << "[ faults   ] " << name << ": " << killed << " of " << trials() << " runs killed mid-run (" << seconds
              << " s uninterrupted)\n";
    EXPECT_GE(2 * killed, trials()) << "most runs ended before their kill: the moments drawn were too late";
  }

  Args train(const std::string& out, const std::string& extra_key = "") const {
    Args a = {MINDT_BINARY,
              "train",
              std::string(MINDT_SOURCE_DIR) + "/configs/base.yaml",
              "--quiet",
              "--out",
              out,
              "--set",
              "device=cpu",
              "--set",
              "data.path=" + data,
              "--set",
              "train.steps=60",
              "--set",
              "train.log_every=1",
              "--set",
              "train.checkpoint_every=7",
              "--set",
              "train.batch_size=8",
              "--set",
              "train.warmup_steps=5",
              "--set",
              "model.embed_dim=16",
              "--set",
              "model.n_layers=1",
              "--set",
              "model.backbone=mingru",
              "--set",
              "eval.episodes=1",
              "--set",
              "eval.targets=[3600]"};
    if (!extra_key.empty()) a.insert(a.end(), {"--set", extra_key});
    return a;
  }
};

// "step loss" of every log line: the losses a resumed run must reproduce (times differ).
std::string logged_losses(const std::string& log_path) {
  std::istringstream in(read(log_path));
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.substr(0, line.find(", \"lr\"")) + "\n";
  return out;
}

TEST_F(FaultFixture, TrainKilledAnywhereResumesToTheUninterruptedRun) {
  kill_at_random_moments(
      "train", {[&](const std::string& out) { return train(out); },
                [&](const std::string& out) {
                  return fs::exists(out) ? Args{MINDT_BINARY, "train", "--resume", out, "--quiet"} : train(out);
                },
                [&](const std::string& out) { return logged_losses(out + "/log.jsonl") + read(out + "/eval.json"); }});
}

TEST_F(FaultFixture, SacTrainKilledAnywhereResumesToTheUninterruptedRun) {
  auto sac = [&](const std::string& out) {
    return Args{MINDT_BINARY,
                "sac",
                "train",
                "hopper",
                "--quiet",
                "--out",
                out,
                "--set",
                "steps=900",
                "--set",
                "random_steps=200",
                "--set",
                "hidden=16",
                "--set",
                "batch_size=16",
                "--set",
                "eval_every=300",
                "--set",
                "eval_episodes=1",
                "--set",
                "log_every=100",
                "--set",
                "checkpoint_every=150",
                "--set",
                "threads=1"};
  };
  auto finish = [&](const std::string& out) {
    return fs::exists(out) ? Args{MINDT_BINARY, "sac", "train", "--resume", out, "--quiet"} : sac(out);
  };
  // The losses, returns and evaluations logged (not the speeds), and every policy snapshot's bytes.
  auto losses_and_snapshots = [&](const std::string& out) {
    std::string result;
    std::istringstream log(read(out + "/log.jsonl"));
    for (std::string line; std::getline(log, line);) result += line.substr(0, line.find(", \"steps_per_s\"")) + "\n";
    for (const auto& p : fs::directory_iterator(out + "/policies"))
      result += p.path().filename().string() + " " + std::to_string(std::hash<std::string>{}(read(p.path()))) + "\n";
    return result;
  };
  kill_at_random_moments("sac", {sac, finish, losses_and_snapshots});
}

TEST_F(FaultFixture, DataMakeKilledAnywhereLeavesNothingAndTheSameCommandMakesTheSameFile) {
  const std::string folder = dir + "/made";
  auto make = [&](const std::string& out) {
    fs::create_directories(folder);
    return Args{MINDT_BINARY, "data", "make", "hopper-medium", "--out", out, "--transitions", "4000", "--quiet"};
  };
  // Rerun with --if-absent: a run killed after its rename has left the complete file.
  kill_at_random_moments(
      "make", {[&](const std::string& out) { return make(folder + "/" + fs::path(out).filename().string() + ".hdf5"); },
               [&](const std::string& out) {
                 Args again = make(folder + "/" + fs::path(out).filename().string() + ".hdf5");
                 again.push_back("--if-absent");
                 return again;
               },
               [&](const std::string& out) { return read(folder + "/" + fs::path(out).filename().string() + ".hdf5"); },
               folder});
}

TEST_F(FaultFixture, DataConvertKilledAnywhereLeavesNothingAndTheSameCommandConvertsTheSame) {
  // A bigger input, so that the conversion takes long enough to be killed in the middle.
  std::vector<int64_t> lengths(400, 250);
  std::vector<int> ends(400, 2);
  datasets::D4rlDataset d = mindt::testing::make_dataset(lengths, ends, 11, 3);
  d.next_observations = d.observations;
  d.metadata["env"] = std::string("hopper");
  const std::string big = dir + "/big.hdf5";
  datasets::write_d4rl(big, d);
  const std::string folder = dir + "/converted";
  fs::create_directories(folder);
  auto convert = [&](const std::string& out) {
    return Args{MINDT_BINARY,
                "data",
                "convert",
                big,
                folder + "/" + fs::path(out).filename().string(),
                "--id",
                "mindt/hopper/faults-v0"};
  };
  // Killed after its rename, the conversion is complete: rerunning it would only say OUT exists.
  auto finish = [&](const std::string& out) {
    return fs::exists(folder + "/" + fs::path(out).filename().string()) ? Args{} : convert(out);
  };
  kill_at_random_moments("convert", {convert, finish,
                                     [&](const std::string& out) {
                                       const fs::path m = folder + "/" + fs::path(out).filename().string();
                                       return read(m / "data/main_data.hdf5") + read(m / "data/metadata.json");
                                     },
                                     folder});
}

TEST_F(FaultFixture, SweepWithTwoJobsKilledAnywhereFinishesToTheSameScores) {
  fs::create_directories(dir + "/data");
  fs::copy_file(data, dir + "/data/hopper-medium-v2.hdf5");
  auto sweep = [&](const std::string& out) {
    return Args{MINDT_BINARY,
                "sweep",
                "--datasets",
                "medium",
                "--backbones",
                "mingru,transformer",
                "--seeds",
                "0,1",
                "--steps",
                "30",
                "--warmup",
                "2",
                "--episodes",
                "1",
                "--data-dir",
                dir + "/data",
                "--out",
                out,
                "--json-out",
                out + "/scores.json",
                "--jobs",
                "2",
                "--quiet",
                "--set",
                "model.embed_dim=16",
                "--set",
                "model.n_layers=1",
                "--set",
                "train.batch_size=8",
                "--set",
                "model.context_len=5",
                "--set",
                "train.checkpoint_every=4"};
  };
  kill_at_random_moments("sweep", {sweep, sweep, [&](const std::string& out) { return read(out + "/scores.json"); }});
}

// A disk that fills while a checkpoint is written: the run stops with an error naming the file,
// leaves no partial file, and the checkpoint before it is intact and resumes.
TEST_F(FaultFixture, AFullDiskStopsTheRunCleanlyAndKeepsThePreviousCheckpoint) {
  const std::string out = dir + "/full";
  ASSERT_EQ(run(train(out, "train.steps=14"), dir + "/first.log"), 0) << read(dir + "/first.log");
  const std::string checkpoint = read(out + "/checkpoint.pt");
  // Continue with every file capped below a checkpoint's size (the log and config still fit).
  const rlim_t cap = rlim_t(checkpoint.size() / 2);
  ASSERT_GT(cap, fs::file_size(out + "/log.jsonl") + 4096);
  const int code =
      run({MINDT_BINARY, "train", "--resume", out, "--quiet", "--set", "train.steps=40"}, dir + "/full.log", cap);
  const std::string printed = read(dir + "/full.log");
  EXPECT_NE(code, 0) << printed;
  EXPECT_LT(code, 128) << "it crashed: " << printed;
  EXPECT_HAS(printed, out + "/checkpoint.pt");
  EXPECT_EQ(read(out + "/checkpoint.pt"), checkpoint) << "the previous checkpoint changed";
  for (const auto& p : fs::directory_iterator(out)) EXPECT_FALSE(is_temporary(p.path())) << p.path();
  ASSERT_EQ(run({MINDT_BINARY, "train", "--resume", out, "--quiet", "--set", "train.steps=40"}, dir + "/after.log"), 0)
      << read(dir + "/after.log");
}

// Making a dataset into a read-only folder, or onto a full disk: an error naming the path, nothing left.
TEST_F(FaultFixture, AReadOnlyOrFullOutputFolderIsAClearErrorAndLeavesNothing) {
  const std::string folder = dir + "/out";
  fs::create_directories(folder);
  const Args make = {MINDT_BINARY,       "data",          "make", "hopper-random", "--out",
                     folder + "/r.hdf5", "--transitions", "3000", "--quiet"};
  const int full = run(make, dir + "/full.log", 20000);
  EXPECT_NE(full, 0);
  EXPECT_LT(full, 128) << read(dir + "/full.log");
  EXPECT_HAS(read(dir + "/full.log"), folder + "/r.hdf5");
  EXPECT_TRUE(fs::is_empty(folder)) << "a partial file was left";

  // Read-only: root ignores permissions, so as root the folder is a read-only bind mount instead.
  bool read_only = false;
  if (::geteuid() != 0) {
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
    read_only = true;
  } else if (::mount(folder.c_str(), folder.c_str(), nullptr, MS_BIND, nullptr) == 0) {
    read_only = ::mount(nullptr, folder.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
    if (!read_only) ::umount(folder.c_str());
  }
  if (!read_only) GTEST_SKIP() << "cannot make a read-only folder here (root without mount rights)";
  const int code = run(make, dir + "/ro.log");
  if (::geteuid() == 0) ::umount(folder.c_str());
  fs::permissions(folder, fs::perms::owner_all);
  EXPECT_NE(code, 0);
  EXPECT_LT(code, 128) << read(dir + "/ro.log");
  EXPECT_HAS(read(dir + "/ro.log"), folder + "/r.hdf5");
  EXPECT_TRUE(fs::is_empty(folder));
}

}  // namespace
}  // namespace mindt
