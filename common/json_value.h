// Reading JSON: a small parser into a tree of values, for the JSON files mindt reads back (its own
// eval.json and reports, Minari's metadata.json). Errors name the source and the byte offset.
//
// Python's json module writes the non-standard tokens Infinity, -Infinity and NaN (Minari's space
// descriptions hold them); `allow_non_finite` accepts them, strict JSON otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace mindt::json {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Value {
 public:
  using Array = std::vector<Value>;
  using Object = std::map<std::string, Value>;

  Value() = default;  // null
  explicit Value(bool b) : data_(b) {}
  explicit Value(double d) : data_(d) {}
  explicit Value(std::string s) : data_(std::move(s)) {}
  explicit Value(Array a) : data_(std::make_shared<Array>(std::move(a))) {}
  explicit Value(Object o) : data_(std::make_shared<Object>(std::move(o))) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  bool is_number() const { return std::holds_alternative<double>(data_); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_array() const { return std::holds_alternative<std::shared_ptr<Array>>(data_); }
  bool is_object() const { return std::holds_alternative<std::shared_ptr<Object>>(data_); }

  // The value as that type; std::invalid_argument naming what it is otherwise.
  bool as_bool() const;
  double as_number() const;
  int64_t as_integer() const;  // a number with no fractional part
  const std::string& as_string() const;
  const Array& as_array() const;
  const Object& as_object() const;

  // Object members: find() is null when absent; at() throws std::invalid_argument naming the key.
  const Value* find(const std::string& key) const;
  const Value& at(const std::string& key) const;

  // "null", "a boolean", "a number", "a string", "an array", "an object".
  const char* kind() const;

 private:
  std::variant<std::monostate, bool, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>> data_;
};

// Parses the whole of `text`; `source` names it in errors ("FILE: invalid JSON at byte 17: …").
Value parse(const std::string& text, const std::string& source, bool allow_non_finite = false);
// parse() of a file's contents; ParseError naming the file when it cannot be read.
Value parse_file(const std::string& path, bool allow_non_finite = false);

}  // namespace mindt::json
