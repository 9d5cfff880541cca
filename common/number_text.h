// Numbers from text that must be numbers through and through: "12" is 12, "12abc" and "" are not
// (std::stoll alone would take the 12 and drop the rest silently). For config values, command-line
// options and lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mindt {

// The whole of `text` as a base-10 integer; nothing when it is not one or is out of range.
std::optional<int64_t> parse_integer(const std::string& text);
// The whole of `text` as a double ("inf" and "nan" included: callers that need a finite number
// say so); nothing for anything else.
std::optional<double> parse_number(const std::string& text);

}  // namespace mindt
