// Benchmark results as rows of named fields, printed as an aligned table or as JSON
// ({"rows": [{...}, ...]}) for scripts.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mindt::bench {

using Value = std::variant<std::string, double, int64_t>;

struct Row {
  std::vector<std::pair<std::string, Value>> fields;
  Row& set(const std::string& key, Value v);
  const Value* get(const std::string& key) const;
};

struct Column {
  std::string key;
  std::string title;
  int precision = 2;  // for doubles
};

void print_table(std::ostream& out, const std::vector<Row>& rows, const std::vector<Column>& columns);
void print_json(std::ostream& out, const std::vector<Row>& rows);

}  // namespace mindt::bench
