// `mindt sweep --launcher slurm` through a real Slurm: a one-node cluster on this machine
// (tools/slurm_local.sh: munged, slurmctld, slurmd), started for each test and stopped after it.
// A sweep run through Slurm gives the numbers of the same sweep run in this process; a task killed
// mid-run is reported with its log, and resubmitting finishes the sweep with the uninterrupted
// numbers. Skipped where the cluster cannot start (not root, or slurm-wlm missing).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "datasets/d4rl_dataset.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct SlurmSweep : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/sweep_slurm_" + std::to_string(::getpid());
  std::string cluster = dir + "/cluster";
  bool cluster_up = false;

  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir + "/data");
    const int status = std::system(
        ("bash " MINDT_SOURCE_DIR "/tools/slurm_local.sh start " + cluster + " > " + dir + "/cluster.txt 2>&1")
            .c_str());
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) GTEST_SKIP() << read(dir + "/cluster.txt");
    ASSERT_EQ(status, 0) << read(dir + "/cluster.txt");
    cluster_up = true;
    ::setenv("SLURM_CONF", (cluster + "/slurm.conf").c_str(), 1);
    datasets::write_d4rl(dir + "/data/hopper-medium-v2.hdf5",
                         mindt::testing::make_dataset({120, 80, 150, 50}, {1, 2, 1, 0}, 11, 3));
  }
  void TearDown() override {
    if (cluster_up) std::system(("bash " MINDT_SOURCE_DIR "/tools/slurm_local.sh stop " + cluster).c_str());
    fs::remove_all(dir);
  }

  // Two cells: mingru seeds 0 and 1.
  std::string sweep_line(int64_t steps, const std::string& out, const std::string& extra) const {
    return std::string(MINDT_BINARY) + " sweep --datasets medium --backbones mingru --seeds 0,1 --steps " +
           std::to_string(steps) + " --warmup 2 --episodes 1 --data-dir " + dir + "/data --out " + dir + "/" + out +
           " --json-out " + dir + "/" + out + ".json --set model.embed_dim=16 --set model.n_layers=1" +
           " --set train.batch_size=8 --set model.context_len=5 --set train.checkpoint_every=40 " + extra;
  }
  std::pair<int, std::string> sweep(int64_t steps, const std::string& out, const std::string& extra = "") {
    return mindt::testing::run_capturing(sweep_line(steps, out, extra), dir + "/printed.txt");
  }
  std::string squeue() {
    return mindt::testing::run_capturing("squeue --me --noheader --array --format='%F %K %T'", dir + "/squeue.txt")
        .second;
  }
};

TEST_F(SlurmSweep, GivesTheNumbersOfTheSameSweepInProcess) {
  auto [status, text] =
      sweep(12, "slurm", "--launcher slurm --wait --poll 0.2 --slurm-opt time=10:00 --slurm-opt cpus-per-task=1");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "submitted Slurm job ");
  EXPECT_HAS(text, "2 array tasks (cells 0, 1)");
  EXPECT_HAS(text, "| hopper-medium | 3600 |");
  const std::string script = read(dir + "/slurm/slurm/sweep-1.sbatch");
  EXPECT_HAS(script, "#SBATCH --array=0,1\n");
  EXPECT_HAS(script, "#SBATCH --time=10:00\n");
  EXPECT_HAS(script, "#SBATCH --cpus-per-task=1\n");
  EXPECT_HAS(script, "'--cell' \"$SLURM_ARRAY_TASK_ID\"\n");
  EXPECT_HAS(read(dir + "/slurm/slurm/cell-1.log"), "[sweep 2/2] hopper-medium-v2 mingru seed 1: normalized");

  auto [local_status, local_text] = sweep(12, "local");
  ASSERT_EQ(local_status, 0) << local_text;
  EXPECT_EQ(read(dir + "/slurm.json"), read(dir + "/local.json"));

  // The two seeds packed in one task: one array task, the same numbers.
  auto [packed_status, packed_text] = sweep(12, "packed", "--launcher slurm --wait --poll 0.2 --pack-seeds");
  ASSERT_EQ(packed_status, 0) << packed_text;
  EXPECT_HAS(packed_text, "1 array task (cells 0, 1, seeds packed)");
  EXPECT_HAS(read(dir + "/packed/slurm/sweep-1.sbatch"), "  0) cells=0,1 ;;\n");
  EXPECT_HAS(read(dir + "/packed/slurm/cell-0.log"), "[sweep] 2 seeds packed in one run");
  EXPECT_EQ(read(dir + "/packed.json"), read(dir + "/local.json"));

  // Everything finished: the same command submits nothing and prints the same table.
  auto [again_status, again_text] = sweep(12, "slurm", "--launcher slurm --wait --poll 0.2");
  ASSERT_EQ(again_status, 0) << again_text;
  EXPECT_EQ(again_text.find("submitted"), std::string::npos) << again_text;
  EXPECT_FALSE(fs::exists(dir + "/slurm/slurm/sweep-2.sbatch"));
}

TEST_F(SlurmSweep, AKilledTaskIsListedAndResubmittingFinishesWithTheUninterruptedNumbers) {
  // The waiting sweep in the background; cell 0's task is killed once it has checkpointed.
  const std::string line = sweep_line(600, "slurm", "--launcher slurm --wait --poll 0.2 --set train.log_every=10");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string redirected = "exec " + line + " > '" + dir + "/waiting.txt' 2>&1";
    ::execl("/bin/sh", "sh", "-c", redirected.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string run = dir + "/slurm/hopper-medium-v2/mingru-seed0";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (!(fs::exists(run + "/checkpoint.pt") && read(run + "/log.jsonl").find("\"step\": 50,") != std::string::npos) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(fs::exists(run + "/checkpoint.pt")) << read(dir + "/waiting.txt");
  const std::string job =
      read(dir + "/slurm/slurm/jobs.json").substr(read(dir + "/slurm/slurm/jobs.json").find("\"job\": \"") + 8);
  const std::string task = job.substr(0, job.find('"')) + "_0";
  ASSERT_EQ(std::system(("scancel --full --signal=KILL " + task).c_str()), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string waiting = read(dir + "/waiting.txt");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << waiting;
  EXPECT_FALSE(fs::exists(run + "/eval.json")) << "the task was not killed before it finished\n" << waiting;
  EXPECT_HAS(waiting, "[sweep 1/2] hopper-medium-v2 mingru seed 0: its task in Slurm job ");
  EXPECT_HAS(waiting,
             "ended without finishing (failed, killed or out of time); its log is " + dir + "/slurm/slurm/cell-0.log");
  EXPECT_HAS(waiting, "1 cell did not finish");
  EXPECT_HAS(waiting, "(1 seed) |");  // the table of the cell that finished

  // --report says the same without waiting for anything.
  auto [report_status, report] = sweep(600, "slurm", "--set train.log_every=10 --report");
  EXPECT_EQ(report_status, 0) << report;
  EXPECT_HAS(report, "Not finished:\n[sweep 1/2] hopper-medium-v2 mingru seed 0: its task in Slurm job ");

  // Resubmitted: only cell 0, which resumes its checkpoint.
  auto [again_status, again] = sweep(600, "slurm", "--launcher slurm --wait --poll 0.2 --set train.log_every=10");
  ASSERT_EQ(again_status, 0) << again;
  EXPECT_HAS(again, "1 array task (cells 0)");
  EXPECT_HAS(read(dir + "/slurm/slurm/sweep-2.sbatch"), "#SBATCH --array=0\n");
  EXPECT_HAS(read(dir + "/slurm/slurm/cell-0.log"), "mingru seed 0: resuming");
  EXPECT_TRUE(squeue().empty());

  auto [local_status, local_text] = sweep(600, "local", "--set train.log_every=10");
  ASSERT_EQ(local_status, 0) << local_text;
  EXPECT_EQ(read(dir + "/slurm.json"), read(dir + "/local.json"));
}

}  // namespace
}  // namespace mindt
