// `mindt eval CHECKPOINT`: roll a trained decision model out in our environments and report its
// D4RL-normalized score for each target return.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "agents/checkpoint.h"
#include "agents/evaluator.h"
#include "common/atomic_file.h"
#include "datasets/minari_io.h"
#include "envs/d4rl_scores.h"
#include "tools/cli/lists.h"
#include "tools/commands.h"

namespace mindt::cli {
void print_eval_table(std::ostream& out, const EvalOptions& o, const std::vector<TargetResult>& results) {
  out << o.env << ", " << to_string(o.mode) << " mode, " << results.front().episodes
      << " episodes per target, scores against "
      << (o.reference ? "the dataset's ref_min_score/ref_max_score" : "D4RL's reference returns") << "\n"
      << "      target      return (mean ± std)     normalized (mean ± std)   length\n";
  for (const auto& r : results) {
    out << std::fixed << std::setprecision(0) << std::setw(12) << r.target << std::setw(12) << r.return_mean << " ± "
        << std::setw(7) << r.return_std << std::setprecision(1) << std::setw(14) << r.score_mean << " ± "
        << std::setw(6) << r.score_std << std::setprecision(0) << std::setw(14) << r.length_mean << "\n";
  }
}

int run_eval(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt eval: expected one CHECKPOINT");
  const std::string path = args.positionals()[0];
  LoadedModel loaded = load_model(path);
  const config::Config& c = loaded.config;
  EvalOptions o;
  o.env = args.value_or("env", c.data.env);
  o.targets = args.value("targets") ? parse_numbers(*args.value("targets"), "mindt eval", "targets") : c.eval.targets;
  o.episodes = args.value("episodes") ? args.int_value("episodes") : c.eval.episodes;
  o.mode = parse_inference_mode(args.value_or("mode", c.eval.mode));
  o.reward_scale = c.data.reward_scale;
  // The training data's own reference returns, when it is a Minari dataset that is still there.
  if (!args.value("env") && !c.data.path.empty() && datasets::is_minari_source(c.data.path)) {
    try {
      o.reference = datasets::minari_reference_scores(c.data.path);
    } catch (const datasets::DataError&) {  // moved or gone: D4RL's, and the table says so
    }
  }
  o.seeds.clear();
  for (int64_t s : parse_integers(args.value_or("seeds", "0"), "mindt eval", "seeds", 0))
    o.seeds.push_back(static_cast<uint64_t>(s));
  if (o.episodes < 1) throw UsageError("mindt eval: --episodes must be at least 1");
  const auto results = evaluate(loaded.model, o);
  const std::string json = results_json(o, results);
  if (auto out = args.value("out")) {
    write_text_atomically(*out, json);
  }
  if (args.flag("json")) {
    std::cout << json;
  } else {
    print_eval_table(std::cout, o, results);
  }
  return 0;
}

}  // namespace mindt::cli
