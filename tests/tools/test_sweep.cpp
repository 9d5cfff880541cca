// `mindt sweep` as a user runs it: every cell trained and scored, the same command run again reads
// the finished runs instead of redoing them, a changed budget is refused rather than mixed in, and a
// missing dataset is named before anything is trained.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "datasets/d4rl_dataset.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

struct SweepFixture : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/sweep_test_" + std::to_string(::getpid());
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir + "/data");
    // Hopper-shaped (11-dim observations, 3-dim actions) under the name the sweep looks for.
    datasets::write_d4rl(dir + "/data/hopper-medium-v2.hdf5",
                         mindt::testing::make_dataset({120, 80, 150, 50}, {1, 2, 1, 0}, 11, 3));
  }
  void TearDown() override { fs::remove_all(dir); }

  std::pair<int, std::string> sweep(int64_t steps, const std::string& extra = "") {
    const std::string line = std::string(MINDT_BINARY) + " sweep --datasets medium --backbones mingru,transformer --seeds 0,1" +
                             " --steps " + std::to_string(steps) + " --warmup 2 --episodes 1 --data-dir " + dir + "/data" +
                             " --out " + dir + "/runs --json-out " + dir + "/scores.json --set model.embed_dim=16" +
                             " --set model.n_layers=1 --set train.batch_size=8 --set model.context_len=5 " + extra;
    return mindt::testing::run_capturing(line, dir + "/printed.txt");
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
  auto [status, text] = sweep(3, "--seeds 0,1,2 --report");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "(2 seeds) |");
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
  EXPECT_HAS(missing_text, "hopper-medium-replay-v2.hdf5 does not exist; make it with `mindt data make hopper-medium-replay`");
  EXPECT_FALSE(fs::exists(dir + "/runs/hopper-medium-replay-v2"));
}

}  // namespace
}  // namespace mindt
