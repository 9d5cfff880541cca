// `mindt sweep` as a user runs it: every cell trained and scored, the same command run again reads
// the finished runs instead of redoing them, a changed budget is refused rather than mixed in, and a
// missing dataset is named before anything is trained; --jobs trains runs side by side to the same
// scores, names a failed run with the end of its log, and stops every run on Ctrl-C. The Slurm
// launcher's bad input is refused before anything is submitted (its runs through a real Slurm are
// test_sweep_slurm.cpp).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

struct SweepFixture : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/sweep_test_" + std::to_string(::getpid());
  std::string data_dir_option = "--data-dir " + dir + "/data";
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir + "/data");
    // Hopper-shaped (11-dim observations, 3-dim actions) under the name the sweep looks for.
    datasets::write_d4rl(dir + "/data/hopper-medium-v2.hdf5",
                         mindt::testing::make_dataset({120, 80, 150, 50}, {1, 2, 1, 0}, 11, 3));
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string sweep_line(int64_t steps, const std::string& extra) const {
    return std::string(MINDT_BINARY) + " sweep --datasets medium --backbones mingru,transformer --seeds 0,1" +
           " --steps " + std::to_string(steps) + " --warmup 2 --episodes 1 " + data_dir_option + " --out " + dir +
           "/runs --json-out " + dir + "/scores.json --set model.embed_dim=16" +
           " --set model.n_layers=1 --set train.batch_size=8 --set model.context_len=5 " + extra;
  }
  std::pair<int, std::string> sweep(int64_t steps, const std::string& extra = "") {
    return mindt::testing::run_capturing(sweep_line(steps, extra), dir + "/printed.txt");
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(SweepFixture, TrainsEveryCellAndReusesFinishedRuns) {
  auto [status, text] = sweep(4);
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "| dataset | target | mingru | transformer |");
  EXPECT_HAS(text, "| hopper-medium | 3600 |");
  EXPECT_HAS(text, "| hopper-medium | 1800 |");
  for (const std::string run : {"mingru-seed0", "mingru-seed1", "transformer-seed0", "transformer-seed1"}) {
    EXPECT_TRUE(fs::exists(dir + "/runs/hopper-medium-v2/" + run + "/eval.json")) << run;
  }
  const std::string scores = read(dir + "/scores.json");
  EXPECT_HAS(scores, "\"backbone\": \"transformer\", \"seed\": 1");
  EXPECT_HAS(scores, "\"score_reference\": \"d4rl\"}");
  EXPECT_HAS(text, "D4RL-normalized score, mean ± std over seeds; 4 training steps");

  // Again: nothing is retrained (the checkpoints stay as they were) and the scores are the same.
  const std::string checkpoint = dir + "/runs/hopper-medium-v2/mingru-seed0/checkpoint.pt";
  const auto written = fs::last_write_time(checkpoint);
  auto [again_status, again_text] = sweep(4);
  ASSERT_EQ(again_status, 0) << again_text;
  EXPECT_EQ(fs::last_write_time(checkpoint), written);
  EXPECT_EQ(read(dir + "/scores.json"), scores);
  EXPECT_EQ(again_text.find(": training\n"), std::string::npos) << again_text;
}

TEST_F(SweepFixture, ReportShowsFinishedRunsAndTrainsNothing) {
  ASSERT_EQ(sweep(3).first, 0);
  auto [status, text] = sweep(3, "--seeds 0,1,2 --report --plot " + dir + "/profile.svg");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "(2 seeds) |");
  // rliable's statistics under each table (their numbers are tested against rliable in
  // tests/python/test_statistics.py): one row of two seeds per backbone.
  EXPECT_HAS(text, "IQM of the normalized scores over every row × seed, 95 % stratified-bootstrap CI");
  EXPECT_HAS(text, "| mingru | 2 | ");
  EXPECT_HAS(text, "P(row beats column) over the rows both have, 95 % CI:");
  const std::string svg = read(dir + "/profile.svg");
  EXPECT_HAS(svg, "performance profile at target");
  EXPECT_HAS(svg, ">mingru</text>");
  EXPECT_HAS(svg, ">transformer</text>");
  EXPECT_FALSE(fs::exists(dir + "/runs/hopper-medium-v2/mingru-seed2"));
  EXPECT_EQ(text.find(": training\n"), std::string::npos) << text;
}

TEST_F(SweepFixture, AnEvaluationFromTheMiddleOfARunDoesNotFinishIt) {
  ASSERT_EQ(sweep(4, "--set eval.every=2").first, 0);
  // As if the run had stopped after its step-2 evaluation: eval.json then holds that one.
  const std::string eval = dir + "/runs/hopper-medium-v2/mingru-seed0/eval.json";
  std::string text = read(eval);
  ASSERT_EQ(text.rfind("{\"step\": 4, ", 0), 0u) << text;
  text.replace(0, 11, "{\"step\": 2,");
  std::ofstream(eval) << text;

  auto [report_status, report] = sweep(4, "--set eval.every=2 --report");
  ASSERT_EQ(report_status, 0) << report;
  EXPECT_HAS(report, "(1 seed) |");
  auto [status, printed] = sweep(4, "--set eval.every=2");
  ASSERT_EQ(status, 0) << printed;
  EXPECT_HAS(printed, "mingru seed 0: resuming");
  EXPECT_EQ(read(eval).rfind("{\"step\": 4, ", 0), 0u);
}

TEST_F(SweepFixture, RefusesToMixBudgetsAndNamesAMissingDataset) {
  ASSERT_EQ(sweep(3).first, 0);
  auto [status, text] = sweep(5);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "holds a run with another config (it has 'steps: 3', this sweep asks for 'steps: 5')");

  auto [missing_status, missing_text] = sweep(3, "--datasets medium-replay");
  EXPECT_NE(missing_status, 0);
  EXPECT_HAS(missing_text,
             "hopper-medium-replay-v2.hdf5 does not exist; make it with `mindt data make hopper-medium-replay`");
  EXPECT_FALSE(fs::exists(dir + "/runs/hopper-medium-replay-v2"));
}

// --suite minari: Minari's presets and dataset ids, run folders named after the presets, scores
// against the dataset's own reference returns, and the table says so.
TEST_F(SweepFixture, AMinariSuiteScoresAgainstEachDatasetsOwnReference) {
  datasets::D4rlDataset data = mindt::testing::make_dataset({120, 80, 150}, {1, 2, 1}, 11, 3);
  data.next_observations = data.observations;
  datasets::write_d4rl(dir + "/medium.hdf5", data);
  const std::string root = dir + "/minari";
  auto [converted, convert_text] =
      mindt::testing::run_capturing(std::string(MINDT_BINARY) + " data convert " + dir + "/medium.hdf5 " + root +
                                        "/mujoco/hopper/medium-v0 --env hopper-v5 --id mujoco/hopper/medium-v0",
                                    dir + "/convert.txt");
  ASSERT_EQ(converted, 0) << convert_text;

  data_dir_option = "--data-dir " + root;
  auto [status, text] = sweep(3, "--suite minari --datasets medium --backbones mingru --seeds 0");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text,
             "normalized score against each dataset's own reference returns (its ref_min_score and "
             "ref_max_score), one seed; 3 training steps");
  EXPECT_HAS(text, "| mujoco/hopper/medium-v0 | 3600 |");
  EXPECT_TRUE(fs::exists(dir + "/runs/mujoco-hopper-medium-v0/mingru-seed0/eval.json"));
  EXPECT_HAS(read(dir + "/scores.json"), "\"score_reference\": \"dataset\"}");

  // Without --data-dir, the id is found under $MINARI_DATASETS_PATH.
  data_dir_option = "";
  auto [by_id, by_id_text] = mindt::testing::run_capturing(
      "MINARI_DATASETS_PATH=" + root + " " +
          sweep_line(3, "--suite minari --datasets medium --backbones mingru --seeds 0 --out " + dir + "/by_id"),
      dir + "/printed.txt");
  ASSERT_EQ(by_id, 0) << by_id_text;
  EXPECT_HAS(read(dir + "/by_id/mujoco-hopper-medium-v0/mingru-seed0/config.yaml"), "path: mujoco/hopper/medium-v0");
  data_dir_option = "--data-dir " + root;
  auto [missing, missing_text] = sweep(3, "--suite minari --datasets expert");
  EXPECT_NE(missing, 0);
  EXPECT_HAS(missing_text, "no Minari dataset mujoco/hopper/expert-v0 in " + root);
  EXPECT_HAS(missing_text, "get it with `minari download mujoco/hopper/expert-v0`");
  auto [unknown, unknown_text] = sweep(3, "--suite minari --datasets medium-replay");
  EXPECT_NE(unknown, 0);
  EXPECT_HAS(unknown_text, "unknown minari dataset 'medium-replay' in --datasets; valid: simple, medium, expert");
}

TEST_F(SweepFixture, JobsGiveTheScoresOfOneRunAtATime) {
  auto [status, text] = sweep(4, "--jobs 3");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "3 at a time");
  EXPECT_HAS(text, "mingru-seed1.log)");
  EXPECT_TRUE(fs::exists(dir + "/runs/hopper-medium-v2/transformer-seed0.log"));
  const std::string side_by_side = read(dir + "/scores.json");

  fs::remove_all(dir + "/runs");
  auto [one_status, one_text] = sweep(4);
  ASSERT_EQ(one_status, 0) << one_text;
  EXPECT_EQ(read(dir + "/scores.json"), side_by_side);
}

// --pack-seeds: each backbone's seeds train as one packed run (train --seeds), to the same scores.
TEST_F(SweepFixture, PackedSeedsGiveTheScoresOfSeparateRuns) {
  auto [status, text] = sweep(4);
  ASSERT_EQ(status, 0) << text;
  const std::string separate = read(dir + "/scores.json");
  fs::remove_all(dir + "/runs");
  auto [packed_status, packed_text] = sweep(4, "--pack-seeds");
  ASSERT_EQ(packed_status, 0) << packed_text;
  EXPECT_HAS(packed_text, "[sweep] 2 seeds packed in one run");
  EXPECT_EQ(read(dir + "/scores.json"), separate);
}

TEST_F(SweepFixture, AFailedJobIsNamedWithTheEndOfItsLog) {
  std::ofstream(dir + "/data/hopper-medium-v2.hdf5") << "not an HDF5 file";
  auto [status, text] = sweep(4, "--jobs 2");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "failed with exit code");
  EXPECT_HAS(text, "hopper-medium-v2.hdf5");  // the child's own error, quoted from its log
  EXPECT_HAS(text, "runs failed (see ");
  EXPECT_FALSE(fs::exists(dir + "/runs/hopper-medium-v2/transformer-seed0.log")) << "runs were started after a failure";
}

TEST_F(SweepFixture, CtrlCStopsEveryJobAtACheckpointAndTheSameCommandFinishes) {
  const std::string line = sweep_line(3000, "--jobs 2 --set train.log_every=10");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string redirected = "exec " + line + " > '" + dir + "/printed.txt' 2>&1";
    ::execl("/bin/sh", "sh", "-c", redirected.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Both children have logged training steps: interrupt the sweep only (not its process group).
  const std::string runs = dir + "/runs/hopper-medium-v2/";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto logged = [&](const std::string& run) {
    return fs::exists(runs + run + "/log.jsonl") && fs::file_size(runs + run + "/log.jsonl") > 0;
  };
  while (!(logged("mingru-seed0") && logged("mingru-seed1")) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 130) << read(dir + "/printed.txt");
  EXPECT_HAS(read(dir + "/printed.txt"), "interrupted; run the same command again");
  EXPECT_TRUE(fs::exists(runs + "mingru-seed0/checkpoint.pt"));
  EXPECT_TRUE(fs::exists(runs + "mingru-seed1/checkpoint.pt"));
  EXPECT_FALSE(fs::exists(runs + "mingru-seed0/eval.json")) << "the child was not stopped: it trained to the end";
  EXPECT_FALSE(fs::exists(runs + "transformer-seed0")) << "a run was started after Ctrl-C";

  auto [again_status, again_text] = sweep(3000, "--jobs 2 --set train.log_every=10");
  ASSERT_EQ(again_status, 0) << again_text;
  EXPECT_HAS(again_text, "mingru seed 0: resuming");
  for (const std::string run : {"mingru-seed0", "mingru-seed1", "transformer-seed0", "transformer-seed1"}) {
    EXPECT_TRUE(fs::exists(runs + run + "/eval.json")) << run;
  }
}

// Every mistake is named before anything reaches a cluster: stand-in sbatch and squeue record
// whether they were called.
TEST_F(SweepFixture, TheSlurmLaunchersBadInputIsRefusedWithNothingSubmitted) {
  const std::string bin = dir + "/fake-slurm";
  fs::create_directories(bin);
  for (const std::string tool : {"sbatch", "squeue"}) {
    std::ofstream(bin + "/" + tool) << "#!/bin/sh\necho called >> " << dir << "/" << tool << ".called\n";
    fs::permissions(bin + "/" + tool, fs::perms::owner_all);
  }
  const std::string with_fake = "PATH=" + bin + ":$PATH ";
  auto refused = [&](const std::string& prefix, const std::string& extra, const std::string& message) {
    auto [status, text] = mindt::testing::run_capturing(prefix + sweep_line(3, extra), dir + "/printed.txt");
    EXPECT_NE(status, 0) << extra;
    EXPECT_HAS(text, message);
    EXPECT_FALSE(fs::exists(dir + "/sbatch.called")) << extra;
    EXPECT_FALSE(fs::exists(dir + "/runs/slurm")) << extra;
  };
  refused(with_fake, "--launcher cluster", "mindt sweep: unknown --launcher 'cluster' (expected local or slurm)");
  refused(with_fake, "--launcher slurm --slurm-opt time", "mindt sweep: --slurm-opt: 'time' is not KEY=VALUE");
  refused(with_fake, "--launcher slurm --slurm-opt --time=1", "'--time' in '--time=1' is not an sbatch option name");
  refused(with_fake, "--launcher slurm --slurm-opt array=0-9", "--array is set by the launcher itself");
  refused(with_fake, "--slurm-opt time=1:00", "mindt sweep: --slurm-opt needs --launcher slurm");
  refused(with_fake, "--wait", "mindt sweep: --wait needs --launcher slurm");
  refused(with_fake, "--launcher slurm --jobs 2", "--jobs is the local launcher's");
  refused(with_fake, "--pack-seeds --jobs 2", "--pack-seeds trains a unit's seeds in one process");
  refused(with_fake, "--cell 0,2",
          "--cell 0,2: cells trained together must be seeds of one experiment and backbone (hopper-medium-v2 mingru "
          "and hopper-medium-v2 transformer are not)");
  refused(with_fake, "--cell 4", "mindt sweep: --cell expects cell indices from 0 to 3 (this grid has 4 cells), got 4");
  refused("PATH=/nonexistent ", "--launcher slurm",
          "--launcher slurm: Slurm's sbatch is not on PATH, so this machine cannot submit to a Slurm cluster");
  // A sweep folder that cannot be made (a file stands where it would go).
  std::ofstream(dir + "/a-file") << "x";
  auto [status, text] = mindt::testing::run_capturing(
      with_fake + sweep_line(3, "--launcher slurm --out " + dir + "/a-file/runs"), dir + "/printed.txt");
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "cannot write the sweep's folder " + dir + "/a-file/runs/slurm");
  EXPECT_HAS(text, "nothing was submitted");
  EXPECT_FALSE(fs::exists(dir + "/sbatch.called"));
  // sbatch refusing the script is reported with its own words.
  std::ofstream(bin + "/sbatch") << "#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu'\nexit 1\n";
  auto [refused_status, refused_text] = mindt::testing::run_capturing(
      with_fake + sweep_line(3, "--launcher slurm --slurm-opt partition=gpu"), dir + "/printed.txt");
  EXPECT_NE(refused_status, 0);
  EXPECT_HAS(refused_text, "sbatch did not accept " + dir +
                               "/runs/slurm/sweep-1.sbatch (exit code 1): sbatch: error: "
                               "invalid partition specified: gpu; nothing was submitted");
  EXPECT_FALSE(fs::exists(dir + "/runs/slurm/jobs.json"));
}

}  // namespace
}  // namespace mindt
