#include "tools/cli/lists.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/number_text.h"
#include "tools/cli/command.h"

namespace mindt::cli {
namespace {

std::vector<std::string> items(const std::string& text, const std::string& command, const std::string& option) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  if (out.empty()) throw UsageError(command + ": --" + option + " is empty");
  return out;
}

}  // namespace

std::vector<int64_t> parse_integers(const std::string& text, const std::string& command, const std::string& option,
                                    int64_t minimum) {
  std::vector<int64_t> out;
  for (const auto& item : items(text, command, option)) {
    const auto v = parse_integer(item);
    if (!v || *v < minimum) {
      const std::string kind = minimum == 1   ? "positive integers"
                               : minimum == 0 ? "non-negative integers"
                                              : "integers ≥ " + std::to_string(minimum);
      throw UsageError(command + ": --" + option + " expects " + kind + " separated by commas, got '" + text + "'");
    }
    out.push_back(*v);
  }
  return out;
}

std::vector<double> parse_numbers(const std::string& text, const std::string& command, const std::string& option) {
  std::vector<double> out;
  for (const auto& item : items(text, command, option)) {
    const auto v = parse_number(item);
    if (!v || !std::isfinite(*v)) {
      throw UsageError(command + ": --" + option + " expects numbers separated by commas, got '" + text + "'");
    }
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> parse_names(const std::string& text, const std::string& command, const std::string& option,
                                     const std::string& noun, const std::vector<std::string>& valid) {
  std::vector<std::string> out = items(text, command, option);
  for (const auto& item : out) {
    if (std::find(valid.begin(), valid.end(), item) == valid.end()) {
      std::string names;
      for (const auto& v : valid) names += (names.empty() ? "" : ", ") + v;
      throw UsageError(command + ": unknown " + noun + " '" + item + "' in --" + option + "; valid: " + names);
    }
  }
  return out;
}

}  // namespace mindt::cli
