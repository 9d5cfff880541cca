// The config spine: configs/base.yaml agrees with the struct defaults, overrides apply, output
// round-trips, and every kind of bad input fails with the source, the key path and the expectation.
#include <gtest/gtest.h>

#include <fstream>

#include "configs/config.h"
#include "configs/lm_config.h"
#include "tests/expect_text.h"

namespace mindt::config {
namespace {

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(yaml, "test.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, BaseYamlListsExactlyTheDefaults) {
  Config defaults;
  Config base = load_config(MINDT_SOURCE_DIR "/configs/base.yaml");
  EXPECT_EQ(to_yaml(base), to_yaml(defaults));
}

TEST(Config, ResolvedYamlRoundTrips) {
  Config c = parse_config("model: {backbone: minlstm, dropout: 0.3}\ntrain: {lr: 3.0e-4}", "x.yaml");
  const std::string text = to_yaml(c);
  Config again = parse_config(text, "again.yaml");
  EXPECT_EQ(to_yaml(again), text);
  EXPECT_EQ(again.model.backbone, "minlstm");
  EXPECT_DOUBLE_EQ(again.train.lr, 3e-4);
  EXPECT_HAS(text, "dropout: 0.3\n");  // shortest form, not 0.29999999999999999
}

TEST(Config, OverridesApplyInOrderAndCreateSections) {
  const Config c = parse_config(
      "model: {backbone: transformer}", "x.yaml",
      {"model.backbone=mingru", "model.mingru.expansion=2", "train.lr=1e-3", "train.lr=5e-4", "data.path=/tmp/x.hdf5"});
  EXPECT_EQ(c.model.backbone, "mingru");
  EXPECT_DOUBLE_EQ(c.model.mingru.expansion, 2.0);
  EXPECT_DOUBLE_EQ(c.train.lr, 5e-4);
  EXPECT_EQ(c.data.path, "/tmp/x.hdf5");
  EXPECT_EQ(c.model.embed_dim, 128);  // untouched keys keep their defaults
}

TEST(ConfigErrors, UnknownKeysAreNamedWithTheValidOnes) {
  const std::string top = error_of("seed: 1\nmodle: {}\n");
  EXPECT_HAS(top, "test.yaml:2");
  EXPECT_HAS(top, "unknown key 'modle'");
  EXPECT_HAS(top, "valid keys: data, device, eval, model, seed, train");
  const std::string nested = error_of("model:\n  embeddim: 64\n");
  EXPECT_HAS(nested, "test.yaml:2");
  EXPECT_HAS(nested, "unknown key 'model.embeddim' in section 'model'");
  EXPECT_HAS(nested, "embed_dim");
}

TEST(ConfigErrors, WrongTypesSayWhatWasExpected) {
  EXPECT_HAS(error_of("model:\n  embed_dim: abc\n"), "test.yaml:2: model.embed_dim: expected an integer, got 'abc'");
  EXPECT_HAS(error_of("model:\n  embed_dim: 1.5\n"), "model.embed_dim: expected an integer, got '1.5'");
  EXPECT_HAS(error_of("train: {lr: fast}"), "train.lr: expected a finite number, got 'fast'");
  EXPECT_HAS(error_of("train: {lr: .nan}"), "train.lr: expected a finite number");
  EXPECT_HAS(error_of("data: {path: [a, b]}"), "data.path: expected a string, got a list");
  EXPECT_HAS(error_of("model: 3"), "model: expected a mapping of keys, got '3'");
  EXPECT_HAS(error_of("- 1\n- 2\n"), "test.yaml: expected a mapping of keys at the top level");
  EXPECT_HAS(error_of("eval: {targets: 3600}"),
             "eval.targets: expected a list of numbers like [3600, 1800], got '3600'");
  EXPECT_HAS(error_of("eval: {targets: [3600, high]}"), "eval.targets[1]: expected a finite number, got 'high'");
}

TEST(Config, ListsOfNumbersRoundTrip) {
  Config c = parse_config("eval: {targets: [3600, 1800.5]}", "x.yaml");
  EXPECT_EQ(c.eval.targets, (std::vector<double>{3600, 1800.5}));
  EXPECT_EQ(parse_config(to_yaml(c), "again").eval.targets, c.eval.targets);
}

TEST(ConfigErrors, OutOfRangeValuesSayTheRange) {
  EXPECT_HAS(error_of("model: {dropout: 1.5}"), "model.dropout: expected a number in [0, 0.99], got '1.5'");
  EXPECT_HAS(error_of("model: {n_layers: 0}"), "model.n_layers: expected an integer in [1, 256], got '0'");
  EXPECT_HAS(error_of("train: {lr: -1}"), "train.lr: expected a number > 0, got '-1'");
  EXPECT_HAS(error_of("train: {batch_size: 0}"), "train.batch_size: expected an integer >= 1");
  EXPECT_HAS(error_of("model: {backbone: rnn}"),
             "model.backbone: expected one of [transformer, mingru, minlstm, gru, lstm, mamba], got 'rnn'");
  EXPECT_HAS(error_of("device: tpu"), "device: expected one of [auto, cpu, cuda]");
}

TEST(ConfigErrors, OverrideErrorsNameTheOverride) {
  EXPECT_HAS(error_of("", {"model.backbon=mingru"}), "--set model.backbon=mingru: unknown key 'model.backbon'");
  EXPECT_HAS(error_of("", {"train.lr=abc"}), "--set train.lr=abc: train.lr: expected a finite number, got 'abc'");
  EXPECT_HAS(error_of("seed: 3", {"seed.x=1"}), "--set seed.x=1: 'seed' is a value, not a section");
  EXPECT_HAS(error_of("", {"seed.x=1"}), "--set seed.x=1: seed: expected an integer, got a mapping");
  EXPECT_HAS(error_of("", {"model.backbone"}), "--set model.backbone: expected key.path=value");
  EXPECT_HAS(error_of("", {"model..x=1"}), "empty key");
  EXPECT_HAS(error_of("", {"model.dropout=[1"}), "not valid YAML");
}

TEST(ConfigErrors, SyntaxErrorsAndMissingFiles) {
  EXPECT_HAS(error_of("model:\n  embed_dim: [1, 2\n"), "test.yaml:");
  EXPECT_HAS(error_of("model:\n  embed_dim: [1, 2\n"), "YAML syntax error");
  try {
    load_config("/nonexistent/dir/x.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_HAS(std::string(e.what()), "/nonexistent/dir/x.yaml: cannot open config file");
  }
}

}  // namespace
}  // namespace mindt::config

#include <filesystem>

namespace mindt::config {
namespace {

// Every preset in configs/<env>-<dataset>-v2/ (D4RL) and configs/mujoco-<env>-<level>-v0/ (Minari)
// loads, names its env (and Minari id) and DT's targets, and presets of one experiment differ only
// in model.backbone.
TEST(Presets, EveryPresetLoadsAndOnlyTheBackboneDiffers) {
  int presets = 0;
  for (const auto& folder : std::filesystem::directory_iterator(std::string(MINDT_SOURCE_DIR) + "/configs")) {
    if (!folder.is_directory() || folder.path().filename().string().rfind("lm-", 0) == 0) continue;
    std::string reference_yaml;
    for (const char* backbone : {"transformer", "mingru", "minlstm"}) {
      const std::string path = folder.path().string() + "/" + backbone + ".yaml";
      ASSERT_TRUE(std::filesystem::exists(path)) << path;
      Config c = load_config(path);
      ++presets;
      EXPECT_EQ(c.model.backbone, backbone);
      const std::string name = folder.path().filename().string();
      if (name.rfind("mujoco-", 0) == 0) {  // Minari's: mujoco-<env>-<level>-v0, the id, the v5 env
        const std::string env = c.data.env.substr(0, c.data.env.size() - 3);
        EXPECT_EQ(c.data.env.substr(c.data.env.size() - 3), "-v5") << path;
        EXPECT_EQ(name.rfind("mujoco-" + env + "-", 0), 0u) << path;
        EXPECT_EQ(c.data.path, "mujoco/" + env + "/" + name.substr(8 + env.size())) << path;
      } else {
        EXPECT_EQ(name.rfind(c.data.env + "-", 0), 0u) << path;
      }
      EXPECT_EQ(c.eval.targets.size(), 2u) << path;
      c.model.backbone = "transformer";
      if (reference_yaml.empty()) reference_yaml = to_yaml(c);
      EXPECT_EQ(to_yaml(c), reference_yaml) << path << " differs from its transformer preset beyond model.backbone";
    }
  }
  EXPECT_EQ(presets, 54);  // D4RL's 9 experiments and Minari's 9, 3 backbones each
}

// The language-model presets (configs/lm-*/): one per backbone of the paper's figure, differing
// only in model.backbone, the full one being exactly nanoGPT's shakespeare_char setting.
TEST(Presets, LanguageModelPresetsDifferOnlyInTheBackbone) {
  for (const char* folder : {"lm-shakespeare", "lm-shakespeare-cpu"}) {
    std::string reference_yaml;
    for (const char* backbone : {"transformer", "mingru", "minlstm", "mamba"}) {
      const std::string path = std::string(MINDT_SOURCE_DIR) + "/configs/" + folder + "/" + backbone + ".yaml";
      LmConfig c = load_lm_config(path);
      EXPECT_EQ(c.model.backbone, backbone);
      EXPECT_EQ(c.data, "data/shakespeare-char") << path;
      c.model.backbone = "transformer";
      if (reference_yaml.empty()) reference_yaml = to_yaml(c);
      EXPECT_EQ(to_yaml(c), reference_yaml) << path << " differs from its transformer preset beyond model.backbone";
    }
  }
  const LmConfig full = load_lm_config(std::string(MINDT_SOURCE_DIR) + "/configs/lm-shakespeare/transformer.yaml");
  EXPECT_EQ(full.model.n_layers, 6);
  EXPECT_EQ(full.model.transformer.n_heads, 6);
  EXPECT_EQ(full.model.embed_dim, 384);
  EXPECT_EQ(full.model.context_len, 256);
  EXPECT_DOUBLE_EQ(full.model.dropout, 0.2);
  EXPECT_EQ(full.train.batch_size, 64);
  EXPECT_EQ(full.train.steps, 5000);
  EXPECT_DOUBLE_EQ(full.train.lr, 1e-3);
  EXPECT_DOUBLE_EQ(full.train.min_lr, 1e-4);
  EXPECT_DOUBLE_EQ(full.train.beta2, 0.99);
}

TEST(LmConfig, WrongKeysAndTypesNameTheFileAndKey) {
  auto error_of_lm = [](const std::string& yaml, const std::vector<std::string>& overrides = {}) -> std::string {
    try {
      parse_lm_config(yaml, "lm.yaml", overrides);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string backbone = error_of_lm("model: {backbone: rwkv}");
  EXPECT_HAS(backbone, "lm.yaml");
  EXPECT_HAS(backbone, "model.backbone");
  EXPECT_HAS(error_of_lm("train: {stepz: 3}"), "train.stepz");
  EXPECT_HAS(error_of_lm("model: {tie_weights: maybe}"), "model.tie_weights");
  EXPECT_HAS(error_of_lm("", {"train.eval_batches=0"}), "train.eval_batches");
  LmConfig c = parse_lm_config("model: {backbone: mamba}\ntrain: {min_lr: 0}", "x.yaml");
  EXPECT_EQ(to_yaml(c), [&] {
    LmConfig again = parse_lm_config(to_yaml(c), "again.yaml");
    return to_yaml(again);
  }());
}

}  // namespace
}  // namespace mindt::config
