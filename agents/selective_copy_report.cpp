#include "agents/selective_copy_report.h"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/json.h"
#include "common/json_value.h"
#include "common/mean_std.h"

namespace mindt {
namespace {

// The minRNN paper's selective-copying accuracies (%) by layer count (Feng et al. 2024;
// recalled, not read from the PDF: docs/results.md §2 marks them UNSURE); its setting follows the
// Mamba paper's (T=4096, 16 tokens).
const std::map<std::string, std::vector<double>> kPaper = {{"mingru", {37.0, 96.8, 99.5}},
                                                           {"minlstm", {37.6, 85.7, 96.0}}};
// Baselines the paper quotes from the Mamba paper with one figure each, not by layer count.
const std::map<std::string, double> kPaperSingle = {{"mamba", 99.8}};

}  // namespace

std::string copy_runs_json(const CopyTrainOptions& base, const std::vector<CopyRun>& runs) {
  json::Writer w;
  w.begin_object().field("length", base.task.length).field("tokens", base.task.tokens).field("dim", base.dim);
  w.field("steps", base.steps).field("batch", base.batch).field("lr", base.lr).key("runs").begin_array();
  for (const auto& r : runs) {
    w.begin_object().field("backbone", r.backbone).field("layers", r.layers).field("seed", r.seed);
    w.field("accuracy", r.result.accuracy).field("final_loss", r.result.final_loss);
    w.field("parameters", r.result.parameters).field("seconds", r.result.seconds).end_object();
  }
  return w.end_array().end_object().str() + "\n";
}

std::vector<CopyRun> read_copy_runs(const std::string& path, const CopyTrainOptions& base) {
  if (!std::filesystem::exists(path)) return {};
  std::vector<CopyRun> runs;
  try {
    const json::Value root = json::parse_file(path);
    const std::vector<std::pair<std::string, double>> setting = {
        {"length", double(base.task.length)}, {"tokens", double(base.task.tokens)}, {"dim", double(base.dim)},
        {"steps", double(base.steps)},        {"batch", double(base.batch)},        {"lr", base.lr}};
    for (const auto& [key, value] : setting) {
      const double stored = root.at(key).as_number();
      if (std::abs(stored - value) > 1e-12 * std::max(1.0, std::abs(value))) {
        std::ostringstream why;
        why << path << " holds runs with " << key << " " << stored << ", not " << value
            << "; use another --json-out or delete it";
        throw std::runtime_error(why.str());
      }
    }
    for (const json::Value& r : root.at("runs").as_array()) {
      CopyRun run;
      run.backbone = r.at("backbone").as_string();
      run.layers = r.at("layers").as_integer();
      run.seed = r.at("seed").as_integer();
      run.result.accuracy = r.at("accuracy").as_number();
      run.result.final_loss = r.at("final_loss").as_number();
      run.result.parameters = r.at("parameters").as_integer();
      run.result.seconds = r.at("seconds").as_number();
      runs.push_back(run);
    }
  } catch (const json::ParseError& e) {
    throw std::runtime_error(path + ": not a `mindt copytask` JSON file (" + e.what() + "); use another --json-out");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": not a `mindt copytask` JSON file (" + e.what() + "); use another --json-out");
  }
  return runs;
}

std::string copy_table(const CopyTrainOptions& base, const std::vector<std::string>& backbones,
                       const std::vector<int64_t>& layers, const std::vector<int64_t>& seeds,
                       const std::vector<CopyRun>& runs) {
  std::ostringstream out;
  out << "Selective copying: " << base.task.tokens << " tokens among " << base.task.length << " positions, "
      << base.steps << " steps of batch " << base.batch << ", width " << base.dim << "; accuracy (%) on "
      << base.test_sequences << " fresh sequences, " << (seeds.size() > 1 ? "mean ± std over seeds" : "one seed")
      << "\n\n| backbone |";
  for (int64_t n : layers) out << " " << n << " layer" << (n > 1 ? "s" : "") << " |";
  out << "\n|---|";
  for (size_t i = 0; i < layers.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& backbone : backbones) {
    out << "| " << backbone << " |";
    for (int64_t n : layers) {
      std::vector<double> xs;
      for (const auto& r : runs) {
        if (r.backbone == backbone && r.layers == n) xs.push_back(100 * r.result.accuracy);
      }
      if (xs.empty()) {
        out << " – |";
        continue;
      }
      const MeanStd s = mean_std(xs);
      out << " " << std::fixed << std::setprecision(1) << s.mean;
      if (xs.size() > 1) out << " ± " << s.std;
      if (xs.size() < seeds.size()) out << " (" << xs.size() << (xs.size() == 1 ? " seed)" : " seeds)");
      out << " |";
    }
    out << "\n";
    if (auto paper = kPaper.find(backbone); paper != kPaper.end()) {
      out << "| " << backbone << ", paper (T=4096) |";
      for (int64_t n : layers) {
        if (n >= 1 && n <= int64_t(paper->second.size()))
          out << " " << paper->second[size_t(n - 1)] << " |";
        else
          out << " |";
      }
      out << "\n";
    }
  }
  for (const auto& backbone : backbones) {
    if (auto paper = kPaperSingle.find(backbone); paper != kPaperSingle.end()) {
      out << "\n"
          << backbone << ", paper (T=4096, from the Mamba paper; layers not given per figure): " << std::fixed
          << std::setprecision(1) << paper->second << "\n";
    }
  }
  return out.str();
}

}  // namespace mindt
