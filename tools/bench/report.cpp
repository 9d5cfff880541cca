#include "tools/bench/report.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "common/json.h"

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
  json::Writer w;
  w.begin_object().key("rows").begin_array(/*one_per_line=*/true);
  for (const Row& row : rows) {
    w.begin_object();
    for (const auto& [key, v] : row.fields) {
      w.key(key);
      std::visit([&](const auto& x) { w.value(x); }, v);
    }
    w.end_object();
  }
  out << w.end_array().end_object().str() << "\n";
}

}  // namespace mindt::bench
