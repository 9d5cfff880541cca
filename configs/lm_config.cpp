#include "configs/lm_config.h"

namespace mindt::config {

ModelConfig LmModelConfig::backbone_config() const {
  ModelConfig m;
  m.backbone = backbone;
  m.embed_dim = embed_dim;
  m.n_layers = n_layers;
  m.dropout = dropout;
  m.context_len = context_len;
  m.mlp_ratio = mlp_ratio;
  m.transformer = transformer;
  m.mingru = mingru;
  m.minlstm = minlstm;
  m.mamba = mamba;
  return m;
}

}  // namespace mindt::config
