// The `mindt` command registry: every subcommand is described once, as data, in commands.cpp.
// Help text, option parsing and error messages are derived from these descriptions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mindt::cli {

struct OptionSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // empty for a boolean flag
  std::string help;
  std::string default_value;  // shown in --help; empty when there is none
  bool repeated = false;      // may be given several times (read with ParsedArgs::values)
};

// What the parser hands a command: validated options and positional arguments.
class ParsedArgs {
 public:
  bool flag(const std::string& name) const;
  std::optional<std::string> value(const std::string& name) const;  // given (last) or default
  std::vector<std::string> values(const std::string& name) const;   // every occurrence, in order
  std::string value_or(const std::string& name, const std::string& fallback) const;
  // The value given, else the default declared in the command's OptionSpec (written only there).
  std::string text(const std::string& name) const;
  int64_t int_value(const std::string& name) const;    // throws UsageError if not an integer
  double number_value(const std::string& name) const;  // throws UsageError if not a number
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend ParsedArgs parse_args(const struct CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  std::string command_;
};

struct CommandSpec {
  std::string path;     // e.g. "bench scan"
  std::string summary;  // one line, for `mindt --help`
  std::string usage;    // e.g. "mindt bench scan [options]"
  std::string details;  // paragraph(s) for `mindt bench scan --help`
  std::vector<OptionSpec> options;
  std::function<int(const ParsedArgs&)> run;
};

// Bad command-line use: printed with a pointer to --help, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args);
std::string help_text(const CommandSpec& spec);

// All commands, in the order `mindt --help` lists them. Defined in tools/commands.cpp.
const std::vector<CommandSpec>& all_commands();

// Entry point shared by main() and the CLI tests.
int run_cli(const std::vector<std::string>& argv);

}  // namespace mindt::cli
