#include "agents/char_tokens.h"

#include <ATen/ATen.h>

#include <cstdio>

#include "common/errors.h"
#include "common/utf8.h"

namespace mindt {
namespace {

// "'é' (U+00E9)": the character as text, and its code point for the ones a terminal hides.
std::string describe(char32_t c) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", unsigned(c));
  return "'" + encode_utf8(std::u32string(1, c)) + "' (" + code + ")";
}

}  // namespace

CharTokenizer::CharTokenizer(std::u32string vocab) : vocab_(std::move(vocab)) {
  if (vocab_.empty()) throw DataError("the vocabulary is empty");
  for (size_t i = 0; i < vocab_.size(); ++i) {
    if (!index_.emplace(vocab_[i], int64_t(i)).second) {
      throw DataError("the vocabulary repeats the character " + describe(vocab_[i]));
    }
  }
}

at::Tensor CharTokenizer::encode(const std::u32string& text, const std::string& source) const {
  at::Tensor tokens = at::empty({int64_t(text.size())}, at::kLong);
  int64_t* out = tokens.data_ptr<int64_t>();
  for (size_t i = 0; i < text.size(); ++i) {
    const auto found = index_.find(text[i]);
    if (found == index_.end()) {
      throw DataError(source + ": character " + std::to_string(i) + ", " + describe(text[i]) +
                      ", is not in the model's vocabulary of " + std::to_string(vocab_.size()));
    }
    out[i] = found->second;
  }
  return tokens;
}

std::u32string CharTokenizer::decode(const at::Tensor& tokens) const {
  const at::Tensor flat = tokens.to(at::kCPU, at::kLong).contiguous().view({-1});
  const int64_t* in = flat.data_ptr<int64_t>();
  std::u32string text(size_t(flat.numel()), U'\0');
  for (int64_t i = 0; i < flat.numel(); ++i) text[size_t(i)] = vocab_.at(size_t(in[i]));
  return text;
}

}  // namespace mindt
