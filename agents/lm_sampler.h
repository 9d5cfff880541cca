// Generating text from a language model one character at a time (`mindt lm sample`): the recurrent
// backbones carry their state forward at O(1) per character; the transformer keeps a KV cache.
// When the transformer's cache reaches context_len (the end of its position table), the generator
// keeps the last context_len/2 characters and rebuilds the cache from them, so text can run on
// past the window at a cost amortised over context_len/2 characters (nanoGPT instead reruns the
// whole cropped window for every character).
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agents/char_tokens.h"
#include "agents/language_model.h"

namespace mindt {

// Feeds tokens to a model in step mode, one sequence, and returns the next character's logits.
class TextGenerator {
 public:
  explicit TextGenerator(LanguageModel model);
  at::Tensor feed(int64_t token);                      // logits [V] of the character after `token`
  int64_t context() const { return state_.position; }  // characters the state holds
  // An independent copy of where this generator stands (its state's tensors copied), to continue
  // the same text more than one way.
  TextGenerator clone() const;

 private:
  LanguageModel model_;
  at::TensorOptions token_options_;  // int64 on the model's device: one token tensor per character
  GenerationState state_;
  std::vector<int64_t> history_;  // the transformer's: what a rebuilt cache is made from
};

struct SampleOptions {
  std::u32string prompt;     // empty: start after a newline (nanoGPT's default start)
  int64_t characters = 500;  // to generate after the prompt
  double temperature = 0.8;  // logits are divided by it; → 0 approaches greedy decoding
  int64_t top_k = 200;       // sample among the k likeliest characters (0: all)
  uint64_t seed = 1337;
};

// The generated characters (the prompt not included); `on_char` (may be empty) sees each one as it
// is made. DataError when the prompt has a character outside the vocabulary.
std::u32string sample_text(LanguageModel& model, const CharTokenizer& tokenizer, const SampleOptions& options,
                           const std::function<void(char32_t)>& on_char = {});

// The next token from logits [V] per temperature and top_k.
int64_t sample_token(const at::Tensor& logits, double temperature, int64_t top_k, at::Generator& generator);

}  // namespace mindt
