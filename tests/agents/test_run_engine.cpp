// The run engine every long job shares: the loop's schedule and its order of hooks, stopping,
// and the run directory's create / resume rules and log truncation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "agents/run/run_directory.h"
#include "agents/run/run_loop.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

// What a loop did, as one line per event: "step 3", "log 3", "checkpoint 3", …
std::vector<std::string> run_and_record(const RunSchedule& schedule, int64_t first_step, int64_t stop_before = -1) {
  std::vector<std::string> events;
  int64_t steps_done = first_step;
  RunLoop loop(schedule, [&] { return steps_done == stop_before; });
  auto record = [&](const char* what) {
    return [&events, what](int64_t s) { events.push_back(what + (" " + std::to_string(s))); };
  };
  loop.on_log = record("log");
  loop.on_checkpoint = record("checkpoint");
  loop.on_evaluate = record("evaluate");
  loop.on_progress = record("progress");
  const LoopEnd end = loop.run(first_step, [&](int64_t s) {
    events.push_back("step " + std::to_string(s));
    steps_done = s;
  });
  events.push_back(std::string(end.interrupted ? "stopped " : "ended ") + std::to_string(end.step));
  return events;
}

TEST(RunLoop, HooksRunWhenDueInOrderAndAlwaysAtTheLastStep) {
  const std::vector<std::string> events = run_and_record({5, 2, 3, 4, true}, 0);
  const std::vector<std::string> expected = {"step 1",     "progress 1",                                //
                                             "step 2",     "log 2",        "progress 2",                //
                                             "step 3",     "checkpoint 3", "progress 3",                //
                                             "step 4",     "log 4",        "evaluate 4", "progress 4",  //
                                             "step 5",     "log 5",        "evaluate 5", "checkpoint 5",
                                             "progress 5", "ended 5"};
  EXPECT_EQ(events, expected);
}

TEST(RunLoop, ScheduleMatchesANaiveCountOnRandomSettings) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int64_t> pick(0, 9);
  for (int trial = 0; trial < 50; ++trial) {
    const RunSchedule s{1 + pick(rng) * 3, pick(rng), pick(rng), pick(rng), trial % 2 == 0};
    const int64_t first = std::min<int64_t>(pick(rng), s.steps);
    int64_t logs = 0, checkpoints = 0, evaluations = 0;
    for (int64_t step = first + 1; step <= s.steps; ++step) {
      const bool last = step == s.steps;
      logs += last || (s.log_every > 0 && step % s.log_every == 0);
      checkpoints += last || (s.checkpoint_every > 0 && step % s.checkpoint_every == 0);
      evaluations += s.evaluate && (last || (s.eval_every > 0 && step % s.eval_every == 0));
    }
    const auto events = run_and_record(s, first);
    auto count = [&](const std::string& what) {
      return std::count_if(events.begin(), events.end(), [&](const std::string& e) { return e.rfind(what, 0) == 0; });
    };
    EXPECT_EQ(count("log "), logs);
    EXPECT_EQ(count("checkpoint "), checkpoints);
    EXPECT_EQ(count("evaluate "), evaluations);
    EXPECT_EQ(count("step "), s.steps - first);
  }
}

TEST(RunLoop, StoppingCheckpointsTheStepsDoneAndEvaluatesNothingMore) {
  const std::vector<std::string> events = run_and_record({10, 0, 0, 0, true}, 0, /*stop_before=*/3);
  const std::vector<std::string> expected = {"step 1", "progress 1", "step 2",       "progress 2",
                                             "step 3", "progress 3", "checkpoint 3", "stopped 3"};
  EXPECT_EQ(events, expected);
  // A run resumed at its last step has nothing to do.
  EXPECT_EQ(run_and_record({4, 1, 1, 1, true}, 4), std::vector<std::string>{"ended 4"});
}

struct RunDirectoryTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("mindt_run_dir_" + std::to_string(std::random_device{}()));
  void TearDown() override { fs::remove_all(dir); }
  std::string read(const std::string& name) {
    std::stringstream s;
    s << std::ifstream(dir / name).rdbuf();
    return s.str();
  }
};

TEST_F(RunDirectoryTest, NewRunsNeedAnEmptyPlaceAndResumedOnesACheckpointOrTheirConfig) {
  EXPECT_THROW(RunDirectory(dir.string(), /*resume=*/true), std::runtime_error);  // nothing to resume
  RunDirectory fresh(dir.string(), /*resume=*/false);
  EXPECT_FALSE(fs::exists(dir));  // nothing is created until create()
  fresh.create("seed: 1\n", {"policies"});
  EXPECT_EQ(read("config.yaml"), "seed: 1\n");
  EXPECT_TRUE(fs::is_directory(dir / "policies"));
  try {
    RunDirectory again(dir.string(), false);
    FAIL() << "a second run in the same place";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("already holds a run; resume it with --resume"), std::string::npos);
  }
  // Killed before its first checkpoint: resuming starts the run over with its config.
  RunDirectory before_first_checkpoint(dir.string(), /*resume=*/true);
  EXPECT_TRUE(before_first_checkpoint.starts_over());
  EXPECT_FALSE(before_first_checkpoint.has_checkpoint_to_resume());
  std::ofstream(dir / "checkpoint.pt") << "x";
  RunDirectory resumed(dir.string(), true);
  EXPECT_FALSE(resumed.starts_over());
  EXPECT_TRUE(resumed.has_checkpoint_to_resume());
}

TEST_F(RunDirectoryTest, ResumingDropsTheLogLinesPastTheCheckpoint) {
  {
    RunDirectory run(dir.string(), false);
    run.create("seed: 0\n");
    run.open_log(0);
    for (int step = 10; step <= 50; step += 10) run.log("{\"step\": " + std::to_string(step) + ", \"loss\": 1}");
    run.log("{\"step\": 30, \"eval\": []}");
  }
  std::ofstream(dir / "checkpoint.pt") << "x";
  RunDirectory resumed(dir.string(), true);
  resumed.open_log(30);
  resumed.log("{\"step\": 40, \"loss\": 2}");
  EXPECT_EQ(read("log.jsonl"),
            "{\"step\": 10, \"loss\": 1}\n{\"step\": 20, \"loss\": 1}\n{\"step\": 30, \"loss\": 1}\n"
            "{\"step\": 30, \"eval\": []}\n{\"step\": 40, \"loss\": 2}\n");
}

TEST(ProgressLine, DurationsReadAsPeopleWriteThem) {
  EXPECT_EQ(format_duration(42.9), "42s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(7500), "2h05m");
}

}  // namespace
}  // namespace mindt
