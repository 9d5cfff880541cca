#include "common/json_value.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace mindt::json {
namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& source, bool allow_non_finite)
      : text_(text), source_(source), allow_non_finite_(allow_non_finite) {}

  Value document() {
    Value v = value(0);
    skip_space();
    if (at_ < text_.size()) fail("text after the JSON value");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 512;  // deeper nesting is refused, not a stack overflow

  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError(source_ + ": invalid JSON at byte " + std::to_string(at_) + ": " + what);
  }
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t'))
      ++at_;
  }
  bool take(const char* word) {
    const size_t n = std::char_traits<char>::length(word);
    if (text_.compare(at_, n, word) != 0) return false;
    at_ += n;
    return true;
  }

  Value value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    skip_space();
    if (at_ >= text_.size()) fail("unexpected end of text");
    const char c = text_[at_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return Value(string());
    if (take("true")) return Value(true);
    if (take("false")) return Value(false);
    if (take("null")) return Value();
    if (allow_non_finite_) {
      if (take("NaN")) return Value(std::numeric_limits<double>::quiet_NaN());
      if (take("Infinity")) return Value(std::numeric_limits<double>::infinity());
      if (take("-Infinity")) return Value(-std::numeric_limits<double>::infinity());
    }
    return Value(number());
  }

  // Skips white space, then consumes `c` if it comes next.
  bool next_is(char c) {
    skip_space();
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }

  Value object(int depth) {
    ++at_;  // {
    Value::Object members;
    if (next_is('}')) return Value(std::move(members));
    do {
      skip_space();
      if (at_ >= text_.size() || text_[at_] != '"') fail("expected a quoted key");
      std::string key = string();
      if (!next_is(':')) fail("expected ':' after key \"" + key + "\"");
      members[key] = value(depth + 1);
    } while (next_is(','));
    if (!next_is('}')) fail("expected ',' or '}' in an object");
    return Value(std::move(members));
  }

  Value array(int depth) {
    ++at_;  // [
    Value::Array items;
    if (next_is(']')) return Value(std::move(items));
    do {
      items.push_back(value(depth + 1));
    } while (next_is(','));
    if (!next_is(']')) fail("expected ',' or ']' in an array");
    return Value(std::move(items));
  }

  static void append_utf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  uint32_t hex4() {
    if (at_ + 4 > text_.size()) fail("a \\u escape needs four hex digits");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[at_++];
      code <<= 4;
      if (h >= '0' && h <= '9')
        code |= uint32_t(h - '0');
      else if (h >= 'a' && h <= 'f')
        code |= uint32_t(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        code |= uint32_t(h - 'A' + 10);
      else
        fail("a \\u escape needs four hex digits");
    }
    return code;
  }

  std::string string() {
    ++at_;  // "
    std::string out;
    while (true) {
      if (at_ >= text_.size()) fail("a string is not closed");
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) fail("a string is not closed");
      const char e = text_[at_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t code = hex4();
          if (code >= 0xD800 && code < 0xDC00) {  // a surrogate pair
            if (!take("\\u")) fail("a lone UTF-16 surrogate");
            const uint32_t low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("a lone UTF-16 surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default:
          fail(std::string("an unknown escape \\") + e);
      }
    }
  }

  double number() {
    const size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    auto digits = [&] {
      const size_t from = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      return at_ - from;
    };
    const size_t int_digits = digits();
    if (int_digits == 0) fail("expected a value");
    if (int_digits > 1 && text_[start + (text_[start] == '-')] == '0') fail("a number with a leading zero");
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (digits() == 0) fail("digits must follow a decimal point");
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (digits() == 0) fail("digits must follow an exponent");
    }
    std::istringstream in(text_.substr(start, at_ - start));
    in.imbue(std::locale::classic());
    double v = 0;
    in >> v;
    if (in.fail()) v = text_[start] == '-' ? -HUGE_VAL : HUGE_VAL;  // beyond double's range
    return v;
  }

  const std::string& text_;
  const std::string& source_;
  bool allow_non_finite_;
  size_t at_ = 0;
};

}  // namespace

bool Value::as_bool() const {
  if (!is_bool()) throw std::invalid_argument(std::string("expected a boolean, got ") + kind());
  return std::get<bool>(data_);
}

double Value::as_number() const {
  if (!is_number()) throw std::invalid_argument(std::string("expected a number, got ") + kind());
  return std::get<double>(data_);
}

int64_t Value::as_integer() const {
  const double d = as_number();
  if (!(std::floor(d) == d && std::abs(d) < 9.2e18)) {
    throw std::invalid_argument("expected an integer, got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

const std::string& Value::as_string() const {
  if (!is_string()) throw std::invalid_argument(std::string("expected a string, got ") + kind());
  return std::get<std::string>(data_);
}

const Value::Array& Value::as_array() const {
  if (!is_array()) throw std::invalid_argument(std::string("expected an array, got ") + kind());
  return *std::get<std::shared_ptr<Array>>(data_);
}

const Value::Object& Value::as_object() const {
  if (!is_object()) throw std::invalid_argument(std::string("expected an object, got ") + kind());
  return *std::get<std::shared_ptr<Object>>(data_);
}

const Value* Value::find(const std::string& key) const {
  const Object& o = as_object();
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->second;
}

const Value& Value::at(const std::string& key) const {
  const Value* v = find(key);
  if (!v) throw std::invalid_argument("no key \"" + key + "\"");
  return *v;
}

const char* Value::kind() const {
  if (is_null()) return "null";
  if (is_bool()) return "a boolean";
  if (is_number()) return "a number";
  if (is_string()) return "a string";
  if (is_array()) return "an array";
  return "an object";
}

Value parse(const std::string& text, const std::string& source, bool allow_non_finite) {
  return Parser(text, source, allow_non_finite).document();
}

Value parse_file(const std::string& path, bool allow_non_finite) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError(path + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, allow_non_finite);
}

}  // namespace mindt::json
