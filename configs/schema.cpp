#include "configs/schema.h"

#include "common/number_text.h"

#include <cmath>
#include <sstream>
#include <utility>

namespace mindt::config {

namespace {
template <class T>
std::string str(const T& v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

Check<int64_t> at_least(int64_t lo) {
  return [lo](const int64_t& v) { return v >= lo ? "" : "an integer >= " + str(lo); };
}
Check<int64_t> in_range(int64_t lo, int64_t hi) {
  return [lo, hi](const int64_t& v) {
    return v >= lo && v <= hi ? "" : "an integer in [" + str(lo) + ", " + str(hi) + "]";
  };
}
template <>
Check<double> positive<double>() {
  return [](const double& v) { return v > 0 ? "" : std::string("a number > 0"); };
}
template <>
Check<int64_t> positive<int64_t>() {
  return [](const int64_t& v) { return v > 0 ? "" : std::string("an integer > 0"); };
}
Check<double> in_range(double lo, double hi) {
  return
      [lo, hi](const double& v) { return v >= lo && v <= hi ? "" : "a number in [" + str(lo) + ", " + str(hi) + "]"; };
}
Check<double> non_negative() {
  return [](const double& v) { return v >= 0 ? "" : std::string("a number >= 0"); };
}
Check<std::string> one_of(std::vector<std::string> choices) {
  return [choices = std::move(choices)](const std::string& v) {
    for (const auto& c : choices)
      if (c == v) return std::string();
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return "one of [" + list + "]";
  };
}

std::string shortest_round_trip(double v) {
  for (int precision = 1; precision <= 17; ++precision) {
    std::ostringstream s;
    s.precision(precision);
    s << v;
    if (std::stod(s.str()) == v) return s.str();
  }
  return str(v);
}

std::string Sources::of(const std::string& path, const YAML::Node& node) const {
  // An override of this key, of a section containing it, or of a key inside it.
  for (const auto& [key, text] : overrides) {
    if (path == key || path.rfind(key + ".", 0) == 0 || key.rfind(path + ".", 0) == 0) return text;
  }
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? file : file + ":" + std::to_string(mark.line + 1);
}

Reader::Reader(const YAML::Node& node, const Sources& sources, std::string path)
    : node_(node), sources_(sources), path_(std::move(path)) {}

void Reader::fail(const std::string& path, const YAML::Node& node, const std::string& what) const {
  throw ConfigError(sources_.of(path, node) + ": " + path + ": " + what);
}

std::string Reader::text_of(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing (null)";
}

void Reader::finish() const {
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar())
      fail(path_.empty() ? "(top level)" : path_, kv.first, "a key must be a plain name, not " + text_of(kv.first));
    const std::string key = kv.first.as<std::string>();
    if (seen_.count(key)) continue;
    std::string valid;
    for (const auto& k : seen_) valid += (valid.empty() ? "" : ", ") + k;
    const std::string path = path_.empty() ? key : path_ + "." + key;
    throw ConfigError(sources_.of(path, kv.first) + ": unknown key '" + path + "'" +
                      (path_.empty() ? "" : " in section '" + path_ + "'") + " (valid keys: " + valid + ")");
  }
}

template <>
int64_t Reader::parse<int64_t>(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    if (const auto v = parse_integer(node.Scalar())) return *v;
  }
  fail(path, node, "expected an integer, got " + text_of(node));
}

template <>
std::vector<double> Reader::parse<std::vector<double>>(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) fail(path, node, "expected a list of numbers like [3600, 1800], got " + text_of(node));
  std::vector<double> values;
  for (size_t i = 0; i < node.size(); ++i)
    values.push_back(parse<double>(node[i], path + "[" + std::to_string(i) + "]"));
  return values;
}

Check<std::vector<double>> non_empty() {
  return [](const std::vector<double>& v) { return v.empty() ? std::string("at least one number") : std::string(); };
}

template <>
double Reader::parse<double>(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    const auto v = parse_number(node.Scalar());
    if (v && std::isfinite(*v)) return *v;
  }
  fail(path, node, "expected a finite number, got " + text_of(node));
}

template <>
bool Reader::parse<bool>(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
  }
  fail(path, node, "expected true or false, got " + text_of(node));
}

template <>
std::string Reader::parse<std::string>(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) return node.Scalar();
  fail(path, node, "expected a string, got " + text_of(node));
}

}  // namespace mindt::config
