// `mindt lm data TEXT…`: a character corpus for the language-model experiment, built from UTF-8
// text files or folders of them (datasets/char_corpus.h does the work).
#include <filesystem>
#include <iostream>

#include "datasets/char_corpus.h"
#include "tools/commands.h"

namespace mindt::cli {

int run_lm_data(const ParsedArgs& args) {
  if (args.positionals().empty()) throw UsageError("mindt lm data: expected at least one TEXT file or folder");
  const std::string out = args.text("out");
  if (std::filesystem::exists(out)) {
    if (args.flag("if-absent")) {
      std::cout << out << " exists; nothing to do\n";
      return 0;
    }
    throw std::runtime_error(out + " exists; choose another --out or remove it (or pass --if-absent)");
  }
  const std::vector<std::string> files = datasets::corpus_text_files(args.positionals());
  const datasets::CharCorpus corpus = datasets::build_char_corpus(files, args.number_value("val-fraction"));
  datasets::write_char_corpus(out, corpus);
  std::cout << "wrote " << out << ": " << corpus.train.size() + corpus.val.size() << " characters (train "
            << corpus.train.size() << ", validation " << corpus.val.size() << "), a vocabulary of "
            << corpus.vocab.size() << ", from " << files.size() << " file" << (files.size() == 1 ? "" : "s") << "\n";
  return 0;
}

}  // namespace mindt::cli
