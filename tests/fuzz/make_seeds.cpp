// Writes each fuzz target's seed corpus with mindt's own writers, so the fuzzer starts from valid
// files and mutates inward: FOLDER/<target>/… for d4rl_file, minari_dataset, config_text,
// checkpoint_file and policy_file (tools/fuzz.sh runs it before the first fuzzing run).
#include <torch/serialize/output-archive.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "agents/archive_file.h"
#include "agents/checkpoint.h"
#include "agents/lm_checkpoint.h"
#include "agents/sac/policy_file.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/minari_io.h"
#include "envs/registry.h"

namespace {

namespace fs = std::filesystem;
using mindt::datasets::D4rlDataset;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out.flush()) throw std::runtime_error(path.string() + ": cannot write");
}

// A few short episodes of hopper-sized data (11 observations, 3 actions), the last one unfinished.
D4rlDataset small_dataset(bool with_extras, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  const std::vector<int64_t> lengths = {5, 3, 4};
  D4rlDataset d;
  const int64_t n = 12, obs = 11, act = 3;
  d.observations = {std::vector<float>(n * obs), n, obs};
  d.next_observations = {std::vector<float>(n * obs), n, obs};
  d.actions = {std::vector<float>(n * act), n, act};
  for (float& v : d.observations.data) v = uniform(rng);
  for (float& v : d.next_observations.data) v = uniform(rng);
  for (float& v : d.actions.data) v = uniform(rng);
  for (int64_t r = 0; r < n; ++r) d.rewards.push_back(uniform(rng));
  d.terminals.assign(n, 0);
  d.timeouts.assign(n, 0);
  d.terminals[4] = 1;
  d.timeouts[7] = 1;
  if (with_extras) {
    d.infos["qpos"] = {std::vector<float>(n * 6, 0.5f), n, 6};
    d.metadata["env"] = std::string("hopper");
    d.metadata["algorithm"] = std::string("SAC");
    d.metadata["policy/return"] = 1234.5;
  }
  return d;
}

void d4rl_seeds(const fs::path& dir) {
  mindt::datasets::write_d4rl((dir / "plain.hdf5").string(), small_dataset(false, 1));
  mindt::datasets::write_d4rl((dir / "extras.hdf5").string(), small_dataset(true, 2));
}

// minari_dataset's framing: a 4-byte length, metadata.json, main_data.hdf5.
void minari_seeds(const fs::path& dir) {
  const fs::path scratch = dir / "scratch";
  mindt::datasets::MinariInfo info;
  info.dataset_id = "mindt/hopper/fuzz-v0";
  info.env_spec = mindt::envs::gymnasium_env_spec_json("hopper");
  info.observation_space = mindt::envs::observation_space_json("hopper");
  info.action_space = mindt::envs::action_space_json("hopper");
  info.algorithm_name = "fuzz";
  info.ref_min_score = -20.0;
  info.ref_max_score = 3234.3;
  mindt::datasets::write_minari(scratch.string(), small_dataset(false, 3), info);
  const std::string json = read_file(scratch / "data/metadata.json");
  const uint32_t n = uint32_t(json.size());
  std::string framed = {char(n & 0xff), char(n >> 8 & 0xff), char(n >> 16 & 0xff), char(n >> 24 & 0xff)};
  write_file(dir / "hopper.bin", framed + json + read_file(scratch / "data/main_data.hdf5"));
  fs::remove_all(scratch);
}

// Every shipped config and base.yaml, alone and with overrides.
void config_seeds(const fs::path& dir, const fs::path& configs) {
  int i = 0;
  for (const auto& entry : fs::recursive_directory_iterator(configs)) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string text = read_file(entry.path());
    write_file(dir / ("config" + std::to_string(i++) + ".yaml"), text);
    if (i % 4 == 1)
      write_file(dir / ("config" + std::to_string(i++) + ".yaml"),
                 text + "\n#--set\nmodel.backbone=mamba\ntrain.lr=3e-4\neval.targets=[1, 2.5]\nseed=7");
  }
}

void checkpoint_seeds(const fs::path& dir) {
  for (const std::string backbone : {"transformer", "mingru", "minlstm", "gru", "lstm", "mamba"}) {
    mindt::config::Config config;
    config.model.backbone = backbone;
    config.model.embed_dim = 8;
    config.model.n_layers = 1;
    config.model.context_len = 3;
    config.model.max_ep_len = 10;
    config.model.mlp_ratio = 1;
    config.model.mamba.d_state = 2;
    config.model.mamba.d_conv = 2;
    config.data.env = "hopper";
    mindt::DecisionModel model(config.model, 11, 3);
    mindt::save_model((dir / (backbone + ".pt")).string(), model, config);
    // The language model's checkpoint of the same backbone, for the target's second loader.
    mindt::config::LmConfig lm;
    lm.model.backbone = backbone;
    lm.model.embed_dim = 8;
    lm.model.n_layers = 1;
    lm.model.context_len = 4;
    lm.model.mlp_ratio = 1;
    lm.model.transformer.n_heads = 2;
    lm.model.mamba = config.model.mamba;
    const std::u32string vocab = U"\n abcé";
    mindt::LanguageModel language_model(lm.model, int64_t(vocab.size()));
    torch::serialize::OutputArchive archive;
    mindt::write_lm(archive, language_model, lm, vocab);
    mindt::save_archive(archive, (dir / ("lm-" + backbone + ".pt")).string());
  }
}

void policy_seeds(const fs::path& dir) {
  mindt::sac::TanhGaussianPolicy policy(11, 3, 4);
  mindt::sac::save_policy_file((dir / "hopper.pt").string(), policy, {"hopper", 4, 1000, 12.5});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s OUT_FOLDER CONFIGS_FOLDER\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  try {
    for (const char* target : {"d4rl_file", "minari_dataset", "config_text", "checkpoint_file", "policy_file"})
      fs::create_directories(out / target);
    d4rl_seeds(out / "d4rl_file");
    minari_seeds(out / "minari_dataset");
    config_seeds(out / "config_text", argv[2]);
    checkpoint_seeds(out / "checkpoint_file");
    policy_seeds(out / "policy_file");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_seeds: %s\n", e.what());
    return 1;
  }
  std::printf("seed corpora written under %s\n", out.c_str());
  return 0;
}
