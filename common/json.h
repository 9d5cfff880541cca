// Writing JSON: the one place that formats it, so every output of mindt (logs, eval.json, reports,
// benchmark rows) escapes strings the same way and writes numbers with one precision policy —
// the shortest text that reads back as exactly the same double ("0.1", not "0.10000000000000001";
// "3600"); NaN and ±inf, which JSON lacks, become null.
//
//   json::Writer w;
//   w.begin_object().field("step", 100).field("loss", 0.25).end_object();
//   w.str()  →  {"step": 100, "loss": 0.25}
//
// Items are separated by ", " and keys by ": " (what log.jsonl has always looked like; tools that
// grep a line for "\"step\": " keep working).
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace mindt::json {

// The fewest characters that read back as exactly v ("0.1", "3600", "1e-05"); "null" for NaN, ±inf.
std::string number(double v);
// s as a JSON string literal, quotes included (quotes, backslashes and control characters escaped).
std::string quoted(const std::string& s);

class Writer {
 public:
  Writer& begin_object();
  Writer& end_object();
  // one_per_line: each item on a line of its own, indented by two spaces (long arrays of rows).
  Writer& begin_array(bool one_per_line = false);
  Writer& end_array();
  Writer& key(const std::string& name);

  Writer& value(double v) { return raw(number(v)); }
  Writer& value(float v) { return value(static_cast<double>(v)); }
  Writer& value(bool v) { return raw(v ? "true" : "false"); }
  Writer& value(const std::string& v) { return raw(quoted(v)); }
  Writer& value(const char* v) { return raw(quoted(v)); }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Writer& value(T v) {
    return raw(std::to_string(v));
  }
  Writer& null() { return raw("null"); }
  template <class T>
  Writer& value(const std::vector<T>& items) {
    begin_array();
    for (const T& item : items) value(item);
    return end_array();
  }

  // key(name).value(v): one member of the object being written.
  template <class T>
  Writer& field(const std::string& name, const T& v) {
    return key(name).value(v);
  }

  // The text written so far (complete once every object and array is closed).
  const std::string& str() const { return out_; }

 private:
  struct Level {
    bool first = true;
    bool one_per_line = false;
  };
  Writer& raw(const std::string& text);
  void separate();  // the separator before the next item of the innermost array or object

  std::string out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

}  // namespace mindt::json
