// The `mindt` command line as a user meets it: help, errors and exit codes, `config show`, and the
// JSON of `bench scan` on a tiny problem.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <sstream>

#include <filesystem>
#include <fstream>

#include "datasets/char_corpus.h"
#include "datasets/d4rl_dataset.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"
#include "tools/cli/command.h"

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

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
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

TEST(Cli, SacEvalPrintsALinePerPolicyFile) {
  const std::string dir = std::string(MINDT_SOURCE_DIR) + "/agents/behaviour_policies/";
  const Result r =
      run({"sac", "eval", dir + "hopper-medium.pt", dir + "hopper-expert.pt", "--episodes", "1", "--sampled"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "hopper-medium.pt: hopper, SAC step 180000; 1 sampled episodes: return ");
  EXPECT_HAS(r.out, "hopper-expert.pt: hopper, SAC step 330000; 1 sampled episodes: return ");
  EXPECT_EQ(run({"sac", "eval"}).code, 2);
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
  r = run({"bench", "scan", "--selective", "--max-gib", "lots"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--max-gib expects a number, got 'lots'");
  r = run({"copytask", "--lr", "1e-3x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--lr expects a number, got '1e-3x'");
  r = run({"bench", "scan", "--dims", "8,x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--dims expects positive integers");
  r = run({"bench", "scan", "--batch"});
  EXPECT_EQ(r.code, 2);
  EXPECT_HAS(r.err, "--batch needs a value");
}

TEST(Cli, LmDataBuildsACorpusOnceAndExplainsBadText) {
  const std::string dir = ::testing::TempDir() + "/lm_data_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/texts");
  std::ofstream(dir + "/texts/b.txt") << "ROMEO:\nBut soft!\n";
  std::ofstream(dir + "/texts/a.txt") << "JULIET:\nAy me!\n";
  std::ofstream(dir + "/texts/notes.md") << "not a .txt file";
  Result r = run({"lm", "data", dir + "/texts", "--out", dir + "/corpus", "--val-fraction", "0.2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "wrote " + dir + "/corpus: 34 characters (train 27, validation 7)");
  EXPECT_HAS(r.out, "from 2 files");
  const datasets::CharCorpus corpus = datasets::read_char_corpus(dir + "/corpus");
  EXPECT_EQ(encode_utf8(corpus.train + corpus.val),
            "JULIET:\nAy me!\n\n\nROMEO:\nBut soft!\n");  // a before b
  r = run({"lm", "data", dir + "/texts", "--out", dir + "/corpus"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, dir + "/corpus exists; choose another --out");
  r = run({"lm", "data", dir + "/texts", "--out", dir + "/corpus", "--if-absent"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ofstream(dir + "/latin1.txt") << "caf\xE9";
  r = run({"lm", "data", dir + "/latin1.txt", "--out", dir + "/other"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, dir + "/latin1.txt: not UTF-8 text (a malformed sequence at byte 3)");
  EXPECT_FALSE(std::filesystem::exists(dir + "/other"));
  EXPECT_EQ(run({"lm", "data"}).code, 2);
  EXPECT_EQ(run({"lm", "data", dir + "/texts", "--val-fraction", "most"}).code, 2);
  std::filesystem::remove_all(dir);
}

TEST(Cli, LmTrainSampleAndReportAsAUserRunsThem) {
  const std::string dir = ::testing::TempDir() + "/lm_train_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream text(dir + "/sonnet.txt");
    for (int i = 0; i < 40; ++i)
      text << "From fairest creatures we desire increase,\nThat thereby beauty's rose might never die.\n";
  }
  ASSERT_EQ(run({"lm", "data", dir + "/sonnet.txt", "--out", dir + "/corpus"}).code, 0);
  std::ofstream(dir + "/tiny.yaml") << "data: " << dir << "/corpus\ndevice: cpu\n"
                                    << "model: {backbone: mingru, embed_dim: 16, n_layers: 1, context_len: 16}\n"
                                    << "train: {batch_size: 4, steps: 30, eval_every: 10, eval_batches: 2}\n";
  Result r = run({"lm", "train", dir + "/tiny.yaml", "--out", dir + "/run", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "trained 30 steps; best validation loss");
  r = run({"lm", "sample", dir + "/run", "--prompt", "From", "--characters", "25"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("From", 0), 0u) << r.out;
  EXPECT_EQ(r.out.size(), 4u + 25u + 1u) << r.out;  // the sonnet's characters are all ASCII
  r = run({"lm", "sample", dir + "/run", "--prompt", "Fröm"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "the prompt: character 2, 'ö' (U+00F6), is not in the model's vocabulary");
  r = run({"lm", "report", dir + "/run", "--plot", dir + "/curves.svg"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "mingru       1");
  EXPECT_TRUE(std::filesystem::exists(dir + "/curves.svg"));
  r = run({"lm", "train", dir + "/tiny.yaml", "--set", "data=" + dir + "/nowhere", "--out", dir + "/run2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, dir + "/nowhere: no character corpus there");
  EXPECT_FALSE(std::filesystem::exists(dir + "/run2"));
  r = run({"lm", "train", dir + "/tiny.yaml", "--set", "model.backbone=rnn"});
  EXPECT_EQ(r.code, 1);
  EXPECT_HAS(r.err, "model.backbone");
  EXPECT_EQ(run({"lm", "sample"}).code, 2);
  std::filesystem::remove_all(dir);
}

TEST(Cli, LmTrainStopsAtACheckpointOnCtrlCAndResumes) {
  const std::string dir = ::testing::TempDir() + "/lm_ctrl_c_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream text(dir + "/sonnet.txt");
    for (int i = 0; i < 40; ++i) text << "When in disgrace with fortune and men's eyes,\n";
  }
  ASSERT_EQ(run({"lm", "data", dir + "/sonnet.txt", "--out", dir + "/corpus"}).code, 0);
  std::ofstream(dir + "/long.yaml")
      << "data: " << dir << "/corpus\ndevice: cpu\n"
      << "model: {backbone: minlstm, embed_dim: 8, n_layers: 1, context_len: 8}\n"
      << "train: {batch_size: 2, steps: 1000000, log_every: 1, checkpoint_every: 1000000}\n";
  const std::string run_dir = dir + "/run";
  // Ctrl-C once the run has logged a step (the steps are far too many to finish first).
  std::thread interrupter([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (
        !(std::filesystem::exists(run_dir + "/log.jsonl") && std::filesystem::file_size(run_dir + "/log.jsonl") > 0) &&
        std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(::getpid(), SIGINT);
  });
  Result r = run({"lm", "train", dir + "/long.yaml", "--out", run_dir, "--quiet"});
  interrupter.join();
  ASSERT_EQ(r.code, 130) << r.err;
  EXPECT_HAS(r.err, "resume with: mindt lm train --resume " + run_dir);
  EXPECT_TRUE(std::filesystem::exists(run_dir + "/checkpoint.pt"));
  const auto at = r.err.find("interrupted at step ");
  ASSERT_NE(at, std::string::npos) << r.err;
  const int64_t stopped = std::stoll(r.err.substr(at + 20));
  r = run({"lm", "train", "--resume", run_dir, "--quiet", "--set", "train.steps=" + std::to_string(stopped + 3)});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "trained " + std::to_string(stopped + 3) + " steps");
  std::filesystem::remove_all(dir);
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
  EXPECT_EQ(r.out.find("selective_scan"), std::string::npos) << "the selective scan is opt-in";

  const Result selective = run({"bench", "scan", "--json", "--selective", "--no-layers", "--batch", "2", "--dims", "8",
                                "--lengths", "16", "--reps", "1"});
  ASSERT_EQ(selective.code, 0) << selective.err;
  EXPECT_HAS(selective.out, "\"op\": \"selective_scan\", \"impl\": \"composite\"");
  EXPECT_HAS(selective.out, "\"op\": \"selective_scan\", \"impl\": \"cpu\"");

  // A composite too large for --max-gib is reported, not run (it would exhaust a small machine).
  const Result capped = run({"bench", "scan", "--json", "--selective", "--no-layers", "--batch", "2", "--dims", "8",
                             "--lengths", "16", "--reps", "1", "--max-gib", "0"});
  ASSERT_EQ(capped.code, 0) << capped.err;
  EXPECT_HAS(capped.out,
             "\"impl\": \"composite\", \"device\": \"cpu\", \"B\": 2, \"T\": 16, \"D\": 8, \"N\": 16, \"skipped\": "
             "\"skipped: expected ");
  EXPECT_HAS(capped.out, "\"op\": \"selective_scan\", \"impl\": \"cpu\"");
  EXPECT_EQ(capped.out.find("\"speedup\": ", capped.out.find("selective_scan")), std::string::npos)
      << "no speedup without a composite to compare with: " << capped.out;
}

TEST(Cli, BenchModelsJsonHasARowPerBackbone) {
  const Result r = run({"bench", "models", "--json", "--quick", "--backbones", "mingru,transformer", "--batch", "2",
                        "--long-batch", "1", "--long-context", "30", "--reps", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "\"backbone\": \"mingru\"");
  EXPECT_HAS(r.out, "\"backbone\": \"transformer\"");
  for (const char* key :
       {"train_ms", "train_long_ms", "window_ms", "recurrent_long_ms", "recurrent_growth", "x_train_ms"}) {
    EXPECT_HAS(r.out, std::string("\"") + key + "\": ");
  }
  const Result bad = run({"bench", "models", "--backbones", "mingru,rnn"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "unknown backbone 'rnn' in --backbones; valid: transformer, mingru, minlstm, gru, lstm, mamba");
}

TEST(Cli, BenchLmRatesEveryBackboneAndTheUncachedTransformer) {
  const Result r = run({"bench", "lm", "--json", "--quick", "--backbones", "mingru,transformer", "--dim", "16",
                        "--layers", "1", "--heads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* part :
       {"\"backbone\": \"mingru\"", "\"backbone\": \"transformer\"", "\"backbone\": \"transformer (no cache)\"",
        "\"chars_per_s_16\": ", "\"chars_per_s_64\": ", "\"x_64\": ", "\"growth\": "}) {
    EXPECT_HAS(r.out, part);
  }
  const Result bad = run({"bench", "lm", "--dim", "10", "--heads", "4"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "--dim must be divisible by --heads");
}

TEST(Cli, BenchPaperMeasuresEveryLayerAndSkipsWhatWouldNotFit) {
  const Result r = run({"bench", "paper", "--json", "--quick", "--lengths", "16,32", "--batch", "2", "--reps", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const std::string name : {"mingru", "minlstm", "mamba", "gru", "lstm", "transformer"}) {
    for (const std::string T : {"16", "32"}) {
      EXPECT_HAS(r.out, "\"backbone\": \"" + name + "\", \"device\": \"cpu\", \"B\": 2, \"T\": " + T +
                            ", \"D\": 32, \"status\": \"ok\", \"ms\": ");
    }
  }
  EXPECT_HAS(r.out, "\"speedup\": ");
  EXPECT_HAS(r.out, "\"memory_ratio\": ");
  // A memory limit below what T=16 took: T=32 is predicted to exceed it and is not run.
  const Result limited = run({"bench", "paper", "--json", "--quick", "--lengths", "16,32", "--batch", "2", "--reps",
                              "1", "--backbones", "mingru", "--max-gib", "0.0000001"});
  ASSERT_EQ(limited.code, 0) << limited.err;
  EXPECT_HAS(limited.out, "\"T\": 32, \"D\": 32, \"status\": \"skipped: expected ");
  const Result bad = run({"bench", "paper", "--lengths", "16,x"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "--lengths expects positive integers separated by commas, got '16,x'");
}

TEST(Cli, CopytaskRunsEveryCombination) {
  const Result r = run({"copytask", "--json", "--quiet", "--backbone", "mingru,minlstm", "--layers", "1,2", "--steps",
                        "3", "--length", "12", "--tokens", "3", "--dim", "8", "--batch", "4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "\"length\": 12, \"tokens\": 3");
  for (const std::string run_key :
       {"\"backbone\": \"mingru\", \"layers\": 1", "\"backbone\": \"mingru\", \"layers\": 2",
        "\"backbone\": \"minlstm\", \"layers\": 1", "\"backbone\": \"minlstm\", \"layers\": 2"}) {
    EXPECT_HAS(r.out, run_key + ", \"seed\": 0, \"accuracy\": ");
  }
  const Result bad = run({"copytask", "--tokens", "20", "--length", "10"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "--tokens must be between 1 and --length");
}

TEST(Cli, CopytaskReportPrintsTheFinishedRunsAndTrainsNothing) {
  const std::string json = ::testing::TempDir() + "/copytask_report.json";
  std::filesystem::remove(json);
  const std::vector<std::string> setting = {
      "--steps", "3",          "--length", "12",      "--tokens",           "3", "--dim", "8", "--batch",
      "4",       "--json-out", json,       "--quiet", "--checkpoint-every", "0"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), setting.begin(), setting.end());
    return args;
  };
  const Result made = run(with({"copytask", "--backbone", "mingru", "--layers", "1", "--seeds", "0"}));
  ASSERT_EQ(made.code, 0) << made.err;
  const std::string before = read_file(json);

  // A grid of 2 backbones × 2 seeds of which one run exists: one cell with one seed, one empty cell.
  const Result report =
      run(with({"copytask", "--report", "--backbone", "mingru,minlstm", "--layers", "1", "--seeds", "0,1"}));
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_HAS(report.out, "| mingru | ");
  EXPECT_HAS(report.out, " (1 seed) |");
  EXPECT_HAS(report.out, "| minlstm | – |");
  EXPECT_EQ(read_file(json), before) << "--report changed the JSON file";

  const Result missing = run({"copytask", "--report", "--json-out", json + ".absent"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_HAS(missing.err, json + ".absent: no such file to report on");
  const Result no_file = run({"copytask", "--report"});
  EXPECT_EQ(no_file.code, 2);
  EXPECT_HAS(no_file.err, "--report reads the runs from --json-out FILE");
}

TEST(Cli, BenchTrainTimesEachVariantAgainstTheEagerHostStep) {
  const Result r = run({"bench", "train", "--json", "--backbones", "mingru", "--batch", "4", "--context", "4",
                        "--transitions", "3000", "--reps", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "{\"backbone\": \"mingru\", \"device\": \"cpu\", \"graph\": \"eager\", \"sampler\": \"host\"");
  EXPECT_HAS(r.out, "\"graph\": \"eager\", \"sampler\": \"device\"");
  EXPECT_HAS(r.out, "\"reps\": 2, \"speedup\": 1}");  // the baseline against itself
  EXPECT_EQ(r.out.find("\"graph\": \"graph\""), std::string::npos) << "no CUDA-graph rows on the CPU";
  const Result bad = run({"bench", "train", "--backbones", "rnn"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_HAS(bad.err, "unknown backbone 'rnn'");
}

// Each load in its own child, repeated; with --vs the yardstick's row and the ratios against it.
TEST(Cli, BenchDataLoadsBesideAYardstick) {
  const std::string d4rl = ::testing::TempDir() + "/bench_yardstick.hdf5";
  const std::string minari = ::testing::TempDir() + "/bench_minari";
  std::filesystem::remove_all(minari);
  datasets::D4rlDataset data = mindt::testing::make_dataset({40, 30}, {1, 2}, 11, 3);
  data.next_observations = data.observations;  // a Minari dataset keeps each episode's last one
  datasets::write_d4rl(d4rl, data);
  const Result converted = run({"data", "convert", d4rl, minari, "--env", "hopper"});
  ASSERT_EQ(converted.code, 0) << converted.err;
  const Result r =
      run({"bench", "data", "--file", minari, "--vs", d4rl, "--reps", "2", "--batch", "2", "--context", "4", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "{\"source\": \"" + minari + "\", ");
  EXPECT_HAS(r.out, "{\"source\": \"" + d4rl + " (yardstick)\", ");
  EXPECT_HAS(r.out, "\"load_ratio\": 1, \"peak_ratio\": 1}");  // the yardstick against itself
  EXPECT_HAS(r.out, "\"transitions\": 70, ");
  EXPECT_HAS(r.out, "\"sampler_headroom\": ");
  const Result table = run({"bench", "data", "--file", d4rl, "--reps", "1", "--batch", "2", "--context", "4"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_HAS(table.out, "70 transitions");
  EXPECT_EQ(table.out.find("load x"), std::string::npos) << "no ratio without --vs";

  const Result no_reps = run({"bench", "data", "--file", d4rl, "--reps", "0"});
  EXPECT_EQ(no_reps.code, 2);
  EXPECT_HAS(no_reps.err, "--reps: expected at least 1, got 0");
  const Result missing = run({"bench", "data", "--file", d4rl, "--vs", "/nonexistent/y.hdf5", "--reps", "1"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_HAS(missing.err, "/nonexistent/y.hdf5: no such file");
  std::filesystem::remove(d4rl);
  std::filesystem::remove_all(minari);
}

TEST(Cli, DataInfoDescribesAD4rlFile) {
  // Hopper-sized rows: two finished episodes (a terminal, a timeout) and an unfinished tail.
  const std::string path = ::testing::TempDir() + "/hopper_info.hdf5";
  datasets::write_d4rl(path, mindt::testing::make_dataset({6, 4, 3}, {1, 2, 0}, 11, 3));
  const Result r = run({"data", "info", path, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_HAS(r.out, "\"env\": \"hopper\", \"env_source\": \"from dimensions\"");
  EXPECT_HAS(r.out, "\"transitions\": 13,");
  EXPECT_HAS(r.out, "\"episodes\": 3, \"terminated\": 1, \"timeouts\": 1, \"unfinished\": 1");
  EXPECT_HAS(r.out, "\"normalized_score\": ");
  EXPECT_HAS(r.out, "{\"key\": \"terminals\", \"dtype\": \"bool\", \"shape\": [13]}");
  const Result table = run({"data", "info", path});
  EXPECT_HAS(table.out, "episodes      3: 1 terminated, 1 truncated by timeout, 1 unfinished tail");
  std::filesystem::remove(path);

  const Result missing = run({"data", "info", "/nonexistent/x.hdf5"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_HAS(missing.err, "mindt data info: error: /nonexistent/x.hdf5: no such file");
  const std::string cheetah = ::testing::TempDir() + "/17x6.hdf5";
  datasets::write_d4rl(cheetah, mindt::testing::make_dataset({5}, {2}, 17, 6));
  EXPECT_HAS(run({"data", "info", cheetah}).out, "fit halfcheetah and walker2d; pass --env");
  EXPECT_HAS(run({"data", "info", cheetah, "--env", "walker2d", "--json"}).out,
             "\"env\": \"walker2d\", \"env_source\": \"given\"");
  const Result wrong_env = run({"data", "info", cheetah, "--env", "hopper"});
  EXPECT_EQ(wrong_env.code, 1);
  EXPECT_HAS(wrong_env.err, "--env hopper has 11-dim observations and 3-dim actions; the file has 17 and 6");
  std::filesystem::remove(cheetah);
}

}  // namespace
}  // namespace mindt::cli
