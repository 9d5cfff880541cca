#include "tools/bench/report.h"

#include <cstdio>
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace mindt::bench {

Row& Row::set(const std::string& key, Value v) {
  for (auto& f : fields) {
    if (f.first == key) {
      f.second = std::move(v);
      return *this;
    }
  }
  fields.emplace_back(key, std::move(v));
  return *this;
}

const Value* Row::get(const std::string& key) const {
  for (const auto& f : fields)
    if (f.first == key) return &f.second;
  return nullptr;
}

namespace {

std::string format(const Value* v, int precision) {
  if (!v) return "-";
  if (auto s = std::get_if<std::string>(v)) return *s;
  if (auto i = std::get_if<int64_t>(v)) return std::to_string(*i);
  std::ostringstream o;
  o << std::fixed << std::setprecision(precision) << std::get<double>(*v);
  return o.str();
}

}  // namespace

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void print_table(std::ostream& out, const std::vector<Row>& rows, const std::vector<Column>& columns) {
  std::vector<size_t> width;
  for (const auto& c : columns) {
    size_t w = c.title.size();
    for (const auto& r : rows) w = std::max(w, format(r.get(c.key), c.precision).size());
    width.push_back(w);
  }
  for (size_t i = 0; i < columns.size(); ++i) out << std::setw(int(width[i]) + 2) << columns[i].title;
  out << "\n";
  for (const auto& r : rows) {
    for (size_t i = 0; i < columns.size(); ++i)
      out << std::setw(int(width[i]) + 2) << format(r.get(columns[i].key), columns[i].precision);
    out << "\n";
  }
}

void print_json(std::ostream& out, const std::vector<Row>& rows) {
  out << "{\"rows\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    out << (i ? ",\n  " : "\n  ") << "{";
    for (size_t j = 0; j < rows[i].fields.size(); ++j) {
      const auto& [key, v] = rows[i].fields[j];
      out << (j ? ", " : "") << json_string(key) << ": ";
      if (auto s = std::get_if<std::string>(&v)) {
        out << json_string(*s);
      } else if (auto n = std::get_if<int64_t>(&v)) {
        out << *n;
      } else {
        const double d = std::get<double>(v);
        if (std::isfinite(d)) {
          out << std::setprecision(6) << d;
        } else {
          out << "null";
        }
      }
    }
    out << "}";
  }
  out << "\n]}\n";
}

}  // namespace mindt::bench
