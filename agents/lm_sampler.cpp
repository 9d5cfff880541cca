#include "agents/lm_sampler.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/module.h>

#include "common/errors.h"

namespace mindt {

TextGenerator::TextGenerator(LanguageModel model)
    : model_(std::move(model)),
      token_options_(at::TensorOptions(at::kLong).device(model_->parameters().front().device())) {
  model_->eval();
  state_ = model_->initial_state(1);
}

at::Tensor TextGenerator::feed(int64_t token) {
  torch::NoGradGuard no_grad;
  auto step = [&](int64_t t) { return model_->step(at::full({1}, t, token_options_), state_); };
  if (!model_->has_position_limit()) return step(token).squeeze(0);
  history_.push_back(token);
  if (state_.position == model_->config().context_len) {
    const int64_t keep = std::max<int64_t>(model_->config().context_len / 2, 1);
    history_.erase(history_.begin(), history_.end() - keep);
    state_ = model_->initial_state(1);
    at::Tensor logits;
    for (const int64_t t : history_) logits = step(t);
    return logits.squeeze(0);
  }
  return step(token).squeeze(0);
}

TextGenerator TextGenerator::clone() const {
  TextGenerator copy(*this);
  for (auto& layer : copy.state_.backbone.layers)
    for (auto& tensor : layer) tensor = tensor.clone();
  return copy;
}

int64_t sample_token(const at::Tensor& logits, double temperature, int64_t top_k, at::Generator& generator) {
  at::Tensor scaled = logits.to(at::kCPU, at::kFloat) / std::max(temperature, 1e-6);
  if (top_k > 0 && top_k < scaled.size(0)) {
    const at::Tensor kth = std::get<0>(scaled.topk(top_k)).min();
    scaled = scaled.masked_fill(scaled < kth, -std::numeric_limits<float>::infinity());
  }
  return at::multinomial(at::softmax(scaled, 0), 1, false, generator).item<int64_t>();
}

std::u32string sample_text(LanguageModel& model, const CharTokenizer& tokenizer, const SampleOptions& options,
                           const std::function<void(char32_t)>& on_char) {
  std::u32string prompt = options.prompt;
  if (prompt.empty()) {
    if (tokenizer.vocab().find(U'\n') == std::u32string::npos)
      throw DataError("the model's vocabulary has no newline to start from: give a prompt");
    prompt.assign(1, U'\n');  // (assigning the literal trips a false -Wstringop-overflow in GCC 12)
  }
  const at::Tensor prompt_tokens = tokenizer.encode(prompt, "the prompt");
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  TextGenerator text(model);
  at::Tensor logits;
  for (int64_t i = 0; i < prompt_tokens.size(0); ++i) logits = text.feed(prompt_tokens[i].item<int64_t>());
  std::u32string out;
  for (int64_t i = 0; i < options.characters; ++i) {
    const int64_t token = sample_token(logits, options.temperature, options.top_k, generator);
    const char32_t c = tokenizer.vocab()[size_t(token)];
    out.push_back(c);
    if (on_char) on_char(c);
    if (i + 1 < options.characters) logits = text.feed(token);
  }
  return out;
}

}  // namespace mindt
