#include "common/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace mindt::json {

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char text[32];
  // Without a precision, to_chars writes the fewest characters that read back as exactly v.
  const auto [end, error] = std::to_chars(text, text + sizeof text, v);
  if (error != std::errc()) throw std::logic_error("json::number: to_chars failed");
  return std::string(text, end);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void Writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  Level& level = levels_.back();
  if (level.one_per_line)
    out_ += level.first ? "\n  " : ",\n  ";
  else if (!level.first)
    out_ += ", ";
  level.first = false;
}

Writer& Writer::raw(const std::string& text) {
  separate();
  out_ += text;
  return *this;
}

Writer& Writer::begin_object() {
  raw("{");
  levels_.push_back({});
  return *this;
}

Writer& Writer::end_object() {
  if (levels_.empty() || after_key_) throw std::logic_error("json::Writer: end_object without an open object");
  levels_.pop_back();
  out_ += "}";
  return *this;
}

Writer& Writer::begin_array(bool one_per_line) {
  raw("[");
  levels_.push_back({true, one_per_line});
  return *this;
}

Writer& Writer::end_array() {
  if (levels_.empty() || after_key_) throw std::logic_error("json::Writer: end_array without an open array");
  const bool one_per_line = levels_.back().one_per_line && !levels_.back().first;
  levels_.pop_back();
  out_ += one_per_line ? "\n]" : "]";
  return *this;
}

Writer& Writer::key(const std::string& name) {
  if (levels_.empty() || after_key_) throw std::logic_error("json::Writer: key '" + name + "' outside an object");
  raw(quoted(name) + ": ");
  after_key_ = true;
  return *this;
}

}  // namespace mindt::json
