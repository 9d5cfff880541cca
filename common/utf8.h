// UTF-8 text as code points and back, strictly: the character corpora of the language model and
// the vocabularies its checkpoints carry.
#pragma once

#include <string>

namespace mindt {

// UTF-8 → code points; a DataError naming `source` and the byte offset of the first malformed,
// overlong or surrogate sequence (or code point past U+10FFFF).
std::u32string decode_utf8(const std::string& bytes, const std::string& source);
std::string encode_utf8(const std::u32string& text);

}  // namespace mindt
