// The configuration of a character-level language-model run (`mindt lm train`, issue 24): the same
// backbone stack as the decision model under a token embedding and an output head. Defaults are
// nanoGPT's shakespeare_char settings (6 layers, 6 heads, width 384, context 256, batch 64, dropout
// 0.2, AdamW lr 1e-3 → 1e-4 cosine, 100 warm-up steps, β2 0.99, 5000 steps); configs/lm-shakespeare/
// has them per backbone, beside a CPU-sized setting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "configs/checks.h"
#include "configs/config.h"

namespace mindt::config {

struct LmModelConfig {
  std::string backbone = "transformer";
  int64_t embed_dim = 384;
  int64_t n_layers = 6;
  double dropout = 0.2;
  int64_t context_len = 256;  // characters per training window (the transformer's position table)
  int64_t mlp_ratio = 4;
  bool tie_weights = true;  // the output head reuses the token embedding, as nanoGPT's does
  TransformerConfig transformer{6};
  MinRnnConfig mingru;
  MinRnnConfig minlstm;
  MambaConfig mamba;

  // The backbone's part of the model, in the decision model's terms.
  ModelConfig backbone_config() const;

  template <class V>
  void visit(V& v) {
    v.field("backbone", backbone, one_of(kBackbones));
    v.field("embed_dim", embed_dim, in_range(int64_t(1), int64_t(65536)));
    v.field("n_layers", n_layers, in_range(int64_t(1), int64_t(256)));
    v.field("dropout", dropout, in_range(0.0, 0.99));
    v.field("context_len", context_len, in_range(int64_t(1), int64_t(1 << 20)));
    v.field("mlp_ratio", mlp_ratio, in_range(int64_t(1), int64_t(64)));
    v.field("tie_weights", tie_weights);
    v.section("transformer", transformer);
    v.section("mingru", mingru);
    v.section("minlstm", minlstm);
    v.section("mamba", mamba);
  }
};

struct LmTrainConfig {
  int64_t batch_size = 64;
  double lr = 1e-3;  // after warm-up; decays to min_lr along a cosine by the last step
  double min_lr = 1e-4;
  int64_t warmup_steps = 100;
  int64_t steps = 5000;
  double weight_decay = 0.1;  // on matrices and embeddings (dim ≥ 2) only, as nanoGPT: not biases or norms
  double beta1 = 0.9, beta2 = 0.99;
  double grad_clip = 1.0;  // 0 disables clipping
  int64_t log_every = 10;
  int64_t eval_every = 250;    // steps between validation-loss estimates (and one at the end)
  int64_t eval_batches = 200;  // batches per estimate, each of batch_size windows
  int64_t checkpoint_every = 250;

  template <class V>
  void visit(V& v) {
    v.field("batch_size", batch_size, at_least(1));
    v.field("lr", lr, positive<double>());
    v.field("min_lr", min_lr, non_negative());
    v.field("warmup_steps", warmup_steps, at_least(0));
    v.field("steps", steps, at_least(1));
    v.field("weight_decay", weight_decay, non_negative());
    v.field("beta1", beta1, in_range(0.0, 0.999999));
    v.field("beta2", beta2, in_range(0.0, 0.999999));
    v.field("grad_clip", grad_clip, non_negative());
    v.field("log_every", log_every, at_least(1));
    v.field("eval_every", eval_every, at_least(1));
    v.field("eval_batches", eval_batches, at_least(1));
    v.field("checkpoint_every", checkpoint_every, at_least(1));
  }
};

struct LmConfig {
  int64_t seed = 0;
  std::string device = "auto";
  int64_t threads = 0;                         // CPU threads for torch; 0 = torch's default
  std::string data = "data/shakespeare-char";  // a corpus folder written by `mindt lm data`
  LmModelConfig model;
  LmTrainConfig train;

  template <class V>
  void visit(V& v) {
    v.field("seed", seed, at_least(0));
    v.field("device", device, one_of({"auto", "cpu", "cuda"}));
    v.field("threads", threads, in_range(int64_t(0), int64_t(1024)));
    v.field("data", data);
    v.section("model", model);
    v.section("train", train);
  }
};

LmConfig load_lm_config(const std::string& path, const std::vector<std::string>& overrides = {});
LmConfig parse_lm_config(const std::string& yaml_text, const std::string& source,
                         const std::vector<std::string>& overrides = {});
std::string to_yaml(LmConfig& config);

}  // namespace mindt::config
