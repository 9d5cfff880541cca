// The configuration of a mindt run: every key a YAML file in configs/ may set, its type, default
// and valid range. Defaults follow the Decision Transformer's published D4RL settings (Chen et al.
// 2021, "Decision Transformer", appendix; docs/training.md). Issues that add features add their
// keys here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "configs/checks.h"

namespace mindt::config {

inline const std::vector<std::string> kBackbones = {"transformer", "mingru", "minlstm", "gru", "lstm", "mamba"};
// The env registry's names (envs/registry.cpp; a test keeps the two equal).
inline const std::vector<std::string> kEnvs = {"halfcheetah",    "hopper",    "walker2d",
                                               "halfcheetah-v5", "hopper-v5", "walker2d-v5"};

// Every backbone is n_layers residual blocks  x += mixer(LN(x)); x += MLP(LN(x))  (GPT-2's block) that
// differ only in the token mixer; each mixer has its own options block below.
struct TransformerConfig {
  int64_t n_heads = 1;
  template <class V>
  void visit(V& v) {
    v.field("n_heads", n_heads, at_least(1));
  }
};

struct MinRnnConfig {
  double expansion = 1.0;  // inner width = embed_dim × expansion
  template <class V>
  void visit(V& v) {
    v.field("expansion", expansion, in_range(0.25, 16.0));
  }
};

struct MambaConfig {
  int64_t d_state = 16;  // N: SSM state size per channel
  int64_t d_conv = 4;    // width of the causal depthwise convolution
  int64_t expand = 2;    // inner width = embed_dim × expand
  int64_t dt_rank = 0;   // rank of the Δ projection; 0 = ceil(embed_dim / 16) as in Mamba
  template <class V>
  void visit(V& v) {
    v.field("d_state", d_state, in_range(int64_t(1), int64_t(256)));
    v.field("d_conv", d_conv, in_range(int64_t(1), int64_t(64)));
    v.field("expand", expand, in_range(int64_t(1), int64_t(16)));
    v.field("dt_rank", dt_rank, at_least(0));
  }
};

struct ModelConfig {
  std::string backbone = "transformer";
  int64_t embed_dim = 128;
  int64_t n_layers = 3;
  double dropout = 0.1;
  int64_t context_len = 20;   // K: steps per training window
  int64_t max_ep_len = 1000;  // size of the timestep embedding
  int64_t mlp_ratio = 4;      // hidden width of each block's MLP = embed_dim × mlp_ratio
  TransformerConfig transformer;
  MinRnnConfig mingru;
  MinRnnConfig minlstm;
  MambaConfig mamba;

  template <class V>
  void visit(V& v) {
    v.field("backbone", backbone, one_of(kBackbones));
    v.field("embed_dim", embed_dim, in_range(int64_t(1), int64_t(65536)));
    v.field("n_layers", n_layers, in_range(int64_t(1), int64_t(256)));
    v.field("dropout", dropout, in_range(0.0, 0.99));
    v.field("context_len", context_len, in_range(int64_t(1), int64_t(1 << 20)));
    v.field("max_ep_len", max_ep_len, at_least(1));
    v.field("mlp_ratio", mlp_ratio, in_range(int64_t(1), int64_t(64)));
    v.section("transformer", transformer);
    v.section("mingru", mingru);
    v.section("minlstm", minlstm);
    v.section("mamba", mamba);
  }
};

struct TrainConfig {
  int64_t batch_size = 64;
  double lr = 1e-4;
  double weight_decay = 1e-4;
  int64_t warmup_steps = 10000;
  int64_t steps = 100000;
  double grad_clip = 0.25;            // 0 disables clipping
  double beta1 = 0.9, beta2 = 0.999;  // AdamW
  int64_t log_every = 100;            // steps between log lines
  int64_t checkpoint_every = 5000;    // steps between checkpoints (and one at the end)
  std::string cuda_graph = "auto";    // on a CUDA device, replay the step as a CUDA graph: auto | on | off
  std::string sampler = "auto";       // where windows are gathered: auto (device on CUDA) | host | device
  // How packed seeds (train --seeds) run their step: turns (one member after another, each exactly
  // its solo run) | stacked (one batched forward over all members' weights) | auto (stacked on CUDA
  // where the backbone has a batched form, else turns).
  std::string pack = "auto";

  template <class V>
  void visit(V& v) {
    v.field("batch_size", batch_size, at_least(1));
    v.field("lr", lr, positive<double>());
    v.field("weight_decay", weight_decay, non_negative());
    v.field("warmup_steps", warmup_steps, at_least(0));
    v.field("steps", steps, at_least(1));
    v.field("grad_clip", grad_clip, non_negative());
    v.field("beta1", beta1, in_range(0.0, 0.999999));
    v.field("beta2", beta2, in_range(0.0, 0.999999));
    v.field("log_every", log_every, at_least(1));
    v.field("checkpoint_every", checkpoint_every, at_least(1));
    v.field("cuda_graph", cuda_graph, one_of({"auto", "on", "off"}));
    v.field("sampler", sampler, one_of({"auto", "host", "device"}));
    v.field("pack", pack, one_of({"auto", "turns", "stacked"}));
  }
};

struct DataConfig {
  std::string path;  // a D4RL-format HDF5 file, or a Minari dataset (folder or id)
  std::string env = "hopper";
  double reward_scale = 1000;  // returns-to-go are divided by this

  template <class V>
  void visit(V& v) {
    v.field("path", path);
    v.field("env", env, one_of(kEnvs));
    v.field("reward_scale", reward_scale, positive<double>());
  }
};

struct EvalConfig {
  std::vector<double> targets;  // returns to condition on; empty = DT's pair for the env
  int64_t episodes = 10;        // per target and seed
  int64_t every = 0;            // steps between evaluations while training; 0 = only at the end
  std::string mode = "window";  // window | recurrent (see agents/decision_policy.h)

  template <class V>
  void visit(V& v) {
    v.field("targets", targets);
    v.field("episodes", episodes, at_least(0));
    v.field("every", every, at_least(0));
    v.field("mode", mode, one_of({"window", "recurrent"}));
  }
};

struct Config {
  int64_t seed = 0;
  std::string device = "auto";  // auto = CUDA when available
  ModelConfig model;
  TrainConfig train;
  DataConfig data;
  EvalConfig eval;

  template <class V>
  void visit(V& v) {
    v.field("seed", seed, at_least(0));
    v.field("device", device, one_of({"auto", "cpu", "cuda"}));
    v.section("model", model);
    v.section("train", train);
    v.section("data", data);
    v.section("eval", eval);
  }
};

// Reads `path` (YAML), applies overrides ("key.path=value", the value parsed as YAML) and checks
// every key. Throws ConfigError naming the file or override, the key and what was expected.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from YAML text (for tests and embedded defaults); `source` names it in errors.
Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides = {});
// The complete resolved config as YAML; parse_config(to_yaml(c)) gives c back.
std::string to_yaml(Config& config);

}  // namespace mindt::config
