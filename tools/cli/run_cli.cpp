// Finds the command named by the leading words of argv, parses its options and runs it. Errors
// become one clear line on stderr and a non-zero exit, never an uncaught exception.
#include <ATen/Version.h>
#include <c10/util/Exception.h>
#include <torch/cuda.h>
#include <torch/headeronly/version.h>

#include <iostream>
#include <sstream>

#include "kernels/linear_scan.h"
#include "tools/cli/command.h"

namespace mindt::cli {
namespace {

constexpr const char* kVersion = "0.1.0";

std::vector<std::string> split_words(const std::string& path) {
  std::istringstream in(path);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void print_overview(std::ostream& out, const std::string& prefix) {
  out << "usage: mindt " << (prefix.empty() ? "<command>" : prefix + " <command>") << " [options]\n\n";
  if (prefix.empty()) {
    out << "mindt — offline RL with decision models (transformer, minGRU, minLSTM, GRU, LSTM, Mamba).\n\n";
  }
  out << "commands:\n";
  size_t width = 0;
  for (const auto& c : all_commands()) width = std::max(width, c.path.size());
  for (const auto& c : all_commands()) {
    if (!prefix.empty() && c.path.rfind(prefix + " ", 0) != 0) continue;
    out << "  " << c.path << std::string(width - c.path.size() + 2, ' ') << c.summary << "\n";
  }
  out << "\nRun `mindt <command> --help` for a command's options.\n";
}

}  // namespace

int run_cli(const std::vector<std::string>& argv) {
  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_overview(std::cout, "");
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    // What a bug report needs, and what tests ask before running GPU cases.
    std::cout << "mindt " << kVersion << "\n"
              << "LibTorch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH
              << "; CUDA kernels " << (kernels::cuda::compiled() ? "built" : "not built") << "; CUDA devices "
              << int(torch::cuda::device_count()) << "; ATen CPU kernels " << at::get_cpu_capability() << "\n";
    return 0;
  }
  // The longest command path that matches the leading words wins.
  const CommandSpec* best = nullptr;
  size_t best_len = 0;
  for (const auto& c : all_commands()) {
    const auto words = split_words(c.path);
    if (words.size() <= args.size() && std::equal(words.begin(), words.end(), args.begin()) &&
        words.size() > best_len) {
      best = &c;
      best_len = words.size();
    }
  }
  if (!best) {
    // A known group ("bench") without its subcommand lists the group; anything else is unknown.
    bool is_group = false;
    for (const auto& c : all_commands()) is_group |= c.path.rfind(args[0] + " ", 0) == 0;
    if (is_group && (args.size() == 1 || args[1] == "--help")) {
      print_overview(std::cout, args[0]);
      return args.size() == 1 ? 2 : 0;
    }
    std::cerr << "mindt: unknown command '" << args[0] << (is_group && args.size() > 1 ? " " + args[1] : "")
              << "'. Run `mindt --help` for the list.\n";
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + best_len, args.end());
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
      std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
    std::cout << help_text(*best);
    return 0;
  }
  try {
    return best->run(parse_args(*best, rest));
  } catch (const UsageError& e) {
    std::cerr << e.what() << "\nRun `mindt " << best->path << " --help` for usage.\n";
    return 2;
  } catch (const c10::Error& e) {
    std::cerr << "mindt " << best->path << ": error: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "mindt " << best->path << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mindt::cli
