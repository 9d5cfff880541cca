// Typed configuration from YAML: each config struct lists its fields once, in a
// `template <class V> void visit(V& v)` method, and the visitors below read, check and write them.
//
//   struct TrainConfig {
//     double lr = 1e-4;
//     template <class V> void visit(V& v) { v.field("lr", lr, positive<double>()); }
//   };
//
// Reading fails with a ConfigError naming the source (file or --set), the key path and what was
// expected, for: an unknown key (listing the valid ones), a wrong type, a value out of range.
// Keys that are absent keep the struct's default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "configs/checks.h"

namespace mindt::config {

// Where the values came from: the file, and the key paths that --set overrides replaced.
struct Sources {
  std::string file;
  std::map<std::string, std::string> overrides;  // "model.backbone" → "--set model.backbone=mingru"
  std::string of(const std::string& path, const YAML::Node& node) const;
};

class Reader {
 public:
  Reader(const YAML::Node& node, const Sources& sources, std::string path);

  template <class T>
  void field(const char* key, T& value, Check<T> check = {}) {
    seen_.insert(key);
    const YAML::Node child = node_[key];
    if (!child) return;
    const std::string path = join(key);
    T parsed = parse<T>(child, path);
    if (check) {
      const std::string expected = check(parsed);
      if (!expected.empty()) fail(path, child, "expected " + expected + ", got " + text_of(child));
    }
    value = parsed;
  }

  template <class S>
  void section(const char* key, S& value) {
    seen_.insert(key);
    const YAML::Node child = node_[key];
    if (!child || child.IsNull()) return;
    const std::string path = join(key);
    if (!child.IsMap()) fail(path, child, "expected a mapping of keys, got " + text_of(child));
    Reader nested(child, sources_, path);
    value.visit(nested);
    nested.finish();
  }

  // Rejects keys that no field() or section() asked for.
  void finish() const;

 private:
  template <class T>
  T parse(const YAML::Node& node, const std::string& path) const;
  std::string join(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  [[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& what) const;
  static std::string text_of(const YAML::Node& node);

  YAML::Node node_;
  const Sources& sources_;
  std::string path_;
  std::set<std::string> seen_;
};

// The field types a config may use.
template <>
int64_t Reader::parse<int64_t>(const YAML::Node&, const std::string&) const;
template <>
double Reader::parse<double>(const YAML::Node&, const std::string&) const;
template <>
bool Reader::parse<bool>(const YAML::Node&, const std::string&) const;
template <>
std::string Reader::parse<std::string>(const YAML::Node&, const std::string&) const;
template <>
std::vector<double> Reader::parse<std::vector<double>>(const YAML::Node&, const std::string&) const;

// The shortest %g text that reads back as exactly v ("0.1", "1e-05", "3.6e+03"). config.yaml has
// always been written this way and checkpoints embed it, so it stays, unlike JSON's json::number.
std::string shortest_round_trip(double v);

// Writes every field, so a saved config is complete and reloads to the same values.
class Writer {
 public:
  explicit Writer(YAML::Emitter& out) : out_(out) {}
  template <class T, class C = int>
  void field(const char* key, const T& value, C = {}) {
    if constexpr (std::is_same_v<T, double>) {
      out_ << YAML::Key << key << YAML::Value << shortest_round_trip(value);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (double v : value) out_ << shortest_round_trip(v);
      out_ << YAML::EndSeq;
    } else {
      out_ << YAML::Key << key << YAML::Value << value;
    }
  }
  template <class S>
  void section(const char* key, S& value) {
    out_ << YAML::Key << key << YAML::Value << YAML::BeginMap;
    value.visit(*this);
    out_ << YAML::EndMap;
  }

 private:
  YAML::Emitter& out_;
};

}  // namespace mindt::config
