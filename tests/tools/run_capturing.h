// Runs a shell command line, its stdout and stderr sent to `output_file`; returns the exit status
// and everything it printed. For the tests that drive the `mindt` binary as a user would.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

namespace mindt::testing {

inline std::pair<int, std::string> run_capturing(const std::string& command_line, const std::string& output_file) {
  const int status = std::system((command_line + " > '" + output_file + "' 2>&1").c_str());
  std::ifstream in(output_file);
  return {status, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
}

}  // namespace mindt::testing
