// Comma-separated option values ("--seeds 0,1,2", "--backbones mingru,transformer"), checked item by
// item; a bad item is a UsageError naming the command, the option and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mindt::cli {

// Integers ≥ minimum, e.g. "64,512,4096".
std::vector<int64_t> parse_integers(const std::string& text, const std::string& command, const std::string& option,
                                    int64_t minimum = 1);
// Finite numbers, e.g. "3600,1800".
std::vector<double> parse_numbers(const std::string& text, const std::string& command, const std::string& option);
// Names from `valid`, e.g. backbones; `noun` names one item in the error ("unknown backbone 'x'").
std::vector<std::string> parse_names(const std::string& text, const std::string& command, const std::string& option,
                                     const std::string& noun, const std::vector<std::string>& valid);

}  // namespace mindt::cli
