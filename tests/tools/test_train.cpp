// `mindt train` as a user runs it, as a separate process: a run killed with SIGKILL and resumed
// computes exactly the losses of an uninterrupted run (on the CPU, and on the GPU where there is
// one), and the backbone is switched by one config key.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <tuple>
#include <utility>

#include "common/json_value.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/minari_io.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) { return "'" + s + "'"; }

// A tiny hopper-shaped dataset and a small, fast model: the mechanics, not the learning, are tested.
struct TrainFixture : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/train_test_" + std::to_string(::getpid());
  std::string data = dir + "/tiny.hdf5";
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
    datasets::write_d4rl(data, mindt::testing::make_dataset({120, 80, 150, 50}, {1, 2, 1, 0}, 11, 3));
  }
  void TearDown() override { fs::remove_all(dir); }

  std::vector<std::string> command(const std::string& out, int64_t steps, const std::string& backbone = "mingru",
                                   const std::string& device = "cpu") {
    return {MINDT_BINARY,
            "train",
            std::string(MINDT_SOURCE_DIR) + "/configs/base.yaml",
            "--quiet",
            "--out",
            out,
            "--set",
            "device=" + device,
            "--set",
            "data.path=" + data,
            "--set",
            "train.steps=" + std::to_string(steps),
            "--set",
            "train.log_every=1",
            "--set",
            "train.checkpoint_every=5",
            "--set",
            "train.batch_size=8",
            "--set",
            "train.warmup_steps=50",
            "--set",
            "model.embed_dim=32",
            "--set",
            "model.n_layers=2",
            "--set",
            "model.backbone=" + backbone,
            "--set",
            "eval.episodes=0"};
  }
};

int run_to_end(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& a : args) line += shell_quote(a) + " ";
  return std::system((line + "> /dev/null 2>&1").c_str());
}

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// "step loss" of every log line.
std::vector<std::string> losses(const std::string& log_path) {
  std::ifstream in(log_path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    const auto elapsed = line.find(", \"lr\"");
    out.push_back(line.substr(0, elapsed));
  }
  return out;
}

size_t line_count(const std::string& path) { return losses(path).size(); }

// Kills a run once it has logged 12 steps, resumes it, and compares every logged loss with a run
// that was never stopped.
void expect_killed_run_to_resume_exactly(TrainFixture& f, const std::string& device,
                                         const std::vector<std::string>& extra = {}) {
  const int64_t steps = 300;
  auto command = [&](const std::string& out) {
    std::vector<std::string> args = f.command(out, steps, "mingru", device);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ASSERT_EQ(run_to_end(command(f.dir + "/whole")), 0);
  const auto expected = losses(f.dir + "/whole/log.jsonl");
  ASSERT_EQ(expected.size(), size_t(steps));

  const std::string killed = f.dir + "/killed";
  const pid_t pid = spawn(command(killed));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (line_count(killed + "/log.jsonl") < 12 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  const size_t lines_at_kill = line_count(killed + "/log.jsonl");
  ASSERT_LT(lines_at_kill, size_t(steps));
  ASSERT_TRUE(fs::exists(killed + "/checkpoint.pt"));

  ASSERT_EQ(run_to_end({MINDT_BINARY, "train", "--resume", killed, "--quiet"}), 0);
  EXPECT_EQ(losses(killed + "/log.jsonl"), expected) << "killed after " << lines_at_kill << " logged steps";
}

TEST_F(TrainFixture, KilledAndResumedRunReproducesTheUninterruptedLosses) {
  expect_killed_run_to_resume_exactly(*this, "cpu");
}

// The device-side sampler (here on the CPU, through the code the GPU runs) resumes at its batch.
TEST_F(TrainFixture, KilledAndResumedRunWithTheDeviceSamplerReproducesTheUninterruptedLosses) {
  expect_killed_run_to_resume_exactly(*this, "cpu", {"--set", "train.sampler=device"});
}

// On the GPU the optimizer's moments must be loaded onto the device and the CUDA generator restored.
TEST_F(TrainFixture, KilledAndResumedRunOnTheGpuReproducesTheUninterruptedLosses) {
  const auto [status, version] =
      mindt::testing::run_capturing(std::string(MINDT_BINARY) + " --version", dir + "/version.txt");
  ASSERT_EQ(status, 0) << version;
  if (version.find("CUDA devices 0") != std::string::npos) GTEST_SKIP() << "no CUDA device: " << version;
  expect_killed_run_to_resume_exactly(*this, "cuda");
}

// The CUDA-graph step (recorded once, replayed; AdamW's numbers on the device) against the eager
// step with torch's AdamW: the same losses but for float64 pow's last bits on the device.
TEST_F(TrainFixture, ACudaGraphStepTrainsAsTheEagerStepOnTheGpu) {
  const auto [status, version] =
      mindt::testing::run_capturing(std::string(MINDT_BINARY) + " --version", dir + "/version.txt");
  ASSERT_EQ(status, 0) << version;
  if (version.find("CUDA devices 0") != std::string::npos) GTEST_SKIP() << "no CUDA device: " << version;
  auto run = [&](const std::string& mode) {
    std::vector<std::string> args = command(dir + "/graph-" + mode, 60, "mingru", "cuda");
    args.insert(args.end(), {"--set", "train.cuda_graph=" + mode});
    EXPECT_EQ(run_to_end(args), 0) << mode;
    std::vector<double> out;
    std::ifstream in(dir + "/graph-" + mode + "/log.jsonl");
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("\"loss\": ");
      if (at != std::string::npos) out.push_back(std::stod(line.substr(at + 8)));
    }
    return out;
  };
  const std::vector<double> eager = run("off"), graphed = run("on");
  ASSERT_EQ(eager.size(), 60u);
  ASSERT_EQ(graphed.size(), 60u);
  for (size_t i = 0; i < eager.size(); ++i)
    EXPECT_NEAR(graphed[i], eager[i], 1e-5 * std::abs(eager[i])) << "step " << i;
}

// Stacked seeds on the GPU: the step recorded as a CUDA graph (every member's DeviceAdamW inside it)
// trains as the eager stacked step does.
TEST_F(TrainFixture, StackedSeedsAsACudaGraphTrainAsEagerOnTheGpu) {
  const auto [status, version] =
      mindt::testing::run_capturing(std::string(MINDT_BINARY) + " --version", dir + "/version.txt");
  ASSERT_EQ(status, 0) << version;
  if (version.find("CUDA devices 0") != std::string::npos) GTEST_SKIP() << "no CUDA device: " << version;
  for (const std::string mode : {"off", "on"}) {
    std::vector<std::string> args = command(dir + "/stacked-" + mode, 60, "mingru", "cuda");
    args.insert(args.end(), {"--seeds", "0,1,2", "--set", "train.pack=stacked", "--set", "train.cuda_graph=" + mode,
                             "--set", "model.dropout=0"});
    ASSERT_EQ(run_to_end(args), 0) << mode;
  }
  auto losses_of = [&](const std::string& mode, const std::string& seed) {
    std::vector<double> out;
    std::ifstream in(dir + "/stacked-" + mode + "/seed" + seed + "/log.jsonl");
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("\"loss\": ");
      if (at != std::string::npos) out.push_back(std::stod(line.substr(at + 8)));
    }
    return out;
  };
  for (const std::string seed : {"0", "1", "2"}) {
    const std::vector<double> eager = losses_of("off", seed), graphed = losses_of("on", seed);
    ASSERT_EQ(eager.size(), 60u);
    ASSERT_EQ(graphed.size(), 60u);
    for (size_t i = 0; i < eager.size(); ++i)
      EXPECT_NEAR(graphed[i], eager[i], 1e-5 * std::abs(eager[i])) << "seed " << seed << " step " << i;
  }
}

// The transformer's numbers depend on which of ATen's CPU kernel sets runs (docs/training.md), so
// --version and every run's first line name it, following ATEN_CPU_CAPABILITY.
TEST_F(TrainFixture, VersionAndTrainingNameTheAtenCpuKernelsInUse) {
  const auto [status, version] = mindt::testing::run_capturing(
      "ATEN_CPU_CAPABILITY=default " + std::string(MINDT_BINARY) + " --version", dir + "/version.txt");
  ASSERT_EQ(status, 0) << version;
  EXPECT_NE(version.find("ATen CPU kernels DEFAULT"), std::string::npos) << version;

  std::string line = "ATEN_CPU_CAPABILITY=default";
  for (const auto& a : command(dir + "/named", 2)) {
    if (a != "--quiet") line += " " + shell_quote(a);  // the first line is progress output
  }
  const auto [train_status, output] = mindt::testing::run_capturing(line, dir + "/train.txt");
  ASSERT_EQ(train_status, 0) << output;
  EXPECT_NE(output.find("cpu (ATen DEFAULT kernels)"), std::string::npos) << output;
}

TEST_F(TrainFixture, ARunStoppedDuringItsFinalEvaluationResumesIntoIt) {
  const std::string run = dir + "/evaluated";
  std::vector<std::string> args = command(run, 5);
  for (const char* extra : {"--set", "eval.episodes=1"}) args.push_back(extra);
  ASSERT_EQ(run_to_end(args), 0);
  ASSERT_TRUE(fs::exists(run + "/eval.json"));
  const size_t lines = line_count(run + "/log.jsonl");
  // As if killed after the final checkpoint, before the evaluation was written.
  fs::remove(run + "/eval.json");
  std::vector<std::string> log;
  {
    std::ifstream in(run + "/log.jsonl");
    for (std::string line; std::getline(in, line);) log.push_back(line);
  }
  log.pop_back();  // the evaluation's line
  {
    std::ofstream rewrite(run + "/log.jsonl");
    for (const auto& line : log) rewrite << line << "\n";
  }
  ASSERT_EQ(run_to_end({MINDT_BINARY, "train", "--resume", run, "--quiet"}), 0);
  EXPECT_TRUE(fs::exists(run + "/eval.json"));
  EXPECT_EQ(line_count(run + "/log.jsonl"), lines);
  EXPECT_HAS(losses(run + "/log.jsonl").back(), "{\"step\": 5, \"eval\": [");

  // A finished run resumed again is not evaluated a second time.
  ASSERT_EQ(run_to_end({MINDT_BINARY, "train", "--resume", run, "--quiet"}), 0);
  EXPECT_EQ(line_count(run + "/log.jsonl"), lines);
}

// A Minari dataset (made by the real minari package) and the same data written in D4RL's layout
// train to the same losses; evaluating a v5 dataset in the v4 env is refused, not done silently,
// and in hopper-v5 it is done.
TEST_F(TrainFixture, AMinariDatasetTrainsLikeItsD4rlCopy) {
  const std::string root = dir + "/minari";
  const std::string make = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/datasets/minari_make.py " +
                           root + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  const std::string minari = root + "/test/hopper/mixed-v0", copy = dir + "/copy.hdf5";
  datasets::write_d4rl(copy, datasets::read_minari(minari));
  auto with_data = [&](std::vector<std::string> args, const std::string& path) {
    for (auto& a : args) {
      if (a.rfind("data.path=", 0) == 0) a = "data.path=" + path;
    }
    return args;
  };
  ASSERT_EQ(run_to_end(with_data(command(dir + "/from_minari", 20), minari)), 0);
  ASSERT_EQ(run_to_end(with_data(command(dir + "/from_copy", 20), copy)), 0);
  const auto expected = losses(dir + "/from_copy/log.jsonl");
  ASSERT_EQ(expected.size(), 20u);
  EXPECT_EQ(losses(dir + "/from_minari/log.jsonl"), expected);

  std::vector<std::string> evaluating = with_data(command(dir + "/evaluating", 20), minari);
  evaluating.back() = "eval.episodes=2";
  std::string line;
  for (const auto& a : evaluating) line += shell_quote(a) + " ";
  const auto [status, text] = mindt::testing::run_capturing(line, dir + "/evaluating.txt");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "was collected in Hopper-v5, but data.env hopper is Hopper-v4");
  EXPECT_HAS(text, "set data.env=hopper-v5");
  EXPECT_FALSE(fs::exists(dir + "/evaluating"));
  // In the env it was collected in, it trains and is scored.
  evaluating.push_back("--set");
  evaluating.push_back("data.env=hopper-v5");
  ASSERT_EQ(run_to_end(evaluating), 0);
  // Scored against the dataset's own reference returns (minari_make.py: -20 and 3234.3).
  const json::Value eval = json::parse_file(dir + "/evaluating/eval.json");
  EXPECT_EQ(eval.at("score_reference").as_string(), "dataset");
  for (const json::Value& t : eval.at("targets").as_array()) {
    EXPECT_NEAR(t.at("score_mean").as_number(), 100.0 * (t.at("return_mean").as_number() + 20.0) / 3254.3, 1e-9);
  }
}

TEST_F(TrainFixture, OneConfigKeySwitchesTheBackbone) {
  for (const char* backbone : {"transformer", "minlstm", "gru", "lstm", "mamba"}) {
    ASSERT_EQ(run_to_end(command(dir + "/" + backbone, 6, backbone)), 0) << backbone;
    std::ifstream config(dir + "/" + backbone + "/config.yaml");
    const std::string text((std::istreambuf_iterator<char>(config)), std::istreambuf_iterator<char>());
    EXPECT_HAS(text, std::string("backbone: ") + backbone);
    EXPECT_EQ(line_count(dir + "/" + backbone + "/log.jsonl"), 6u);
  }
}

TEST_F(TrainFixture, LearningCurvesPlotFromTheLogs) {
  ASSERT_EQ(run_to_end(command(dir + "/a", 10)), 0);
  ASSERT_EQ(run_to_end(command(dir + "/b", 10, "transformer")), 0);
  const std::string png = dir + "/curves.png";
  ASSERT_EQ(run_to_end({MINDT_PYTHON, std::string(MINDT_SOURCE_DIR) + "/tools/plot_runs.py", dir + "/a", dir + "/b",
                        "--out", png}),
            0);
  ASSERT_TRUE(fs::exists(png));
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_NE(run_to_end({MINDT_PYTHON, std::string(MINDT_SOURCE_DIR) + "/tools/plot_runs.py", dir + "/nothing"}), 0);
}

std::pair<int, std::string> run_capturing(const std::vector<std::string>& args, const std::string& output_file) {
  std::string line;
  for (const auto& a : args) line += shell_quote(a) + " ";
  return mindt::testing::run_capturing(line, output_file);
}

TEST_F(TrainFixture, RefusesToOverwriteARunAndExplainsBadInput) {
  const std::string printed = dir + "/printed.txt";
  ASSERT_EQ(run_to_end(command(dir + "/run", 3)), 0);
  auto [status, text] = run_capturing(command(dir + "/run", 3), printed);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "already holds a run");

  auto with = [&](const std::string& out, const std::string& key_value) {
    auto args = command(out, 3);
    args.push_back("--set");
    args.push_back(key_value);
    return run_capturing(args, printed);
  };
  std::tie(status, text) = with(dir + "/missing", "data.path=" + dir + "/missing.hdf5");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, dir + "/missing.hdf5");
  EXPECT_FALSE(fs::exists(dir + "/missing")) << "a failed start must leave no run directory behind";

  // The fixture's data is hopper-shaped (11/3); a walker2d preset expects 17/6.
  std::tie(status, text) = with(dir + "/walker", "data.env=walker2d");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "11-dim observations and 3-dim actions, but data.env is walker2d (17 and 6): it fits hopper");
  EXPECT_FALSE(fs::exists(dir + "/walker"));

  std::tie(status, text) = with(dir + "/targets", "eval.targets=[3600, lots]");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "eval.targets[1]: expected a finite number, got 'lots'");
  EXPECT_FALSE(fs::exists(dir + "/targets"));

  std::tie(status, text) = with(dir + "/graph", "train.cuda_graph=on");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "train.cuda_graph: on needs a CUDA device (the run's device is cpu); use auto or off");
  EXPECT_FALSE(fs::exists(dir + "/graph"));

  // Episodes longer than the timestep embedding are refused before the run starts, not mid-run.
  std::tie(status, text) = with(dir + "/short", "model.max_ep_len=50");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "steps, more than the model.max_ep_len (50) timesteps the model embeds; raise model.max_ep_len");
  EXPECT_FALSE(fs::exists(dir + "/short"));

  // A file that names another env in its metadata is refused even when the sizes fit.
  auto labelled = mindt::testing::make_dataset({60, 60}, {1, 0}, 11, 3);
  labelled.metadata["env"] = std::string("walker2d-medium-v2");
  datasets::write_d4rl(dir + "/labelled.hdf5", labelled);
  std::tie(status, text) = with(dir + "/labelled", "data.path=" + dir + "/labelled.hdf5");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "metadata/env says 'walker2d-medium-v2', but data.env is hopper");
  EXPECT_FALSE(fs::exists(dir + "/labelled"));
}

// --seeds: every member of a packed run computes its solo run's losses bit for bit (each seed's
// own data stream, initial weights, dropout draws and optimizer), for every backbone; the seeds'
// losses differ from one another, so a member that drew another's numbers would be caught.
TEST_F(TrainFixture, PackedSeedsEachTrainTheirSoloRunBitForBit) {
  for (const auto& [backbone, steps] : std::vector<std::pair<std::string, int64_t>>{
           {"mingru", 300}, {"transformer", 300}, {"minlstm", 20}, {"gru", 20}, {"lstm", 20}, {"mamba", 20}}) {
    std::vector<std::vector<std::string>> solo;
    for (const std::string seed : {"0", "1"}) {
      auto args = command(dir + "/" + backbone + "-solo" + seed, steps, backbone);
      args.insert(args.end(), {"--set", "seed=" + seed});
      ASSERT_EQ(run_to_end(args), 0) << backbone;
      solo.push_back(losses(dir + "/" + backbone + "-solo" + seed + "/log.jsonl"));
      ASSERT_EQ(solo.back().size(), size_t(steps));
    }
    EXPECT_NE(solo[0], solo[1]);
    auto args = command(dir + "/" + backbone + "-packed", steps, backbone);
    args.insert(args.end(), {"--seeds", "0,1"});
    ASSERT_EQ(run_to_end(args), 0) << backbone;
    for (int seed = 0; seed < 2; ++seed) {
      EXPECT_EQ(losses(dir + "/" + backbone + "-packed/seed" + std::to_string(seed) + "/log.jsonl"), solo[seed])
          << backbone << " seed " << seed;
    }
  }
}

// A packed run killed with SIGKILL resumes (--resume FOLDER) to the uninterrupted losses; members
// whose checkpoints are at different steps are brought level and finish alike.
TEST_F(TrainFixture, AKilledPackedRunResumesToTheUninterruptedLosses) {
  const int64_t steps = 300;
  auto packed = [&](const std::string& out) {
    auto args = command(out, steps);
    args.insert(args.end(), {"--seeds", "0,1"});
    return args;
  };
  ASSERT_EQ(run_to_end(packed(dir + "/whole")), 0);
  const auto expected0 = losses(dir + "/whole/seed0/log.jsonl"), expected1 = losses(dir + "/whole/seed1/log.jsonl");
  ASSERT_EQ(expected1.size(), size_t(steps));

  const std::string killed = dir + "/killed";
  const pid_t pid = spawn(packed(killed));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (line_count(killed + "/seed1/log.jsonl") < 12 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  ASSERT_LT(line_count(killed + "/seed0/log.jsonl"), size_t(steps));
  ASSERT_EQ(run_to_end({MINDT_BINARY, "train", "--resume", killed, "--quiet"}), 0);
  EXPECT_EQ(losses(killed + "/seed0/log.jsonl"), expected0);
  EXPECT_EQ(losses(killed + "/seed1/log.jsonl"), expected1);

  // Members at steps 20 and 10 (short runs of the same config), resumed together to 300.
  const std::string uneven = dir + "/uneven";
  for (const auto& [seed, at] : {std::pair{"0", 20}, std::pair{"1", 10}}) {
    auto args = command(uneven + "/seed" + std::string(seed), at);
    args.insert(args.end(), {"--set", std::string("seed=") + seed});
    ASSERT_EQ(run_to_end(args), 0);
  }
  ASSERT_EQ(run_to_end({MINDT_BINARY, "train", "--resume", uneven + "/seed0," + uneven + "/seed1", "--set",
                        "train.steps=300", "--quiet"}),
            0);
  EXPECT_EQ(losses(uneven + "/seed0/log.jsonl"), expected0);
  EXPECT_EQ(losses(uneven + "/seed1/log.jsonl"), expected1);
}

// train.pack: stacked (one batched forward over the members' stacked weights) trains each member as
// its turn would, to rounding (dropout off: with it the stacked masks are one draw over all
// members). 300 steps of the three backbones with a batched form, 1e-5 relative; on the
// development CPU the losses came out bit-identical.
TEST_F(TrainFixture, StackedSeedsTrainAsTheirTurnsDo) {
  auto loss_of = [](const std::string& line) { return std::stod(line.substr(line.find("\"loss\": ") + 8)); };
  for (const std::string backbone : {"mingru", "minlstm", "transformer"}) {
    auto run = [&](const std::string& pack) {
      auto args = command(dir + "/" + backbone + "-" + pack, 300, backbone);
      args.insert(args.end(), {"--seeds", "0,1", "--set", "train.pack=" + pack, "--set", "model.dropout=0", "--set",
                               "train.warmup_steps=10"});
      return run_to_end(args);
    };
    ASSERT_EQ(run("turns"), 0) << backbone;
    ASSERT_EQ(run("stacked"), 0) << backbone;
    for (const std::string seed : {"0", "1"}) {
      const auto turns = losses(dir + "/" + backbone + "-turns/seed" + seed + "/log.jsonl");
      const auto stacked = losses(dir + "/" + backbone + "-stacked/seed" + seed + "/log.jsonl");
      ASSERT_EQ(turns.size(), 300u);
      ASSERT_EQ(stacked.size(), 300u);
      EXPECT_LT(loss_of(turns.back()), 0.8 * loss_of(turns.front())) << "the run did not learn: a weak comparison";
      for (size_t i = 0; i < turns.size(); ++i) {
        const double a = loss_of(turns[i]), b = loss_of(stacked[i]);
        ASSERT_NEAR(b, a, 1e-5 * std::abs(a)) << backbone << " seed " << seed << " step " << i + 1;
      }
    }
  }
  // Where there is no batched form, stacked is refused before anything is written.
  auto args = command(dir + "/gru-stacked", 3, "gru");
  args.insert(args.end(), {"--seeds", "0,1", "--set", "train.pack=stacked"});
  auto [status, text] = run_capturing(args, dir + "/printed.txt");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "train.pack: stacked, but the gru backbone has no batched form");
  EXPECT_FALSE(fs::exists(dir + "/gru-stacked"));
}

TEST_F(TrainFixture, PackedSeedsRefuseBadInput) {
  const std::string printed = dir + "/printed.txt";
  auto with = [&](std::vector<std::string> extra) {
    auto args = command(dir + "/bad", 3);
    args.insert(args.end(), extra.begin(), extra.end());
    return run_capturing(args, printed);
  };
  auto [status, text] = with({"--seeds", "0,1,0"});
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "mindt train: --seeds: seed 0 is given twice");
  std::tie(status, text) = with({"--seeds", "0,x"});
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "--seeds");
  EXPECT_FALSE(fs::exists(dir + "/bad"));

  ASSERT_EQ(run_to_end(command(dir + "/a", 3)), 0);
  auto other = command(dir + "/b", 3);
  other.insert(other.end(), {"--set", "seed=1", "--set", "train.lr=0.01"});
  ASSERT_EQ(run_to_end(other), 0);
  std::tie(status, text) =
      run_capturing({MINDT_BINARY, "train", "--resume", dir + "/a," + dir + "/b", "--quiet"}, printed);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text,
             "/b is a run of another config than " + dir + "/a (packed seeds must share everything but the seed)");
  std::tie(status, text) = run_capturing({MINDT_BINARY, "train", "--resume", dir + "/a", "--seeds", "0,1"}, printed);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "--seeds comes from the resumed runs");
}

}  // namespace
}  // namespace mindt
