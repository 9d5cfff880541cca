#include "datasets/char_corpus.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json.h"
#include "common/json_value.h"
#include "common/utf8.h"

namespace mindt::datasets {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot read it (missing, or not a file)");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every character of a and b, once each, in code-point order.
std::u32string sorted_unique(const std::u32string& a, const std::u32string& b) {
  std::set<char32_t> seen(a.begin(), a.end());
  seen.insert(b.begin(), b.end());
  return {seen.begin(), seen.end()};
}

}  // namespace

std::vector<std::string> corpus_text_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (fs::is_regular_file(path)) {
      files.push_back(path);
    } else if (fs::is_directory(path)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path))
        if (entry.is_regular_file() && entry.path().extension() == ".txt") found.push_back(entry.path().string());
      if (found.empty()) throw DataError(path + ": a folder without .txt files");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      throw DataError(path + ": no such file or folder");
    }
  }
  return files;
}

CharCorpus build_char_corpus(const std::vector<std::string>& files, double val_fraction) {
  if (files.empty()) throw DataError("a character corpus needs at least one text file");
  if (!(val_fraction > 0 && val_fraction < 1))
    throw DataError("the validation fraction must lie strictly between 0 and 1, got " + std::to_string(val_fraction));
  CharCorpus c;
  c.val_fraction = val_fraction;
  std::u32string text;
  for (const std::string& file : files) {
    std::u32string part = decode_utf8(read_bytes(file), file);
    part.erase(std::remove(part.begin(), part.end(), U'\r'), part.end());
    if (part.empty()) throw DataError(file + ": empty text");
    if (!text.empty()) text += U"\n\n";
    text += part;
    c.sources.push_back({file, int64_t(part.size())});
  }
  const size_t train = size_t(std::llround(double(text.size()) * (1 - val_fraction)));
  if (train == 0 || train == text.size())
    throw DataError("a corpus of " + std::to_string(text.size()) + " characters is too short to split");
  c.train = text.substr(0, train);
  c.val = text.substr(train);
  c.vocab = sorted_unique(c.train, c.val);
  return c;
}

void write_char_corpus(const std::string& dir, const CharCorpus& c) {
  if (fs::exists(dir)) throw DataError(dir + ": already exists; choose another output or remove it");
  write_folder_atomically(dir, [&](const std::string& temporary_dir) {
    const fs::path temporary(temporary_dir);
    write_text_atomically((temporary / "train.txt").string(), encode_utf8(c.train));
    write_text_atomically((temporary / "val.txt").string(), encode_utf8(c.val));
    json::Writer w;
    w.begin_object().field("vocab", encode_utf8(c.vocab)).key("sources").begin_array(true);
    for (const CorpusSource& s : c.sources)
      w.begin_object().field("file", s.file).field("characters", s.characters).end_object();
    w.end_array().field("val_fraction", c.val_fraction);
    w.field("train_characters", int64_t(c.train.size())).field("val_characters", int64_t(c.val.size()));
    write_text_atomically((temporary / "corpus.json").string(), w.end_object().str() + "\n");
  });
}

CharCorpus read_char_corpus(const std::string& dir) {
  const std::string meta_path = (fs::path(dir) / "corpus.json").string();
  if (!fs::exists(meta_path))
    throw DataError(dir + ": not a character corpus (no corpus.json; make one with `mindt lm data`)");
  const json::Value meta = json::parse_file(meta_path);
  CharCorpus c;
  try {
    c.vocab = decode_utf8(meta.at("vocab").as_string(), meta_path + ": vocab");
    c.val_fraction = meta.at("val_fraction").as_number();
    for (const json::Value& s : meta.at("sources").as_array())
      c.sources.push_back({s.at("file").as_string(), s.at("characters").as_integer()});
    c.train = decode_utf8(read_bytes((fs::path(dir) / "train.txt").string()), dir + "/train.txt");
    c.val = decode_utf8(read_bytes((fs::path(dir) / "val.txt").string()), dir + "/val.txt");
    if (int64_t(c.train.size()) != meta.at("train_characters").as_integer() ||
        int64_t(c.val.size()) != meta.at("val_characters").as_integer())
      throw DataError(meta_path + ": train.txt or val.txt does not hold the characters it says (damaged?)");
  } catch (const std::invalid_argument& e) {
    throw DataError(meta_path + ": " + e.what());
  }
  if (sorted_unique(c.train, c.val) != c.vocab)
    throw DataError(meta_path + ": vocab is not the set of characters in train.txt and val.txt");
  return c;
}

}  // namespace mindt::datasets
