// The character-level language model (issue 24): its step mode computes its parallel forward for
// every backbone, the transformer's generator rebuilds a full cache to what a cropped window
// computes, checkpoints carry model and vocabulary, a tiny model learns a tiny corpus, a resumed
// run repeats an uninterrupted one, and bad input is a clear error.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "agents/archive_file.h"
#include "agents/char_tokens.h"
#include "agents/checkpoint.h"
#include "agents/language_model.h"
#include "agents/lm_checkpoint.h"
#include "agents/lm_report.h"
#include "agents/lm_sampler.h"
#include "agents/lm_trainer.h"
#include "common/errors.h"
#include "common/utf8.h"
#include "datasets/char_corpus.h"
#include "tests/agents/model_fixtures.h"
#include "tests/expect_text.h"
#include "tests/test_util.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;
using mindt::testing::relative_error;

config::LmModelConfig tiny_lm(const std::string& backbone) {
  const config::ModelConfig m = mindt::testing::tiny_model_config(backbone);
  config::LmModelConfig lm;
  lm.backbone = backbone;
  lm.embed_dim = m.embed_dim;
  lm.n_layers = m.n_layers;
  lm.dropout = 0.0;
  lm.context_len = 24;
  lm.mlp_ratio = m.mlp_ratio;
  lm.transformer = m.transformer;
  lm.mingru = m.mingru;
  lm.minlstm = m.minlstm;
  lm.mamba = m.mamba;
  return lm;
}

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/lm_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

class EveryLmBackbone : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

TEST_P(EveryLmBackbone, StepModeComputesTheParallelForward) {
  for (const bool tied : {true, false}) {
    for (const at::ScalarType dtype : {at::kFloat, at::kDouble}) {
      config::LmModelConfig config = tiny_lm(GetParam());
      config.tie_weights = tied;
      LanguageModel model(config, 19);
      model->to(dtype);
      model->eval();
      torch::NoGradGuard no_grad;
      const int64_t batch = 3, length = config.context_len;
      const at::Tensor tokens = at::randint(19, {batch, length}, at::kLong);
      const at::Tensor whole = model->forward(tokens);
      ASSERT_EQ(whole.sizes(), (std::vector<int64_t>{batch, length, 19}));
      GenerationState state = model->initial_state(batch);
      std::vector<at::Tensor> steps;
      for (int64_t t = 0; t < length; ++t) steps.push_back(model->step(tokens.select(1, t), state));
      EXPECT_LT(relative_error(at::stack(steps, 1), whole), dtype == at::kFloat ? 1e-5 : 1e-12)
          << GetParam() << (tied ? " tied" : " untied") << " in " << dtype;
    }
  }
}

TEST_P(EveryLmBackbone, ACheckpointRebuildsTheModelAndItsVocabulary) {
  const std::string dir = temp_dir("checkpoint_" + GetParam());
  config::LmConfig config;
  config.model = tiny_lm(GetParam());
  const std::u32string vocab = U"\n !,.:;?ABCabcdéü";
  LanguageModel model(config.model, int64_t(vocab.size()));
  model->eval();
  torch::serialize::OutputArchive archive;
  write_lm(archive, model, config, vocab);
  save_archive(archive, dir + "/model.pt");
  LoadedLm loaded = load_lm(dir + "/model.pt");
  EXPECT_EQ(loaded.vocab, vocab);
  EXPECT_EQ(loaded.config.model.backbone, GetParam());
  const at::Tensor tokens = at::randint(int64_t(vocab.size()), {2, 10}, at::kLong);
  torch::NoGradGuard no_grad;
  loaded.model->eval();
  EXPECT_TRUE(at::equal(loaded.model->forward(tokens), model->forward(tokens)));
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backbones, EveryLmBackbone,
                         ::testing::Values("transformer", "mingru", "minlstm", "gru", "lstm", "mamba"),
                         [](const auto& info) { return info.param; });

TEST(LanguageModel, OnlyTheTransformerHasPositionsAndATiedHeadHasNoWeightsOfItsOwn) {
  int64_t tied = 0, untied = 0;
  config::LmModelConfig config = tiny_lm("mingru");
  for (const auto& p : LanguageModel(config, 40)->named_parameters()) {
    EXPECT_EQ(p.key().find("positions"), std::string::npos) << p.key();
    tied += p.value().numel();
  }
  config.tie_weights = false;
  for (const auto& p : LanguageModel(config, 40)->named_parameters()) untied += p.value().numel();
  EXPECT_EQ(untied - tied, 40 * config.embed_dim);
  EXPECT_FALSE(LanguageModel(config, 40)->has_position_limit());
  EXPECT_TRUE(LanguageModel(tiny_lm("transformer"), 40)->has_position_limit());
  EXPECT_THROW(LanguageModel(tiny_lm("transformer"), 40)->forward(at::zeros({1, 25}, at::kLong)), c10::Error);
}

// Past its position table the transformer's generator keeps the last context_len/2 characters:
// what it returns then is what the parallel forward computes on that cropped window.
TEST(TextGenerator, TheTransformersFullCacheIsRebuiltFromTheLastHalfWindow) {
  mindt::testing::seed_torch();
  LanguageModel model(tiny_lm("transformer"), 11);
  model->eval();
  const int64_t context = model->config().context_len, total = context + context / 2 + 3;
  const at::Tensor tokens = at::randint(11, {total}, at::kLong);
  TextGenerator generator(model);
  torch::NoGradGuard no_grad;
  int64_t window_start = 0;
  for (int64_t t = 0; t < total; ++t) {
    const at::Tensor logits = generator.feed(tokens[t].item<int64_t>());
    if (t - window_start + 1 > context) window_start = t + 1 - context / 2;
    const at::Tensor window = tokens.slice(0, window_start, t + 1).unsqueeze(0);
    EXPECT_LT(relative_error(logits, model->forward(window)[0][-1]), 1e-5) << "at character " << t;
  }
}

TEST(Sampling, IsDeterministicPerSeedAndTopOneIsGreedy) {
  mindt::testing::seed_torch();
  const CharTokenizer tokenizer(U"\nabcdefgh");
  LanguageModel model(tiny_lm("minlstm"), tokenizer.size());
  SampleOptions options;
  options.characters = 40;
  options.prompt = U"abc";
  const std::u32string a = sample_text(model, tokenizer, options), b = sample_text(model, tokenizer, options);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 40u);
  options.seed = 7;
  EXPECT_NE(sample_text(model, tokenizer, options), a);  // 40 characters of 9: equal by chance ≈ never
  // Greedy: each next character is the argmax of the parallel forward over everything so far.
  options.top_k = 1;
  const std::u32string greedy = sample_text(model, tokenizer, options);
  std::u32string text = options.prompt;
  torch::NoGradGuard no_grad;
  model->eval();
  for (const char32_t c : greedy) {
    const at::Tensor logits = model->forward(tokenizer.encode(text, "text").unsqueeze(0))[0][-1];
    EXPECT_EQ(tokenizer.vocab()[size_t(logits.argmax().item<int64_t>())], c);
    text.push_back(c);
  }
  options.prompt = U"abz";
  try {
    sample_text(model, tokenizer, options);
    ADD_FAILURE() << "a prompt outside the vocabulary was accepted";
  } catch (const DataError& e) {
    EXPECT_HAS(std::string(e.what()), "the prompt: character 2, 'z' (U+007A), is not in the model's vocabulary of 9");
  }
}

TEST(CharTokenizer, RoundTripsAndRefusesARepeatedCharacter) {
  const CharTokenizer tokenizer(U"\n aéü");
  const std::u32string text = U"aé üa\n";
  EXPECT_EQ(tokenizer.decode(tokenizer.encode(text, "t")), text);
  EXPECT_EQ(tokenizer.encode(U"é", "t").item<int64_t>(), 3);
  EXPECT_THROW(CharTokenizer(U"abca"), DataError);
  EXPECT_THROW(CharTokenizer(U""), DataError);
}

TEST(LmLearningRate, WarmsUpThenFollowsACosineToMinLr) {
  config::LmTrainConfig t;
  t.lr = 1e-3;
  t.min_lr = 1e-4;
  t.warmup_steps = 100;
  t.steps = 5100;
  EXPECT_DOUBLE_EQ(lm_learning_rate(t, 0), 1e-3 / 101);
  EXPECT_DOUBLE_EQ(lm_learning_rate(t, 99), 1e-3 * 100 / 101);
  EXPECT_DOUBLE_EQ(lm_learning_rate(t, 100), 1e-3);
  EXPECT_NEAR(lm_learning_rate(t, 2600), 5.5e-4, 1e-15);  // half way: the mean of lr and min_lr
  EXPECT_NEAR(lm_learning_rate(t, 5100), 1e-4, 1e-15);
  for (int64_t s = 101; s <= 5100; ++s) EXPECT_LE(lm_learning_rate(t, s), lm_learning_rate(t, s - 1));
}

// A corpus of one repeated verse: a tiny model must learn it well within a couple hundred steps.
std::string write_tiny_corpus(const std::string& dir, const std::string& verse, int repeats) {
  std::ofstream text(dir + "/verse.txt");
  for (int i = 0; i < repeats; ++i) text << verse;
  text.close();
  datasets::write_char_corpus(dir + "/corpus", datasets::build_char_corpus({dir + "/verse.txt"}, 0.2));
  return dir + "/corpus";
}

config::LmConfig tiny_run(const std::string& corpus, const std::string& backbone) {
  config::LmConfig c;
  c.device = "cpu";
  c.data = corpus;
  c.model = tiny_lm(backbone);
  c.model.context_len = 16;
  c.train.batch_size = 8;
  c.train.steps = 150;
  c.train.warmup_steps = 10;
  c.train.lr = 3e-3;
  c.train.eval_every = 50;
  c.train.eval_batches = 4;
  c.train.log_every = 1;
  c.train.checkpoint_every = 40;
  return c;
}

std::vector<std::string> log_lines_without_times(const std::string& run_dir) {
  std::ifstream in(run_dir + "/log.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    const auto times = line.find(", \"chars_per_s\"");
    const auto elapsed = line.find(", \"elapsed_s\"");
    lines.push_back(line.substr(0, times != std::string::npos ? times : elapsed));
  }
  return lines;
}

TEST(LmTrainer, ATinyModelLearnsATinyCorpusAndResumesExactly) {
  const std::string dir = temp_dir("train");
  const std::string corpus =
      write_tiny_corpus(dir, "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate.\n", 60);
  for (const std::string backbone : {"mingru", "transformer"}) {
    const config::LmConfig config = tiny_run(corpus, backbone);
    LmTrainOptions whole;
    whole.run_dir = dir + "/whole-" + backbone;
    whole.progress = false;
    const LmTrainResult result = train_lm(config, whole);
    const LmRunSummary summary = read_lm_run(whole.run_dir);
    ASSERT_EQ(summary.curve.size(), 3u);
    EXPECT_TRUE(summary.finished());
    // From ln(vocab) ≈ 3.3 at the start to well under 1 nat per character.
    EXPECT_LT(summary.curve.back().val_loss, 1.0) << backbone;
    EXPECT_LT(summary.curve.back().val_loss, summary.curve.front().val_loss) << backbone;
    EXPECT_DOUBLE_EQ(result.best_val_loss, summary.best_val_loss);
    EXPECT_TRUE(fs::exists(whole.run_dir + "/best.pt"));

    // Stopped after 57 steps (a checkpoint at 40 and the stop's own at 57), then resumed.
    LmTrainOptions stopped = whole;
    stopped.run_dir = dir + "/stopped-" + backbone;
    int polls = 0;
    stopped.should_stop = [&] { return ++polls > 57; };
    EXPECT_TRUE(train_lm(config, stopped).interrupted);
    stopped.resume = true;
    stopped.should_stop = {};
    train_lm(load_lm_run_config(stopped.run_dir), stopped);
    EXPECT_EQ(log_lines_without_times(stopped.run_dir), log_lines_without_times(whole.run_dir)) << backbone;
  }
  fs::remove_all(dir);
}

TEST(LmTrainer, BadCorporaAndAChangedVocabularyAreClearErrors) {
  const std::string dir = temp_dir("bad");
  config::LmConfig config = tiny_run(dir + "/nowhere", "mingru");
  LmTrainOptions options;
  options.run_dir = dir + "/run";
  options.progress = false;
  try {
    train_lm(config, options);
    ADD_FAILURE() << "a missing corpus was accepted";
  } catch (const DataError& e) {
    EXPECT_HAS(std::string(e.what()), dir + "/nowhere: no character corpus there");
    EXPECT_HAS(std::string(e.what()), "mindt lm data");
  }
  EXPECT_FALSE(fs::exists(options.run_dir));

  config.data = write_tiny_corpus(dir, "To be, or not to be.\n", 1);
  try {
    train_lm(config, options);
    ADD_FAILURE() << "a corpus shorter than a window was accepted";
  } catch (const DataError& e) {
    EXPECT_HAS(std::string(e.what()), "too few for one window of model.context_len 16");
  }
  EXPECT_FALSE(fs::exists(options.run_dir));

  // A run stopped, its corpus rebuilt with another vocabulary, then resumed.
  fs::remove_all(config.data);
  config.data = write_tiny_corpus(dir, "To be, or not to be: that is the question.\n", 20);
  int polls = 0;
  options.should_stop = [&] { return ++polls > 5; };
  ASSERT_TRUE(train_lm(config, options).interrupted);
  fs::remove_all(config.data);
  write_tiny_corpus(dir, "Whether 'tis nobler in the mind to suffer.\n", 20);
  options.resume = true;
  try {
    train_lm(load_lm_run_config(options.run_dir), options);
    ADD_FAILURE() << "a changed vocabulary was accepted";
  } catch (const DataError& e) {
    EXPECT_HAS(std::string(e.what()), "its vocabulary");
    EXPECT_HAS(std::string(e.what()), "is not the one " + options.run_dir + "/checkpoint.pt was trained with");
  }
  fs::remove_all(dir);
}

TEST(LmCheckpoint, ADecisionModelCheckpointIsNotALanguageModel) {
  const std::string dir = temp_dir("kind");
  config::Config config;
  config.model = mindt::testing::tiny_model_config("mingru");
  DecisionModel model(config.model, 3, 2);
  save_model(dir + "/dt.pt", model, config);
  try {
    load_lm(dir + "/dt.pt");
    ADD_FAILURE() << "a decision-model checkpoint loaded as a language model";
  } catch (const CheckpointError& e) {
    EXPECT_HAS(std::string(e.what()), dir + "/dt.pt: not a language-model checkpoint");
  }
  EXPECT_THROW(load_lm(dir + "/absent.pt"), CheckpointError);
  fs::remove_all(dir);
}

// A run directory as `mindt lm train` leaves it, with the given validation losses every 100 steps.
std::string fake_run(const std::string& dir, const std::string& backbone, int64_t seed,
                     const std::vector<double>& val_losses, int64_t steps = 300) {
  const std::string run = dir + "/" + backbone + "-" + std::to_string(seed);
  fs::create_directories(run);
  config::LmConfig c;
  c.model.backbone = backbone;
  c.seed = seed;
  c.train.steps = steps;
  std::ofstream(run + "/config.yaml") << config::to_yaml(c);
  std::ofstream log(run + "/log.jsonl");
  for (size_t i = 0; i < val_losses.size(); ++i) {
    const int64_t step = 100 * int64_t(i + 1);
    log << "{\"step\": " << step << ", \"loss\": 2.0, \"lr\": 0.001, \"chars_per_s\": 1, \"elapsed_s\": " << step
        << "}\n";
    log << "{\"step\": " << step << ", \"train_loss\": 1.0, \"val_loss\": " << val_losses[i]
        << ", \"elapsed_s\": " << 1.5 * double(step) << "}\n";
  }
  return run;
}

TEST(LmReport, TablesBestLossItsStepAndTheStepsToACommonLevel) {
  const std::string dir = temp_dir("report");
  std::vector<LmRunSummary> runs;
  runs.push_back(read_lm_run(fake_run(dir, "mingru", 0, {2.0, 1.5, 1.6})));
  runs.push_back(read_lm_run(fake_run(dir, "mingru", 1, {2.1, 1.7, 1.6})));
  runs.push_back(read_lm_run(fake_run(dir, "transformer", 0, {2.4, 1.9, 1.8})));
  runs.push_back(read_lm_run(fake_run(dir, "transformer", 1, {2.2, 1.9})));
  EXPECT_EQ(runs[0].best_step, 200);
  EXPECT_DOUBLE_EQ(runs[0].best_val_loss, 1.5);
  EXPECT_DOUBLE_EQ(runs[0].wall_s, 450);
  EXPECT_FALSE(runs[3].finished());
  const std::string table = lm_report_table(runs);
  // minGRU: best 1.5 and 1.6 → 1.5500 ± 0.0500 at steps 200 and 300; the transformer's mean best
  // (1.8 + 1.9) / 2 = 1.85 is the common level, which minGRU reached at 200 in both seeds.
  EXPECT_HAS(table, "steps to 1.850");
  EXPECT_HAS(table, "mingru       2     1.5500 ± 0.0500     250 ± 50        200 ± 0             450 ± 0         1.548");
  // Only seed 0 of the transformer got to 1.85 (at step 300): seed 1's best is 1.9.
  EXPECT_HAS(table, "transformer  2*    1.8500 ± 0.0500     250 ± 50        300 (1 of 2)        375 ± 75        1.547");
  EXPECT_HAS(table, "* some runs are unfinished");
  const std::string svg = lm_curves_svg(runs, "test");
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
  EXPECT_EQ(lines, 4u);

  runs.push_back(read_lm_run(fake_run(dir, "mamba", 0, {2.0}, /*steps=*/1000)));
  try {
    lm_report_table(runs);
    ADD_FAILURE() << "runs of two settings were tabled together";
  } catch (const std::runtime_error& e) {
    EXPECT_HAS(std::string(e.what()), "was trained in another setting than");
  }
  fs::create_directories(dir + "/empty");
  EXPECT_THROW(read_lm_run(dir + "/empty"), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mindt
