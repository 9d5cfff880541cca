// The scripts a user runs beside `mindt`, run as a user runs them (the project's venv Python, bash):
// the PyTorch peer benchmark compares itself with this build of mindt, the paper-figure plot is
// drawn from `mindt bench paper --json`, and tools/lm_shakespeare.sh trains and reports the LM runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

struct PythonTools : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/python_tools_" + std::to_string(::getpid());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::pair<int, std::string> run(const std::string& line) {
    return mindt::testing::run_capturing(line, dir + "/printed.txt");
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(PythonTools, PeerBenchmarkTimesBothSidesAndPrintsRatios) {
  auto [status, text] =
      run(std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tools/bench_python_peer.py --quick --mindt " +
          MINDT_BINARY + " --json " + dir + "/peer.json");
  ASSERT_EQ(status, 0) << text;
  EXPECT_HAS(text, "PyTorch DT ms");
  EXPECT_HAS(text, "PyTorch log-space ms");
  const std::string json = read(dir + "/peer.json");
  EXPECT_HAS(json, "\"what\": \"dt_train_step\"");
  EXPECT_HAS(json, "\"mindt_transformer_ms\"");
  EXPECT_HAS(json, "\"what\": \"mingru_layer\"");
  EXPECT_HAS(text, "nanoGPT's way in PyTorch vs mindt");
  EXPECT_HAS(json, "\"what\": \"lm_train_step\"");
  EXPECT_HAS(json, "\"mindt_kv_cache_chars_per_s\"");

  auto [missing_status, missing_text] = run(std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR +
                                            "/tools/bench_python_peer.py --quick --mindt /nonexistent/mindt");
  EXPECT_NE(missing_status, 0);
  EXPECT_HAS(missing_text, "/nonexistent/mindt not found");
}

TEST_F(PythonTools, LmShakespeareScriptTrainsEachBackboneReportsAndSkipsWhatIsDone) {
  {
    std::ofstream text(dir + "/verse.txt");
    for (int i = 0; i < 30; ++i)
      text << "Now is the winter of our discontent\nMade glorious summer by this sun of York;\n";
  }
  auto [data_status, data_text] =
      run(std::string(MINDT_BINARY) + " lm data " + dir + "/verse.txt --out " + dir + "/corpus");
  ASSERT_EQ(data_status, 0) << data_text;
  const std::string line = "MINDT=" + std::string(MINDT_BINARY) + " LM_RUNS=" + dir + "/runs bash " + MINDT_SOURCE_DIR +
                           "/tools/lm_shakespeare.sh cpu 0 -- --quiet --set data=" + dir +
                           "/corpus --set train.steps=4 --set train.eval_every=2 --set train.eval_batches=1";
  auto [status, text] = run(line);
  ASSERT_EQ(status, 0) << text;
  for (const char* backbone : {"mingru", "minlstm", "mamba", "transformer"}) {
    EXPECT_TRUE(fs::exists(dir + "/runs/lm-shakespeare-cpu-" + std::string(backbone) + "-seed0/best.pt")) << backbone;
    EXPECT_HAS(text, std::string(backbone) + "  ");  // a row of the report
  }
  EXPECT_HAS(text, "best val loss");
  auto [again_status, again_text] = run(line);  // everything is done: each run resumes at its last step
  ASSERT_EQ(again_status, 0) << again_text;
  EXPECT_HAS(again_text, "trained 4 steps");
}

TEST_F(PythonTools, PaperFigurePlotsFromBenchPaperJson) {
  const std::string json = dir + "/paper.json", png = dir + "/paper.png";
  ASSERT_EQ(run("(" + std::string(MINDT_BINARY) + " bench paper --json --quick --lengths 16,32 --batch 2 --reps 1 > " +
                json + ")")
                .first,
            0);
  auto [status, text] =
      run(std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tools/plot_bench_paper.py " + json + " --out " + png);
  ASSERT_EQ(status, 0) << text;
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);

  std::ofstream(dir + "/bad.json") << "{\"not\": 1}";
  auto [bad_status, bad_text] = run(std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tools/plot_bench_paper.py " +
                                    dir + "/bad.json --out " + dir + "/bad.png");
  EXPECT_NE(bad_status, 0);
  EXPECT_HAS(bad_text, "not the JSON of `mindt bench paper --json`");
  EXPECT_FALSE(fs::exists(dir + "/bad.png"));
}

}  // namespace
}  // namespace mindt
