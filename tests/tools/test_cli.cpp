// The `mindt` command line as a user meets it: help, errors and exit codes, `config show`, and the
// JSON of `bench scan` on a tiny problem.
#include <gtest/gtest.h>

#include <sstream>

#include "tools/cli/command.h"
#include "tests/expect_text.h"

namespace mindt::cli {
namespace {

struct Result {
  int code;
  std::string out, err;
};

Result run(std::vector<std::string> args) {
  args.insert(args.begin(), "mindt");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = run_cli(args);
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  return {code, out, err};
}

TEST(Cli, HelpListsEveryRegisteredCommand) {
  const Result r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const auto& c : all_commands()) EXPECT_HAS(r.out, c.path);
  EXPECT_EQ(run({}).code, 2);
}

TEST(Cli, EveryCommandHasHelp) {
  for (const auto& c : all_commands()) {
    std::vector<std::string> args;
    std::stringstream words(c.path);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    const Result r = run(args);
    EXPECT_EQ(r.code, 0) << c.path;
    EXPECT_HAS(r.out, "usage: " + c.usage);
  }
}

TEST(Cli, UnknownCommandsAndOptionsAreUsageErrors) {
  Result r = run({"trian"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "unknown command 'trian'");
  r = run({"bench", "nothing"});
  EXPECT_EQ(r.code, 2);
  r = run({"bench", "scan", "--frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "unknown option --frobnicate");
  r = run({"bench", "scan", "--batch", "many"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--batch expects an integer, got 'many'");
  r = run({"bench", "scan", "--dims", "8,x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--dims expects positive integers");
  r = run({"bench", "scan", "--batch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--batch needs a value");
}

TEST(Cli, ConfigShowAppliesOverridesAndReportsErrors) {
  Result r = run({"config", "show", MINDT_SOURCE_DIR "/configs/base.yaml", "--set", "model.backbone=mingru",
                  "--set=train.lr=0.0003"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "backbone: mingru");
  EXPECT_HAS(r.out, "lr: 0.0003");
  r = run({"config", "show", MINDT_SOURCE_DIR "/configs/base.yaml", "--set", "model.layers=4"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "--set model.layers=4: unknown key 'model.layers'");
  r = run({"config", "show", "/no/such/file.yaml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "/no/such/file.yaml: cannot open config file");
}

TEST(Cli, BenchScanJsonHasTheDocumentedRows) {
  const Result r = run({"bench", "scan", "--json", "--batch", "2", "--dims", "8", "--lengths", "16", "--reps", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"rows\": [", 0), 0u) << r.out;
  for (const char* impl : {"reference", "cpu", "mingru", "minlstm", "gru", "lstm"}) {
    EXPECT_HAS(r.out, std::string("\"impl\": \"") + impl + "\"");
  }
  EXPECT_HAS(r.out, "\"op\": \"scan\"");
  EXPECT_HAS(r.out, "\"op\": \"layer\"");
  EXPECT_HAS(r.out, "\"B\": 2, \"T\": 16, \"D\": 8, \"ms\": ");
}

TEST(Cli, BenchModelsJsonHasARowPerBackbone) {
  const Result r = run({"bench", "models", "--json", "--quick", "--backbones", "mingru,transformer", "--batch", "2",
                        "--long-batch", "1", "--long-context", "30", "--reps", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "\"backbone\": \"mingru\"");
  EXPECT_HAS(r.out, "\"backbone\": \"transformer\"");
  for (const char* key : {"train_ms", "train_long_ms", "window_ms", "recurrent_long_ms", "recurrent_growth", "x_train_ms"}) {
    EXPECT_HAS(r.out, std::string("\"") + key + "\": ");
  }
  const Result bad = run({"bench", "models", "--backbones", "mingru,rnn"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "unknown backbone 'rnn' in --backbones; valid: transformer, mingru, minlstm, gru, lstm, mamba");
}

}  // namespace
}  // namespace mindt::cli
