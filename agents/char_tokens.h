// Characters ↔ tokens for the language model: token i is the vocabulary's i-th character (the
// vocabulary is sorted, so this is nanoGPT's stoi/itos).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>

namespace mindt {

class CharTokenizer {
 public:
  // DataError when `vocab` repeats a character or is empty.
  explicit CharTokenizer(std::u32string vocab);

  // [text.size()] int64; a DataError naming `source` and the first character not in the vocabulary.
  at::Tensor encode(const std::u32string& text, const std::string& source) const;
  std::u32string decode(const at::Tensor& tokens) const;  // any shape, read in order

  const std::u32string& vocab() const { return vocab_; }
  int64_t size() const { return int64_t(vocab_.size()); }

 private:
  std::u32string vocab_;
  std::unordered_map<char32_t, int64_t> index_;
};

}  // namespace mindt
