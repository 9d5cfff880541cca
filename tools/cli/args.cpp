// Option parsing against a CommandSpec: `--name value`, `--name=value`, boolean `--flag`,
// positional arguments; anything unknown is a UsageError naming the command.
#include <algorithm>
#include <set>
#include <sstream>

#include "common/number_text.h"
#include "tools/cli/command.h"

namespace mindt::cli {

bool ParsedArgs::flag(const std::string& name) const { return values_.count(name) > 0; }

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string ParsedArgs::value_or(const std::string& name, const std::string& fallback) const {
  return value(name).value_or(fallback);
}

std::string ParsedArgs::text(const std::string& name) const {
  const std::optional<std::string> v = value(name);
  if (!v) throw std::logic_error("mindt " + command_ + ": --" + name + " has no value and no declared default");
  return *v;
}

int64_t ParsedArgs::int_value(const std::string& name) const {
  const std::string text = value_or(name, "");
  if (const auto v = parse_integer(text)) return *v;
  throw UsageError("mindt " + command_ + ": --" + name + " expects an integer, got '" + text + "'");
}

double ParsedArgs::number_value(const std::string& name) const {
  const std::string text = value_or(name, "");
  if (const auto v = parse_number(text)) return *v;
  throw UsageError("mindt " + command_ + ": --" + name + " expects a number, got '" + text + "'");
}

ParsedArgs parse_args(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParsedArgs out;
  out.command_ = spec.path;
  auto find = [&](const std::string& name) -> const OptionSpec* {
    for (const auto& o : spec.options)
      if (o.name == name) return &o;
    return nullptr;
  };
  for (const auto& o : spec.options)
    if (!o.value_name.empty() && !o.default_value.empty()) out.values_[o.name] = {o.default_value};
  std::set<std::string> given;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      out.positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), inline_value;
    const bool has_inline = name.find('=') != std::string::npos;
    if (has_inline) {
      inline_value = name.substr(name.find('=') + 1);
      name = name.substr(0, name.find('='));
    }
    const OptionSpec* opt = find(name);
    if (!opt) {
      throw UsageError("mindt " + spec.path + ": unknown option --" + name);
    }
    if (opt->value_name.empty()) {
      if (has_inline) throw UsageError("mindt " + spec.path + ": --" + name + " takes no value");
      out.values_[name] = {"1"};
      continue;
    }
    if (!has_inline && i + 1 >= args.size()) {
      throw UsageError("mindt " + spec.path + ": --" + name + " needs a value (" + opt->value_name + ")");
    }
    const std::string v = has_inline ? inline_value : args[++i];
    auto& slot = out.values_[name];
    if (opt->repeated && given.count(name)) {
      slot.push_back(v);
    } else {
      slot = {v};  // replaces the default; a repeated non-list option keeps the last
    }
    given.insert(name);
  }
  return out;
}

std::string help_text(const CommandSpec& spec) {
  std::ostringstream s;
  s << "usage: " << spec.usage << "\n\n" << spec.summary << "\n";
  if (!spec.details.empty()) s << "\n" << spec.details << "\n";
  s << "\noptions:\n";
  size_t width = 6;  // "--help"
  std::vector<std::string> heads;
  for (const auto& o : spec.options) {
    heads.push_back("--" + o.name + (o.value_name.empty() ? "" : " " + o.value_name));
    width = std::max(width, heads.back().size());
  }
  for (size_t i = 0; i < spec.options.size(); ++i) {
    const auto& o = spec.options[i];
    s << "  " << heads[i] << std::string(width - heads[i].size() + 2, ' ') << o.help;
    if (!o.default_value.empty()) s << " (default: " << o.default_value << ")";
    s << "\n";
  }
  s << "  --help" << std::string(width - 6 + 2, ' ') << "show this help\n";
  return s.str();
}

}  // namespace mindt::cli
