// `mindt lm …`: the character-level language-model experiment (issue 24). `lm data` builds a
// corpus (datasets/char_corpus.h), `lm train` trains on it (agents/lm_trainer.h).
#include <filesystem>
#include <iostream>

#include "agents/lm_checkpoint.h"
#include "agents/lm_report.h"
#include "agents/lm_sampler.h"
#include "agents/lm_trainer.h"
#include "agents/run/device.h"
#include "common/atomic_file.h"
#include "common/utf8.h"
#include "datasets/char_corpus.h"
#include "tools/cli/ctrl_c.h"
#include "tools/cli/run_names.h"
#include "tools/commands.h"

namespace mindt::cli {
namespace {

// runs/lm-<config's folder>-<config's name>-seed<seed>, e.g. runs/lm-shakespeare-cpu-mingru-seed0.
std::string default_lm_run_dir(const std::string& config_path, const config::LmConfig& config) {
  std::string name = preset_name(config_path);
  if (name.rfind("lm-", 0) != 0) name = "lm-" + name;
  return "runs/" + name + "-seed" + std::to_string(config.seed);
}

}  // namespace

int run_lm_train(const ParsedArgs& args) {
  LmTrainOptions options;
  config::LmConfig config;
  if (auto resume = args.value("resume")) {
    if (!args.positionals().empty())
      throw UsageError("mindt lm train: give either CONFIG or --resume RUN_DIR, not both");
    options.resume = true;
    options.run_dir = *resume;
    config = load_lm_run_config(*resume, args.values("set"));
  } else {
    if (args.positionals().size() != 1)
      throw UsageError("mindt lm train: expected one CONFIG file (or --resume RUN_DIR)");
    config = config::load_lm_config(args.positionals()[0], args.values("set"));
    options.run_dir = args.value_or("out", default_lm_run_dir(args.positionals()[0], config));
  }
  options.progress = !args.flag("quiet");
  LmTrainResult result;
  {
    CtrlC ctrl_c;
    options.should_stop = CtrlC::requested;
    result = train_lm(config, options);
  }
  if (result.interrupted) {
    return report_interrupted(result.steps_done, result.checkpoint, "mindt lm train", options.run_dir);
  }
  std::cout << "trained " << result.steps_done << " steps; best validation loss " << result.best_val_loss << " at step "
            << result.best_step << "; model " << options.run_dir << "/best.pt\n";
  return 0;
}

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

int run_lm_sample(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt lm sample: expected one CHECKPOINT (or RUN_DIR)");
  std::string path = args.positionals()[0];
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / "best.pt").string();
  LoadedLm lm = load_lm(path, resolve_device(args.text("device")));
  SampleOptions options;
  options.prompt = decode_utf8(args.text("prompt"), "--prompt");
  options.characters = args.int_value("characters");
  options.temperature = args.number_value("temperature");
  options.top_k = args.int_value("top-k");
  options.seed = uint64_t(args.int_value("seed"));
  if (options.characters < 0) throw UsageError("mindt lm sample: --characters must be at least 0");
  if (options.temperature <= 0) throw UsageError("mindt lm sample: --temperature must be positive");
  if (options.top_k < 0) throw UsageError("mindt lm sample: --top-k must be at least 0 (0: no limit)");
  const CharTokenizer tokenizer(lm.vocab);
  std::cout << encode_utf8(options.prompt);
  sample_text(lm.model, tokenizer, options,
              [](char32_t c) { std::cout << encode_utf8(std::u32string(1, c)) << std::flush; });
  std::cout << "\n";
  return 0;
}

int run_lm_report(const ParsedArgs& args) {
  if (args.positionals().empty()) throw UsageError("mindt lm report: expected at least one RUN_DIR");
  std::vector<LmRunSummary> runs;
  for (const std::string& dir : args.positionals()) runs.push_back(read_lm_run(dir));
  std::cout << lm_report_table(runs);
  if (auto plot = args.value("plot")) {
    write_text_atomically(*plot, lm_curves_svg(runs, args.text("title")));
    std::cout << "wrote " << *plot << "\n";
  }
  return 0;
}

}  // namespace mindt::cli
