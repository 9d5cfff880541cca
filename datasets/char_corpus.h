// Character-level corpora for the language-model experiment (issue 24): UTF-8 texts joined into
// one character sequence, its vocabulary (every character that occurs, in code-point order, as
// nanoGPT's shakespeare_char builds it) and a train/validation split (the first part trains, the
// last `val_fraction` validates). Built once by `mindt lm data`, stored as a folder:
//   train.txt, val.txt  the two parts, UTF-8
//   corpus.json         {"vocab": "…every character…", "sources": [{"file", "characters"}…],
//                        "val_fraction", "train_characters", "val_characters"}
// Written beside the folder and renamed into place, like a Minari dataset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/utf8.h"

namespace mindt::datasets {

struct CorpusSource {
  std::string file;
  int64_t characters = 0;
};

struct CharCorpus {
  std::u32string vocab;       // sorted, each character once
  std::u32string train, val;  // the text, as code points
  std::vector<CorpusSource> sources;
  double val_fraction = 0.1;
};

// The text files `paths` name: a file as it is, a folder as its *.txt files sorted by name; in
// the order given. DataError for a path that does not exist or a folder without .txt files.
std::vector<std::string> corpus_text_files(const std::vector<std::string>& paths);

// Reads `files` in the order given (the caller decides it; `mindt lm data` sorts them), drops
// carriage returns, joins them with one blank line between, and splits. DataError for a missing,
// empty or non-UTF-8 file, or a split leaving either part empty.
CharCorpus build_char_corpus(const std::vector<std::string>& files, double val_fraction = 0.1);

// The folder `dir` must not exist; written atomically (a temporary folder renamed).
void write_char_corpus(const std::string& dir, const CharCorpus& corpus);
// DataError naming the file when the folder is incomplete or its parts disagree with corpus.json.
CharCorpus read_char_corpus(const std::string& dir);

}  // namespace mindt::datasets
